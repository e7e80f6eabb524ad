/**
 * A loaded board: its Y.Doc, a server-side Awareness, and the connections on it, speaking the
 * y-websocket protocol over `SocketLike`.
 *
 * The write path, in this order, for every document update a client sends:
 *   decode the frame -> validate the update completely (nothing is applied yet) ->
 *   the hooks' checkUpdate (keep all of it, a part of it rebuilt as an update, or nothing) ->
 *   check the board's size cap -> storage.appendUpdate (durable) -> Y.applyUpdate -> broadcast.
 * So anything a client has seen broadcast is already stored, and a rejected update leaves no
 * trace in storage or in the document. What is broadcast is what was kept of the bytes the client
 * sent (near the board's size cap, the part of them the board lacks), once Yjs has applied them
 * without complaint; an update that decodes but fails to apply is not relayed
 * (only what Yjs did integrate of it is), its sender is closed, and the board is compacted at
 * once so the log no longer holds it.
 *
 * Loading is lazy. A room starts with its stored state (snapshot and log) as bytes and builds
 * the Y.Doc when something first needs it (a client's update, a reply to a client that has part
 * of the board, the API), or BUILD_DELAY_MS after loading. Until then a client asking for the
 * whole board (sync step 1 with an empty state vector: a new client) is answered from the stored
 * bytes, so opening a large board that is not in memory does not wait for Yjs to integrate it and
 * encode it again; the server's own step 1 (its state vector) follows once the doc is built.
 *
 * Broadcasts: a room that has been quiet sends an update the moment it is stored and applied.
 * When updates come faster than that, the ones queued during one event-loop turn (and awareness
 * changes) are flushed together in one setImmediate, merged into few frames. Either way each frame is encoded
 * once and the same buffer goes to every connection, except that a frame made only of one
 * connection's updates is not echoed back to it (it has them).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
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
import { hasRoomFor, noConnections } from './capacity.ts';
import type { Connection, ConnectionSink } from './connection.ts';
import { awarenessFrame, controlFrame, syncStep1Frame, syncStep2Frame, updateFrame } from './messages.ts';
import { LOAD_ORIGIN, SERVER_ORIGIN, isBoardOrigin } from '../../shared/origins.ts';
import { canWrite, type Role } from '../../shared/schema.ts';

export type RoomDeps = {
  storage: Storage;
  limits: Limits;
  logger: Logger;
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
 * What a feature plugs into a room (facilitation does: server/session/). The core calls these at
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

/** A step the room runs strictly after the previous one finished (storage may be async). */
type Task = () => Awaitable<void>;

/** Updates merged into one broadcast frame: enough to amortise sends, small enough to merge fast. */
const MAX_UPDATES_PER_FRAME = 32;
const MAX_BYTES_PER_FRAME = 256 * 1024;

/** what `Y.encodeStateAsUpdate` gives for an empty doc */
const EMPTY_UPDATE = new Uint8Array([0, 0]);

/**
 * Answering from the stored bytes merges the log into one update, and `Y.mergeUpdates` grows
 * faster than linearly (200 updates: 5 ms; 2,000: 70 ms). A log compacted as usual stays under
 * this; a longer one (compaction off or failing) is answered from the built doc instead.
 */
const MAX_STORED_REPLY_LOG = 512;
/** A loaded room builds its doc this long after loading if nothing needed it sooner. */
const BUILD_DELAY_MS = 100;

/** An update waiting to be broadcast, and the connection it came from (null: the server). */
type PendingUpdate = { update: Uint8Array; from: Connection | null };
/** A frame to send, and the one connection that does not need it (its own updates), if any. */
type OutgoingFrame = { frame: Uint8Array; skip: Connection | null };

class RejectedMessage extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    readonly detail?: string,
  ) {
    super(reason);
  }
}

