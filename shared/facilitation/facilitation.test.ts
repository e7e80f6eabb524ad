import { describe, expect, it } from 'vitest';
import { TEMPLATES } from '../schema.ts';
import {
  addRefusal,
  metaRefusal,
  refusalSince,
  stampChanges,
  closeVote,
  currentPhase,
  draftRefusal,
  editRefusal,
  endTimer,
  extendTimer,
  goToPhase,
  goToPhaseById,
  initialSession,
  markRemoved,
  nextPhase,
  openVote,
  parseSessionState,
  pauseTimer,
  phasesOf,
  prevPhase,
  repeatRound,
  resumeTimer,
  revealVote,
  setCoFacilitator,
  setLocked,
  setPrivateMode,
  standingOf,
  startTimer,
  stopTimer,
  templateDefinition,
  timerRemaining,
  voteRefusal,
  type SessionState,
  type SessionView,
  type Step,
} from './index.ts';

const T0 = 1_700_000_000_000;

/** The state of a step that must succeed. */
function must(step: Step): SessionState {
  if (!step.ok) throw new Error(`refused: ${step.code} ${step.message}`);
  return step.state;
}

function refusedWith(step: Step, code: string): string {
  expect(step.ok).toBe(false);
  if (step.ok) return '';
  expect(step.code).toBe(code);
  return step.message;
}

/** Hackathon at the phase with this id. */
function hackathonAt(id: string): SessionState {
  const start = initialSession('hackathon');
  return id === 'frame' ? start : must(goToPhaseById(start, 'hackathon', id, T0));
}

describe('templates', () => {
  it('every template has its phases in the order its method runs them', () => {
    const ids = (t: Parameters<typeof phasesOf>[0]) => phasesOf(t).map((p) => p.id);
    expect(ids('design-sprint')).toEqual(['understand', 'sketch', 'decide', 'prototype', 'test']);
    expect(ids('hackathon')).toEqual(['frame', 'ideate', 'vote', 'build', 'pitch']);
    expect(ids('lightning-decision-jam')).toEqual(['problems', 'vote-problems', 'reframe', 'solutions', 'vote-ideas', 'actions']);
    expect(ids('open')).toEqual(['open']);
  });

  it('every phase asks one plain sentence, and ids are unique within a template', () => {
    for (const template of TEMPLATES) {
      const phases = phasesOf(template);
      expect(new Set(phases.map((p) => p.id)).size).toBe(phases.length);
      for (const phase of phases) {
        expect(phase.asks).toMatch(/^[A-Z“].*[.?!]$/);
        expect(phase.asks).not.toMatch(/\n/);
        expect(phase.asks.length).toBeLessThan(120);
      }
    }
  });

  it('what phases allow follows the table: votes add nothing, Pitch locks, private mode is suggested for solo writing', () => {
    const allows = (t: Parameters<typeof phasesOf>[0], id: string) => phasesOf(t).find((p) => p.id === id)!.allows;
    expect(allows('design-sprint', 'understand').add).toEqual(['problem', 'note']);
    expect(allows('design-sprint', 'sketch')).toMatchObject({ add: ['idea'], privateModeSuggested: true });
    expect(allows('design-sprint', 'decide')).toMatchObject({ add: [], edit: false, vote: ['ideas'] });
    expect(allows('hackathon', 'vote')).toMatchObject({ add: [], vote: ['ideas'] });
    expect(allows('hackathon', 'pitch')).toMatchObject({ add: [], locked: true });
    expect(allows('lightning-decision-jam', 'problems')).toMatchObject({ add: ['problem'], privateModeSuggested: true });
    expect(allows('lightning-decision-jam', 'vote-problems').vote).toEqual(['problems']);
    expect(allows('lightning-decision-jam', 'reframe')).toMatchObject({ add: [], edit: true });
    expect(allows('lightning-decision-jam', 'solutions')).toMatchObject({ add: ['idea'], privateModeSuggested: true });
    expect(allows('lightning-decision-jam', 'vote-ideas').vote).toEqual(['ideas']);
    expect(allows('lightning-decision-jam', 'actions').add).toEqual(['note']);
    expect(allows('open', 'open')).toEqual({ add: ['problem', 'idea', 'note'], edit: true, vote: ['ideas', 'problems'], privateModeSuggested: false, locked: false });
  });

  it('starter content: a hackathon starts with a "How might we …?" problem; the others start empty', () => {
    expect(templateDefinition('hackathon').starter).toEqual([expect.objectContaining({ kind: 'problem', title: 'How might we …?' })]);
    expect(templateDefinition('lightning-decision-jam').starter).toEqual([]);
    expect(templateDefinition('open').starter).toEqual([]);
  });
});

