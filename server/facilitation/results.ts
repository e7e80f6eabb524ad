/**
 * Vote results from stored ballots: each dot is attributed to its voter's name and sector (as the
 * participant record has them) and tallied by the shared rules in shared/votes.ts. Every result
 * leaves here with small sectors of anonymous rounds already merged, so no caller can publish
 * them by mistake.
 */
import type { Sector } from '../../shared/schema.ts';
import { DEFAULT_SECTOR_MIN_VOTERS, tallyRound, visibleResult, type Dot, type VoteRoundResult } from '../../shared/votes.ts';
import type { StoredSession, VoteRoundRecord } from '../storage/storage.ts';

export type Voter = { name: string; sector: Sector };

export function roundResult(
  round: VoteRoundRecord,
  ballots: Iterable<{ participantId: string; cardId: string; count: number }>,
  voters: ReadonlyMap<string, Voter>,
  minSectorVoters = DEFAULT_SECTOR_MIN_VOTERS,
): VoteRoundResult {
  const dots: Dot[] = [];
  const voted = new Set<string>();
  for (const { participantId, cardId, count } of ballots) {
    const voter = voters.get(participantId);
    // storage refuses ballots of unknown people; this only guards a hand-edited database
    if (!voter || count <= 0) continue;
    voted.add(participantId);
    for (let i = 0; i < count; i++) dots.push({ participantId, name: voter.name, sector: voter.sector, cardId });
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
export function resultsOf(stored: StoredSession, minSectorVoters = DEFAULT_SECTOR_MIN_VOTERS): VoteRoundResult[] {
  const voters = new Map(stored.participants.map((p) => [p.id, { name: p.name, sector: p.sector }]));
  return stored.rounds.map((round) =>
    roundResult(
      round,
      stored.ballots.filter((b) => b.round === round.round),
      voters,
      minSectorVoters,
    ),
  );
}

/** The same, with totals taken out of every round whose results may not be seen yet. */
export function visibleResultsOf(stored: StoredSession, minSectorVoters = DEFAULT_SECTOR_MIN_VOTERS): VoteRoundResult[] {
  return resultsOf(stored, minSectorVoters).map(visibleResult);
}
