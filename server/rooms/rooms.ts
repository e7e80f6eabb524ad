/**
 * The loaded boards of this process. Guarantees:
 * - one load per board: concurrent `get`s share the same promise, and a board's stored state is
 *   fully read before anyone gets it (the room builds its Y.Doc from it on first use: storedState.ts);
 * - a board with no connections is stored, then dropped, after `idleUnloadMs`; a `get` during
 *   that store waits for it and then loads the stored state afresh (never an empty document);
 * - if storing fails the board stays in memory and is tried again later;
 * - with a `BoardOwnership` (several processes on one storage), a board loads only once this
 *   process owns it, is given up once stored and dropped, and is dropped unstored (`drop`) when
 *   ownership is lost: its writes would be refused anyway.
 */
import * as Y from 'yjs';
import { CloseCode, CloseReason } from '../../shared/protocol.ts';
import type { Limits } from '../config.ts';
import type { Logger } from '../log.ts';
import { LeaseLostError, type Awaitable, type Storage } from '../storage/storage.ts';
import { Connection } from './connection.ts';
import { OwnedElsewhereError, type BoardOwnership } from './ownership.ts';
import { Room, type RoomHooks } from './room.ts';
import type { SocketLike } from './socket.ts';
import type { Role } from '../../shared/schema.ts';

export type RoomsDeps = {
  storage: Storage;
  limits: Limits;
  logger: Logger;
  /** plugs features into every room as it loads; the room opens only once this resolves */
  hooks?: (room: Room) => Awaitable<RoomHooks>;
  /** several processes: who may load a board (ownership.ts); none means this process owns every board */
  ownership?: BoardOwnership;
  /** passed to every room (RoomDeps): broadcast latency, for metrics */
  broadcastSent?: (seconds: number) => void;
};

type Slot =
  | { state: 'loading'; room: Promise<Room> }
  | { state: 'open'; room: Promise<Room>; loaded: Room; idleTimer: NodeJS.Timeout | null }
  | { state: 'unloading'; done: Promise<void> };

export class Rooms {
  private readonly slots = new Map<string, Slot>();
  private closing = false;

  constructor(private readonly deps: RoomsDeps) {}

  /** The loaded room of a board, loading it if needed. */
  get(boardId: string): Promise<Room> {
    if (this.closing) return Promise.reject(new Error('shutting down'));
    const slot = this.slots.get(boardId);
    if (slot?.state === 'open' || slot?.state === 'loading') return slot.room;
    if (slot?.state === 'unloading') return slot.done.then(() => this.get(boardId));
    const room = this.load(boardId);
    this.slots.set(boardId, { state: 'loading', room });
    return room;
  }

  private async load(boardId: string): Promise<Room> {
    let room: Room | undefined;
    let claimed = false;
    try {
      if (this.deps.ownership) {
        await this.deps.ownership.claim(boardId);
        claimed = true;
      }
      const stored = await this.deps.storage.documents.loadDocument(boardId);
      room = new Room(boardId, stored, this.deps);
      if (this.deps.hooks) room.use(await this.deps.hooks(room));
    } catch (error) {
      room?.destroy();
      if (claimed) await this.release(boardId);
      this.slots.delete(boardId);
      throw error;
    }
    const slot = { state: 'open' as const, room: Promise.resolve(room), loaded: room, idleTimer: null };
    this.slots.set(boardId, slot);
    room.onEmpty = () => this.armIdle(boardId);
    // loaded for a reader (e.g. the API) rather than a connection: unload it if nobody comes
    this.armIdle(boardId);
    return room;
  }

  /** The loaded room, if any, without loading. */
  peek(boardId: string): Room | undefined {
    const slot = this.slots.get(boardId);
    return slot?.state === 'open' ? slot.loaded : undefined;
  }

  get loadedCount(): number {
    let n = 0;
    for (const slot of this.slots.values()) if (slot.state === 'open') n++;
    return n;
  }

  connectionCount(boardId: string): number {
    return this.peek(boardId)?.connectionCount ?? 0;
  }

  /** Whether a connection with `role` fits on the board now (a board not loaded has room). */
  hasRoomFor(boardId: string, role: Role): boolean {
    return this.peek(boardId)?.hasRoomFor(role) ?? true;
  }

  /**
   * Creates the connection at once (so messages can be buffered) and joins it to the room when
   * the board is loaded.
   */
  connect(boardId: string, role: Role, socket: SocketLike, tokenHash: Uint8Array | null = null): Connection {
    const conn = new Connection(boardId, role, socket, this.deps.limits, this.deps.logger, tokenHash);
    const join = (): void => {
      this.get(boardId).then(
        (room) => {
          // `get` resolved before an unload began, but the room may be gone by now: start over
          if (room.destroyed) return join();
          if (conn.closed) return;
          if (this.closing) {
            conn.close(CloseCode.serviceRestart, CloseReason.serviceRestart);
            return;
          }
          this.disarmIdle(boardId);
          room.join(conn);
        },
        (error: unknown) => {
          // closing, or another process took the board a moment ago: the client comes back to it
          if (this.closing || error instanceof OwnedElsewhereError) {
            conn.close(CloseCode.serviceRestart, CloseReason.serviceRestart);
            return;
          }
          this.deps.logger.error('could not load board', { boardId, error: String(error) });
          conn.close(CloseCode.internalError, CloseReason.internalError);
        },
      );
    };
    join();
    return conn;
  }

