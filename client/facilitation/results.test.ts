import { describe, expect, it } from 'vitest';
import type { BoardSnapshot } from '../../shared/board/index.ts';
import { DEFAULT_VOTE_CONFIG, emptySectorCounts, type VoteRoundResult } from '../../shared/votes.ts';
import { breakdownText, rankOf, roundsFor, sectorPrivacyNote, sectorShares, shownRound, sortBoardByVotes } from './results.ts';

const round = (n: number, lane: 'ideas' | 'problems', status: VoteRoundResult['status'], tallies: VoteRoundResult['tallies'] = []): VoteRoundResult => ({
  round: n,
  config: { ...DEFAULT_VOTE_CONFIG, lane },
  status,
  openedAt: 0,
  closedAt: null,
  voterCount: 0,
  tallies,
});
const tally = (cardId: string, counts: Partial<ReturnType<typeof emptySectorCounts>>) => {
  const bySector = { ...emptySectorCounts(), ...counts };
  const total = Object.values(bySector).reduce((a, b) => a + b, 0);
  return { cardId, total, score: total, bySector };
};

describe('results on the board', () => {
  it('a breakdown always in words', () => {
    const t = tally('a', { 'public sector': 3, 'private sector': 2, academia: 1, citizen: 1 });
    expect(breakdownText(t)).toBe('7 dots: 3 public, 2 private, 1 academia, 1 citizen');
    expect(breakdownText(tally('b', { 'voluntary and community': 1 }))).toBe('1 dot: 1 voluntary and community');
    expect(sectorShares(t).map((s) => Math.round(s.percent))).toEqual([43, 29, 14, 14]);
  });

  it('an anonymous round shows small sectors only together, and says why', () => {
    const t = { ...tally('a', { 'public sector': 3 }), total: 5, score: 5, otherSectors: 2 };
    expect(breakdownText(t)).toBe('5 dots: 3 public, 2 other sectors');
    expect(sectorShares(t).map((s) => [s.sector, s.count])).toEqual([['public sector', 3], ['other', 2]]);
    const r = { ...round(1, 'ideas', 'revealed', [t]), sectorPrivacy: { minVoters: 3, sectorsShown: ['public sector' as const] } };
    expect(sectorPrivacyNote(r)).toMatch(/^Sectors with fewer than 3 voters are not shown on their own, so that nobody’s anonymous vote can be told/);
    expect(sectorPrivacyNote(round(2, 'ideas', 'revealed'))).toBeNull();
  });

  it('rounds per lane, only once they may be seen; the chosen one or the latest', () => {
    const results = { 1: round(1, 'problems', 'revealed'), 2: round(2, 'ideas', 'closed'), 3: round(3, 'ideas', 'revealed'), 4: round(4, 'ideas', 'revealed') };
    expect(roundsFor(results, 'problem').map((r) => r.round)).toEqual([1]);
    expect(roundsFor(results, 'idea').map((r) => r.round)).toEqual([3, 4]);
    expect(shownRound(results, 'idea', null)?.round).toBe(4);
    expect(shownRound(results, 'idea', 3)?.round).toBe(3);
    expect(shownRound(results, 'idea', 2)?.round).toBe(4);
    expect(shownRound(results, 'note', null)).toBeNull();
  });

  it('sorts a lane by score, keeping the rest in board order; ranks share ties', () => {
    const card = (id: string) => ({ id }) as unknown as BoardSnapshot['problems'][number];
    const board = { problems: ['p1', 'p2', 'p3', 'p4'].map(card), ideas: [], notes: [], themes: [] } as unknown as BoardSnapshot;
    const r = round(1, 'problems', 'revealed', [tally('p3', { citizen: 3 }), tally('p2', { citizen: 1 }), tally('p4', { citizen: 1 })]);
    expect(sortBoardByVotes(board, { problem: r }).problems.map((c) => c.id)).toEqual(['p3', 'p2', 'p4', 'p1']);
    expect(sortBoardByVotes(board, {})).toBe(board);
    expect(rankOf(r, 'p3')).toBe(1);
    expect(rankOf(r, 'p4')).toBe(2);
    expect(rankOf(r, 'p1')).toBeNull();
  });
});
