import { describe, expect, it } from 'vitest';
import { DEFAULT_VOTE_CONFIG } from '../../shared/votes.ts';
import { addMode, editBlocked, openVoteKind, voteEligibility } from './rules.ts';
import { sessionMessage } from './testing.ts';
import { describeSessionChange, type Viewer } from './changes.ts';
import { describeTimer, formatClock, timerRemainingMs } from './timer.ts';

const openVote = (patch: Partial<typeof DEFAULT_VOTE_CONFIG> = {}) => ({
  round: 1,
  config: { ...DEFAULT_VOTE_CONFIG, ...patch },
  status: 'open' as const,
  openedAt: 0,
  closedAt: null,
  revealedAt: null,
  voterCount: 0,
});

describe('what a person may do now (the server’s rules, asked first)', () => {
  it('Problems phase: contributors add problems only; facilitators anything', () => {
    const s = sessionMessage({ phaseIndex: 0 });
    expect(addMode(s, 'contributor', 'problem')).toEqual({ mode: 'board' });
    expect(addMode(s, 'contributor', 'idea')).toMatchObject({ mode: 'blocked', reason: expect.stringContaining('can’t add ideas during “Problems”') });
    expect(addMode(s, 'facilitator', 'idea')).toEqual({ mode: 'board' });
    expect(addMode(s, 'co-facilitator', 'note')).toEqual({ mode: 'board' });
    expect(addMode(s, 'viewer', 'problem').mode).toBe('blocked');
  });

  it('private mode turns a contributor’s new problems into drafts', () => {
    const s = sessionMessage({ phaseIndex: 0, privateMode: true });
    expect(addMode(s, 'contributor', 'problem').mode).toBe('draft');
    expect(addMode(s, 'facilitator', 'problem')).toEqual({ mode: 'board' });
  });

  it('a vote phase freezes cards for contributors; a lock freezes everything', () => {
    expect(editBlocked(sessionMessage({ phaseIndex: 1 }), 'contributor')).toMatch(/Cards can’t be changed during “Vote on problems”/);
    expect(editBlocked(sessionMessage({ phaseIndex: 1 }), 'facilitator')).toBeNull();
    expect(editBlocked(sessionMessage({ phaseIndex: 2 }), 'contributor')).toBeNull();
    expect(editBlocked(sessionMessage({ phaseIndex: 2, locked: true }), 'contributor')).toBe('The board is locked by the facilitator');
    expect(addMode(sessionMessage({ phaseIndex: 0, locked: true }), 'contributor', 'problem')).toEqual({
      mode: 'blocked',
      reason: 'The board is locked by the facilitator',
    });
  });

  it('who votes: not viewers, facilitators only when the round says so', () => {
    const s = sessionMessage({ phaseIndex: 1, vote: openVote({ lane: 'problems' }) });
    expect(openVoteKind(s)).toBe('problem');
    expect(voteEligibility(s, 'contributor')).toEqual({ canVote: true });
    expect(voteEligibility(s, 'viewer').canVote).toBe(false);
    expect(voteEligibility(s, 'facilitator')).toEqual({ canVote: false, reason: 'Facilitators don’t vote in this round.' });
    expect(voteEligibility({ ...s, vote: openVote({ lane: 'problems', facilitatorsVote: true }) }, 'facilitator')).toEqual({ canVote: true });
    expect(openVoteKind({ ...s, vote: { ...openVote(), status: 'closed' } })).toBeNull();
  });
});

