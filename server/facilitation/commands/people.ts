/**
 * The facilitator's commands about people: removing someone (their dots in an open vote and
 * their drafts go with them, and their connections close), making a contributor co-facilitator,
 * and rotating a link.
 */
import { CloseCode, CloseReason } from '../../../shared/protocol.ts';
import { applyStep, refuse, type CommandContext, type CommandGroup, type Facilitation, type Outcome } from '../command.ts';
import type { ParsedArgs } from '../parseCommand.ts';
import { markRemoved, setCoFacilitator } from '../../../shared/facilitation/index.ts';

async function removeParticipant(
  f: Facilitation,
  ctx: CommandContext,
  { participantId }: ParsedArgs<'removeParticipant'>,
): Promise<Outcome> {
  const target = f.model.participants.get(participantId);
  if (!target) return refuse('not-found', 'There is no participant with that id on this board.');
  if (target.id === ctx.participant?.id) return refuse('invalid-state', 'You can’t remove yourself. Leave the board instead.');
  const isFacilitator = target.role === 'facilitator' || f.people.liveRole(target.id) === 'facilitator';
  if (ctx.standing !== 'facilitator' && isFacilitator) {
    return refuse('forbidden', 'Only a facilitator can remove a facilitator.');
  }
  const step = markRemoved(f.model.state, target.id);
  if (!step.ok) return refuse(step.code, step.message);
  // their dots in an open vote go with them; closed rounds are history and stay as they were
  const vote = f.model.state.vote;
  const liveRound = vote?.status === 'open' ? vote.round : null;
  await f.model.removePerson(target, liveRound);
  await f.commit(step.state);
  if (liveRound !== null) f.publish.publishResult(liveRound);
  return { ok: true, afterReply: () => f.people.closeParticipant(target.id, CloseCode.removed, CloseReason.removed) };
}

async function makeCoFacilitator(
  f: Facilitation,
  _ctx: CommandContext,
  { participantId, on = true }: ParsedArgs<'makeCoFacilitator'>,
): Promise<Outcome> {
  const target = f.model.participants.get(participantId);
  if (!target) return refuse('not-found', 'There is no participant with that id on this board.');
  if (on && target.role !== 'contributor') {
    return refuse(
      'invalid-state',
      target.role === 'viewer'
        ? 'Viewers can’t be co-facilitators: they joined with a view-only link.'
        : 'That person already holds the facilitator link.',
    );
  }
  return applyStep(f, setCoFacilitator(f.model.state, target.id, on));
}

async function rotateLink(f: Facilitation, _ctx: CommandContext, { role }: ParsedArgs<'rotateLink'>): Promise<Outcome> {
  if (!f.rotateLink) return refuse('forbidden', 'Links can’t be rotated on this server.');
  const { token, closeOld } = await f.rotateLink(f.model.boardId, role);
  // after the result: rotating the facilitator link closes the asker's own connection too, and
  // it needs the new token first to come back with
  return { ok: true, value: { role, token }, afterReply: closeOld };
}

export const PEOPLE_COMMANDS: CommandGroup<'removeParticipant' | 'makeCoFacilitator' | 'rotateLink'> = {
  removeParticipant: { access: 'runs-session', run: removeParticipant },
  makeCoFacilitator: { access: 'runs-session', run: makeCoFacilitator },
  rotateLink: { access: 'facilitator', run: rotateLink },
};
