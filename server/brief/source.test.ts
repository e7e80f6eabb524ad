import { describe, expect, it } from 'vitest';
import { DEFAULT_VOTE_CONFIG, tallyVotes, type VoteRoundResult } from '../../shared/votes.ts';
import { savedVotes } from './source.ts';

describe('savedVotes', () => {
  it('an anonymous round saved before small sectors were merged comes back with no sector on its own', () => {
    const config = { ...DEFAULT_VOTE_CONFIG, anonymous: true };
    const dots = [
      { participantId: 'a', name: 'A', sector: 'citizen' as const, cardId: 'i1' },
      { participantId: 'b', name: 'B', sector: 'academia' as const, cardId: 'i1' },
    ];
    const old: VoteRoundResult = { round: 1, config, status: 'revealed', openedAt: 0, closedAt: 1, voterCount: 2, tallies: tallyVotes(dots, config) };
    const [round] = savedVotes({ votes: JSON.stringify([old]) });
    expect(round!.tallies[0]).toMatchObject({ total: 2, otherSectors: 2, bySector: { citizen: 0, academia: 0 } });
    expect(savedVotes({ votes: 'not json' })).toEqual([]);
  });
});
