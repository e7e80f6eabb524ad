/**
 * Vote results as the board shows them: which rounds a lane has results for, a card's total with
 * its sector breakdown in words (never colour alone), and a board snapshot re-ordered by dots for
 * "sort by votes". Pure: unit-tested in results.test.ts.
 */
import type { BoardSnapshot } from '../../shared/board/index.ts';
import { SECTORS, type CardKind, type Sector } from '../../shared/schema.ts';
import { resultsVisible, VOTE_LANE_KIND, type CardTally, type VoteRoundResult } from '../../shared/votes.ts';
import { OTHER_SECTORS, smallSectorsText } from '../../shared/brief/words.ts';

export type VoteKind = 'problem' | 'idea';
export const VOTE_KINDS: readonly VoteKind[] = ['problem', 'idea'];

export const SECTOR_WORD: Record<Sector, string> = {
  'public sector': 'public',
  'private sector': 'private',
  academia: 'academia',
  'voluntary and community': 'voluntary and community',
  citizen: 'citizen',
};

/** Rounds on this lane whose totals may be seen, oldest first. */
export function roundsFor(results: Readonly<Record<number, VoteRoundResult>>, kind: CardKind): VoteRoundResult[] {
  return Object.values(results)
    .filter((r) => VOTE_LANE_KIND[r.config.lane] === kind && resultsVisible(r))
    .sort((a, b) => a.round - b.round);
}

/** The round a lane shows: the one chosen, if it still has results, else the latest. */
export function shownRound(results: Readonly<Record<number, VoteRoundResult>>, kind: CardKind, chosen: number | null): VoteRoundResult | null {
  const rounds = roundsFor(results, kind);
  return rounds.find((r) => r.round === chosen) ?? rounds.at(-1) ?? null;
}

export function dotsWord(n: number): string {
  return n === 1 ? '1 dot' : `${n} dots`;
}

type Breakdown = Pick<CardTally, 'total' | 'bySector' | 'otherSectors'>;

/**
 * "7 dots: 3 public, 2 private, 1 academia, 1 citizen" — sectors with no dots left out; in an
 * anonymous round, small sectors only together: "5 dots: 3 public, 2 other sectors".
 */
export function breakdownText(tally: Breakdown): string {
  const parts = sectorShares(tally).map((s) => `${s.count} ${s.sector === 'other' ? OTHER_SECTORS : SECTOR_WORD[s.sector]}`);
  return parts.length > 0 ? `${dotsWord(tally.total)}: ${parts.join(', ')}` : dotsWord(tally.total);
}

/** Each sector's share of a card's dots, for the stacked bar (same order as the text). */
export function sectorShares(tally: Breakdown): Array<{ sector: Sector | 'other'; count: number; percent: number }> {
  if (tally.total <= 0) return [];
  const counts: Array<[Sector | 'other', number]> = SECTORS.map((s) => [s, tally.bySector[s] ?? 0]);
  counts.push(['other', tally.otherSectors ?? 0]);
  return counts
    .filter(([, count]) => count > 0)
    .map(([sector, count]) => ({ sector, count, percent: (count / tally.total) * 100 }));
}

/** Why a round's breakdown shows some sectors only together, or null when it shows them all. */
export function sectorPrivacyNote(result: Pick<VoteRoundResult, 'sectorPrivacy'>): string | null {
  return smallSectorsText({ sectorMinVoters: result.sectorPrivacy?.minVoters ?? null });
}

/** A card's place in a round: "1st of 6" etc. (ties share a place). */
export function rankOf(result: VoteRoundResult, cardId: string): number | null {
  const tally = result.tallies.find((t) => t.cardId === cardId);
  if (!tally) return null;
  return 1 + result.tallies.filter((t) => t.score > tally.score).length;
}

/**
 * The board with a lane's cards in order of the round's score (best first; cards without dots
 * keep their order after them). Ideas stay under their problems: they are sorted within each group.
 */
export function sortBoardByVotes(board: BoardSnapshot, byKind: Partial<Record<VoteKind, VoteRoundResult | null>>): BoardSnapshot {
  const order = (result: VoteRoundResult | null | undefined) => {
    if (!result) return null;
    const score = new Map(result.tallies.map((t) => [t.cardId, t.score] as const));
    return <T extends { id: string }>(cards: readonly T[]): T[] =>
      cards
        .map((card, i) => ({ card, i, s: score.get(card.id) ?? -1 }))
        .sort((a, b) => b.s - a.s || a.i - b.i)
        .map((x) => x.card);
  };
  const problems = order(byKind.problem);
  const ideas = order(byKind.idea);
  if (!problems && !ideas) return board;
  return {
    ...board,
    problems: problems ? problems(board.problems) : board.problems,
    ideas: ideas ? ideas(board.ideas) : board.ideas,
  };
}
