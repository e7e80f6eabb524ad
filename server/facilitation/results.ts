/**
 * Vote results from stored ballots: each dot is attributed to its voter's name and sector (as the
 * participant record has them) and tallied by the shared rules in shared/votes.ts. Every result
 * leaves here with small sectors of anonymous rounds already merged, so no caller can publish
 * them by mistake — and with the dots on merged ideas counted for the idea each went into
 * (`followMerges`, under the round's per-card cap), the ballots themselves left as they were cast.
 */
import type { Sector } from '../../shared/schema.ts';
import {
  DEFAULT_SECTOR_MIN_VOTERS,
  followMerges,
  tallyRound,
  visibleResult,
  type Ballot,
  type Dot,
  type VoteRoundResult,
} from '../../shared/votes.ts';
import type { StoredSession, VoteRoundRecord } from '../storage/storage.ts';

export type Voter = { name: string; sector: Sector };

/** The card a card's dots count for now: itself, or the idea it was merged into (shared/board `readMerges`). */
export type CountsFor = (cardId: string) => string;
export const countsForItself: CountsFor = (cardId) => cardId;

/** `readMerges` as a CountsFor. */
export function countsForMerged(merges: ReadonlyMap<string, string>): CountsFor {
  return (cardId) => merges.get(cardId) ?? cardId;
}

export function roundResult(
  round: VoteRoundRecord,
  ballots: Iterable<{ participantId: string; cardId: string; count: number }>,
  voters: ReadonlyMap<string, Voter>,
  minSectorVoters = DEFAULT_SECTOR_MIN_VOTERS,
  countsFor: CountsFor = countsForItself,
): VoteRoundResult {
  // each person's ballot, so merged ideas are followed within the cap per person
  const byPerson = new Map<string, Record<string, number>>();
  for (const { participantId, cardId, count } of ballots) {
    // storage refuses ballots of unknown people; this only guards a hand-edited database
    if (!voters.has(participantId) || count <= 0) continue;
    let ballot = byPerson.get(participantId);
    if (!ballot) byPerson.set(participantId, (ballot = {}));
    ballot[cardId] = (ballot[cardId] ?? 0) + count;
  }
  const dots: Dot[] = [];
  const voted = new Set<string>();
  for (const [participantId, cast] of byPerson) {
    const voter = voters.get(participantId)!;
    const ballot: Ballot = followMerges(cast, countsFor, round.config.maxPerCard);
    voted.add(participantId);
    for (const [cardId, count] of Object.entries(ballot)) {
      for (let i = 0; i < count; i++) dots.push({ participantId, name: voter.name, sector: voter.sector, cardId });
    }
  }
  return {
    round: round.round,
    config: round.config,
    status: round.status,
    openedAt: round.openedAt,
    closedAt: round.closedAt,
    voterCount: voted.size,
    ...tallyRound(dots, round.config, minSectorVoters),
  };
}

/** Every round's full results, oldest first: for trusted server-side use (the brief). */
export function resultsOf(
  stored: StoredSession,
  minSectorVoters = DEFAULT_SECTOR_MIN_VOTERS,
  countsFor: CountsFor = countsForItself,
): VoteRoundResult[] {
  const voters = new Map(stored.participants.map((p) => [p.id, { name: p.name, sector: p.sector }]));
  return stored.rounds.map((round) =>
    roundResult(
      round,
      stored.ballots.filter((b) => b.round === round.round),
      voters,
      minSectorVoters,
      countsFor,
    ),
  );
}

/** The same, with totals taken out of every round whose results may not be seen yet. */
export function visibleResultsOf(
  stored: StoredSession,
  minSectorVoters = DEFAULT_SECTOR_MIN_VOTERS,
  countsFor: CountsFor = countsForItself,
): VoteRoundResult[] {
  return resultsOf(stored, minSectorVoters, countsFor).map(visibleResult);
}
