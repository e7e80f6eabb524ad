/**
 * The wire protocol between a Crossboard client and server — the one versioned module both import.
 *
 * The WebSocket at `/ws/:boardId?token=...` speaks the standard y-websocket protocol, so an
 * unmodified `WebsocketProvider` is a valid client. Every frame is binary and starts with a
 * lib0 varUint message type:
 *
 *   0   sync             y-protocols/sync: step 1 (state vector), step 2 / update (Yjs update)
 *   1   awareness        y-protocols/awareness update
 *   3   query-awareness  "send me every awareness state" (no payload)
 *   100 crossboard       a lib0 varString holding one JSON `ControlMessage`
 *
 * Standard clients log "Unable to compute message" for type 100 and carry on, which is why our
 * own messages use a type number of their own instead of piggy-backing on sync or awareness.
 *
 * At run time this module depends only on the schema layer (for `ROLES`): client, server and tests
 * can all use it, and changing it is a protocol change (bump `PROTOCOL_VERSION`).
 *
 * Version 2 adds facilitation. Everything below travels as JSON in type-100 frames:
 *
 *   client -> server   `command`      {type, id, name, args}; answered by exactly one `result`
 *   server -> client   `hello`        who you are (role), right after sync step 1
 *                      `result`       the answer to one of your commands, to you only
 *                      `session`      phase, timer, lock, private mode, vote status, who is here —
 *                                     to everyone, on every change and when you connect
 *                      `myVotes`      your own dots in the current vote — to your connections only
 *                      `voteResult`   one round's totals, by sector — to everyone, and only once
 *                                     the round's results may be seen (revealed, or live if the
 *                                     facilitator did not hide them)
 *                      `drafts`       your private drafts — to your connections only
 *                      `error`        something the server refused that was not a command (a
 *                                     document update, or a frame that is not a command at all)
 *
 * Version 3 adds sponsor comments on the brief:
 *
 *   server -> client   `comments`     comments just left on the brief (through the HTTP API, since
 *                                     viewers cannot write to the document) — to everyone; merge
 *                                     by id. The full list is `GET /api/boards/:id/comments`.
 *
 * A connection must `join` (name, organisation, sector) before any other command. The first join
 * returns a participantId and a secret; store both and send them with every later join, so that
 * nobody else can act as you. See `CommandArgs` for every command and `CommandValues` for what a
 * successful one returns.
 *
 * Version 4: document updates are judged part by part — each card, theme and meta field they
 * touch. Parts the session forbids (a locked board, a lane the phase does not allow, the meta
 * from someone who does not run the session, a card's credits) are taken out and the rest is
 * stored and applied; the sender then gets `refused`, listing each refused part and why. Its own
 * document still holds the refused changes, so it should keep them for the person and then drop
 * its local copy of the board and sync afresh. Clients avoid this by asking the same rules first
 * (shared/facilitation/permissions.ts: `addRefusal`, `editRefusal`, `metaRefusal`).
 */
import { ROLES, type CardKind, type Role, type Sector, type Template } from './schema.ts';
import type { Phase, SessionVote, Standing, TimerStatus } from './facilitation/index.ts';
import type { VoteConfig, VoteRoundResult } from './votes.ts';
import type { SponsorComment } from './brief/comments.ts';

export const PROTOCOL_VERSION = 4;