function isPromise<T>(value: Awaitable<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

export class Room implements ConnectionSink {
  private readonly ydoc: Y.Doc;
  /** the transaction of the client update being applied, kept in case Yjs throws midway */
  private lastTransaction: Y.Transaction | null = null;
  /** the state as stored (snapshot, then log), until it is applied to `ydoc`; null once built */
  private unbuilt: StoredDocument | null;
  private buildTimer: ReturnType<typeof setTimeout> | null = null;
  /** connections that joined before the doc was built: they get the server's step 1 after */
  private awaitingStep1: Connection[] = [];
  readonly awareness: awarenessProtocol.Awareness;
  private readonly connections = new Set<Connection>();
  /** `connections` counted by role, for the per-role shares (capacity.ts) */
  private readonly openByRole = noConnections();
  /** awareness client id -> the connection that introduced it */
  private readonly awarenessOwners = new Map<number, Connection>();
  /** awareness client id -> the bytes of its state, and their sum: capped per board */
  private readonly awarenessStateBytes = new Map<number, number>();
  private awarenessBytes = 0;
  /** the board's stored size (snapshot + log since it), counted as it changes: capped per board */
  private snapshotBytes: number;
  private logBytes: number;
  private lastSeq: number;
  private appendedSinceSnapshot: number;
  private tasks: Task[] = [];
  private running = false;
  private pendingUpdates: PendingUpdate[] = [];
  private lastFlushAt = -Infinity;
  private pendingAwareness = new Set<number>();
  private flushScheduled = false;
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
    this.unbuilt = stored;
    this.buildTimer = setTimeout(this.buildLater, BUILD_DELAY_MS);
    this.buildTimer.unref?.();
    this.lastSeq = stored.lastSeq;
    this.appendedSinceSnapshot = stored.updates.length;
    this.snapshotBytes = stored.snapshot?.byteLength ?? 0;
    this.logBytes = stored.updates.reduce((sum, u) => sum + u.byteLength, 0);
    this.awareness = new awarenessProtocol.Awareness(this.ydoc);
    // the server is not a participant: it has no presence of its own
    this.awareness.setLocalState(null);
    // No 'update' listener: with one, Yjs encodes every transaction's update, and for a client
    // typing into one long run of text that encoding grows with the run (it was most of the
    // server's time at 8,000 updates/s). Clients' bytes are broadcast as they came.
    this.ydoc.on('afterTransaction', this.onAfterTransaction);
    this.awareness.on('update', this.onAwarenessUpdate);
    // after the first sync replies: a cold load should not wait for the snapshot encode
    setImmediate(() => this.maybeCompact());
  }

  /**
   * Applies the stored state: snapshot and log in ONE transaction, one pass of integration and no
   * observers per update. An update that fails is skipped rather than making the board unloadable.
   */
  private build(): void {
    const stored = this.unbuilt;
    if (!stored) return;
    this.unbuilt = null;
    if (this.buildTimer) clearTimeout(this.buildTimer);
    this.buildTimer = null;
    this.ydoc.transact(() => {
      if (stored.snapshot) this.applyStored(stored.snapshot, 'snapshot');
      for (const update of stored.updates) this.applyStored(update, 'update');
    }, LOAD_ORIGIN);
    // The server's step 1 for those who joined before: after the message being handled (which
    // may be an update that needed the doc), so its state vector includes that update and the
    // clients do not send it back.
    this.enqueue(() => {
      const waiting = this.awaitingStep1;
      this.awaitingStep1 = [];
      for (const conn of waiting) if (!conn.closed) conn.send(syncStep1Frame(this.ydoc));
    });
  }

  /** The build timer: runs from a timer, so a failure is logged, not thrown at the process. */
  private readonly buildLater = (): void => {
    this.buildTimer = null;
    if (this._destroyed) return;
    try {
      this.build();
    } catch (error) {
      this.deps.logger.error('could not build a loaded board', { boardId: this.boardId, error: String(error) });
    }
  };

  private applyStored(update: Uint8Array, what: string): void {
    try {
      Y.applyUpdate(this.ydoc, update, LOAD_ORIGIN);
    } catch (error) {
      this.deps.logger.error(`skipped a stored ${what} that Yjs could not apply`, {
        boardId: this.boardId,
        error: String(error),
      });
    }
  }

  /** The board's document, with every stored update applied. */
  get doc(): Y.Doc {
    this.build();
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
    this.enqueue(task);
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
    if (this.unbuilt) this.awaitingStep1.push(conn);
    else conn.send(syncStep1Frame(this.ydoc));
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
    const present = Array.from(this.awareness.getStates().keys());
    if (present.length > 0) {
      conn.send(awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, present)));
    }
    // before attach: attach replays messages that arrived during the load, and a command among
    // them should find the connection already known
    this.hooks.joined?.(conn);
    conn.attach(this);
  }

  leave(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    this.openByRole[conn.role]--;
    if (conn.ownedClients.size > 0) {
      const owned = Array.from(conn.ownedClients);
      for (const id of owned) this.awarenessOwners.delete(id);
      // broadcast as a removal through onAwarenessUpdate, so the others see this person leave
      awarenessProtocol.removeAwarenessStates(this.awareness, owned, conn.origin);
    }
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
      this.enqueue(() => {
        const seq = this.deps.storage.appendUpdate(this.boardId, update);
        const stored = (s: number) => {
          this.lastSeq = s;
          this.appendedSinceSnapshot++;
          this.logBytes += update.byteLength;
          this.queueBroadcast(update, null);
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
    this.enqueue(() => this.handle(conn, data));
  }

  // --- the serial task queue -----------------------------------------------------------------
  // With synchronous storage every task finishes inline; with async storage, later messages wait
  // for an append to finish, so updates are applied in the order they were stored.

  private enqueue(task: Task): void {
    this.tasks.push(task);
    if (!this.running) this.run();
  }

  private run(): void {
    this.running = true;
    while (this.tasks.length > 0) {
      const task = this.tasks.shift()!;
      let result: Awaitable<void>;
      try {
        result = task();
      } catch (error) {
        this.taskFailed(error);
        continue;
      }
      if (isPromise(result)) {
        result.catch((error: unknown) => this.taskFailed(error)).finally(() => this.run());
        return;
      }
    }
    this.running = false;
  }

  private taskFailed(error: unknown): void {
    this.deps.logger.error('room task failed', { boardId: this.boardId, error: String(error) });
  }

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
          this.handleAwareness(conn, decoder);
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
      if (this.unbuilt && stateVector.size === 0 && this.unbuilt.updates.length <= MAX_STORED_REPLY_LOG) {
        this.sendStoredState(conn, this.unbuilt);
        return;
      }
      const doc = this.doc;
      const reply = readOrReject(() => Y.encodeStateAsUpdate(doc, payload));
      conn.send(syncStep2Frame(reply));
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
    // Nothing in it (typically a client's sync step 2 with nothing new): nothing to store.
    if (decoded.structs.length === 0 && decoded.ds.clients.size === 0) return;
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
      seq = this.deps.storage.appendUpdate(this.boardId, update);
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
        this.queueBroadcast(Y.encodeStateAsUpdate(doc, Y.encodeStateVector(tr.beforeState)), conn);
      }
      this.reject(conn, new RejectedMessage(CloseCode.invalidUpdate, CloseReason.invalidUpdate, String(error)));
      return this.compact();
    }
    this.lastTransaction = null;
    // stored and applied: the bytes as received (Yjs skips what a client already has)
    this.queueBroadcast(update, conn);
    if (decision?.notice) conn.send(controlFrame(decision.notice));
    if (decision?.after) this.enqueue(decision.after);
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

  /**
   * The whole board for a client that has nothing, before the doc is built: the log since the
   * snapshot (small; merged into one update), then the stored snapshot as step 2, byte for byte.
   * Nothing has been stored since loading: storing a client's update needs the doc built. All of it was validated before it was stored. The order matters: the
   * client holds the log's changes as pending until the snapshot they build on arrives, and Yjs
   * integrates both while applying step 2, so when a provider reports "synced" on step 2 it has
   * the whole board.
   */
  private sendStoredState(conn: Connection, stored: StoredDocument): void {
    const log = stored.updates;
    if (log.length > 0) conn.send(updateFrame(log.length === 1 ? log[0]! : Y.mergeUpdates(log)));
    conn.send(syncStep2Frame(stored.snapshot ?? EMPTY_UPDATE));
  }

  /** Queues a compaction once the log is long enough; it runs after the message being handled. */
  private maybeCompact(): void {
    if (this._destroyed || this.compactionQueued || this.appendedSinceSnapshot < this.deps.limits.compactAfterUpdates) return;
    this.compactionQueued = true;
    this.enqueue(() => {
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
   * Awareness, with ownership: the first connection to set a client id's state owns that id until
   * it leaves. Standard providers echo everyone's states back (same clock) and drop states they
   * consider timed out (same clock, null); those entries are ignored for ids owned by someone
   * else. Only a real change to someone else's state (a higher clock) is an offence. An id whose
   * state has timed out here is free again: its owner has been silent for the whole awareness
   * timeout (a network gone without a close), and the page behind it may be back on a new
   * connection; the next connection to set it takes it over.
   *
   * Limits, so that one link holder cannot flood everyone (and every late joiner) with presence:
   * one client id per connection at a time (4410), each state at most `maxAwarenessStateBytes`
   * (4413), all of the board's states together at most `maxAwarenessBytesPerBoard` (4504, for the
   * connection whose state would take it over).
   */
  private handleAwareness(conn: Connection, decoder: decoding.Decoder): void {
    const update = readOrReject(() => decoding.readVarUint8Array(decoder));
    const entries: { clientId: number; clock: number; json: string; bytes: number; removal: boolean }[] = [];
    // check every entry before applying any
    readOrReject(() => {
      const d = decoding.createDecoder(update);
      const count = decoding.readVarUint(d);
      for (let i = 0; i < count; i++) {
        const clientId = decoding.readVarUint(d);
        const clock = decoding.readVarUint(d);
        const start = d.pos;
        const json = decoding.readVarString(d);
        // as sent: the UTF-8 bytes and their length prefix
        const bytes = d.pos - start;
        if (bytes > this.deps.limits.maxAwarenessStateBytes) {
          throw new RejectedMessage(CloseCode.awarenessTooBig, CloseReason.awarenessTooBig, `${bytes} bytes`);
        }
        entries.push({ clientId, clock, json, bytes, removal: JSON.parse(json) === null });
      }
    });
    const accepted: typeof entries = [];
    // the board's awareness bytes once the entries that change something are applied
    let boardBytes = this.awarenessBytes;
    const sizes = new Map<number, number>();
    for (const entry of entries) {
      let owner = this.awarenessOwners.get(entry.clientId);
      const current = this.awareness.meta.get(entry.clientId)?.clock ?? 0;
      if (owner && owner !== conn && !entry.removal && entry.clock > current && !this.awareness.states.has(entry.clientId)) {
        owner.ownedClients.delete(entry.clientId);
        this.awarenessOwners.delete(entry.clientId);
        owner = undefined;
      }
      if ((owner && owner !== conn) || entry.clientId === this.ydoc.clientID) {
        if (entry.clock > current) {
          throw new RejectedMessage(CloseCode.awarenessConflict, CloseReason.awarenessConflict, `client ${entry.clientId}`);
        }
        continue;
      }
      accepted.push(entry);
      // the same test applyAwarenessUpdate uses to decide whether an entry changes anything
      const applies =
        current < entry.clock ||
        (current === entry.clock && entry.removal && this.awareness.states.has(entry.clientId));
      if (!applies) continue;
      if (!entry.removal && !owner && conn.ownedClients.size > 0) {
        throw new RejectedMessage(CloseCode.awarenessSecondClient, CloseReason.awarenessSecondClient, `client ${entry.clientId}`);
      }
      boardBytes += (entry.removal ? 0 : entry.bytes) - (sizes.get(entry.clientId) ?? this.awarenessStateBytes.get(entry.clientId) ?? 0);
      sizes.set(entry.clientId, entry.removal ? 0 : entry.bytes);
      if (entry.removal) {
        this.awarenessOwners.delete(entry.clientId);
        conn.ownedClients.delete(entry.clientId);
      } else if (!owner) {
        this.awarenessOwners.set(entry.clientId, conn);
        conn.ownedClients.add(entry.clientId);
      }
    }
    if (boardBytes > this.deps.limits.maxAwarenessBytesPerBoard && boardBytes > this.awarenessBytes) {
      throw new RejectedMessage(CloseCode.awarenessBoardFull, CloseReason.awarenessBoardFull, `${boardBytes} bytes`);
    }
    // removals are counted off as the awareness reports them (onAwarenessUpdate), whoever removes
    for (const [clientId, bytes] of sizes) if (bytes > 0) this.setAwarenessStateBytes(clientId, bytes);
    if (accepted.length === 0) return;
    const filtered = accepted.length === entries.length ? update : encodeAwarenessEntries(accepted);
    awarenessProtocol.applyAwarenessUpdate(this.awareness, filtered, conn.origin);
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
    if (isBoardOrigin(tr.origin) && tr.origin.kind === 'connection') this.lastTransaction = tr;
  };

  private setAwarenessStateBytes(clientId: number, bytes: number): void {
    this.awarenessBytes += bytes - (this.awarenessStateBytes.get(clientId) ?? 0);
    if (bytes > 0) this.awarenessStateBytes.set(clientId, bytes);
    else this.awarenessStateBytes.delete(clientId);
  }

  private readonly onAwarenessUpdate = (
    change: { added: number[]; updated: number[]; removed: number[] },
    _origin: unknown,
  ): void => {
    // a removal by its owner, by the owner leaving, or by the awareness timing the state out
    for (const id of change.removed) this.setAwarenessStateBytes(id, 0);
    for (const id of change.added) this.pendingAwareness.add(id);
    for (const id of change.updated) this.pendingAwareness.add(id);
    for (const id of change.removed) this.pendingAwareness.add(id);
    this.scheduleFlush();
  };

  private queueBroadcast(update: Uint8Array, from: Connection | null): void {
    this.pendingUpdates.push({ update, from });
    // at typing rates nothing else would join a batch, and waiting for the turn to end is latency
    if (!this.flushScheduled && performance.now() - this.lastFlushAt > this.deps.limits.quietBroadcastMs) {
      this.flush();
      return;
    }
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flush);
  }

  /** Sends everything queued this turn: each frame encoded once, the same buffer to everyone. */
  private readonly flush = (): void => {
    this.flushScheduled = false;
    // runs from setImmediate: an exception here would take the process down, so contain it
    try {
      this.flushNow();
    } catch (error) {
      this.deps.logger.error('broadcast failed', { boardId: this.boardId, error: String(error) });
    }
  };

  private flushNow(): void {
    this.lastFlushAt = performance.now();
    const frames: OutgoingFrame[] = [];
    let group: Uint8Array[] = [];
    let groupBytes = 0;
    // the one connection all of the group's updates came from, null if none or several
    let groupFrom: Connection | null = null;
    const closeGroup = () => {
      if (group.length === 0) return;
      frames.push({ frame: updateFrame(group.length === 1 ? group[0]! : Y.mergeUpdates(group)), skip: groupFrom });
      group = [];
      groupBytes = 0;
    };
    for (const { update, from } of this.pendingUpdates) {
      if (group.length >= MAX_UPDATES_PER_FRAME || groupBytes + update.byteLength > MAX_BYTES_PER_FRAME) closeGroup();
      groupFrom = group.length === 0 ? from : groupFrom === from ? from : null;
      group.push(update);
      groupBytes += update.byteLength;
    }
    closeGroup();
    this.pendingUpdates = [];
    if (this.pendingAwareness.size > 0) {
      const ids = Array.from(this.pendingAwareness);
      this.pendingAwareness.clear();
      frames.push({ frame: awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids)), skip: null });
    }
    if (frames.length === 0) return;
    for (const conn of Array.from(this.connections)) {
      for (const { frame, skip } of frames) if (conn !== skip) conn.send(frame);
    }
  }

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
    const result = this.deps.storage.compact(this.boardId, snapshot, uptoSeq);
    if (isPromise(result)) return result.then(done);
    done();
  }

  /**
   * Stores the board as a snapshot if anything was appended since the last one. Runs after
   * every queued message, and rejects if storage fails (so the caller can keep the board).
   */
  store(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.enqueue(() => {
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
    // everything waiting is stored; applying it now would only be thrown away
    if (this.buildTimer) clearTimeout(this.buildTimer);
    this.buildTimer = null;
    // `unbuilt` stays: a reader that still holds the room gets the board, as from a built one
    this.awaitingStep1 = [];
    this.ydoc.off('afterTransaction', this.onAfterTransaction);
    this.awareness.off('update', this.onAwarenessUpdate);
    this.awareness.destroy();
    this.ydoc.destroy();
  }
}

function encodeAwarenessEntries(entries: { clientId: number; clock: number; json: string }[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, entries.length);
  for (const { clientId, clock, json } of entries) {
    encoding.writeVarUint(e, clientId);
    encoding.writeVarUint(e, clock);
    encoding.writeVarString(e, json);
  }
  return encoding.toUint8Array(e);
}

/** Runs a decoding step; any exception becomes "malformed message" (unless already a rejection). */
function readOrReject<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof RejectedMessage) throw error;
    throw new RejectedMessage(CloseCode.malformedMessage, CloseReason.malformedMessage, String(error));
  }
}

export { RejectedMessage };
