/**
 * Transaction origins: every change to a board's Y.Doc runs in a transaction whose origin says
 * whose change it was, so that undo, persistence, broadcasting and the UI can tell them apart.
 * One union for the client's writes, the board write functions and the server's room:
 * - local: an edit by the person at this device (per-person undo tracks it by participant)
 * - seed: content written by a script or a test, as if typed before anyone arrived
 * - server: a change the server itself makes (a revealed draft, a template's starter cards);
 *   stored, then broadcast
 * - connection: an update a client sent, applied by the server's room; already appended to
 *   storage before it was applied
 * - load: the stored state applied when the server loads a board; neither stored nor broadcast again
 */
export type BoardOrigin =
  | { kind: 'local'; participantId: string }
  | { kind: 'seed' }
  | { kind: 'server' }
  | ConnectionOrigin
  | { kind: 'load' };

/** The origin of one server-side connection's updates. */
export type ConnectionOrigin = { kind: 'connection'; connId: number };

export const SEED_ORIGIN: BoardOrigin = { kind: 'seed' };
export const SERVER_ORIGIN: BoardOrigin = { kind: 'server' };
export const LOAD_ORIGIN: BoardOrigin = { kind: 'load' };

const KINDS: ReadonlySet<string> = new Set<BoardOrigin['kind']>(['local', 'seed', 'server', 'connection', 'load']);

export function isBoardOrigin(value: unknown): value is BoardOrigin {
  return typeof value === 'object' && value !== null && KINDS.has((value as { kind?: unknown }).kind as string);
}