/** The first varUint of every frame. 2 (y-protocols auth) is never sent by this server. */
export const MessageType = {
  sync: 0,
  awareness: 1,
  queryAwareness: 3,
  crossboard: 100,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** The second varUint of a `MessageType.sync` frame (same numbers as y-protocols/sync). */
export const SyncMessageType = {
  step1: 0,
  step2: 1,
  update: 2,
} as const;

/**
 * WebSocket close codes the server uses, with the reason text it sends.
 *
 * Note for clients: y-websocket 3's default `shouldReconnect` treats 4400-4499 as permanent and
 * stops reconnecting. That is right for malformed input (a retry would send the same bytes), but a
 * Crossboard client should still retry after `clientTooSlow` and `rateLimited` with backoff —
 * those are about the moment, not the client.
 */
export const CloseCode = {
  /** the server is restarting or shutting down: reconnect (with backoff) */
  serviceRestart: 1012,
  /** a frame was larger than the server's limit (`ws` may send this code without a reason) */
  messageTooBig: 1009,
  /** unexpected server failure while handling this connection (e.g. storage unavailable) */
  internalError: 1011,
  /** not a valid message: undecodable, truncated, a text frame, an unknown type */
  malformedMessage: 4400,
  /** awareness for a client id another connection introduced */
  awarenessConflict: 4409,
  /** awareness for a second client id: one connection has one presence */
  awarenessSecondClient: 4410,
  /** the connection's send buffer grew over the cap: it does not read fast enough */
  clientTooSlow: 4408,
  /** an awareness state over the per-entry size cap */
  awarenessTooBig: 4413,
  /**
   * the board has reached its size cap: the update was not stored. Permanent, because the
   * client's document still holds it and would send it again; show `BOARD_FULL_MESSAGE`.
   */
  boardTooLarge: 4414,
  /** well-framed sync message whose Yjs update cannot be decoded */
  invalidUpdate: 4422,
  /** more messages per second than the per-connection limit */
  rateLimited: 4429,
  /** the board already has the maximum number of connections for this link's role */
  boardFull: 4503,
  /** this state would take the board's awareness (everyone's presence together) over its cap: try later */
  awarenessBoardFull: 4504,
  /** the facilitator replaced the link this connection used: the old token no longer works */
  linkRotated: 4401,
  /** the facilitator removed this participant from the board */
  removed: 4403,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export const CloseReason = {
  serviceRestart: 'server restarting',
  messageTooBig: 'message too big',
  internalError: 'internal error',
  malformedMessage: 'malformed message',
  awarenessConflict: 'awareness for a client id owned by another connection',
  awarenessSecondClient: 'a second awareness client id on one connection',
  clientTooSlow: 'client too slow',
  awarenessTooBig: 'awareness state too big',
  boardTooLarge: 'board full: it has reached its size limit',
  invalidUpdate: 'invalid update',
  rateLimited: 'rate limited',
  boardFull: 'board full',
  awarenessBoardFull: 'too much presence on this board',
  linkRotated: 'link replaced by the facilitator',
  removed: 'removed from board',
  /** followed by the type number, e.g. "unknown message type 7" */
  unknownMessageType: 'unknown message type',
} as const;

/**
 * Sent by the server to every connection right after its sync step 1. A viewer's `readOnly` is
 * true and `message` says so in words the client can show as is.
 */
export type HelloMessage = {
  type: 'hello';
  protocolVersion: number;
  role: Role;
  readOnly: boolean;
  message?: string;
};

/**
 * A request the server could not honour; the connection stays open. Codes: 'bad-command' (not a command at
 * all: not JSON, no id, too long), 'unsupported'.
 */
export type ErrorMessage = {
  type: 'error';
  code: string;
  message: string;
};

// ---------------------------------------------------------------------------------------------
// Commands (client -> server)

export type CommandId = string | number;

/** The arguments of every command. Facilitator commands are marked (F): co-facilitators may run them too. */
export type CommandArgs = {
  /**
   * Says who you are. Without participantId: a new participant (the result carries the secret).
   * With participantId and secret: you again (name, organisation and sector may change).
   */
  join: { name: string; organisation: string; sector: Sector; participantId?: string; secret?: string };
  /** (F) jump to a phase by its id (shared/facilitation/templates.ts) */
  setPhase: { phaseId: string };
  /** (F) */
  nextPhase: Record<string, never>;
  /** (F) */
  prevPhase: Record<string, never>;
  /** (F) run the current phase again (e.g. a second vote): round + 1, an open vote closes */
  repeatRound: Record<string, never>;
  /** (F) start (or restart) the countdown, in ms (1 s to 24 h) */
  timerStart: { ms: number };
  /** (F) */
  timerPause: Record<string, never>;
  /** (F) */
  timerResume: Record<string, never>;
  /** (F) add ms to a running, paused or ended timer */
  timerExtend: { ms: number };
  /** (F) */
  timerStop: Record<string, never>;
  /** (F) only facilitators and co-facilitators can change the board while it is locked */
  lock: Record<string, never>;
  /** (F) */
  unlock: Record<string, never>;
  /** (F) new problems and ideas become drafts only their author sees */
  setPrivateMode: { on: boolean };
  /** (F) put every draft on the board at once, as cards by their authors */
  revealDrafts: Record<string, never>;
  /** (F) open a vote; anything left out takes `DEFAULT_VOTE_CONFIG`, the lane the phase's */
  openVote: { config?: Partial<VoteConfig> };
  /** (F) */
  closeVote: Record<string, never>;
  /** (F) show everyone the totals (closes an open vote first) */
  revealVote: Record<string, never>;
  /** (F) close their connections and refuse them from now on (co-facilitators can't remove facilitators) */
  removeParticipant: { participantId: string };
  /** (F) promote a contributor (on: false demotes) */
  makeCoFacilitator: { participantId: string; on?: boolean };
  /** facilitators only: a new token for a role; the old one stops working and its connections close */
  rotateLink: { role: Role };
  /** place one dot */
  castVote: { cardId: string };
  /** take one dot back */
  withdrawVote: { cardId: string };
  /**
   * Save a private draft (private mode only): new without draftId, replaced with it. kind is
   * 'idea' unless given; body is Markdown.
   */
  saveDraft: { draftId?: string; kind?: 'idea' | 'problem'; title: string; body?: string; problemId?: string | null };
  deleteDraft: { draftId: string };
  /**
   * Nothing, answered in order: its result comes after the server has handled everything this
   * connection sent before it (a client waits on it before dropping its copy of the board).
   */
  ping: Record<string, never>;
};

export type CommandName = keyof CommandArgs;

export const COMMAND_NAMES = [
  'join',
  'setPhase',
  'nextPhase',
  'prevPhase',
  'repeatRound',
  'timerStart',
  'timerPause',
  'timerResume',
  'timerExtend',
  'timerStop',
  'lock',
  'unlock',
  'setPrivateMode',
  'revealDrafts',
  'openVote',
  'closeVote',
  'revealVote',
  'removeParticipant',
  'makeCoFacilitator',
  'rotateLink',
  'castVote',
  'withdrawVote',
  'saveDraft',
  'deleteDraft',
  'ping',
] as const satisfies readonly CommandName[];

export type CommandMessage<N extends CommandName = CommandName> = {
  type: 'command';
  /** chosen by the client; the result carries it back */
  id: CommandId;
  name: N;
  args?: CommandArgs[N];
};

/** What a successful command returns (`result.value`); commands not listed return nothing. */
export type CommandValues = {
  join: JoinValue;
  openVote: { round: number };
  castVote: MyVotes;
  withdrawVote: MyVotes;
  saveDraft: { draftId: string };
  revealDrafts: { revealed: number };
  rotateLink: { role: Role; token: string };
};

export type JoinValue = {
  participantId: string;
  /** only on a first join: keep it with the participantId, it is never sent again */
  secret?: string;
  name: string;
  organisation: string;
  sector: Sector;
  role: Role;
  standing: Standing;
};

/** Every refusal code a `result` may carry. */
export type CommandErrorCode =
  | 'bad-command'
  | 'unknown-command'
  | 'bad-args'
  | 'not-joined'
  | 'bad-credentials'
  | 'unknown-participant'
  | 'removed'
  | 'forbidden'
  | 'locked'
  | 'wrong-phase'
  | 'private-mode-off'
  | 'invalid-state'
  | 'not-found'
  | 'too-many'
  | 'no-vote'
  | 'vote-closed'
  | 'unknown-card'
  | 'budget-spent'
  | 'card-cap'
  | 'no-dot'
  | 'internal';

export type ResultMessage =
  | { type: 'result'; id: CommandId; ok: true; value?: unknown }
  | { type: 'result'; id: CommandId; ok: false; error: { code: CommandErrorCode; message: string } };

// ---------------------------------------------------------------------------------------------
// What the server publishes

/**
 * The timer as published. Compute what is left from the server's clock, not the device's:
 * `remaining = endsAt - (serverNow + (Date.now() - receivedAt))`, where receivedAt is the device
 * time the message arrived. 'ended' is sent once, when the time is up, so clients can signal it.
 */
export type TimerView = {
  status: TimerStatus;
  durationMs: number;
  /** server clock, ms since the epoch: when a running timer ends (or an ended one ended) */
  endsAt: number | null;
  /** ms left at `serverNow` */
  remainingMs: number;
};

export type VoteView = SessionVote & {
  /** how many people have placed at least one dot (never which cards) */
  voterCount: number;
};

/** Someone who joined and is connected now (one entry per person, however many tabs). */
export type RosterEntry = {
  participantId: string;
  name: string;
  organisation: string;
  sector: Sector;
  role: Role;
  standing: Standing;
};

export type SessionMessage = {
  type: 'session';
  /** the server's clock when this was sent (ms since the epoch) */
  serverNow: number;
  template: Template;
  phaseIndex: number;
  phaseCount: number;
  /** the current phase: what it asks and what it allows */
  phase: Phase;
  /** every phase of the template, for a stepper */
  phases: Array<{ id: string; name: string }>;
  round: number;
  locked: boolean;
  privateMode: boolean;
  timer: TimerView;
  /** the current or last vote: its settings and status, never its totals */
  vote: VoteView | null;
  participants: RosterEntry[];
  /**
   * How many private drafts are waiting to be revealed, everyone's together (never whose or what):
   * the facilitator's "Reveal all (5 waiting)". Absent from servers before it was added.
   */
  draftsWaiting?: number;
  /** server clock: when the board was locked (null when it is not); absent from older servers */
  lockedAt?: number | null;
  /** server clock: when the current phase (or round) began, if known; absent from older servers */
  phaseStartedAt?: number | null;
};

/** Your dots in the current vote. `round` is null when there is no vote. */
export type MyVotes = {
  round: number | null;
  /** card id -> your dots on it */
  dots: Record<string, number>;
  used: number;
  remaining: number;
  budget: number;
};

export type MyVotesMessage = { type: 'myVotes' } & MyVotes;

/** One round's results; sent only when they may be seen. Keep the latest per round. */
export type VoteResultMessage = { type: 'voteResult'; result: VoteRoundResult };

export type Draft = {
  draftId: string;
  kind: 'idea' | 'problem';
  title: string;
  /** Markdown */
  body: string;
  problemId: string | null;
  updatedAt: number;
};

/** All your drafts (replaces what you had). */
export type DraftsMessage = { type: 'drafts'; drafts: Draft[] };

/** New comments on the brief (usually one): add them to what you have, by id. */
export type CommentsMessage = { type: 'comments'; comments: SponsorComment[] };

/** What a refused part of a document update was about. */
export type RefusedTarget =
  | { kind: 'card'; lane: CardKind; id: string }
  | { kind: 'theme'; id: string }
  /** a key of the board's meta (shared/schema.ts `META`) */
  | { kind: 'meta'; field: string }
  /** something outside the board's layout, or that the server could not place */
  | { kind: 'other' };

export type RefusedChangeCode =
  | 'locked'
  | 'wrong-phase'
  | 'private-mode'
  | 'forbidden'
  /** changes who a card is credited to */
  | 'credits'
  /** adds a card before joining, so there is nobody to credit it to */
  | 'not-joined'
  /** writes outside the board's layout */
  | 'outside-board'
  /** refers to something the server does not have, so it can't be checked */
  | 'unchecked'
  /** records a merge that did not happen with it (the merged idea is not deleted): it would move votes */
  | 'merge';

/** One refused part of a document update: one card, theme or meta field. */
export type RefusedChange = {
  target: RefusedTarget;
  change: 'add' | 'edit' | 'remove';
  code: RefusedChangeCode;
  /** why, in words, without the time */
  message: string;
  /** server clock: since when the rule that refused it has applied (the lock, the phase), if known */
  since: number | null;
};

/**
 * Parts of a document update the server refused. The rest of the update (`kept`: anything) was
 * stored and applied as usual. The sender's own document still holds the refused changes, which
 * nobody else has: a client should keep them for the person (card, text, why) and then drop its
 * copy of the board and sync afresh.
 */
export type RefusedMessage = { type: 'refused'; changes: RefusedChange[]; kept: boolean };

/** Every JSON message carried in a `MessageType.crossboard` frame. */
export type ControlMessage =
  | HelloMessage
  | ErrorMessage
  | CommandMessage
  | ResultMessage
  | SessionMessage
  | MyVotesMessage
  | VoteResultMessage
  | DraftsMessage
  | CommentsMessage
  | RefusedMessage;

export const VIEWER_MESSAGE = 'You are viewing this board. Your changes are not saved.';

/** What a client shows after `CloseCode.boardTooLarge`, and keeps showing. */
export const BOARD_FULL_MESSAGE =
  'This board is full: it has reached the size limit of this server, so your last change was not saved. ' +
  'Everything saved before it is safe. Tell the facilitator; a new board can carry the session on.';

/**
 * Checks the shape of a decoded control message; unknown types yield null so an older client
 * can ignore messages from a newer server.
 */
export function parseControlMessage(json: string): ControlMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (v.type === 'hello') {
    if (typeof v.role !== 'string' || !(ROLES as readonly string[]).includes(v.role)) return null;
    return {
      type: 'hello',
      protocolVersion: typeof v.protocolVersion === 'number' ? v.protocolVersion : 0,
      role: v.role as Role,
      readOnly: v.readOnly === true,
      ...(typeof v.message === 'string' ? { message: v.message } : {}),
    };
  }
  if (v.type === 'error' && typeof v.code === 'string' && typeof v.message === 'string') {
    return { type: 'error', code: v.code, message: v.message };
  }
  // Messages of version 2 come from the server, which the client trusts: the shape is checked
  // enough to dispatch on, not field by field.
  if (v.type === 'result' && (typeof v.id === 'string' || typeof v.id === 'number') && typeof v.ok === 'boolean') {
    return value as ResultMessage;
  }
  if (v.type === 'session' && typeof v.serverNow === 'number' && typeof v.phase === 'object' && v.phase !== null) {
    return value as SessionMessage;
  }
  if (v.type === 'myVotes' && typeof v.dots === 'object' && v.dots !== null) return value as MyVotesMessage;
  if (v.type === 'voteResult' && typeof v.result === 'object' && v.result !== null) return value as VoteResultMessage;
  if (v.type === 'drafts' && Array.isArray(v.drafts)) return value as DraftsMessage;
  if (v.type === 'comments' && Array.isArray(v.comments)) return value as CommentsMessage;
  if (v.type === 'refused' && Array.isArray(v.changes)) return value as RefusedMessage;
  if (v.type === 'command' && typeof v.name === 'string') return value as CommandMessage;
  return null;
}
