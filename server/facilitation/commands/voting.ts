/**
 * Votes: the facilitator opens, closes and reveals a round (steps of the phase machine in
 * shared/facilitation/phases.ts); people cast and withdraw dots by the rules of shared/votes.ts's
 * `checkVote`. A changed ballot row is stored before anyone hears of it; then the voter is told,
 * and everyone only if the round's results are visible live.
 */
import { findCard } from '../../../shared/schema.ts';
import { VOTE_LANE_KIND, applyVote, checkVote, resultsVisible } from '../../../shared/votes.ts';
import { applyStep, refuse, type CommandContext, type CommandGroup, type Facilitation, type Outcome } from '../command.ts';
import type { ParsedArgs } from '../parseCommand.ts';
import { closeVote, currentPhase, openVote, revealVote, voterOf } from '../../../shared/facilitation/index.ts';

async function vote(
  f: Facilitation,
  ctx: CommandContext,
  action: 'cast' | 'withdraw',
  { cardId }: ParsedArgs<'castVote'>,
): Promise<Outcome> {
  const participant = ctx.participant!;
  const { model } = f;
  const current = model.state.vote;
  const ballot = model.ballotOf(current?.round, participant.id);
  const refusal = checkVote({
    action,
    vote: current,
    phaseVoteLanes: currentPhase(model.state, model.template).allows.vote,
    voter: voterOf(ctx.standing),
    ballot,
    cardId,
    cardInLane: current !== null && findCard(f.board.doc, cardId)?.kind === VOTE_LANE_KIND[current.config.lane],
  });
  if (refusal) return refuse(refusal.code, refusal.message);
  const round = current!.round;
  const votersBefore = model.voterCount(round);
  await model.castBallot(round, participant.id, cardId, applyVote(ballot, action, cardId));
  f.publish.sendMyVotes(participant.id);
  // the session carries how many people voted (never on what): publish when that changes
  if (model.voterCount(round) !== votersBefore) f.publish.publishSession();
  if (resultsVisible(current!)) f.publish.publishResult(round);
  return { ok: true, value: model.myVotes(participant.id) };
}

export const VOTING_COMMANDS: CommandGroup<'openVote' | 'closeVote' | 'revealVote' | 'castVote' | 'withdrawVote'> = {
  openVote: {
    access: 'runs-session',
    run: (f, c, a) => {
      const step = openVote(f.model.state, f.model.template, a.config ?? {}, c.now);
      return applyStep(f, step, step.ok ? { round: step.state.vote!.round } : undefined);
    },
  },
  closeVote: { access: 'runs-session', run: (f, c) => applyStep(f, closeVote(f.model.state, c.now)) },
  revealVote: { access: 'runs-session', run: (f, c) => applyStep(f, revealVote(f.model.state, c.now)) },

  castVote: { access: 'joined', run: (f, c, a) => vote(f, c, 'cast', a) },
  withdrawVote: { access: 'joined', run: (f, c, a) => vote(f, c, 'withdraw', a) },
};
