/**
 * Who may do what: a person's standing, and the rules that say whether a change to the board, or
 * a dot in the vote, is allowed now. They read a narrow `SessionView` of the session, which both
 * the server's `SessionState` and the client's `session` message satisfy as they are, so the
 * server applies exactly the rules the client asks before it writes.
 */
import type { CardKind, Role, Template } from '../schema.ts';
import { VOTE_LANE_KIND, checkVoter, type VoteConfig, type VoteRefusal, type VoteRoundStatus, type VoterRole } from '../votes.ts';
import { currentPhase, type SessionState } from './phases.ts';

/**
 * What the rules read of a session: the phase, the lock, private mode and the vote. The server's
 * `SessionState` and the client's `session` message (shared/protocol.ts) both fit it as they are.
 */
export type SessionView = {
  phaseIndex: number;
  locked: boolean;
  privateMode: boolean;
  vote: { config: VoteConfig; status: VoteRoundStatus } | null;
};

/** A session view with its board's template, as the client's `session` message carries it. */
export type TemplatedSessionView = SessionView & { template: Template };

/**
 * A connection's standing: its link's role, raised to co-facilitator for a joined contributor the
 * facilitator promoted. Unjoined connections have their link's role.
 */
export type Standing = 'facilitator' | 'co-facilitator' | 'contributor' | 'viewer';

export function standingOf(role: Role, participantId: string | null, state: Pick<SessionState, 'coFacilitators'>): Standing {
  if (role === 'contributor' && participantId !== null && state.coFacilitators.includes(participantId)) return 'co-facilitator';
  return role;
}

/** Since when (server clock) the rule behind `refusal` has applied, if known. */
export function refusalSince(state: Pick<SessionState, 'lockedAt' | 'phaseStartedAt'>, refusal: { code: string }): number | null {
  if (refusal.code === 'locked') return state.lockedAt ?? null;
  if (refusal.code === 'wrong-phase') return state.phaseStartedAt ?? null;
  return null;
}

export function runsSession(standing: Standing): boolean {
  return standing === 'facilitator' || standing === 'co-facilitator';
}

/** Each lane's cards in words, for sentences ("You can’t add ideas …", "Voting on problem statements"). */
export const LANE_WORDS: Readonly<Record<CardKind, string>> = {
  problem: 'problem statements',
  idea: 'ideas',
  note: 'prototype notes',
};

/** Lanes whose new cards become private drafts while private mode is on. */
export const DRAFT_KINDS: readonly CardKind[] = ['problem', 'idea'];

export const LOCKED_MESSAGE = 'The board is locked by the facilitator';

const VIEWERS_CANT_CHANGE = 'Viewers can’t change the board.';

/** Why a change to the board is refused: in words for the person who tried it. */
export type WriteRefusal = { code: 'locked' | 'wrong-phase' | 'private-mode' | 'forbidden'; message: string };

/** Whether a person may add a card of `kind` straight onto the board now; null when they may. */
export function addRefusal(state: SessionView, template: Template, standing: Standing, kind: CardKind): WriteRefusal | null {
  if (standing === 'viewer') return { code: 'forbidden', message: VIEWERS_CANT_CHANGE };
  if (runsSession(standing)) return null;
  if (state.locked) return { code: 'locked', message: LOCKED_MESSAGE };
  const phase = currentPhase(state, template);
  if (!phase.allows.add.includes(kind)) {
    return { code: 'wrong-phase', message: `You can’t add ${LANE_WORDS[kind]} during “${phase.name}”. ${phase.asks}` };
  }
  if (state.privateMode && DRAFT_KINDS.includes(kind)) {
    return {
      code: 'private-mode',
      message: 'Private mode is on: save your card as a draft. The facilitator will reveal everyone’s drafts together.',
    };
  }
  return null;
}

/**
 * Whether a person may change the board's meta — its title, challenge and sponsor, and the
 * brief's summary and next steps, which a sponsor reads as the team's word: only those who run
 * the session may.
 */
export function metaRefusal(standing: Standing): WriteRefusal | null {
  if (runsSession(standing)) return null;
  return {
    code: 'forbidden',
    message: 'Only the facilitator can change the board’s title, challenge and sponsor, and the brief’s summary and next steps',
  };
}

