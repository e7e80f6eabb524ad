/**
 * Casting and withdrawing dots. The rules are shared/votes.ts's `checkVote`; this stores the
 * changed ballot row before anyone hears of it, then tells the voter (and everyone, only if the
 * round's results are visible live).
 */
import { currentPhase, voterOf } from '../../shared/facilitation/index.ts';
import { findCard } from '../../shared/schema.ts';
import { VOTE_LANE_KIND, applyVote, checkVote, resultsVisible } from '../../shared/votes.ts';
import { refuse, type BoardSession, type CommandContext, type Outcome } from './boardSession.ts';
import type { ParsedArgs } from './commands.ts';

export async function vote(
  session: BoardSession,
  ctx: CommandContext,
  action: 'cast' | 'withdraw',
  { cardId }: ParsedArgs<'castVote'>,
): Promise<Outcome> {
  const participant = ctx.participant!;
  const current = session.state.vote;
  const ballot = session.ballotOf(current?.round, participant.id);
  const refusal = checkVote({
    action,
    vote: current,
    phaseVoteLanes: currentPhase(session.state, session.template).allows.vote,
    voter: voterOf(ctx.standing),
    ballot,
    cardId,
    cardInLane: current !== null && findCard(session.room.doc, cardId)?.kind === VOTE_LANE_KIND[current.config.lane],
  });
  if (refusal) return refuse(refusal.code, refusal.message);
  const round = current!.round;
  const next = applyVote(ballot, action, cardId);
  const votersBefore = session.voterCount(round);
  await session.storage.setBallot({
    boardId: session.boardId,
    round,
    participantId: participant.id,
    cardId,
    count: next[cardId] ?? 0,
  });
  session.setBallot(round, participant.id, next);
  session.sendMyVotes(participant.id);
  // the session carries how many people voted (never on what): publish when that changes
  if (session.voterCount(round) !== votersBefore) session.publishSession();
  if (resultsVisible(current!)) session.publishResult(round);
  return { ok: true, value: session.myVotes(participant.id) };
}