  private armIdle(boardId: string): void {
    const slot = this.slots.get(boardId);
    if (slot?.state !== 'open' || slot.idleTimer || this.closing) return;
    if (slot.loaded.connectionCount > 0) return;
    slot.idleTimer = setTimeout(() => {
      slot.idleTimer = null;
      void this.unload(boardId);
    }, this.deps.limits.idleUnloadMs);
    slot.idleTimer.unref();
  }

  private disarmIdle(boardId: string): void {
    const slot = this.slots.get(boardId);
    if (slot?.state === 'open' && slot.idleTimer) {
      clearTimeout(slot.idleTimer);
      slot.idleTimer = null;
    }
  }

  /** Stores an empty room and drops it from memory. */
  private async unload(boardId: string): Promise<void> {
    const slot = this.slots.get(boardId);
    if (slot?.state !== 'open' || slot.loaded.connectionCount > 0) return;
    const room = slot.loaded;
    let unloaded!: () => void;
    const done = new Promise<void>((resolve) => (unloaded = resolve));
    this.slots.set(boardId, { state: 'unloading', done });
    try {
      await room.store();
    } catch (error) {
      if (error instanceof LeaseLostError) {
        // another process owns the board now and has everything anyone saw: let it go unstored
        room.destroy();
        await this.release(boardId);
        this.slots.delete(boardId);
        unloaded();
        this.deps.logger.warn('board dropped: another process owns it now', { boardId });
        return;
      }
      this.deps.logger.error('could not store board; keeping it loaded', { boardId, error: String(error) });
      this.slots.set(boardId, slot);
      this.armIdle(boardId);
      unloaded();
      return;
    }
    room.destroy();
    // given up before the slot frees: a load that follows claims the board afresh, after this
    await this.release(boardId);
    this.slots.delete(boardId);
    unloaded();
  }

  private async release(boardId: string): Promise<void> {
    try {
      await this.deps.ownership?.released(boardId);
    } catch (error) {
      // the lease lapses by itself; the next owner waits for that
      this.deps.logger.warn('could not give a board up', { boardId, error: String(error) });
    }
  }

  /**
   * Drops a board without storing it: this process no longer owns it, so its writes would be
   * refused. Its connections are closed with 1012 and come back to the new owner, which loads
   * everything they saw from storage (nothing is broadcast before it is stored).
   */
  drop(boardId: string): void {
    const slot = this.slots.get(boardId);
    if (slot?.state === 'loading') {
      void slot.room.then(
        () => this.drop(boardId),
        () => undefined,
      );
      return;
    }
    if (slot?.state !== 'open') return;
    // first, so the connections leaving do not arm an unload
    this.slots.delete(boardId);
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.loaded.closeAll(CloseCode.serviceRestart, CloseReason.serviceRestart);
    slot.loaded.destroy();
    this.deps.logger.warn('board dropped: another process owns it now', { boardId });
  }

  /**
   * The board's document to read now. Where this process serves the board (or nobody does and
   * it may), the loaded room's; where another process owns it, one built from storage, which
   * holds everything anyone has seen. Read it in the turn it resolves: a loaded room's document
   * changes as clients write.
   */
  async readDoc(boardId: string): Promise<Y.Doc> {
    for (;;) {
      let room: Room;
      try {
        room = await this.get(boardId);
      } catch (error) {
        if (!(error instanceof OwnedElsewhereError)) throw error;
        return docFromStorage(this.deps.storage, boardId);
      }
      // handed out just before an unload began, and destroyed by now: ask again
      if (!room.destroyed) return room.doc;
    }
  }

  /**
   * Shutdown: refuses new work, closes every connection with 1012 so clients come back to the
   * next process, then stores every loaded board. Closing first means nothing can arrive after a
   * board's final snapshot; anything that arrived before is already in the log.
   */
  async shutdown(): Promise<void> {
    this.closing = true;
    const loading: Promise<unknown>[] = [];
    for (const slot of this.slots.values()) {
      if (slot.state === 'loading') loading.push(slot.room.catch(() => undefined));
      if (slot.state === 'unloading') loading.push(slot.done);
    }
    await Promise.all(loading);
    const failures: unknown[] = [];
    for (const [boardId, slot] of Array.from(this.slots)) {
      if (slot.state !== 'open') continue;
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      slot.loaded.closeAll(CloseCode.serviceRestart, CloseReason.serviceRestart);
      try {
        await slot.loaded.store();
      } catch (error) {
        failures.push(error);
        this.deps.logger.error('could not store board at shutdown', { boardId, error: String(error) });
      }
      slot.loaded.destroy();
      this.slots.delete(boardId);
      await this.release(boardId);
    }
    if (failures.length > 0) throw new AggregateError(failures, 'some boards could not be stored');
  }

  get isClosing(): boolean {
    return this.closing;
  }
}

/** A board's stored document (snapshot, then the log after it), for reading. */
export async function docFromStorage(storage: Storage, boardId: string): Promise<Y.Doc> {
  const stored = await storage.documents.loadDocument(boardId);
  const doc = new Y.Doc();
  doc.transact(() => {
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const update of stored.updates) Y.applyUpdate(doc, update);
  });
  return doc;
}
