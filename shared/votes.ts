/**
 * Dot voting: the rules and the tally, as pure functions. The server is the only authority that
 * applies them (ballots never live in the shared document); the client uses the same functions to
 * show what is allowed before asking.
 */
import { SECTORS, type Sector } from './schema.ts';

export type VoteLane = 'ideas' | 'problems';

export type VoteConfig = {
  lane: VoteLane;
  votesPerPerson: number;
  maxPerCard: number;
  anonymous: boolean;
  /** totals stay hidden from everyone until the facilitator reveals them */
  hideUntilReveal: boolean;
  /** weight each sector equally, whatever its head count (off by default) */
  sectorWeighting: boolean;
  /** whether facilitators may vote themselves */
  facilitatorsVote: boolean;
};

export const DEFAULT_VOTE_CONFIG: VoteConfig = {
  lane: 'ideas',
  votesPerPerson: 3,
  maxPerCard: 2,
  anonymous: false,
  hideUntilReveal: true,
  sectorWeighting: false,
  facilitatorsVote: false,
};

/** One dot: who placed it (with their sector at the time) on which card. */
export type Dot = { participantId: string; name: string; sector: Sector; cardId: string };

export type CardTally = {
  cardId: string;
  /** number of dots */
  total: number;
  /** weighted score: equals total unless sector weighting is on */
  score: number;
  bySector: Record<Sector, number>;
  /** names of voters, absent when the round is anonymous */
  voters?: string[];
};

export type VoteRoundStatus = 'open' | 'closed' | 'revealed';

export type VoteRoundResult = {
  round: number;
  config: VoteConfig;
  status: VoteRoundStatus;
  openedAt: number;
  closedAt: number | null;
  /** people who placed at least one dot */
  voterCount: number;
  /** cards with at least one dot, best first (score, then total, then card id) */
  tallies: CardTally[];
};

export function emptySectorCounts(): Record<Sector, number> {
  return Object.fromEntries(SECTORS.map((s) => [s, 0])) as Record<Sector, number>;
}

/**
 * Totals per card. With sector weighting each sector that voted carries the same total weight
 * (its dots are scaled by mean voters-per-sector / voters-in-that-sector), so a room of twenty
 * civil servants and two charity workers cannot drown the charity out.
 */
export function tallyVotes(dots: readonly Dot[], config: Pick<VoteConfig, 'anonymous' | 'sectorWeighting'>): CardTally[] {
  const votersBySector = new Map<Sector, Set<string>>();
  for (const dot of dots) {
    let set = votersBySector.get(dot.sector);
    if (!set) votersBySector.set(dot.sector, (set = new Set()));
    set.add(dot.participantId);
  }
  const sectorsVoting = votersBySector.size;
  const totalVoters = [...votersBySector.values()].reduce((n, s) => n + s.size, 0);
  const weight = (sector: Sector) =>
    config.sectorWeighting && sectorsVoting > 0
      ? totalVoters / sectorsVoting / (votersBySector.get(sector)?.size ?? 1)
      : 1;

  const byCard = new Map<string, CardTally & { voterSet: Set<string> }>();
  for (const dot of dots) {
    let tally = byCard.get(dot.cardId);
    if (!tally) {
      tally = { cardId: dot.cardId, total: 0, score: 0, bySector: emptySectorCounts(), voterSet: new Set() };
      byCard.set(dot.cardId, tally);
    }
    tally.total += 1;
    tally.score += weight(dot.sector);
    tally.bySector[dot.sector] += 1;
    tally.voterSet.add(dot.name);
  }
  return [...byCard.values()]
    .map(({ voterSet, ...tally }) => ({
      ...tally,
      score: Math.round(tally.score * 100) / 100,
      ...(config.anonymous ? {} : { voters: [...voterSet].sort() }),
    }))
    .sort((a, b) => b.score - a.score || b.total - a.total || (a.cardId < b.cardId ? -1 : 1));
}
