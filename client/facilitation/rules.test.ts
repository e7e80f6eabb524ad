/**
 * The shared facilitation rules as the client asks them: on its last `session` message, as it is.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_VOTE_CONFIG, checkVote } from '../../shared/votes.ts';
import type { SessionMessage } from '../../shared/protocol.ts';
import { sessionMessage } from './testing.ts';
import {
  addMode,
  currentPhase,
  editBlocked,
  openVoteKind,
  voteEligibility,
  voterOf,
  type SessionView,
  type Standing,
} from '../../shared/facilitation/index.ts';

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

  it('asks the rules on the session message as it is (it fits the rules’ view)', () => {
    const view: SessionView = sessionMessage({ phaseIndex: 1 });
    expect(view.phaseIndex).toBe(1);
  });

  it('who votes is the server’s rule, in its words: standing, the phase’s lanes, the vote’s status', () => {
    const s = sessionMessage({ phaseIndex: 1, vote: openVote({ lane: 'problems' }) });
    const server = (standing: Standing, session: SessionMessage = s) =>
      checkVote({
        action: 'cast',
        vote: session.vote,
        phaseVoteLanes: currentPhase(session, session.template).allows.vote,
        voter: voterOf(standing),
        ballot: {},
        cardId: 'c1',
        cardInLane: true,
      });
    expect(voteEligibility(s, 'viewer')).toEqual({ canVote: false, reason: server('viewer')!.message });
    // a promoted contributor votes as the contributor they are
    expect(voteEligibility(s, 'co-facilitator')).toEqual({ canVote: true });
    expect(server('co-facilitator')).toBeNull();
    // a vote left open on a lane the phase does not vote on takes no dots
    const elsewhere = sessionMessage({ phaseIndex: 2, vote: openVote({ lane: 'problems' }) });
    expect(voteEligibility(elsewhere, 'contributor')).toEqual({ canVote: false, reason: 'This phase has no vote on problems.' });
    expect(server('contributor', elsewhere)?.message).toBe('This phase has no vote on problems.');
    const closed = { ...s, vote: { ...openVote({ lane: 'problems' }), status: 'closed' as const } };
    expect(voteEligibility(closed, 'contributor')).toEqual({ canVote: false, reason: server('contributor', closed)!.message });
  });
});
