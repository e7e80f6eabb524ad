/**
 * The facilitator's commands that are not about a single ballot or draft: phases, timer, lock,
 * private mode, opening and closing votes, and people (remove, promote, rotate a link). Each is a
 * step of the pure phase machine in shared/facilitation/phases.ts, stored and then published by
 * the session.
 */
import { CloseCode, CloseReason } from '../../shared/protocol.ts';
import { markRemoved, setCoFacilitator } from '../../shared/facilitation/index.ts';
import { refuse, type BoardSession, type CommandContext, type Outcome } from './boardSession.ts';
import type { ParsedArgs } from './commands.ts';

/** Rotates a link: the service stores the new hash, and the old token's connections close once the result is sent. */
export type LinkRotator = (boardId: string, role: ParsedArgs<'rotateLink'>['role']) => Promise<{ token: string; closeOld: () => void }>;

export async function removeParticipant(
  session: BoardSession,
  ctx: CommandContext,
  { participantId }: ParsedArgs<'removeParticipant'>,
): Promise<Outcome> {
  const target = session.participants.get(participantId);
  if (!target) return refuse('not-found', 'There is no participant with that id on this board.');
  if (target.id === ctx.participant?.id) return refuse('invalid-state', 'You can’t remove yourself. Leave the board instead.');
  const isFacilitator = target.role === 'facilitator' || session.liveRole(target.id) === 'facilitator';
  if (ctx.standing !== 'facilitator' && isFacilitator) {
    return refuse('forbidden', 'Only a facilitator can remove a facilitator.');
  }
  const step = markRemoved(session.state, target.id);
  if (!step.ok) return refuse(step.code, step.message);
  // stored first: from here on their credentials are refused, whatever else fails
  await session.storage.putParticipant({ ...target, removed: true });
  session.participants.set(target.id, { ...target, removed: true });
  // their dots in an open vote go with them; closed rounds are history and stay as they were
  const vote = session.state.vote;
  const liveRound = vote?.status === 'open' ? vote.round : null;
  if (liveRound !== null) {
    await session.storage.deleteBallots(session.boardId, liveRound, target.id);
    session.setBallot(liveRound, target.id, {});
  }
  await session.storage.deleteDrafts(session.boardId, target.id);
  session.drafts.delete(target.id);
  await session.commit(step.state);
  if (liveRound !== null) session.publishResult(liveRound);
  return { ok: true, afterReply: () => session.closeParticipant(target.id, CloseCode.removed, CloseReason.removed) };
}

export async function makeCoFacilitator(
  session: BoardSession,
  _ctx: CommandContext,
  { participantId, on = true }: ParsedArgs<'makeCoFacilitator'>,
): Promise<Outcome> {
  const target = session.participants.get(participantId);
  if (!target) return refuse('not-found', 'There is no participant with that id on this board.');
  if (on && target.role !== 'contributor') {
    return refuse(
      'invalid-state',
      target.role === 'viewer'
        ? 'Viewers can’t be co-facilitators: they joined with a view-only link.'
        : 'That person already holds the facilitator link.',
    );
  }
  return session.step(setCoFacilitator(session.state, target.id, on));
}

export async function rotateLink(
  session: BoardSession,
  _ctx: CommandContext,
  { role }: ParsedArgs<'rotateLink'>,
  rotate: LinkRotator,
): Promise<Outcome> {
  const { token, closeOld } = await rotate(session.boardId, role);
  // after the result: rotating the facilitator link closes the asker's own connection too, and
  // it needs the new token first to come back with
  return { ok: true, value: { role, token }, afterReply: closeOld };
}