describe('phase machine: moving between phases', () => {
  it('a new session is at the first phase, round 1, unlocked, no timer, no vote', () => {
    expect(initialSession('lightning-decision-jam')).toEqual({
      phaseIndex: 0,
      round: 1,
      locked: false,
      privateMode: false,
      timer: { status: 'idle', durationMs: 0, endsAt: null, remainingMs: null },
      vote: null,
      votesOpened: 0,
      coFacilitators: [],
      removed: [],
      lockedAt: null,
      phaseStartedAt: null,
    });
  });

  it('stamps when the lock and the phase changed, so a refusal can say since when', () => {
    const s0 = initialSession('hackathon');
    const locked = stampChanges(s0, { ...s0, locked: true }, 1000);
    expect(locked.lockedAt).toBe(1000);
    expect(refusalSince(locked, { code: 'locked' })).toBe(1000);
    // still locked later: the time it was locked stays
    expect(stampChanges(locked, { ...locked, privateMode: true }, 2000).lockedAt).toBe(1000);
    expect(stampChanges(locked, { ...locked, locked: false }, 3000).lockedAt).toBeNull();
    const next = stampChanges(s0, { ...s0, phaseIndex: 1 }, 4000);
    expect(refusalSince(next, { code: 'wrong-phase' })).toBe(4000);
    expect(refusalSince(next, { code: 'private-mode' })).toBeNull();
    // and both survive storage
    expect(parseSessionState(JSON.stringify(locked), 'hackathon').lockedAt).toBe(1000);
  });

  it('only those who run the session write the meta', () => {
    expect(metaRefusal('facilitator')).toBeNull();
    expect(metaRefusal('co-facilitator')).toBeNull();
    expect(metaRefusal('contributor')?.code).toBe('forbidden');
    expect(metaRefusal('viewer')?.code).toBe('forbidden');
  });

  it('next and back walk the phases and stop at either end with a reason', () => {
    let s = initialSession('design-sprint');
    expect(refusedWith(prevPhase(s, 'design-sprint', T0), 'invalid-state')).toBe('This is the first phase.');
    for (let i = 1; i < 5; i++) {
      s = must(nextPhase(s, 'design-sprint', T0));
      expect(s.phaseIndex).toBe(i);
    }
    expect(refusedWith(nextPhase(s, 'design-sprint', T0), 'invalid-state')).toBe('This is the last phase.');
    expect(must(prevPhase(s, 'design-sprint', T0)).phaseIndex).toBe(3);
  });

  it('setPhase by id; unknown ids and the current phase are refused', () => {
    const s = must(goToPhaseById(initialSession('hackathon'), 'hackathon', 'build', T0));
    expect(currentPhase(s, 'hackathon').name).toBe('Build');
    refusedWith(goToPhaseById(s, 'hackathon', 'party', T0), 'not-found');
    refusedWith(goToPhaseById(s, 'hackathon', 'build', T0), 'invalid-state');
    refusedWith(goToPhase(s, 'hackathon', 99, T0), 'not-found');
  });

  it('entering Pitch locks the board and leaving it unlocks; a lock set by hand elsewhere stays', () => {
    const pitch = hackathonAt('pitch');
    expect(pitch.locked).toBe(true);
    expect(must(prevPhase(pitch, 'hackathon', T0)).locked).toBe(false);
    const lockedByHand = must(setLocked(hackathonAt('frame'), true));
    expect(must(nextPhase(lockedByHand, 'hackathon', T0)).locked).toBe(true);
  });

  it('changing phase closes an open vote (keeping it), stops the timer and starts at round 1', () => {
    let s = must(openVote(hackathonAt('vote'), 'hackathon', {}, T0));
    s = must(startTimer(s, 60_000, T0));
    s = must(repeatRound(s, T0));
    s = must(openVote(s, 'hackathon', {}, T0));
    s = must(startTimer(s, 60_000, T0));
    const next = must(nextPhase(s, 'hackathon', T0 + 5));
    expect(next.vote).toMatchObject({ round: 2, status: 'closed', closedAt: T0 + 5 });
    expect(next.timer.status).toBe('idle');
    expect(next.round).toBe(1);
  });

  it('repeatRound runs the phase again: round + 1, an open vote closes, the next vote is a new round', () => {
    let s = must(openVote(hackathonAt('vote'), 'hackathon', {}, T0));
    s = must(repeatRound(s, T0 + 10));
    expect(s.round).toBe(2);
    expect(s.vote).toMatchObject({ round: 1, status: 'closed', closedAt: T0 + 10 });
    s = must(openVote(s, 'hackathon', { votesPerPerson: 1 }, T0 + 20));
    expect(s.vote).toMatchObject({ round: 2, status: 'open', openedAt: T0 + 20 });
    expect(s.votesOpened).toBe(2);
  });
});

