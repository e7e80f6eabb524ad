/**
 * What the session allows *this person* right now, from the last `session` message, using the
 * same pure rules the server applies (shared/session.ts, shared/votes.ts). The UI asks these
 * before writing so that it never sends an update the server would refuse; the server's answer
 * still counts.
 */
import type { SessionMessage } from '../../shared/protocol.ts';
import type { CardKind, Role } from '../../shared/schema.ts';
import {
  addRefusal,
  draftRefusal,
  editRefusal,
  IDLE_TIMER,
  runsSession,
  type SessionState,
  type Standing,
  type WriteRefusal,
} from '../../shared/session.ts';
import { VOTE_LANE_KIND, type VoteLane } from '../../shared/votes.ts';

/** The parts of the server's SessionState the write rules read, rebuilt from a session message. */
export function stateOf(session: SessionMessage): SessionState {
  return {
    phaseIndex: session.phaseIndex,
    round: session.round,
    locked: session.locked,
    privateMode: session.privateMode,
    timer: IDLE_TIMER,
    vote: session.vote,
    votesOpened: session.vote?.round ?? 0,
    coFacilitators: [],
    removed: [],
  };
}

/** How a person may add a card of `kind`: straight onto the board, as a private draft, or not at all. */
export type AddMode = { mode: 'board' } | { mode: 'draft'; note: string } | { mode: 'blocked'; reason: string };

export function addMode(session: SessionMessage | null, standing: Standing, kind: CardKind): AddMode {
  if (standing === 'viewer') return { mode: 'blocked', reason: 'Viewers can’t change the board.' };
  if (!session) return { mode: 'board' };
  const refusal: WriteRefusal | null = addRefusal(stateOf(session), session.template, standing, kind);
  if (!refusal) return { mode: 'board' };
  if (refusal.code === 'private-mode') {
    const draft = draftRefusal(stateOf(session), session.template, standing, kind);
    if (!draft) return { mode: 'draft', note: refusal.message };
    return { mode: 'blocked', reason: draft.message };
  }
  return { mode: 'blocked', reason: refusal.message };
}

/** Why this person may not change cards already on the board now; null when they may. */
export function editBlocked(session: SessionMessage | null, standing: Standing): string | null {
  if (standing === 'viewer') return 'Viewers can’t change the board.';
  if (!session) return null;
  return editRefusal(stateOf(session), session.template, standing)?.message ?? null;
}


/** The lane a vote is open on, as a card kind; null when no vote is open. */
export function openVoteKind(session: SessionMessage | null): CardKind | null {
  const vote = session?.vote;
  if (!vote || vote.status !== 'open') return null;
  return VOTE_LANE_KIND[vote.config.lane];
}

/** Whether this person places dots in the open vote, and if not, why (in words). */
export function voteEligibility(session: SessionMessage | null, role: Role): { canVote: true } | { canVote: false; reason: string } {
  const vote = session?.vote;
  if (!vote || vote.status !== 'open') return { canVote: false, reason: 'No vote is open.' };
  if (role === 'viewer') return { canVote: false, reason: 'Viewers can’t vote.' };
  if (role === 'facilitator' && !vote.config.facilitatorsVote) {
    return { canVote: false, reason: 'Facilitators don’t vote in this round.' };
  }
  return { canVote: true };
}

export function laneOfKind(kind: CardKind): VoteLane | null {
  return kind === 'idea' ? 'ideas' : kind === 'problem' ? 'problems' : null;
}

export { runsSession };
