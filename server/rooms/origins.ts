/**
 * Transaction origins of every change the server makes to a board's Y.Doc, so the update handler
 * can tell what to store and what to broadcast:
 * - connection: an update a client sent; already appended to storage before it was applied
 * - load: the stored state applied when the board is loaded; neither stored nor broadcast again
 * - server: a change the server itself makes (e.g. trusted state); stored, then broadcast
 */
export type RoomOrigin = { kind: 'connection'; connId: number } | { kind: 'load' } | { kind: 'server' };

export const LOAD_ORIGIN: RoomOrigin = { kind: 'load' };
export const SERVER_ORIGIN: RoomOrigin = { kind: 'server' };

export function isRoomOrigin(value: unknown): value is RoomOrigin {
  return (
    typeof value === 'object' &&
    value !== null &&
    ['connection', 'load', 'server'].includes((value as { kind?: unknown }).kind as string)
  );
}