describe('phase machine: timer (server clock)', () => {
  const s0 = initialSession('open');

  it('start, pause, resume, extend and stop keep the remaining time exact', () => {
    let s = must(startTimer(s0, 5 * 60_000, T0));
    expect(s.timer).toEqual({ status: 'running', durationMs: 300_000, endsAt: T0 + 300_000, remainingMs: null });
    expect(timerRemaining(s.timer, T0 + 60_000)).toBe(240_000);
    s = must(pauseTimer(s, T0 + 60_000));
    expect(s.timer).toMatchObject({ status: 'paused', endsAt: null, remainingMs: 240_000 });
    expect(timerRemaining(s.timer, T0 + 999_999)).toBe(240_000);
    s = must(extendTimer(s, 60_000, T0 + 70_000));
    expect(s.timer).toMatchObject({ status: 'paused', remainingMs: 300_000, durationMs: 360_000 });
    s = must(resumeTimer(s, T0 + 100_000));
    expect(s.timer).toMatchObject({ status: 'running', endsAt: T0 + 400_000 });
    s = must(extendTimer(s, 60_000, T0 + 100_000));
    expect(s.timer.endsAt).toBe(T0 + 460_000);
    expect(must(stopTimer(s)).timer.status).toBe('idle');
  });

  it('the timer ends only when its time is up; an ended timer can be extended into a new run', () => {
    const s = must(startTimer(s0, 1000, T0));
    refusedWith(endTimer(s, T0 + 999), 'invalid-state');
    const ended = must(endTimer(s, T0 + 1000));
    expect(ended.timer).toMatchObject({ status: 'ended', endsAt: T0 + 1000, remainingMs: 0 });
    expect(must(extendTimer(ended, 60_000, T0 + 5000)).timer).toMatchObject({ status: 'running', endsAt: T0 + 65_000 });
  });

  it('refuses what makes no sense, with reasons', () => {
    refusedWith(pauseTimer(s0, T0), 'invalid-state');
    refusedWith(resumeTimer(s0, T0), 'invalid-state');
    refusedWith(stopTimer(s0), 'invalid-state');
    refusedWith(extendTimer(s0, 60_000, T0), 'invalid-state');
    refusedWith(resumeTimer(must(startTimer(s0, 5000, T0)), T0), 'invalid-state');
    for (const ms of [0, 999, 1.5, 24 * 3600_000 + 1, Number.NaN]) refusedWith(startTimer(s0, ms, T0), 'bad-args');
  });
});

