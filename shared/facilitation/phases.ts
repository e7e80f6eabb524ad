/**
 * The facilitator's session state and the pure functions that move it on (the phase machine).
 *
 * The server alone holds the real `SessionState` (it is trusted state: never in the shared
 * document) and applies these functions to facilitators' commands; clients get a copy of what
 * the rules read in the `session` message (see permissions.ts).
 */
import type { Template } from '../schema.ts';
import { normaliseVoteConfig, type VoteConfig, type VoteRoundStatus } from '../votes.ts';
import { phasesOf, type Phase } from './templates.ts';

export type TimerStatus = 'idle' | 'running' | 'paused' | 'ended';

/**
 * The countdown, in the server's clock. Running: `endsAt` is when it ends. Paused: `remainingMs`
 * is what is left. Ended: `endsAt` is when it ended. Idle: neither.
 */
export type TimerState = {
  status: TimerStatus;
  /** the length it was started with plus every extension (for a progress bar) */
  durationMs: number;
  endsAt: number | null;
  remainingMs: number | null;
};

/** The board's current (or last) vote. Ballots are not here: the server keeps them apart. */
export type SessionVote = {
  /** numbered across the board: the first vote ever opened is round 1 */
  round: number;
  config: VoteConfig;
  status: VoteRoundStatus;
  openedAt: number;
  closedAt: number | null;
  revealedAt: number | null;
};

export type SessionState = {
  phaseIndex: number;
  /** how many times the current phase has been run (repeatRound adds one; a new phase starts at 1) */
  round: number;
  locked: boolean;
  /** new problems and ideas are drafts only their author sees, until the facilitator reveals them */
  privateMode: boolean;
  timer: TimerState;
  /** the current vote, or the last one (closed or revealed) until another opens */
  vote: SessionVote | null;
  /** how many votes were ever opened, so the next one gets the next round number */
  votesOpened: number;
  /** contributors promoted by a facilitator (participant ids) */
  coFacilitators: string[];
  /** participants removed from the board (participant ids) */
  removed: string[];
  /** server clock: when the board was locked (null while unlocked, or unknown) */
  lockedAt?: number | null;
  /** server clock: when the current phase (or its current round) began, if known */
  phaseStartedAt?: number | null;
};

export const IDLE_TIMER: TimerState = { status: 'idle', durationMs: 0, endsAt: null, remainingMs: null };

export const TIMER_LIMITS = { minMs: 1000, maxMs: 24 * 60 * 60 * 1000 } as const;

export function initialSession(template: Template): SessionState {
  const first = phasesOf(template)[0]!;
  return {
    phaseIndex: 0,
    round: 1,
    locked: first.allows.locked,
    privateMode: false,
    timer: IDLE_TIMER,
    vote: null,
    votesOpened: 0,
    coFacilitators: [],
    removed: [],
    lockedAt: null,
    phaseStartedAt: null,
  };
}

/** The phase a session is in (its index clamped to the template's phases). */
export function currentPhase(state: { phaseIndex: number }, template: Template): Phase {
  const phases = phasesOf(template);
  return phases[Math.min(Math.max(state.phaseIndex, 0), phases.length - 1)]!;
}

