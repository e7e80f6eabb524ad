import { describe, expect, it } from 'vitest';
import { DEFAULT_VOTE_CONFIG } from '../../shared/votes.ts';
import { describeSessionChange, type Viewer } from './changes.ts';
import { sessionMessage } from './testing.ts';

const openVote = (patch: Partial<typeof DEFAULT_VOTE_CONFIG> = {}) => ({
  round: 1,
  config: { ...DEFAULT_VOTE_CONFIG, ...patch },
  status: 'open' as const,
  openedAt: 0,
  closedAt: null,
  revealedAt: null,
  voterCount: 0,
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