describe('phase machine: lock, private mode, votes, people', () => {
  it('lock and private mode toggle, and refuse a no-op', () => {
    const s = initialSession('open');
    expect(must(setLocked(s, true)).locked).toBe(true);
    refusedWith(setLocked(s, false), 'invalid-state');
    expect(must(setPrivateMode(s, true)).privateMode).toBe(true);
    refusedWith(setPrivateMode(s, false), 'invalid-state');
  });

  it('a vote opens only in a phase that votes, on that phase’s lane, one at a time', () => {
    expect(refusedWith(openVote(hackathonAt('ideate'), 'hackathon', {}, T0), 'wrong-phase')).toMatch(/no vote/);
    const jam = must(goToPhaseById(initialSession('lightning-decision-jam'), 'lightning-decision-jam', 'vote-problems', T0));
    expect(refusedWith(openVote(jam, 'lightning-decision-jam', { lane: 'ideas' }, T0), 'bad-args')).toMatch(/problems/);
    const open = must(openVote(jam, 'lightning-decision-jam', {}, T0));
    expect(open.vote!.config.lane).toBe('problems');
    refusedWith(openVote(open, 'lightning-decision-jam', {}, T0), 'invalid-state');
  });

  it('close, then reveal; revealing an open vote closes it too; nothing to reveal twice', () => {
    const open = must(openVote(hackathonAt('vote'), 'hackathon', {}, T0));
    const closed = must(closeVote(open, T0 + 1));
    expect(closed.vote).toMatchObject({ status: 'closed', closedAt: T0 + 1, revealedAt: null });
    refusedWith(closeVote(closed, T0 + 2), 'invalid-state');
    expect(must(revealVote(closed, T0 + 3)).vote).toMatchObject({ status: 'revealed', closedAt: T0 + 1, revealedAt: T0 + 3 });
    const revealedOpen = must(revealVote(open, T0 + 4));
    expect(revealedOpen.vote).toMatchObject({ status: 'revealed', closedAt: T0 + 4 });
    refusedWith(revealVote(revealedOpen, T0 + 5), 'invalid-state');
    refusedWith(revealVote(initialSession('open'), T0), 'invalid-state');
  });

  it('co-facilitators and removal', () => {
    let s = must(setCoFacilitator(initialSession('open'), 'p1', true));
    expect(standingOf('contributor', 'p1', s)).toBe('co-facilitator');
    expect(standingOf('contributor', null, s)).toBe('contributor');
    expect(standingOf('viewer', 'p1', s)).toBe('viewer');
    refusedWith(setCoFacilitator(s, 'p1', true), 'invalid-state');
    s = must(markRemoved(s, 'p1'));
    expect(s.coFacilitators).toEqual([]);
    expect(s.removed).toEqual(['p1']);
    refusedWith(markRemoved(s, 'p1'), 'invalid-state');
    refusedWith(setCoFacilitator(s, 'p1', true), 'invalid-state');
  });
});

