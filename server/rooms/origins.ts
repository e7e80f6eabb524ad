/**
 * Transaction origins of every change the server makes to a board's Y.Doc, so the update handler
 * can tell what to store and what to broadcast:
 * - connection: updates clients sent; stored and broadcast before they are applied (in batches,
 *   under RELAYED_ORIGIN)
 * - load: the stored state applied when the board is loaded; neither stored nor broadcast again
 * - server: a change the server itself makes (e.g. trusted state); stored, then broadcast
 */
export type RoomOrigin = { kind: 'connection'; connId: number } | { kind: 'load' } | { kind: 'server' };

export const LOAD_ORIGIN: RoomOrigin = { kind: 'load' };
export const SERVER_ORIGIN: RoomOrigin = { kind: 'server' };
/** a batch of clients' updates, applied after they were stored and broadcast */
export const RELAYED_ORIGIN: RoomOrigin = { kind: 'connection', connId: 0 };

export function isRoomOrigin(value: unknown): value is RoomOrigin {
  return (
    typeof value === 'object' &&
    value !== null &&
    ['connection', 'load', 'server'].includes((value as { kind?: unknown }).kind as string)
  );
}
