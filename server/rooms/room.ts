/**
 * A loaded board: its Y.Doc, a server-side Awareness, and the connections on it, speaking the
 * y-websocket protocol over `SocketLike`.
 *
 * The write path, in this order, for every document update a client sends:
 *   decode the frame -> validate the update completely (nothing is applied yet) ->
 *   drop it if the document already has all of it (addsNothing.ts) ->
 *   the hooks' checkUpdate (keep all of it, a part of it rebuilt as an update, or nothing) ->
 *   check the board's size cap -> storage.documents.appendUpdate (durable) -> Y.applyUpdate -> broadcast.
 * So anything a client has seen broadcast is already stored, and a rejected update leaves no
 * trace in storage or in the document. What is broadcast is what was kept of the bytes the client
 * sent (near the board's size cap, the part of them the board lacks), once Yjs has applied them
 * without complaint; an update that decodes but fails to apply is not relayed
 * (only what Yjs did integrate of it is), its sender is closed, and the board is compacted at
 * once so the log no longer holds it.
 *
 * The room is the connections and this write path; its parts live beside it: the serial queue
 * every message runs in (updateQueue.ts), the lazily built document and the replies made from
 * the stored bytes before it is built (storedState.ts), awareness with ownership and limits
 * (awareness.ts), and the batched broadcasts (broadcast.ts).
 */
import * as decoding from 'lib0/decoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import {
  CloseCode,
  CloseReason,
  MessageType,
  PROTOCOL_VERSION,
  SyncMessageType,
  VIEWER_MESSAGE,
  type ControlMessage,
} from '../../shared/protocol.ts';
import type { Limits } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Awaitable, Storage, StoredDocument } from '../storage/storage.ts';
import { addsNothing } from './addsNothing.ts';
import { AwarenessOwnership, type AwarenessChange } from './awareness.ts';
import { Broadcaster } from './broadcast.ts';
import { hasRoomFor, noConnections } from './capacity.ts';
import type { Connection, ConnectionSink } from './connection.ts';
import { awarenessFrame, controlFrame } from './messages.ts';
import { SERVER_ORIGIN, isBoardOrigin } from '../../shared/origins.ts';
import { canWrite, type Role } from '../../shared/schema.ts';
import { RejectedMessage, readOrReject } from './rejectedMessage.ts';
import { StoredState } from './storedState.ts';
import { SyncReplies } from './syncReplies.ts';
import { UpdateQueue, isPromise } from './updateQueue.ts';

export type RoomDeps = {
  storage: Storage;
  limits: Limits;
  logger: Logger;
  /** hears, per broadcast update, the seconds from stored and applied to sent to every connection (metrics) */
  broadcastSent?: (seconds: number) => void;
};

/**
 * What a feature decides about a client's document update. `keep` is what goes down the write
 * path (stored, applied, broadcast): all of it, a part of it (an update the feature built from it),
 * or nothing. `notice` is sent to the client once what is kept is stored; `after` runs in the
 * room's queue once it is applied (a correction the server makes, say).
 */
export type UpdateDecision = {
  keep: 'all' | Uint8Array | null;
  notice?: ControlMessage;
  after?: () => void;
};

/**
 * What a feature plugs into a room (facilitation does: server/facilitation/). The core calls these at
 * fixed points and knows nothing of what they do; every hook is optional.
 */
export interface RoomHooks {
  /** before anything is sent to a joining connection: a close code and reason keep it out */
  admit?(conn: Connection): { code: number; reason: string } | null;
  /** after a connection's hello: send it whatever it should see first */
  joined?(conn: Connection): void;
  /** after a connection left (closed by either side) */
  left?(conn: Connection): void;
  /**
   * Before a client's (non-empty, decodable) document update is stored: what of it to keep (see
   * `UpdateDecision`). Null keeps all of it. The client stays connected either way.
   */
  checkUpdate?(conn: Connection, update: DecodedUpdate): UpdateDecision | null;
  /** A type-100 frame's JSON text from a client. Runs in the room's queue: later messages wait for it. */
  control?(conn: Connection, json: string): Awaitable<void>;
  /** the room is being destroyed: stop timers */
  destroy?(): void;
}

export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;

