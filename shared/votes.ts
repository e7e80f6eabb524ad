/**
 * Dot voting: the rules and the tally, as pure functions. The server is the only authority that
 * applies them (ballots never live in the shared document); the client uses the same functions to
 * show what is allowed before asking.
 */
import { SECTORS, type CardKind, type Sector } from './schema.ts';

export type VoteLane = 'ideas' | 'problems';
export const VOTE_LANES: readonly VoteLane[] = ['ideas', 'problems'];

/** The kind of card a vote on a lane is cast on. */
export const VOTE_LANE_KIND: Record<VoteLane, CardKind> = { ideas: 'idea', problems: 'problem' };

/** Bounds a facilitator's vote settings must fall within. */
export const VOTE_LIMITS = { maxVotesPerPerson: 50 } as const;

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
  /** dots by the voter's sector; 0 for a sector counted in `otherSectors` */
  bySector: Record<Sector, number>;
  /** dots from sectors too small to show on their own (see `SectorPrivacy`); anonymous rounds only */
  otherSectors?: number;
  /** names of voters, absent when the round is anonymous */
  voters?: string[];
};

/**
 * How an anonymous round's sector breakdown was coarsened: sectors with fewer than `minVoters`
 * voters are counted together as "other sectors", and only `sectorsShown` keep figures of their own
 * (all five when no sector was small). Every anonymous round carries it, so a result without it
 * (saved before the rule existed) is known to be unchecked.
 */
export type SectorPrivacy = { minVoters: number; sectorsShown: Sector[] };

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
  /** present in every anonymous round (see SectorPrivacy) */
  sectorPrivacy?: SectorPrivacy;
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

// ---------------------------------------------------------------------------------------------
// Anonymous rounds and small sectors. In an anonymous round a sector with one voter would name her
// choice in the breakdown, so such sectors are shown only together, as "other sectors". Totals
// are public, so "other sectors" must itself hold enough voters: otherwise total minus the sectors
// shown would give the small sector's figure back. The smallest shown sectors join it until it does.

/** Default fewest voters a sector needs in an anonymous round to be shown on its own. */
export const DEFAULT_SECTOR_MIN_VOTERS = 3;

/**
 * The sectors an anonymous round may show on their own, or null when every sector may be.
 * `votersBySector` counts the people of each sector who placed at least one dot in the round.
 */
export function sectorsShownAlone(votersBySector: ReadonlyMap<Sector, number>, minVoters: number): Sector[] | null {
  const voting = SECTORS.filter((s) => (votersBySector.get(s) ?? 0) > 0).map((s) => ({ s, n: votersBySector.get(s)! }));
  let together = 0;
  for (const { n } of voting) if (n < minVoters) together += n;
  if (together === 0) return null;
  // smallest first (stable: standard order among equals), so the fewest people are folded in
  const big = voting.filter(({ n }) => n >= minVoters).sort((a, b) => a.n - b.n);
  while (together < minVoters && big.length > 0) together += big.shift()!.n;
  return SECTORS.filter((s) => big.some((b) => b.s === s));
}

/**
 * A round's tallies as they may be published: in an anonymous round, the dots of sectors not
 * shown on their own move into `otherSectors`. Totals and scores are unchanged.
 */
export function tallyRound(
  dots: readonly Dot[],
  config: Pick<VoteConfig, 'anonymous' | 'sectorWeighting'>,
  minSectorVoters: number,
): { tallies: CardTally[]; sectorPrivacy?: SectorPrivacy } {
  const tallies = tallyVotes(dots, config);
  if (!config.anonymous) return { tallies };
  const voters = new Map<Sector, Set<string>>();
  for (const dot of dots) {
    let set = voters.get(dot.sector);
    if (!set) voters.set(dot.sector, (set = new Set()));
    set.add(dot.participantId);
  }
  const counts = new Map([...voters].map(([s, set]) => [s, set.size] as const));
  const shown = sectorsShownAlone(counts, minSectorVoters) ?? [...SECTORS];
  return { tallies: tallies.map((t) => keepSectors(t, shown)), sectorPrivacy: { minVoters: minSectorVoters, sectorsShown: shown } };
}