describe('timer from the server clock', () => {
  const running = { status: 'running' as const, durationMs: 300_000, endsAt: 2_000_300_000, remainingMs: 300_000 };

  it('ignores the device’s own clock: only the time since the message counts', () => {
    // the server sent at 2_000_000_000; this device's clock is an hour behind
    const clock = { serverNow: 2_000_000_000, receivedAt: 2_000_000_000 - 3_600_000 };
    expect(timerRemainingMs(running, clock, clock.receivedAt)).toBe(300_000);
    expect(timerRemainingMs(running, clock, clock.receivedAt + 28_000)).toBe(272_000);
    expect(timerRemainingMs(running, clock, clock.receivedAt + 400_000)).toBe(0);
  });

  it('paused shows what was left; idle and ended show nothing left', () => {
    const clock = { serverNow: 0, receivedAt: 0 };
    expect(timerRemainingMs({ ...running, status: 'paused', endsAt: null, remainingMs: 130_000 }, clock, 99_999)).toBe(130_000);
    expect(timerRemainingMs({ ...running, status: 'ended' }, clock, 0)).toBe(0);
  });

  it('reads as a clock', () => {
    expect(formatClock(272_000)).toBe('4:32');
    expect(formatClock(271_001)).toBe('4:32');
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(3_723_000)).toBe('1:02:03');
    expect(describeTimer({ ...running, status: 'paused' }, 130_000)).toBe('paused — 2:10 left');
    expect(describeTimer({ ...running, status: 'idle' }, 0)).toBeNull();
  });
});

describe('banners for what the facilitator did', () => {
  const viewer: Viewer = { role: 'contributor', participantId: 'p1' };
  const texts = (a: Parameters<typeof describeSessionChange>[0], b: Parameters<typeof describeSessionChange>[1], v = viewer) =>
    describeSessionChange(a, b, v).map((x) => x.text);

  it('phase, lock and private mode', () => {
    const a = sessionMessage();
    expect(texts(a, sessionMessage({ phaseIndex: 3 }))).toEqual(['Now: Solutions — Write as many solutions to the top problems as you can.']);
    expect(texts(a, { ...a, locked: true })).toEqual(['The board is locked by the facilitator. You can read it, but not change it.']);
    expect(texts(a, { ...a, privateMode: true })[0]).toMatch(/^Private mode is on/);
    expect(texts(a, { ...a, round: 2 })).toEqual(['Problems, round 2: Write down every problem you can think of, one per card.']);
  });

  it('votes: open (with your dots, or without for a facilitator who does not vote), closed, revealed', () => {
    const a = sessionMessage({ phaseIndex: 4 });
    const open = { ...a, vote: openVote({ votesPerPerson: 3 }) };
    expect(texts(a, open)).toEqual(['Voting is open on ideas — you have 3 dots']);
    expect(texts(a, open, { role: 'facilitator', participantId: 'f' })).toEqual(['Voting is open on ideas']);
    expect(texts(open, { ...open, vote: { ...open.vote, status: 'closed' } })).toEqual(['Voting has closed.']);
    expect(texts(open, { ...open, vote: { ...open.vote, status: 'revealed' } })[0]).toMatch(/^The results are in/);
  });

  it('the timer', () => {
    const idle = sessionMessage();
    const run = { ...idle, timer: { status: 'running' as const, durationMs: 300_000, endsAt: 300_000, remainingMs: 300_000 } };
    expect(texts(idle, run)).toEqual(['Timer started: 5 minutes.']);
    expect(texts(run, { ...run, timer: { ...run.timer, durationMs: 360_000, endsAt: 360_000 } })).toEqual(['1 minute added to the timer.']);
    expect(texts(run, { ...run, timer: { ...run.timer, status: 'paused', endsAt: null } })).toEqual(['Timer paused.']);
    expect(texts(run, idle)).toEqual(['Timer stopped.']);
    // a phase change stops the timer by itself: only the phase is news
    expect(texts(run, sessionMessage({ phaseIndex: 1 }))).toHaveLength(1);
  });

  it('a promotion is said to the person and to everyone', () => {
    const p = { participantId: 'p1', name: 'Hannah Cole', organisation: '', sector: 'citizen' as const, role: 'contributor' as const, standing: 'contributor' as const };
    const a = sessionMessage({ participants: [p] });
    const b = sessionMessage({ participants: [{ ...p, standing: 'co-facilitator' }] });
    expect(texts(a, b)[0]).toMatch(/^You are now a co-facilitator/);
    expect(texts(a, b, { role: 'facilitator', participantId: 'f' })).toEqual(['Hannah Cole is now a co-facilitator.']);
  });
});
