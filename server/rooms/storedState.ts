/**
 * The lazily built document. A room starts with its stored state (snapshot and log) as bytes and
 * builds the Y.Doc when something first needs it (a client's update, a reply to a client that has
 * part of the board, the API), or BUILD_DELAY_MS after loading. Until then a client asking for
 * the whole board (sync step 1 with an empty state vector: a new client) is answered from the
 * stored bytes, so opening a large board that is not in memory does not wait for Yjs to integrate
 * it and encode it again; the server's own step 1 (its state vector) follows once the doc is built.
 */
import * as Y from 'yjs';
import type { Logger } from '../log.ts';
import type { StoredDocument } from '../storage/storage.ts';
import type { Connection } from './connection.ts';
import { syncStep2Frame, updateFrame } from './messages.ts';
import { LOAD_ORIGIN } from '../../shared/origins.ts';
import type { Task } from './updateQueue.ts';

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

export type StoredStateDeps = {
  boardId: string;
  logger: Logger;
  /** the room's queue: the server's step 1 for early joiners runs there, after the message being handled */
  enqueue: (task: Task) => void;
  /** the server's sync step 1 for the document as it is now (encoded once per state: syncReplies.ts) */
  step1Frame: () => Uint8Array;
};

export class StoredState {
  /** the state as stored (snapshot, then log), until it is applied to `ydoc`; null once built */
  private unbuilt: StoredDocument | null;
  private buildTimer: ReturnType<typeof setTimeout> | null = null;
  /** connections that joined before the doc was built: they get the server's step 1 after */
  private awaitingStep1: Connection[] = [];
  private destroyed = false;

  constructor(
    private readonly ydoc: Y.Doc,
    stored: StoredDocument,
    private readonly deps: StoredStateDeps,
  ) {
    this.unbuilt = stored;
    this.buildTimer = setTimeout(this.buildLater, BUILD_DELAY_MS);
    this.buildTimer.unref?.();
  }

  /**
   * Applies the stored state: snapshot and log in ONE transaction, one pass of integration and no
   * observers per update. An update that fails is skipped rather than making the board unloadable.
   */
  build(): void {
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
    this.deps.enqueue(() => {
      const waiting = this.awaitingStep1;
      this.awaitingStep1 = [];
      for (const conn of waiting) if (!conn.closed) conn.send(this.deps.step1Frame());
    });
  }

  /** The build timer: runs from a timer, so a failure is logged, not thrown at the process. */
  private readonly buildLater = (): void => {
    this.buildTimer = null;
    if (this.destroyed) return;
    try {
      this.build();
    } catch (error) {
      this.deps.logger.error('could not build a loaded board', { boardId: this.deps.boardId, error: String(error) });
    }
  };

  private applyStored(update: Uint8Array, what: string): void {
    try {
      Y.applyUpdate(this.ydoc, update, LOAD_ORIGIN);
    } catch (error) {
      this.deps.logger.error(`skipped a stored ${what} that Yjs could not apply`, {
        boardId: this.deps.boardId,
        error: String(error),
      });
    }
  }

  /** The server's sync step 1 for a joining connection: now, or once the doc is built. */
  sendStep1(conn: Connection): void {
    if (this.unbuilt) this.awaitingStep1.push(conn);
    else conn.send(this.deps.step1Frame());
  }

  /**
   * Answers a client's sync step 1 from the stored bytes when that is possible (the doc is not
   * built, the client has nothing, the log is short); false when the built doc must answer.
   */
  answerFromStored(conn: Connection, stateVector: Map<number, number>): boolean {
    if (this.unbuilt && stateVector.size === 0 && this.unbuilt.updates.length <= MAX_STORED_REPLY_LOG) {
      this.sendStoredState(conn, this.unbuilt);
      return true;
    }
    return false;
  }

  /**
   * The whole board for a client that has nothing, before the doc is built: the log since the
   * snapshot (small; merged into one update), then the stored snapshot as step 2, byte for byte.
   * Nothing has been stored since loading: storing a client's update needs the doc built. All of
   * it was validated before it was stored. The order matters: the client holds the log's changes
   * as pending until the snapshot they build on arrives, and Yjs integrates both while applying
   * step 2, so when a provider reports "synced" on step 2 it has the whole board.
   */
  private sendStoredState(conn: Connection, stored: StoredDocument): void {
    const log = stored.updates;
    if (log.length > 0) conn.send(updateFrame(log.length === 1 ? log[0]! : Y.mergeUpdates(log)));
    conn.send(syncStep2Frame(stored.snapshot ?? EMPTY_UPDATE));
  }

  /** Stops the build timer; the stored bytes stay, so a reader that still holds the room gets the board. */
  destroy(): void {
    this.destroyed = true;
    // everything waiting is stored; applying it now would only be thrown away
    if (this.buildTimer) clearTimeout(this.buildTimer);
    this.buildTimer = null;
    this.awaitingStep1 = [];
  }
}