export class Room implements ConnectionSink {
  private readonly ydoc: Y.Doc;
  /** the transaction of the client update being applied, kept in case Yjs throws midway */
  private lastTransaction: Y.Transaction | null = null;
  private readonly stored: StoredState;
  /** sync frames encoded once per document state, for every connection that asks */
  private readonly replies: SyncReplies;
  /** `presentFrame` as last encoded; undefined once presence has changed */
  private presentCache: Uint8Array | null | undefined = undefined;
  readonly awareness: awarenessProtocol.Awareness;
  private readonly presence: AwarenessOwnership;
  private readonly connections = new Set<Connection>();
  /** `connections` counted by role, for the per-role shares (capacity.ts) */
  private readonly openByRole = noConnections();
  /** the board's stored size (snapshot + log since it), counted as it changes: capped per board */
  private snapshotBytes: number;
  private logBytes: number;
  private lastSeq: number;
  private appendedSinceSnapshot: number;
  private readonly queue: UpdateQueue;
  private readonly broadcast: Broadcaster;
  private compactionQueued = false;
  private _destroyed = false;
  /** called whenever the last connection leaves */
  onEmpty: (room: Room) => void = () => {};
  private hooks: RoomHooks = {};

  constructor(
    readonly boardId: string,
    stored: StoredDocument,
    private readonly deps: RoomDeps,
  ) {
    this.ydoc = new Y.Doc({ gc: true });
    this.queue = new UpdateQueue(this.taskFailed);
    this.replies = new SyncReplies(this.ydoc);
    this.stored = new StoredState(this.ydoc, stored, {
      boardId,
      logger: deps.logger,
      enqueue: (task) => this.queue.enqueue(task),
      step1Frame: () => this.replies.step1Frame(),
    });
    this.lastSeq = stored.lastSeq;
    this.appendedSinceSnapshot = stored.updates.length;
    this.snapshotBytes = stored.snapshot?.byteLength ?? 0;
    this.logBytes = stored.updates.reduce((sum, u) => sum + u.byteLength, 0);
    this.awareness = new awarenessProtocol.Awareness(this.ydoc);
    // the server is not a participant: it has no presence of its own
    this.awareness.setLocalState(null);
    this.presence = new AwarenessOwnership(this.awareness, deps.limits);
    this.broadcast = new Broadcaster(this.connections, this.awareness, deps.limits, this.broadcastFailed, deps.broadcastSent);
    // No 'update' listener: with one, Yjs encodes every transaction's update, and for a client
    // typing into one long run of text that encoding grows with the run (it was most of the
    // server's time at 8,000 updates/s). Clients' bytes are broadcast as they came.
    this.ydoc.on('afterTransaction', this.onAfterTransaction);
    this.awareness.on('update', this.onAwarenessUpdate);
    // after the first sync replies: a cold load should not wait for the snapshot encode
    setImmediate(() => this.maybeCompact());
  }

