/**
 * Everything one open board needs below the UI: the board's Y.Doc, its ONE WebsocketProvider
 * (every card editor shares it through editor/cardProvider), the IndexedDB copy that keeps offline
 * edits across reloads, the truthful sync status, presence, and per-person undo.
 *
 * Framework-free on purpose (zustand's vanilla/react split): React reads it through the hooks in
 * ./hooks.ts, and nothing here imports React.
 */
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { WebsocketProvider } from 'y-websocket';
import { IndexeddbPersistence } from 'y-indexeddb';
import { boardMaps, type Role } from '../../shared/schema.ts';
import { MessageType, parseControlMessage, type ControlMessage, type HelloMessage } from '../../shared/protocol.ts';
import { SyncStatusStore } from './syncStatus.ts';
import { ReconnectPolicy } from './reconnect.ts';
import { AWARENESS_FIELD, keepPresenceAcrossReconnects, type PresenceUser } from './presence.ts';
import type { BoardOrigin } from '../../shared/origins.ts';

/** The origin of updates replayed from the journal (see `keepJournal`). */
const JOURNAL_ORIGIN = { kind: 'journal' } as const;

function readJournal(key: string): Uint8Array | null {
  try {
    const text = localStorage.getItem(key);
    if (!text) return null;
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

function writeJournalBytes(key: string, bytes: Uint8Array): void {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  try {
    localStorage.setItem(key, btoa(text));
  } catch {
    // storage full: IndexedDB is all there is
  }
}

function removeJournal(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    // nothing to remove
  }
}

export type ConnectionOptions = {
  boardId: string;
  token: string;
  wsBase: string;
  participantId: string;
  /** persist to IndexedDB (off only in environments without it) */
  persist?: boolean;
};

/** How long a first visit waits for the server's copy before it shows the (empty) board anyway. */
const FIRST_VISIT_WAIT_MS = 5_000;

type Listener = () => void;
type ControlListener = (message: ControlMessage) => void;

export class BoardConnection {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  readonly persistence: IndexeddbPersistence | null;
  readonly status: SyncStatusStore;
  /**
   * The origin of every write this person makes outside a card body. One object for the page's
   * lifetime: the undo manager tracks it by identity.
   */
  readonly origin: BoardOrigin;
  readonly undoManager: Y.UndoManager;

  /** what the server said about this connection (type-100 hello), if it said anything yet */
  hello: HelloMessage | null = null;
  /** set when the server closed the socket for good (no reconnect): its close code and reason */
  stopped: { code: number; reason: string } | null = null;
  private ready = false;
  private listeners = new Set<Listener>();
  private controlListeners = new Set<ControlListener>();
  private disposers: Array<() => void> = [];

  constructor(readonly options: ConnectionOptions) {
    this.origin = { kind: 'local', participantId: options.participantId };
    const doc = this.doc;

    this.persistence = options.persist === false ? null : new IndexeddbPersistence(`crossboard:${options.boardId}`, doc);
    this.persistence?.once('synced', () => {
      // A copy kept on this device opens at once, online or not. An empty one is a first visit:
      // the page waits for the server's copy (drawing an empty board, then all of it moments
      // later, makes the page jump), unless there is no server to wait for.
      if (doc.store.clients.size > 0 || !navigator.onLine) return this.markReady();
      const timer = setTimeout(() => this.markReady(), FIRST_VISIT_WAIT_MS);
      const onOffline = () => this.markReady();
      window.addEventListener('offline', onOffline);
      this.disposers.push(() => {
        clearTimeout(timer);
        window.removeEventListener('offline', onOffline);
      });
    });

    // Reconnects with full jitter, and after the server's "come back later" closes (1012, 4408,
    // 4429) too, but not after closes a retry cannot fix (see ./reconnect.ts).
    const reconnect = new ReconnectPolicy();
    this.provider = new WebsocketProvider(options.wsBase, options.boardId, doc, {
      params: { token: options.token },
      disableBc: true,
      ...reconnect.providerOptions(),
    });
    reconnect.attach(this.provider);
    const onClosed = (event: { code: number; reason: string }) => {
      this.stopped = event;
      this.emit();
    };
    this.provider.on('closed', onClosed);
    this.disposers.push(() => {
      this.provider.off('closed', onClosed);
      reconnect.destroy();
    });
    this.provider.messageHandlers[MessageType.crossboard] = (_encoder, decoder) => {
      const message = parseControlMessage(decoding.readVarString(decoder));
      if (message?.type === 'hello') {
        this.hello = message;
        this.emit();
      }
      if (message) for (const l of this.controlListeners) l(message);
    };
    const onSync = (synced: boolean) => {
      if (synced) this.markReady();
    };
    this.provider.on('sync', onSync);
    this.disposers.push(() => this.provider.off('sync', onSync));

    this.status = new SyncStatusStore(this.provider);
    this.disposers.push(keepPresenceAcrossReconnects(this.provider));

    const maps = boardMaps(doc);
    // merges too: undoing a merge takes its record out with it, so the votes go back to the idea
    this.undoManager = new Y.UndoManager([maps.problems, maps.ideas, maps.notes, maps.themes, maps.merges], {
      trackedOrigins: new Set<unknown>([this.origin]),
      captureTimeout: 600,
    });

    if (this.persistence) this.keepJournal();

    // Leave presence at once when the tab goes away, instead of after the 30 s awareness timeout.
    const onPageHide = () => {
      this.writeJournal();
      this.provider.awareness.setLocalState(null);
    };
    const onPageShow = (event: PageTransitionEvent) => {
      if (event.persisted && this.user) this.setUser(this.user);
    };
    window.addEventListener('pagehide', onPageHide);
    window.addEventListener('pageshow', onPageShow);
    this.disposers.push(() => {
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('pageshow', onPageShow);
    });
  }

  private user: PresenceUser | null = null;

  // -- the journal: keystrokes IndexedDB has not confirmed yet ---------------------------------
  //
  // y-indexeddb writes each update in its own transaction, and a reload aborts those still in
  // flight: typing offline and reloading a few milliseconds later lost the last keystrokes. So
  // this person's updates are also held here until IndexedDB confirms them, and written to
  // localStorage (synchronous, so it survives the reload) when the page goes away or is hidden.
  // The next page applies them before anything else; the CRDT makes applying twice harmless.

  /** this person's updates not yet confirmed in IndexedDB, oldest first */
  private unconfirmed: Uint8Array[] = [];
  private confirming = false;
  private discarded = false;

  private get journalKey(): string {
    return `crossboard.journal.v1.${this.options.boardId}`;
  }

  private keepJournal(): void {
    const saved = readJournal(this.journalKey);
    if (saved) {
      try {
        Y.applyUpdate(this.doc, saved, JOURNAL_ORIGIN);
      } catch {
        // a journal that does not apply is worth nothing; IndexedDB holds the rest
      }
    }
    const onUpdate = (update: Uint8Array, origin: unknown) => {
      if (origin === this.provider || origin === this.persistence || this.discarded) return;
      this.unconfirmed.push(update);
      this.confirmSoon();
    };
    this.doc.on('update', onUpdate);
    const onHidden = () => {
      if (document.visibilityState === 'hidden') this.writeJournal();
    };
    document.addEventListener('visibilitychange', onHidden);
    this.disposers.push(() => {
      this.doc.off('update', onUpdate);
      document.removeEventListener('visibilitychange', onHidden);
    });
    // what the last page journaled is confirmed once this page's IndexedDB has it too
    if (saved) this.confirmSoon();
  }

  private confirmSoon(): void {
    if (this.confirming) return;
    this.confirming = true;
    const count = this.unconfirmed.length;
    void this.whenPersisted()
      .then(
        () => {
          this.unconfirmed.splice(0, count);
          if (this.unconfirmed.length === 0) removeJournal(this.journalKey);
        },
        () => {},
      )
      .finally(() => {
        this.confirming = false;
        if (this.unconfirmed.length > 0) this.confirmSoon();
      });
  }

  /** Writes what IndexedDB has not confirmed to localStorage, at once. */
  private writeJournal(): void {
    if (this.discarded || this.unconfirmed.length === 0) return;
    writeJournalBytes(this.journalKey, this.unconfirmed.length === 1 ? this.unconfirmed[0]! : Y.mergeUpdates(this.unconfirmed));
  }

  /**
   * Forgets this device's copy of the board — IndexedDB and the journal — so the next page syncs
   * afresh from the server (after the server refused part of what this page holds).
   */
  async discardLocalCopy(): Promise<void> {
    this.discarded = true;
    this.unconfirmed = [];
    removeJournal(this.journalKey);
    await this.persistence?.clearData();
  }

  /**
   * Sends everything this page wrote to the server again, as one update; false when the socket is
   * not open. A change the server refused whole is not stored, so this page's later updates wait
   * there on the gap it left (an allowed rename sent after a refused card, say); sent again
   * together, they are judged as one, and the server keeps what its rules allow.
   */
  resendOwnChanges(): boolean {
    const ws = this.provider.ws;
    if (!this.provider.wsconnected || !ws || ws.readyState !== WebSocket.OPEN) return false;
    // this page's state vector without this page: Yjs writes every Item this page made (the
    // server skips those it has) and every deletion the page knows of
    const others = Y.decodeStateVector(Y.encodeStateVector(this.doc));
    others.delete(this.doc.clientID);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.sync);
    syncProtocol.writeUpdate(encoder, Y.encodeStateAsUpdate(this.doc, Y.encodeStateVector(others)));
    ws.send(encoding.toUint8Array(encoder));
    return true;
  }

  /** Publishes who this is. Replaces any cursor, keeps what is being edited. */
  setUser(user: PresenceUser): void {
    this.user = user;
    const awareness = this.provider.awareness;
    const prev = awareness.getLocalState() ?? {};
    awareness.setLocalState({ ...prev, [AWARENESS_FIELD.user]: user, [AWARENESS_FIELD.editing]: prev[AWARENESS_FIELD.editing] ?? null });
  }

  setEditing(cardId: string | null): void {
    const awareness = this.provider.awareness;
    const state = awareness.getLocalState();
    if (!state || state[AWARENESS_FIELD.editing] === cardId) return;
    awareness.setLocalStateField(AWARENESS_FIELD.editing, cardId);
  }

  /** The role the server gave this connection, else what the API said, else 'viewer' (safest). */
  role(fallback: Role | null): Role {
    return this.hello?.role ?? fallback ?? 'viewer';
  }

  isReady(): boolean {
    return this.ready;
  }

  private markReady(): void {
    if (this.ready) return;
    this.ready = true;
    this.emit();
  }

  /** Subscribe to readiness and hello changes (not doc changes: see hooks.useBoard). */
  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Every type-100 message the server sends (session, vote results, comments, ...), as parsed. */
  onControl(listener: ControlListener): () => void {
    this.controlListeners.add(listener);
    return () => this.controlListeners.delete(listener);
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }

  // -- undo -----------------------------------------------------------------------------------

  /** Card editors write with their Lexical binding as origin; undo tracks those too. */
  trackOrigin(origin: unknown): () => void {
    this.undoManager.addTrackedOrigin(origin);
    return () => this.undoManager.removeTrackedOrigin(origin);
  }

  /** Ends the current undo step, so the next change is undone on its own. */
  stopCapturing(): void {
    this.undoManager.stopCapturing();
  }

  undo(): boolean {
    return this.undoManager.undo() !== null;
  }

  redo(): boolean {
    return this.undoManager.redo() !== null;
  }

  /**
   * Resolves once every change made so far is in IndexedDB. y-indexeddb writes each update in its
   * own transaction as it happens; IndexedDB runs overlapping readwrite transactions in order, so
   * an empty one started now completes only after all of those have.
   */
  async whenPersisted(): Promise<void> {
    if (!this.persistence) return;
    // before it has loaded, y-indexeddb has no database and stores nothing; once loaded it
    // stores the whole document, so waiting for that covers every change made before it
    await this.persistence.whenSynced;
    const db = this.persistence.db;
    if (!db) return;
    return new Promise((resolve, reject) => {
      const tr = db.transaction(['updates'], 'readwrite');
      tr.oncomplete = () => resolve();
      tr.onerror = () => reject(tr.error);
      tr.onabort = () => reject(tr.error);
    });
  }

  destroy(): void {
    for (const d of this.disposers) d();
    this.provider.awareness.setLocalState(null);
    this.status.destroy();
    this.undoManager.destroy();
    this.provider.destroy();
    void this.persistence?.destroy();
    this.doc.destroy();
    this.listeners.clear();
    this.controlListeners.clear();
  }
}
