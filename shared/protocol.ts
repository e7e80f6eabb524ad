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
 * This module has no imports on purpose: client, server and tests can all use it, and changing it
 * is a protocol change (bump `PROTOCOL_VERSION`).
 */

export const PROTOCOL_VERSION = 1;

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
  /** the connection's send buffer grew over the cap: it does not read fast enough */
  clientTooSlow: 4408,
  /** an awareness state over the per-entry size cap */
  awarenessTooBig: 4413,
  /** well-framed sync message whose Yjs update cannot be decoded */
  invalidUpdate: 4422,
  /** more messages per second than the per-connection limit */
  rateLimited: 4429,
  /** the board already has the maximum number of connections */
  boardFull: 4503,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export const CloseReason = {
  serviceRestart: 'server restarting',
  messageTooBig: 'message too big',
  internalError: 'internal error',
  malformedMessage: 'malformed message',
  awarenessConflict: 'awareness for a client id owned by another connection',
  clientTooSlow: 'client too slow',
  awarenessTooBig: 'awareness state too big',
  invalidUpdate: 'invalid update',
  rateLimited: 'rate limited',
  boardFull: 'board full',
  /** followed by the type number, e.g. "unknown message type 7" */
  unknownMessageType: 'unknown message type',
} as const;

export const ROLES = ['facilitator', 'contributor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Whether a role's document updates are applied and stored. */
export function canWrite(role: Role): boolean {
  return role !== 'viewer';
}

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

/** A request the server could not honour; the connection stays open. */
export type ErrorMessage = {
  type: 'error';
  code: string;
  message: string;
};

/** Every JSON message carried in a `MessageType.crossboard` frame. */
export type ControlMessage = HelloMessage | ErrorMessage;

export const VIEWER_MESSAGE = 'You are viewing this board. Your changes are not saved.';

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
  return null;
}