/** Whether a person may change cards already on the board now; null when they may. */
export function editRefusal(state: SessionView, template: Template, standing: Standing): WriteRefusal | null {
  if (standing === 'viewer') return { code: 'forbidden', message: VIEWERS_CANT_CHANGE };
  if (runsSession(standing)) return null;
  if (state.locked) return { code: 'locked', message: LOCKED_MESSAGE };
  const phase = currentPhase(state, template);
  if (!phase.allows.edit) return { code: 'wrong-phase', message: `Cards can’t be changed during “${phase.name}”. ${phase.asks}` };
  return null;
}

/** Whether a person may save a private draft of `kind` now; null when they may. */
export function draftRefusal(
  state: SessionView,
  template: Template,
  standing: Standing,
  kind: CardKind,
): { code: 'locked' | 'wrong-phase' | 'forbidden' | 'private-mode-off'; message: string } | null {
  if (standing === 'viewer') return { code: 'forbidden', message: 'Viewers can’t write drafts.' };
  if (!state.privateMode) {
    return { code: 'private-mode-off', message: 'Private mode is off: add your card to the board directly.' };
  }
  if (!DRAFT_KINDS.includes(kind)) return { code: 'wrong-phase', message: `Only problem statements and ideas can be drafts.` };
  if (runsSession(standing)) return null;
  if (state.locked) return { code: 'locked', message: LOCKED_MESSAGE };
  const phase = currentPhase(state, template);
  if (!phase.allows.add.includes(kind)) {
    return { code: 'wrong-phase', message: `You can’t write ${LANE_WORDS[kind]} during “${phase.name}”. ${phase.asks}` };
  }
  return null;
}

/**
 * Who a person votes as: a co-facilitator votes as the contributor they are; only holders of the
 * facilitator link are held back by a round's `facilitatorsVote`.
 */
export function voterOf(standing: Standing): VoterRole {
  if (standing === 'viewer') return 'viewer';
  return standing === 'facilitator' ? 'facilitator' : 'contributor';
}

/**
 * Whether a person may place dots in the session's vote now, whatever their ballot and the card:
 * the rule castVote applies first (`checkVoter`), on the lanes the current phase votes on.
 */
export function voteRefusal(state: SessionView, template: Template, standing: Standing): VoteRefusal | null {
  return checkVoter({
    vote: state.vote,
    phaseVoteLanes: currentPhase(state, template).allows.vote,
    voter: voterOf(standing),
  });
}

// ---------------------------------------------------------------------------------------------
// The same rules as a client asks them, on the last `session` message it had (null before the
// first one arrives: then only the standing counts). The server's answer still counts.

/** How a person may add a card of `kind`: straight onto the board, as a private draft, or not at all. */
export type AddMode = { mode: 'board' } | { mode: 'draft'; note: string } | { mode: 'blocked'; reason: string };

export function addMode(session: TemplatedSessionView | null, standing: Standing, kind: CardKind): AddMode {
  if (standing === 'viewer') return { mode: 'blocked', reason: VIEWERS_CANT_CHANGE };
  if (!session) return { mode: 'board' };
  const refusal = addRefusal(session, session.template, standing, kind);
  if (!refusal) return { mode: 'board' };
  if (refusal.code === 'private-mode') {
    const draft = draftRefusal(session, session.template, standing, kind);
    if (!draft) return { mode: 'draft', note: refusal.message };
    return { mode: 'blocked', reason: draft.message };
  }
  return { mode: 'blocked', reason: refusal.message };
}

/** Why this person may not change cards already on the board now; null when they may. */
export function editBlocked(session: TemplatedSessionView | null, standing: Standing): string | null {
  if (standing === 'viewer') return VIEWERS_CANT_CHANGE;
  if (!session) return null;
  return editRefusal(session, session.template, standing)?.message ?? null;
}

/** Whether this person places dots in the session's vote now, and if not, why (the server's words). */
export function voteEligibility(
  session: TemplatedSessionView | null,
  standing: Standing,
): { canVote: true } | { canVote: false; reason: string } {
  const refusal = session
    ? voteRefusal(session, session.template, standing)
    : checkVoter({ vote: null, phaseVoteLanes: [], voter: voterOf(standing) });
  return refusal ? { canVote: false, reason: refusal.message } : { canVote: true };
}

/** The kind of card the open vote is on; null when no vote is open. */
export function openVoteKind(session: Pick<SessionView, 'vote'> | null): CardKind | null {
  const vote = session?.vote;
  if (!vote || vote.status !== 'open') return null;
  return VOTE_LANE_KIND[vote.config.lane];
}