describe('who may write what', () => {
  it('facilitators and co-facilitators are never restricted; viewers never write', () => {
    const pitch = hackathonAt('pitch');
    expect(addRefusal(pitch, 'hackathon', 'facilitator', 'problem')).toBeNull();
    expect(editRefusal(pitch, 'hackathon', 'co-facilitator')).toBeNull();
    expect(addRefusal(initialSession('open'), 'open', 'viewer', 'idea')?.code).toBe('forbidden');
  });

  it('a lock refuses contributors with the facilitator’s words', () => {
    const locked = must(setLocked(initialSession('open'), true));
    expect(addRefusal(locked, 'open', 'contributor', 'idea')).toEqual({ code: 'locked', message: 'The board is locked by the facilitator' });
    expect(editRefusal(locked, 'open', 'contributor')?.code).toBe('locked');
  });

  it('the phase decides which lanes take new cards, and whether cards may change', () => {
    const vote = hackathonAt('vote');
    expect(addRefusal(vote, 'hackathon', 'contributor', 'problem')?.message).toMatch(/can’t add problem statements during “Vote”/);
    expect(editRefusal(vote, 'hackathon', 'contributor')?.code).toBe('wrong-phase');
    const ideate = hackathonAt('ideate');
    expect(addRefusal(ideate, 'hackathon', 'contributor', 'idea')).toBeNull();
    expect(addRefusal(ideate, 'hackathon', 'contributor', 'note')?.code).toBe('wrong-phase');
    expect(editRefusal(ideate, 'hackathon', 'contributor')).toBeNull();
  });

  it('private mode turns new problems and ideas into drafts; drafts need private mode and the right phase', () => {
    const ideate = must(setPrivateMode(hackathonAt('ideate'), true));
    expect(addRefusal(ideate, 'hackathon', 'contributor', 'idea')?.code).toBe('private-mode');
    expect(draftRefusal(ideate, 'hackathon', 'contributor', 'idea')).toBeNull();
    expect(draftRefusal(ideate, 'hackathon', 'contributor', 'problem')?.code).toBe('wrong-phase');
    expect(draftRefusal(hackathonAt('ideate'), 'hackathon', 'contributor', 'idea')?.code).toBe('private-mode-off');
    expect(draftRefusal(ideate, 'hackathon', 'viewer', 'idea')?.code).toBe('forbidden');
  });
});

describe('who may vote', () => {
  it('reads the server’s state as the rules’ view, and checks the phase’s lanes and the vote’s status', () => {
    const voting = must(openVote(must(goToPhaseById(initialSession('lightning-decision-jam'), 'lightning-decision-jam', 'vote-problems', T0)), 'lightning-decision-jam', {}, T0));
    const view: SessionView = voting;
    expect(voteRefusal(view, 'lightning-decision-jam', 'contributor')).toBeNull();
    expect(voteRefusal(voting, 'lightning-decision-jam', 'co-facilitator')).toBeNull();
    expect(voteRefusal(voting, 'lightning-decision-jam', 'facilitator')?.message).toBe('Facilitators don’t vote in this round.');
    expect(voteRefusal(voting, 'lightning-decision-jam', 'viewer')?.code).toBe('forbidden');
    expect(voteRefusal({ ...voting, phaseIndex: 2 }, 'lightning-decision-jam', 'contributor')).toEqual({
      code: 'wrong-phase',
      message: 'This phase has no vote on problems.',
    });
    expect(voteRefusal(must(closeVote(voting, T0)), 'lightning-decision-jam', 'contributor')?.code).toBe('vote-closed');
  });
});

describe('stored state', () => {
  it('round-trips through JSON', () => {
    let s = must(openVote(hackathonAt('vote'), 'hackathon', { anonymous: true }, T0));
    s = must(startTimer(must(setCoFacilitator(s, 'p1', true)), 60_000, T0));
    expect(parseSessionState(JSON.stringify(s), 'hackathon')).toEqual(s);
  });

  it('garbage or nothing reads as a fresh session; a phase past the end is clamped', () => {
    expect(parseSessionState(null, 'hackathon')).toEqual(initialSession('hackathon'));
    expect(parseSessionState('not json', 'hackathon')).toEqual(initialSession('hackathon'));
    expect(parseSessionState('[1,2]', 'hackathon')).toEqual(initialSession('hackathon'));
    const clamped = parseSessionState(JSON.stringify({ phaseIndex: 42, removed: ['a', 3], timer: { status: 'exploded' } }), 'hackathon');
    expect(clamped.phaseIndex).toBe(4);
    expect(clamped.removed).toEqual(['a']);
    expect(clamped.timer.status).toBe('idle');
  });
});
