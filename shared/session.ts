/**
 * How a session runs: each template's phases as data, the facilitator's session state, and the
 * pure functions that move it on (the phase machine). Nothing here touches Yjs or the network.
 *
 * The server alone holds the real `SessionState` (it is trusted state: never in the shared
 * document) and applies these functions to facilitators' commands; clients get a copy in the
 * `session` message and may use the same functions to show what is allowed before asking.
 */
import type { CardKind, Template, Role } from './schema.ts';
import { normaliseVoteConfig, type VoteConfig, type VoteLane, type VoteRoundStatus } from './votes.ts';

// ---------------------------------------------------------------------------------------------
// Templates and phases

/** What a phase lets contributors do. Facilitators and co-facilitators are never restricted. */
export type PhaseAllows = {
  /** lanes where contributors may add new cards */
  add: readonly CardKind[];
  /** whether contributors may change what is already there: titles, bodies, links, themes, order, deletions */
  edit: boolean;
  /** lanes a vote may be opened on during this phase */
  vote: readonly VoteLane[];
  /** the facilitator is offered private mode when this phase starts (it is never switched on by itself) */
  privateModeSuggested: boolean;
  /** entering this phase locks the board; leaving it unlocks it */
  locked: boolean;
};

export type Phase = {
  id: string;
  name: string;
  /** what the phase asks of people: one plain sentence, shown beside the phase name */
  asks: string;
  allows: PhaseAllows;
};

/** A card the template puts on a new board, for people to rewrite. */
export type StarterCard = { kind: 'problem'; title: string; body: string };

export type TemplateDefinition = {
  id: Template;
  name: string;
  /** one sentence for the "Start a board" form */
  description: string;
  phases: readonly Phase[];
  starter: readonly StarterCard[];
};

const ALL_LANES: readonly CardKind[] = ['problem', 'idea', 'note'];

function allows(partial: Partial<PhaseAllows>): PhaseAllows {
  return { add: [], edit: true, vote: [], privateModeSuggested: false, locked: false, ...partial };
}

/** A phase for voting: no new cards, and nobody rewords a card while people vote on it. */
function votePhase(id: string, name: string, asks: string, lane: VoteLane): Phase {
  return { id, name, asks, allows: allows({ edit: false, vote: [lane] }) };
}

export const TEMPLATE_DEFINITIONS: Readonly<Record<Template, TemplateDefinition>> = {
  'design-sprint': {
    id: 'design-sprint',
    name: 'Design sprint',
    description: 'Understand the problem, sketch ideas alone, decide together, then prototype and test.',
    phases: [
      {
        id: 'understand',
        name: 'Understand',
        asks: 'Write down the problems you see and what you already know about them.',
        allows: allows({ add: ['problem', 'note'] }),
      },
      {
        id: 'sketch',
        name: 'Sketch',
        asks: 'Sketch your own ideas for solving these problems.',
        allows: allows({ add: ['idea'], privateModeSuggested: true }),
      },
      votePhase('decide', 'Decide', 'Put your dots on the ideas you think we should take forward.', 'ideas'),
      {
        id: 'prototype',
        name: 'Prototype',
        asks: 'Add notes on how we could build the chosen ideas.',
        allows: allows({ add: ['note'] }),
      },
      {
        id: 'test',
        name: 'Test',
        asks: 'Add notes on what you learned from testing each prototype.',
        allows: allows({ add: ['note'] }),
      },
    ],
    starter: [],
  },
  hackathon: {
    id: 'hackathon',
    name: 'Hackathon',
    description: 'Frame the problem, pour out ideas, vote, build in teams and pitch.',
    phases: [
      {
        id: 'frame',
        name: 'Frame',
        asks: 'Write the problems worth solving as “How might we …?” questions.',
        allows: allows({ add: ['problem'] }),
      },
      {
        id: 'ideate',
        name: 'Ideate',
        asks: 'Add as many ideas as you can.',
        allows: allows({ add: ['idea'] }),
      },
      votePhase('vote', 'Vote', 'Put your dots on the ideas your team should build.', 'ideas'),
      {
        id: 'build',
        name: 'Build',
        asks: 'Add notes on what you are building and how it is going.',
        allows: allows({ add: ['note'] }),
      },
      {
        id: 'pitch',
        name: 'Pitch',
        asks: 'Present what you built. The board is locked and the brief is ready to share.',
        allows: allows({ edit: false, locked: true }),
      },
    ],
    starter: [
      {
        kind: 'problem',
        title: 'How might we …?',
        body: 'Rewrite this card as the problem your team wants to solve.',
      },
    ],
  },
  'lightning-decision-jam': {
    id: 'lightning-decision-jam',
    name: 'Lightning decision jam',
    description: 'Problems, a vote, how-might-we reframes, solutions, another vote, and first actions — in an hour.',
    phases: [
      {
        id: 'problems',
        name: 'Problems',
        asks: 'Write down every problem you can think of, one per card.',
        allows: allows({ add: ['problem'], privateModeSuggested: true }),
      },
      votePhase('vote-problems', 'Vote on problems', 'Put your dots on the problems that matter most.', 'problems'),
      {
        id: 'reframe',
        name: 'Reframe',
        asks: 'Rewrite the top problems as “How might we …?” questions.',
        allows: allows({}),
      },
      {
        id: 'solutions',
        name: 'Solutions',
        asks: 'Write as many solutions to the top problems as you can.',
        allows: allows({ add: ['idea'], privateModeSuggested: true }),
      },
      votePhase('vote-ideas', 'Vote on ideas', 'Put your dots on the solutions you would try first.', 'ideas'),
      {
        id: 'actions',
        name: 'Actions',
        asks: 'Add a first action for each top idea as a note.',
        allows: allows({ add: ['note'] }),
      },
    ],
    starter: [],
  },
  open: {
    id: 'open',
    name: 'Open board',
    description: 'One open phase: add, edit and vote on anything, whenever you like.',
    phases: [
      {
        id: 'open',
        name: 'Open board',
        asks: 'Add problems, ideas and notes, and vote when the facilitator opens a vote.',
        allows: allows({ add: ALL_LANES, vote: ['ideas', 'problems'] }),
      },
    ],
    starter: [],
  },
};