/** The tally with only `shown` sectors on their own, the rest in `otherSectors`. */
function keepSectors(tally: CardTally, shown: readonly Sector[]): CardTally {
  const bySector = emptySectorCounts();
  let otherSectors = 0;
  for (const s of SECTORS) {
    if (shown.includes(s)) bySector[s] = tally.bySector[s];
    else otherSectors += tally.bySector[s];
  }
  return { ...tally, bySector, otherSectors };
}

/**
 * A stored result as it may be published now: an anonymous round saved before sectors were
 * checked carries no `sectorPrivacy`, and its voters per sector are not known any more, so it
 * shows no sector on its own at all.
 */
export function withCheckedSectors(result: VoteRoundResult, minSectorVoters = DEFAULT_SECTOR_MIN_VOTERS): VoteRoundResult {
  if (!result?.config?.anonymous || result.sectorPrivacy) return result;
  return {
    ...result,
    tallies: Array.isArray(result.tallies) ? result.tallies.map((t) => keepSectors(t, [])) : [],
    sectorPrivacy: { minVoters: minSectorVoters, sectorsShown: [] },
  };
}

// ---------------------------------------------------------------------------------------------
// The rules of casting and withdrawing a dot. The server applies them to every command; a client
// may call the same function to grey out a button, but only the server's answer counts.

/** Whether a round's totals may be shown to anyone: after the reveal, or live if not hidden. */
export function resultsVisible(round: { config: Pick<VoteConfig, 'hideUntilReveal'>; status: VoteRoundStatus }): boolean {
  return round.status === 'revealed' || !round.config.hideUntilReveal;
}

/** The same round with everything that may not be seen yet taken out (totals, voters). */
export function visibleResult(result: VoteRoundResult): VoteRoundResult {
  return resultsVisible(result) ? result : { ...result, tallies: [] };
}

/**
 * Checks a facilitator's vote settings and fills in the defaults. `lanes` are the lanes the
 * current phase lets people vote on; a missing lane means the first of them.
 */
export function normaliseVoteConfig(
  input: Partial<VoteConfig>,
  lanes: readonly VoteLane[],
): { ok: true; config: VoteConfig } | { ok: false; message: string } {
  if (lanes.length === 0) return { ok: false, message: 'This phase has no vote. Move to a voting phase first.' };
  const lane = input.lane ?? lanes[0]!;
  if (!lanes.includes(lane)) {
    return { ok: false, message: `This phase votes on ${lanes.join(' or ')}, not ${lane}.` };
  }
  const config: VoteConfig = { ...DEFAULT_VOTE_CONFIG, ...input, lane };
  const max = VOTE_LIMITS.maxVotesPerPerson;
  if (!Number.isInteger(config.votesPerPerson) || config.votesPerPerson < 1 || config.votesPerPerson > max) {
    return { ok: false, message: `Dots per person must be a whole number from 1 to ${max}.` };
  }
  if (input.maxPerCard === undefined) config.maxPerCard = Math.min(config.maxPerCard, config.votesPerPerson);
  if (!Number.isInteger(config.maxPerCard) || config.maxPerCard < 1 || config.maxPerCard > config.votesPerPerson) {
    return { ok: false, message: `Dots per card must be a whole number from 1 to ${config.votesPerPerson} (the dots per person).` };
  }
  return { ok: true, config };
}

/** One person's dots in one round: card id -> number of dots (absent means none). */
export type Ballot = Readonly<Record<string, number>>;

export function dotsUsed(ballot: Ballot): number {
  let n = 0;
  for (const count of Object.values(ballot)) n += count;
  return n;
}

/**
 * Who is voting, as far as the rules care: a co-facilitator votes as the contributor they are;
 * only holders of the facilitator link are held back by `facilitatorsVote`.
 */
export type VoterRole = 'facilitator' | 'contributor' | 'viewer';

export type VoteAttempt = {
  action: 'cast' | 'withdraw';
  /** the board's current vote, if any */
  vote: { config: VoteConfig; status: VoteRoundStatus } | null;
  /** lanes the current phase lets people vote on */
  phaseVoteLanes: readonly VoteLane[];
  voter: VoterRole;
  ballot: Ballot;
  cardId: string;
  /** whether `cardId` is a card of the voted lane right now (withdrawing ignores it) */
  cardInLane: boolean;
};