  /** The board's document, with every stored update applied. */
  get doc(): Y.Doc {
    this.stored.build();
    return this.ydoc;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Whether one more connection with `role` fits in that role's share of the board. */
  hasRoomFor(role: Role): boolean {
    return hasRoomFor(role, this.openByRole, this.deps.limits);
  }

  /** Plugs a feature in (once, right after loading, before anyone joins). */
  use(hooks: RoomHooks): void {
    this.hooks = hooks;
  }

  /** The connections on the board now (a copy: closing one while iterating is safe). */
  connectionList(): Connection[] {
    return Array.from(this.connections);
  }

  /** Runs `task` in the room's serial queue, after every message received before it. */
  schedule(task: () => Awaitable<void>): void {
    this.queue.enqueue(task);
  }

  get destroyed(): boolean {
    return this._destroyed;
  }

  /**
   * Adds a connection. The room is fully loaded by construction, so the first thing the client
   * gets is a sync step 1 for the complete board, then who it is (type 100), then who else is here.
   */
  join(conn: Connection): void {
    if (conn.closed) return;
    if (this._destroyed) throw new Error('join on a destroyed room');
    if (!this.hasRoomFor(conn.role)) {
      conn.close(CloseCode.boardFull, CloseReason.boardFull, { role: conn.role });
      return;
    }
    const refused = this.hooks.admit?.(conn);
    if (refused) {
      conn.close(refused.code, refused.reason);
      return;
    }
    this.connections.add(conn);
    this.openByRole[conn.role]++;
    this.stored.sendStep1(conn);
    const readOnly = !canWrite(conn.role);
    conn.send(
      controlFrame({
        type: 'hello',
        protocolVersion: PROTOCOL_VERSION,
        role: conn.role,
        readOnly,
        ...(readOnly ? { message: VIEWER_MESSAGE } : {}),
      }),
    );
    const present = this.presentFrame();
    if (present) conn.send(present);
    // before attach: attach replays messages that arrived during the load, and a command among
    // them should find the connection already known
    this.hooks.joined?.(conn);
    conn.attach(this);
  }

  leave(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    this.openByRole[conn.role]--;
    this.presence.release(conn);
    this.hooks.left?.(conn);
    if (this.connections.size === 0) this.onEmpty(this);
  }

  /**
   * A change the server itself makes (trusted state, later): applied with the server origin,
   * stored, and only then broadcast.
   */
  changeAsServer(change: (doc: Y.Doc) => void): void {
    const doc = this.doc;
    const updates: Uint8Array[] = [];
    const capture = (update: Uint8Array, origin: unknown) => {
      if (origin === SERVER_ORIGIN) updates.push(update);
    };
    doc.on('update', capture);
    try {
      doc.transact(() => change(doc), SERVER_ORIGIN);
    } finally {
      doc.off('update', capture);
    }
    // store each before anyone can see it, after the messages already queued
    for (const update of updates) {
      this.queue.enqueue(() => {
        const seq = this.deps.storage.documents.appendUpdate(this.boardId, update);
        const stored = (s: number) => {
          this.lastSeq = s;
          this.appendedSinceSnapshot++;
          this.logBytes += update.byteLength;
          this.broadcast.queueUpdate(update, null);
        };
        if (isPromise(seq)) return seq.then(stored);
        stored(seq);
      });
    }
  }

  /** Every connection gets `code`; used for shutdown. */
  closeAll(code: number, reason: string): void {
    for (const conn of Array.from(this.connections)) conn.close(code, reason);
  }

  receive(conn: Connection, data: Uint8Array): void {
    this.queue.enqueue(() => this.handle(conn, data));
  }

  private readonly taskFailed = (error: unknown): void => {
    this.deps.logger.error('room task failed', { boardId: this.boardId, error: String(error) });
  };

  // --- incoming messages -----------------------------------------------------------------------

  private handle(conn: Connection, data: Uint8Array): Awaitable<void> {
    if (conn.closed) return;
    try {
      const decoder = decoding.createDecoder(data);
      const type = readOrReject(() => decoding.readVarUint(decoder));
      switch (type) {
        case MessageType.sync:
          return this.handleSync(conn, decoder);
        case MessageType.awareness:
          this.presence.receive(conn, decoder);
          return;
        case MessageType.queryAwareness: {
          const ids = Array.from(this.awareness.getStates().keys());
          conn.send(awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids)));
          return;
        }
        case MessageType.crossboard:
          return this.handleControl(conn, decoder);
        default:
          throw new RejectedMessage(CloseCode.malformedMessage, `${CloseReason.unknownMessageType} ${type}`);
      }
    } catch (error) {
      this.reject(conn, error);
    }
  }

  private reject(conn: Connection, error: unknown): void {
    if (error instanceof RejectedMessage) {
      conn.close(error.code, error.reason, error.detail ? { detail: error.detail } : {});
    } else {
      conn.close(CloseCode.internalError, CloseReason.internalError, { detail: String(error) });
    }
  }

  private handleSync(conn: Connection, decoder: decoding.Decoder): Awaitable<void> {
    const kind = readOrReject(() => decoding.readVarUint(decoder));
    const payload = readOrReject(() => decoding.readVarUint8Array(decoder));
    if (kind === SyncMessageType.step1) {
      if (!conn.takeSyncRequest()) throw new RejectedMessage(CloseCode.rateLimited, CloseReason.rateLimited, 'sync requests');
      const stateVector = readOrReject(() => Y.decodeStateVector(payload));
      if (this.stored.answerFromStored(conn, stateVector)) return;
      this.stored.build();
      conn.send(readOrReject(() => this.replies.step2Frame(payload)));
      return;
    }
    if (kind !== SyncMessageType.step2 && kind !== SyncMessageType.update) {
      throw new RejectedMessage(CloseCode.malformedMessage, CloseReason.malformedMessage, `sync type ${kind}`);
    }
    // A viewer's writes are not an error: it was told it is read-only, and it stays connected.
    if (!canWrite(conn.role)) return;
    let decoded: ReturnType<typeof Y.decodeUpdate>;
    try {
      // Parses every struct and the delete set without touching the document, so an update Yjs
      // cannot read is refused before anything is stored or applied.
      decoded = Y.decodeUpdate(payload);
    } catch (error) {
      throw new RejectedMessage(CloseCode.invalidUpdate, CloseReason.invalidUpdate, String(error));
    }
    // Nothing in it, or nothing the board lacks (typically a reconnecting client's sync step 2:
    // see addsNothing.ts): nothing to store, judge or broadcast.
    if (decoded.structs.length === 0 && decoded.ds.clients.size === 0) return;
    if (addsNothing(this.doc, decoded)) return;
    const decision = this.hooks.checkUpdate?.(conn, decoded) ?? null;
    if (decision && decision.keep !== 'all') {
      this.deps.logger.info('refused a document update', {
        boardId: this.boardId,
        conn: conn.id,
        kept: decision.keep === null ? 'nothing' : 'part',
      });
    }
    if (decision?.keep === null) {
      if (decision.notice) conn.send(controlFrame(decision.notice));
      return;
    }
    const kept = decision && decision.keep !== 'all' ? decision.keep : payload;
    const fitted = this.fitBoardSize(kept);
    // copy: the payload is a view into the frame, which the storage layer may keep
    const update = fitted === payload ? payload.slice() : fitted;
    let seq: Awaitable<number>;
    try {
      seq = this.deps.storage.documents.appendUpdate(this.boardId, update);
    } catch (error) {
      this.storageFailed(conn, error);
      return;
    }
    if (isPromise(seq)) {
      return seq.then(
        (s) => this.applyAppended(conn, update, s, decision),
        (error: unknown) => this.storageFailed(conn, error),
      );
    }
    return this.applyAppended(conn, update, seq, decision);
  }

  private applyAppended(conn: Connection, update: Uint8Array, seq: number, decision: UpdateDecision | null): Awaitable<void> {
    this.lastSeq = seq;
    this.appendedSinceSnapshot++;
    this.logBytes += update.byteLength;
    const doc = this.doc;
    this.lastTransaction = null;
    try {
      Y.applyUpdate(doc, update, conn.origin);
    } catch (error) {
      // Decoded but not applicable (Yjs can throw while integrating hostile structure). The others
      // get only what Yjs did integrate, encoded by Yjs; the raw bytes would throw for them too.
      // The sender is closed, and a compaction now takes the update out of the log.
      const tr = this.lastTransaction as Y.Transaction | null;
      this.lastTransaction = null;
      if (tr && (tr.changed.size > 0 || tr.deleteSet.clients.size > 0)) {
        this.broadcast.queueUpdate(Y.encodeStateAsUpdate(doc, Y.encodeStateVector(tr.beforeState)), conn);
      }
      this.reject(conn, new RejectedMessage(CloseCode.invalidUpdate, CloseReason.invalidUpdate, String(error)));
      return this.compact();
    }
    this.lastTransaction = null;
    // stored and applied: the bytes as received (Yjs skips what a client already has)
    this.broadcast.queueUpdate(update, conn);
    if (decision?.notice) conn.send(controlFrame(decision.notice));
    if (decision?.after) this.queue.enqueue(decision.after);
    this.maybeCompact();
  }

  /**
   * The board's size cap, checked before an update is stored: what to store of `update`, or a
   * 4414 close for its writer, leaving no trace, when it would take the stored bytes over
   * `maxBoardBytes`. The stored size is counted as updates are appended and compacted, so a
   * board below the cap pays nothing. Near it, an update is first stripped of what the board
   * already has (a client's sync step 2 can repeat updates still in flight): only new content
   * counts, and only it is stored and relayed.
   */
  private fitBoardSize(update: Uint8Array): Uint8Array {
    const size = this.snapshotBytes + this.logBytes;
    const cap = this.deps.limits.maxBoardBytes;
    if (size + update.byteLength <= cap) return update;
    let fresh: Uint8Array | null = null;
    try {
      fresh = Y.diffUpdate(update, Y.encodeStateVector(this.doc));
    } catch {
      // refused below like any update that does not fit
    }
    if (fresh && size + fresh.byteLength <= cap) return fresh;
    throw new RejectedMessage(CloseCode.boardTooLarge, CloseReason.boardTooLarge, `${size} + ${fresh?.byteLength ?? update.byteLength} bytes`);
  }

  /** Queues a compaction once the log is long enough; it runs after the message being handled. */
  private maybeCompact(): void {
    if (this._destroyed || this.compactionQueued || this.appendedSinceSnapshot < this.deps.limits.compactAfterUpdates) return;
    this.compactionQueued = true;
    this.queue.enqueue(() => {
      this.compactionQueued = false;
      return this.compact();
    });
  }

  private storageFailed(conn: Connection, error: unknown): void {
    this.deps.logger.error('could not store an update', { boardId: this.boardId, error: String(error) });
    // the client still has its edit and will send it again when it reconnects
    conn.close(CloseCode.internalError, CloseReason.internalError);
  }

  /**
   * Type 100 from a client: a command, handed to the hooks as text (they answer even JSON that
   * does not parse, politely). A frame whose string itself is broken is malformed, as ever.
   */
  private handleControl(conn: Connection, decoder: decoding.Decoder): Awaitable<void> {
    const json = readOrReject(() => decoding.readVarString(decoder));
    if (this.hooks.control) return this.hooks.control(conn, json);
    readOrReject(() => JSON.parse(json));
    conn.send(controlFrame({ type: 'error', code: 'unsupported', message: 'This server accepts no commands.' }));
  }

  // --- outgoing ---------------------------------------------------------------------------------

  private readonly onAfterTransaction = (tr: Y.Transaction): void => {
    this.replies.changed();
    if (isBoardOrigin(tr.origin) && tr.origin.kind === 'connection') this.lastTransaction = tr;
  };

  /**
   * Everyone's presence as one frame for a joining connection, encoded once until presence
   * changes: a board's people coming back together after a restart join in one burst, and each
   * encoding is every state as JSON again. Null when nobody is present.
   */
  private presentFrame(): Uint8Array | null {
    if (this.presentCache === undefined) {
      const present = Array.from(this.awareness.getStates().keys());
      this.presentCache = present.length > 0 ? awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, present)) : null;
    }
    return this.presentCache;
  }

  private readonly onAwarenessUpdate = (change: AwarenessChange, _origin: unknown): void => {
    this.presentCache = undefined;
    // a removal by its owner, by the owner leaving, or by the awareness timing the state out
    this.presence.removed(change.removed);
    this.broadcast.queueAwareness(change);
  };

  private readonly broadcastFailed = (error: unknown): void => {
    this.deps.logger.error('broadcast failed', { boardId: this.boardId, error: String(error) });
  };

  // --- persistence ------------------------------------------------------------------------------

  /** Writes the whole document as the snapshot and drops the log entries it covers. */
  private compact(): Awaitable<void> {
    const uptoSeq = this.lastSeq;
    const covered = this.appendedSinceSnapshot;
    const coveredBytes = this.logBytes;
    const snapshot = Y.encodeStateAsUpdate(this.doc);
    const done = () => {
      this.appendedSinceSnapshot -= covered;
      this.logBytes -= coveredBytes;
      this.snapshotBytes = snapshot.byteLength;
    };
    const result = this.deps.storage.documents.compact(this.boardId, snapshot, uptoSeq);
    if (isPromise(result)) return result.then(done);
    done();
  }

  /**
   * Stores the board as a snapshot if anything was appended since the last one. Runs after
   * every queued message, and rejects if storage fails (so the caller can keep the board).
   */
  store(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.enqueue(() => {
        if (this.appendedSinceSnapshot === 0) return resolve();
        let result: Awaitable<void>;
        try {
          result = this.compact();
        } catch (error) {
          reject(error);
          return;
        }
        if (isPromise(result)) return result.then(resolve, reject);
        resolve();
      });
    });
  }

  /** Frees the room's timers and listeners; the room must be empty. */
  destroy(): void {
    this._destroyed = true;
    this.hooks.destroy?.();
    this.stored.destroy();
    this.broadcast.destroy();
    this.ydoc.off('afterTransaction', this.onAfterTransaction);
    this.awareness.off('update', this.onAwarenessUpdate);
    this.awareness.destroy();
    this.ydoc.destroy();
  }
}

export { RejectedMessage };
