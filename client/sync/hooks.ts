/**
 * The thin React binding over BoardConnection: each hook is useSyncExternalStore over a store that
 * recomputes only when its source changed (the doc, the awareness, the status).
 */
import { useCallback, useRef, useSyncExternalStore } from 'react';
import * as Y from 'yjs';
import { readBoard, type BoardSnapshot } from '../../shared/board/index.ts';
import type { BoardConnection } from './boardConnection.ts';
import type { SyncStatus } from './syncStatus.ts';
import { readPeers, type Peer } from './presence.ts';

/** Whether a changed shared type lives inside a rich-text body (which the snapshot does not read). */
function insideBody(type: Y.AbstractType<unknown>): boolean {
  for (let t: Y.AbstractType<unknown> | null = type; t; t = t.parent as Y.AbstractType<unknown> | null) {
    if (t instanceof Y.XmlText || t instanceof Y.XmlElement) return true;
  }
  return false;
}

/**
 * A store over readBoard: marks itself dirty after each transaction that changed something the
 * snapshot reads, and re-reads lazily, once, when React next asks. Typing in a card body changes
 * only that body, so it costs no readBoard and no board render (StaticBody and the open editor
 * follow their own body).
 *
 * It watches the document from its creation, not from React's subscribe: React reads the
 * snapshot when it renders and subscribes only after it commits, and a change in between (the
 * device's copy arriving from IndexedDB while a lazily loaded screen mounts) would otherwise never
 * mark it dirty, leaving the board empty on screen with the cards in the document.
 */
export function createBoardStore(doc: Y.Doc) {
  let snapshot: BoardSnapshot | null = null;
  let dirty = true;
  const listeners = new Set<() => void>();
  doc.on('afterTransaction', (tr: Y.Transaction) => {
    if (tr.changed.size === 0) return;
    for (const type of tr.changed.keys()) {
      if (!insideBody(type as Y.AbstractType<unknown>)) {
        dirty = true;
        for (const l of listeners) l();
        return;
      }
    }
  });
  return {
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    getSnapshot(): BoardSnapshot {
      if (dirty || snapshot === null) {
        snapshot = readBoard(doc);
        dirty = false;
      }
      return snapshot;
    },
  };
}

const boardStores = new WeakMap<Y.Doc, ReturnType<typeof createBoardStore>>();

export function useBoard(conn: BoardConnection): BoardSnapshot {
  let store = boardStores.get(conn.doc);
  if (!store) {
    store = createBoardStore(conn.doc);
    boardStores.set(conn.doc, store);
  }
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

export function useSyncStatus(conn: BoardConnection): SyncStatus {
  return useSyncExternalStore(conn.status.subscribe, conn.status.getSnapshot);
}

/** Readiness and the server's hello, as a version number that changes when either does. */
export function useConnectionState(conn: BoardConnection): {
  ready: boolean;
  readOnly: boolean | null;
  stopped: BoardConnection['stopped'];
} {
  const version = useRef(0);
  const subscribe = useCallback(
    (l: () => void) =>
      conn.subscribe(() => {
        version.current++;
        l();
      }),
    [conn],
  );
  useSyncExternalStore(subscribe, () => version.current);
  return { ready: conn.isReady(), readOnly: conn.hello ? conn.hello.readOnly : null, stopped: conn.stopped };
}

/** Who is here. Re-reads on awareness 'change' (not on the 15 s keep-alive 'update'). */
export function usePeers(conn: BoardConnection): Peer[] {
  const cache = useRef<{ key: string; peers: Peer[] } | null>(null);
  const subscribe = useCallback(
    (listener: () => void) => {
      const awareness = conn.provider.awareness;
      awareness.on('change', listener);
      return () => awareness.off('change', listener);
    },
    [conn],
  );
  const getSnapshot = useCallback(() => {
    const peers = readPeers(conn.provider.awareness);
    const key = JSON.stringify(peers);
    if (cache.current?.key !== key) cache.current = { key, peers };
    return cache.current.peers;
  }, [conn]);
  return useSyncExternalStore(subscribe, getSnapshot);
}