/** Milliseconds left on the timer at server time `now`. */
export function timerRemaining(timer: TimerState, now: number): number {
  if (timer.status === 'running') return Math.max(0, (timer.endsAt ?? now) - now);
  if (timer.status === 'paused') return timer.remainingMs ?? 0;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// The phase machine. Each step returns the next state, or why it can't be taken.

export type SessionRefusalCode = 'invalid-state' | 'wrong-phase' | 'not-found' | 'bad-args';
export type Step = { ok: true; state: SessionState } | { ok: false; code: SessionRefusalCode; message: string };

const ok = (state: SessionState): Step => ({ ok: true, state });
const refuse = (code: SessionRefusalCode, message: string): Step => ({ ok: false, code, message });

function closeOpenVote(vote: SessionVote | null, now: number): SessionVote | null {
  return vote && vote.status === 'open' ? { ...vote, status: 'closed', closedAt: now } : vote;
}

/**
 * Moves to phase `index`. An open vote closes (its ballots are kept); the timer stops, because it
 * timed the phase being left; entering a locking phase (Pitch) locks the board and leaving one
 * unlocks it — a lock the facilitator set by hand elsewhere stays.
 */
export function goToPhase(state: SessionState, template: Template, index: number, now: number): Step {
  const phases = phasesOf(template);
  if (!Number.isInteger(index) || index < 0 || index >= phases.length) {
    return refuse('not-found', `There is no phase ${index + 1}: this board has ${phases.length}.`);
  }
  if (index === state.phaseIndex) return refuse('invalid-state', `The board is already in “${phases[index]!.name}”.`);
  const leaving = currentPhase(state, template);
  const entering = phases[index]!;
  let locked = state.locked;
  if (entering.allows.locked) locked = true;
  else if (leaving.allows.locked) locked = false;
  return ok({
    ...state,
    phaseIndex: index,
    round: 1,
    locked,
    timer: IDLE_TIMER,
    vote: closeOpenVote(state.vote, now),
  });
}

export function goToPhaseById(state: SessionState, template: Template, phaseId: string, now: number): Step {
  const index = phasesOf(template).findIndex((p) => p.id === phaseId);
  if (index < 0) return refuse('not-found', `This board has no phase called “${phaseId}”.`);
  return goToPhase(state, template, index, now);
}

export function nextPhase(state: SessionState, template: Template, now: number): Step {
  if (state.phaseIndex >= phasesOf(template).length - 1) return refuse('invalid-state', 'This is the last phase.');
  return goToPhase(state, template, state.phaseIndex + 1, now);
}

export function prevPhase(state: SessionState, template: Template, now: number): Step {
  if (state.phaseIndex <= 0) return refuse('invalid-state', 'This is the first phase.');
  return goToPhase(state, template, state.phaseIndex - 1, now);
}

/**
 * Runs the current phase again (a second round of ideas, or a second vote): the round number goes
 * up, an open vote closes with its results kept, and the timer stops. The facilitator then opens
 * the new vote with `openVote`, which gets the next round number.
 */
export function repeatRound(state: SessionState, now: number): Step {
  return ok({ ...state, round: state.round + 1, timer: IDLE_TIMER, vote: closeOpenVote(state.vote, now) });
}

function checkDuration(ms: number, what: string): string | null {
  if (!Number.isInteger(ms) || ms < TIMER_LIMITS.minMs || ms > TIMER_LIMITS.maxMs) {
    return `${what} must be a whole number of milliseconds from ${TIMER_LIMITS.minMs} (1 second) to ${TIMER_LIMITS.maxMs} (24 hours).`;
  }
  return null;
}

/** Starts (or restarts) the countdown at `ms`. */
export function startTimer(state: SessionState, ms: number, now: number): Step {
  const bad = checkDuration(ms, 'The timer');
  if (bad) return refuse('bad-args', bad);
  return ok({ ...state, timer: { status: 'running', durationMs: ms, endsAt: now + ms, remainingMs: null } });
}

export function pauseTimer(state: SessionState, now: number): Step {
  const t = state.timer;
  if (t.status !== 'running') return refuse('invalid-state', 'The timer is not running.');
  return ok({ ...state, timer: { ...t, status: 'paused', endsAt: null, remainingMs: timerRemaining(t, now) } });
}

export function resumeTimer(state: SessionState, now: number): Step {
  const t = state.timer;
  if (t.status !== 'paused') return refuse('invalid-state', 'The timer is not paused.');
  return ok({ ...state, timer: { ...t, status: 'running', endsAt: now + (t.remainingMs ?? 0), remainingMs: null } });
}

/** Adds time: to a running or paused timer, or restarts an ended one with just the extra time. */
export function extendTimer(state: SessionState, ms: number, now: number): Step {
  const bad = checkDuration(ms, 'The extra time');
  if (bad) return refuse('bad-args', bad);
  const t = state.timer;
  if (t.status === 'idle') return refuse('invalid-state', 'There is no timer to extend. Start one first.');
  if (t.status === 'ended') return ok({ ...state, timer: { status: 'running', durationMs: ms, endsAt: now + ms, remainingMs: null } });
  const durationMs = Math.min(t.durationMs + ms, TIMER_LIMITS.maxMs);
  if (t.status === 'paused') return ok({ ...state, timer: { ...t, durationMs, remainingMs: Math.min((t.remainingMs ?? 0) + ms, TIMER_LIMITS.maxMs) } });
  return ok({ ...state, timer: { ...t, durationMs, endsAt: Math.min((t.endsAt ?? now) + ms, now + TIMER_LIMITS.maxMs) } });
}

export function stopTimer(state: SessionState): Step {
  if (state.timer.status === 'idle') return refuse('invalid-state', 'There is no timer to stop.');
  return ok({ ...state, timer: IDLE_TIMER });
}

/** The server's own step when a running timer's time is up; refused if it is not (yet). */
export function endTimer(state: SessionState, now: number): Step {
  const t = state.timer;
  if (t.status !== 'running') return refuse('invalid-state', 'The timer is not running.');
  if (timerRemaining(t, now) > 0) return refuse('invalid-state', 'The timer has time left.');
  return ok({ ...state, timer: { ...t, status: 'ended', remainingMs: 0 } });
}

export function setLocked(state: SessionState, locked: boolean): Step {
  if (state.locked === locked) return refuse('invalid-state', locked ? 'The board is already locked.' : 'The board is not locked.');
  return ok({ ...state, locked });
}

export function setPrivateMode(state: SessionState, on: boolean): Step {
  if (state.privateMode === on) return refuse('invalid-state', on ? 'Private mode is already on.' : 'Private mode is already off.');
  return ok({ ...state, privateMode: on });
}

/** Opens a new vote with the facilitator's settings, checked against what the phase votes on. */
export function openVote(state: SessionState, template: Template, input: Partial<VoteConfig>, now: number): Step {
  if (state.vote?.status === 'open') return refuse('invalid-state', 'A vote is already open. Close it first.');
  const phase = currentPhase(state, template);
  const checked = normaliseVoteConfig(input, phase.allows.vote);
  if (!checked.ok) return refuse(phase.allows.vote.length === 0 ? 'wrong-phase' : 'bad-args', checked.message);
  const round = state.votesOpened + 1;
  return ok({
    ...state,
    votesOpened: round,
    vote: { round, config: checked.config, status: 'open', openedAt: now, closedAt: null, revealedAt: null },
  });
}

export function closeVote(state: SessionState, now: number): Step {
  if (state.vote?.status !== 'open') return refuse('invalid-state', 'No vote is open.');
  return ok({ ...state, vote: closeOpenVote(state.vote, now) });
}

/** Shows everyone the results; revealing an open vote closes it first. */
export function revealVote(state: SessionState, now: number): Step {
  const vote = state.vote;
  if (!vote) return refuse('invalid-state', 'There is no vote to reveal.');
  if (vote.status === 'revealed') return refuse('invalid-state', 'The results are already revealed.');
  return ok({ ...state, vote: { ...closeOpenVote(vote, now)!, status: 'revealed', revealedAt: now } });
}

export function markRemoved(state: SessionState, participantId: string): Step {
  if (state.removed.includes(participantId)) return refuse('invalid-state', 'That person has already been removed.');
  return ok({
    ...state,
    removed: [...state.removed, participantId],
    coFacilitators: state.coFacilitators.filter((id) => id !== participantId),
  });
}

export function setCoFacilitator(state: SessionState, participantId: string, on: boolean): Step {
  const has = state.coFacilitators.includes(participantId);
  if (has === on) return refuse('invalid-state', on ? 'That person is already a co-facilitator.' : 'That person is not a co-facilitator.');
  if (on && state.removed.includes(participantId)) return refuse('invalid-state', 'That person has been removed from the board.');
  return ok({
    ...state,
    coFacilitators: on ? [...state.coFacilitators, participantId] : state.coFacilitators.filter((id) => id !== participantId),
  });
}

/**
 * Stamps when the lock and the phase changed, so that a change refused because of them can say
 * since when ("the board was locked at 14:32").
 */
export function stampChanges(prev: SessionState, next: SessionState, now: number): SessionState {
  const lockedAt = next.locked ? (prev.locked ? (prev.lockedAt ?? null) : now) : null;
  const phaseStartedAt =
    next.phaseIndex !== prev.phaseIndex || next.round !== prev.round ? now : (prev.phaseStartedAt ?? null);
  return { ...next, lockedAt, phaseStartedAt };
}