export function templateDefinition(template: Template): TemplateDefinition {
  return TEMPLATE_DEFINITIONS[template] ?? TEMPLATE_DEFINITIONS.open;
}

export function phasesOf(template: Template): readonly Phase[] {
  return templateDefinition(template).phases;
}

// ---------------------------------------------------------------------------------------------
// Session state

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

export function currentPhase(state: SessionState, template: Template): Phase {
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

// ---------------------------------------------------------------------------------------------
// Who may do what

/**
 * A connection's standing: its link's role, raised to co-facilitator for a joined contributor the
 * facilitator promoted. Unjoined connections have their link's role.
 */
export type Standing = 'facilitator' | 'co-facilitator' | 'contributor' | 'viewer';

export function standingOf(role: Role, participantId: string | null, state: SessionState): Standing {
  if (role === 'contributor' && participantId !== null && state.coFacilitators.includes(participantId)) return 'co-facilitator';
  return role;
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

/** Since when (server clock) the rule behind `refusal` has applied, if known. */
export function refusalSince(state: SessionState, refusal: { code: string }): number | null {
  if (refusal.code === 'locked') return state.lockedAt ?? null;
  if (refusal.code === 'wrong-phase') return state.phaseStartedAt ?? null;
  return null;
}

export function runsSession(standing: Standing): boolean {
  return standing === 'facilitator' || standing === 'co-facilitator';
}

const LANE_WORDS: Record<CardKind, string> = {
  problem: 'problem statements',
  idea: 'ideas',
  note: 'prototype notes',
};

/** Lanes whose new cards become private drafts while private mode is on. */
export const DRAFT_KINDS: readonly CardKind[] = ['problem', 'idea'];

export const LOCKED_MESSAGE = 'The board is locked by the facilitator';

/** Why a change to the board is refused: in words for the person who tried it. */
export type WriteRefusal = { code: 'locked' | 'wrong-phase' | 'private-mode' | 'forbidden'; message: string };

/** Whether a person may add a card of `kind` straight onto the board now; null when they may. */
export function addRefusal(state: SessionState, template: Template, standing: Standing, kind: CardKind): WriteRefusal | null {
  if (standing === 'viewer') return { code: 'forbidden', message: 'Viewers can’t change the board.' };
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
export function editRefusal(state: SessionState, template: Template, standing: Standing): WriteRefusal | null {
  if (standing === 'viewer') return { code: 'forbidden', message: 'Viewers can’t change the board.' };
  if (runsSession(standing)) return null;
  if (state.locked) return { code: 'locked', message: LOCKED_MESSAGE };
  const phase = currentPhase(state, template);
  if (!phase.allows.edit) return { code: 'wrong-phase', message: `Cards can’t be changed during “${phase.name}”. ${phase.asks}` };
  return null;
}

/** Whether a person may save a private draft of `kind` now; null when they may. */
export function draftRefusal(
  state: SessionState,
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

// ---------------------------------------------------------------------------------------------
// Stored state, read back defensively (a database row is less hostile than a CRDT, but a board
// created by an older server has none, and a template may have lost phases since).

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function numOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function ids(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function parseSessionState(json: string | null, template: Template): SessionState {
  const fresh = initialSession(template);
  if (json === null) return fresh;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return fresh;
  }
  if (!isObject(raw)) return fresh;
  const phaseCount = phasesOf(template).length;
  const timer = isObject(raw.timer) ? raw.timer : {};
  const status = (['idle', 'running', 'paused', 'ended'] as const).find((s) => s === timer.status) ?? 'idle';
  let vote: SessionVote | null = null;
  if (isObject(raw.vote) && isObject(raw.vote.config)) {
    const v = raw.vote;
    const voteStatus = (['open', 'closed', 'revealed'] as const).find((s) => s === v.status) ?? 'closed';
    vote = {
      round: num(v.round, 1),
      config: v.config as VoteConfig,
      status: voteStatus,
      openedAt: num(v.openedAt, 0),
      closedAt: numOrNull(v.closedAt),
      revealedAt: numOrNull(v.revealedAt),
    };
  }
  return {
    phaseIndex: Math.min(Math.max(Math.trunc(num(raw.phaseIndex, 0)), 0), phaseCount - 1),
    round: Math.max(1, Math.trunc(num(raw.round, 1))),
    locked: raw.locked === true,
    privateMode: raw.privateMode === true,
    timer: {
      status,
      durationMs: num(timer.durationMs, 0),
      endsAt: numOrNull(timer.endsAt),
      remainingMs: numOrNull(timer.remainingMs),
    },
    vote,
    votesOpened: Math.max(vote?.round ?? 0, Math.trunc(num(raw.votesOpened, 0))),
    coFacilitators: ids(raw.coFacilitators),
    removed: ids(raw.removed),
    lockedAt: raw.locked === true ? numOrNull(raw.lockedAt) : null,
    phaseStartedAt: numOrNull(raw.phaseStartedAt),
  };
}
