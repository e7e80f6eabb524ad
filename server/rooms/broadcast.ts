/**
 * Broadcasts: a room that has been quiet sends an update the moment it is stored and applied.
 * When updates come faster than that, the ones queued during one event-loop turn are flushed
 * together in one setImmediate, merged into few frames. Either way each frame is encoded once and
 * the same buffer goes to every connection, except that a frame made only of one connection's
 * updates is not echoed back to it (it has them).
 *
 * Awareness changes go with the next flush, but spaced out after an awareness frame: a change to
 * a state already shown (a caret moving) at most `awarenessBroadcastMs` after it, a person
 * appearing or leaving at most `presenceBroadcastMs` after it. A change in a quiet room goes at
 * the end of its turn. When a board's people all come back at once after a restart, each arrival
 * would otherwise be sent to everyone already there: 50 x 49 / 2 frames for a board of 50, most
 * of the work of a reconnect storm. Within the window, arrivals share frames.
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Limits } from '../config.ts';
import type { AwarenessChange } from './awareness.ts';
import type { Connection } from './connection.ts';
import { awarenessFrame, updateFrame } from './messages.ts';

/** Updates merged into one broadcast frame: enough to amortise sends, small enough to merge fast. */
const MAX_UPDATES_PER_FRAME = 32;
const MAX_BYTES_PER_FRAME = 256 * 1024;

/** An update waiting to be broadcast, the connection it came from (null: the server), and since when. */
type PendingUpdate = { update: Uint8Array; from: Connection | null; queuedAt: number };
/** A frame to send, and the one connection that does not need it (its own updates), if any. */
type OutgoingFrame = { frame: Uint8Array; skip: Connection | null };

export class Broadcaster {
  private pendingUpdates: PendingUpdate[] = [];
  private lastFlushAt = -Infinity;
  private pendingAwareness = new Set<number>();
  private lastAwarenessAt = -Infinity;
  /** when what is pending goes out: now (with the next flush) or at the timer; Infinity when nothing is pending */
  private awarenessDue = Infinity;
  private awarenessTimer: NodeJS.Timeout | null = null;
  private flushScheduled = false;

  /**
   * Sends to `connections` as they are at each flush. `failed` hears of a flush that threw: it
   * runs from setImmediate, where an exception would take the process down. `sent`, if given,
   * hears for each update how many seconds passed between its queueing and its frame reaching
   * every connection's socket (metrics).
   */
  constructor(
    private readonly connections: ReadonlySet<Connection>,
    private readonly awareness: awarenessProtocol.Awareness,
    private readonly limits: Limits,
    private readonly failed: (error: unknown) => void,
    private readonly sent?: (seconds: number) => void,
  ) {}

  /** A stored and applied update, from `from` (null: the server). */
  queueUpdate(update: Uint8Array, from: Connection | null): void {
    this.pendingUpdates.push({ update, from, queuedAt: performance.now() });
    // at typing rates nothing else would join a batch, and waiting for the turn to end is latency
    if (!this.flushScheduled && performance.now() - this.lastFlushAt > this.limits.quietBroadcastMs) {
      this.flush();
      return;
    }
    this.scheduleFlush();
  }

  /** Awareness states that changed: sent with the next flush once their window since the last awareness frame is over. */
  queueAwareness(change: AwarenessChange): void {
    for (const id of change.added) this.pendingAwareness.add(id);
    for (const id of change.updated) this.pendingAwareness.add(id);
    for (const id of change.removed) this.pendingAwareness.add(id);
    const window = change.updated.length > 0 ? this.limits.awarenessBroadcastMs : this.limits.presenceBroadcastMs;
    const now = performance.now();
    const due = Math.max(now, this.lastAwarenessAt + window);
    // already going out sooner
    if (due >= this.awarenessDue) return;
    if (this.awarenessTimer) clearTimeout(this.awarenessTimer);
    this.awarenessTimer = null;
    this.awarenessDue = due;
    if (due <= now) {
      this.scheduleFlush();
      return;
    }
    this.awarenessTimer = setTimeout(() => {
      this.awarenessTimer = null;
      // due now, even if the timer fired a fraction of a millisecond before `due`
      this.awarenessDue = 0;
      this.flush();
    }, due - now);
    this.awarenessTimer.unref();
  }

  /** Drops what is pending: the room is gone. */
  destroy(): void {
    if (this.awarenessTimer) clearTimeout(this.awarenessTimer);
    this.awarenessTimer = null;
    this.awarenessDue = Infinity;
    this.pendingAwareness.clear();
    this.pendingUpdates = [];
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
      this.failed(error);
    }
  };

  private flushNow(): void {
    this.lastFlushAt = performance.now();
    // awareness goes now if it is due (a flush of updates before then leaves it to the timer);
    // taken first, so that a failure below cannot leave it neither sent nor scheduled
    let awarenessIds: number[] = [];
    if (this.pendingAwareness.size > 0 && this.lastFlushAt >= this.awarenessDue) {
      awarenessIds = Array.from(this.pendingAwareness);
      this.pendingAwareness.clear();
      this.lastAwarenessAt = this.lastFlushAt;
      this.awarenessDue = Infinity;
    }
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
    const flushed = this.pendingUpdates;
    this.pendingUpdates = [];
    if (awarenessIds.length > 0) {
      frames.push({ frame: awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, awarenessIds)), skip: null });
    }
    if (frames.length === 0) return;
    for (const conn of Array.from(this.connections)) {
      for (const { frame, skip } of frames) if (conn !== skip) conn.send(frame);
    }
    if (this.sent) {
      const now = performance.now();
      for (const { queuedAt } of flushed) this.sent((now - queuedAt) / 1000);
    }
  }
}