export type VoteRefusalCode =
  | 'forbidden'
  | 'no-vote'
  | 'vote-closed'
  | 'wrong-phase'
  | 'unknown-card'
  | 'budget-spent'
  | 'card-cap'
  | 'no-dot';

export type VoteRefusal = { code: VoteRefusalCode; message: string };

/**
 * Why this voter may not place or take back dots in the board's vote now, whatever their ballot
 * and the card; null when they may. The first half of `checkVote`, and what a client asks to know
 * whether to offer dots at all.
 */
export function checkVoter(attempt: Pick<VoteAttempt, 'vote' | 'phaseVoteLanes' | 'voter'>): VoteRefusal | null {
  const { vote, voter } = attempt;
  if (voter === 'viewer') return { code: 'forbidden', message: 'Viewers can’t vote. Ask the facilitator for a contributor link.' };
  if (!vote) return { code: 'no-vote', message: 'No vote is open.' };
  if (vote.status !== 'open') return { code: 'vote-closed', message: 'Voting has closed: your dots can no longer change.' };
  if (!attempt.phaseVoteLanes.includes(vote.config.lane)) {
    return { code: 'wrong-phase', message: `This phase has no vote on ${vote.config.lane}.` };
  }
  if (voter === 'facilitator' && !vote.config.facilitatorsVote) {
    return { code: 'forbidden', message: 'Facilitators don’t vote in this round.' };
  }
  return null;
}

/** Why a dot may not be cast or withdrawn, in words a person can act on; null when it may. */
export function checkVote(attempt: VoteAttempt): VoteRefusal | null {
  const refusal = checkVoter(attempt);
  if (refusal) return refusal;
  const { ballot, cardId } = attempt;
  const vote = attempt.vote!;
  const onCard = ballot[cardId] ?? 0;
  if (attempt.action === 'withdraw') {
    return onCard > 0 ? null : { code: 'no-dot', message: 'You have no dot on that card to take back.' };
  }
  if (!attempt.cardInLane) {
    const kind = vote.config.lane === 'ideas' ? 'an idea' : 'a problem statement';
    return { code: 'unknown-card', message: `That is not ${kind} on this board, so it can’t get a dot.` };
  }
  const budget = vote.config.votesPerPerson;
  if (dotsUsed(ballot) >= budget) {
    return {
      code: 'budget-spent',
      message: `You have used all ${budget} of your dots. Take one back to move it.`,
    };
  }
  if (onCard >= vote.config.maxPerCard) {
    const max = vote.config.maxPerCard;
    return { code: 'card-cap', message: `A card can get at most ${max} ${max === 1 ? 'dot' : 'dots'} from one person.` };
  }
  return null;
}

/**
 * A ballot as it counts once merged ideas are followed: the dots on an idea merged into another
 * count for that other idea (`countsFor` gives the card each card's dots count for now), within
 * the round's per-card cap: someone who put 2 dots on each of two duplicates, in a round of at most
 * 2 per card, has 2 on the merged idea, not 4. Dots over the cap count for nothing; the budget
 * cannot be exceeded, since dots only ever move or drop.
 */
export function followMerges(ballot: Ballot, countsFor: (cardId: string) => string, maxPerCard: number): Ballot {
  const out: Record<string, number> = {};
  for (const [cardId, count] of Object.entries(ballot)) {
    if (!(count > 0)) continue;
    const target = countsFor(cardId);
    out[target] = Math.min(maxPerCard, (out[target] ?? 0) + count);
  }
  return out;
}

/** The ballot after a dot is cast on, or withdrawn from, `cardId` (call only after checkVote). */
export function applyVote(ballot: Ballot, action: 'cast' | 'withdraw', cardId: string): Ballot {
  const next = { ...ballot };
  const count = (next[cardId] ?? 0) + (action === 'cast' ? 1 : -1);
  if (count > 0) next[cardId] = count;
  else delete next[cardId];
  return next;
}
