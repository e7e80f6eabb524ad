/**
 * The per-card view of the board's one connection, in the shape Lexical's CollaborationPlugin
 * wants (`Provider` from @lexical/yjs). Many card editors share one board document and one socket:
 *
 * - connect() never touches the shared socket: it replays the board's current status and sync
 *   state to this card's listeners. disconnect() only clears this card's caret. Mounting and
 *   unmounting editors therefore never disconnects the board.
 * - awareness is a proxy. Lexical replaces the whole local state on mount (initLocalState) and
 *   redraws carets on every awareness change. The proxy keeps presence fields (user, editing)
 *   untouched, publishes the caret under `cursor` tagged with this card's id, shows each card
 *   only the carets inside it, and wakes a card only when a caret enters, moves in or leaves it.
 */
import type { Provider, ProviderAwareness, UserState } from '@lexical/yjs';
import type { WebsocketProvider } from 'y-websocket';
import { AWARENESS_FIELD } from '../sync/presence.ts';

type CursorState = UserState & { card: string };
type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

const CURSOR_FIELDS = ['anchorPos', 'focusPos', 'name', 'color', 'focusing', 'awarenessData'] as const;

function cursorOf(state: Record<string, unknown> | null | undefined): CursorState | null {
  const c = state?.[AWARENESS_FIELD.cursor];
  if (!c || typeof c !== 'object') return null;
  const cursor = c as Partial<CursorState>;
  if (typeof cursor.card !== 'string' || typeof cursor.name !== 'string' || typeof cursor.color !== 'string') return null;
  return cursor as CursorState;
}

export type CardProvider = Provider & {
  /**
   * Runs `cb` once, in a microtask after CollaborationPlugin first subscribes to awareness: by
   * then the editor's binding exists, observes the body, and is published on the editor (see
   * CardEditor), and no Yjs event can have reached it yet.
   */
  onBound(cb: () => void): void;
};

export function createCardProvider(board: WebsocketProvider, cardId: string): CardProvider {
  const real = board.awareness;
  const pickCursor = (state: Partial<UserState>): CursorState => {
    const out: Record<string, unknown> = { card: cardId };
    for (const f of CURSOR_FIELDS) out[f] = state[f] ?? null;
    out.focusing = state.focusing === true;
    out.awarenessData = state.awarenessData ?? {};
    return out as CursorState;
  };
  const writeCursor = (cursor: CursorState | null) => {
    if (real.getLocalState() === null) return;
    real.setLocalStateField(AWARENESS_FIELD.cursor, cursor);
  };
  const ownCursor = (): CursorState | null => {
    const c = cursorOf(real.getLocalState());
    return c && c.card === cardId ? c : null;
  };

  // Wrapped 'update' listeners, and the last caret seen per client in this card.
  const wrapped = new Map<() => void, (change: AwarenessChange) => void>();
  let seen = new Map<number, string>();
  let bound: (() => void) | null = null;

  const signature = (c: CursorState) => JSON.stringify([c.anchorPos, c.focusPos, c.focusing, c.name, c.color]);

  const awareness: ProviderAwareness = {
    getLocalState() {
      const c = ownCursor();
      return c ? { ...c } : null;
    },
    setLocalState(state) {
      if (state === null) {
        if (ownCursor()) writeCursor(null);
        return;
      }
      writeCursor(pickCursor(state));
    },
    setLocalStateField(field, value) {
      // Like Awareness: a no-op while this card has no local state.
      const c = ownCursor();
      if (c) writeCursor({ ...c, [field]: value });
    },
    getStates() {
      const out = new Map<number, UserState>();
      real.getStates().forEach((state, clientId) => {
        const c = cursorOf(state);
        if (c && c.card === cardId) out.set(clientId, c);
      });
      return out;
    },
    on(_type, cb) {
      const listener = (change: AwarenessChange) => {
        const clients = [...change.added, ...change.updated, ...change.removed];
        let changed = false;
        const next = new Map(seen);
        for (const id of clients) {
          const c = cursorOf(real.getStates().get(id));
          const sig = c && c.card === cardId ? signature(c) : null;
          if (sig === null) {
            if (next.delete(id)) changed = true;
          } else if (next.get(id) !== sig) {
            next.set(id, sig);
            changed = true;
          }
        }
        seen = next;
        if (changed) cb();
      };
      wrapped.set(cb, listener);
      real.on('update', listener);
      if (bound) {
        const run = bound;
        bound = null;
        queueMicrotask(run);
      }
      // Draw the carets already in this card.
      queueMicrotask(cb);
    },
    off(_type, cb) {
      const listener = wrapped.get(cb);
      if (listener) real.off('update', listener);
      wrapped.delete(cb);
    },
  };

  const statusListeners = new Set<(arg: { status: string }) => void>();
  const syncListeners = new Set<(synced: boolean) => void>();

  const provider = {
    awareness,
    connect() {
      // Replay, don't connect: the board's socket is shared and stays up.
      queueMicrotask(() => {
        const status = board.wsconnected ? 'connected' : board.wsconnecting ? 'connecting' : 'disconnected';
        for (const l of statusListeners) l({ status });
        if (board.synced) for (const l of syncListeners) l(true);
      });
    },
    disconnect() {
      if (ownCursor()) writeCursor(null);
    },
    on(type: string, cb: (arg: never) => void) {
      if (type === 'status') {
        statusListeners.add(cb as never);
        board.on('status', cb as never);
      } else if (type === 'sync') {
        syncListeners.add(cb as never);
        board.on('sync', cb as never);
      }
    },
    onBound(cb: () => void) {
      bound = cb;
    },
    off(type: string, cb: (arg: never) => void) {
      if (type === 'status') {
        statusListeners.delete(cb as never);
        board.off('status', cb as never);
      } else if (type === 'sync') {
        syncListeners.delete(cb as never);
        board.off('sync', cb as never);
      }
    },
  };
  return provider as unknown as CardProvider;
}
