/**
 * The documents part of storage. A board's document is stored as a snapshot plus an append-only
 * log of Yjs updates. The log is what makes an edit durable before it is broadcast; compaction
 * folds it into the snapshot.
 */
import type { Awaitable } from './awaitable.ts';

export type StoredDocument = {
  /** the last compacted state, or null before the first snapshot */
  snapshot: Uint8Array | null;
  /** updates appended after the snapshot, oldest first */
  updates: Uint8Array[];
  /** the highest sequence number the snapshot and updates cover (0 for an empty board) */
  lastSeq: number;
};

export interface DocumentStore {
  /** An unknown board loads as empty: `{snapshot: null, updates: [], lastSeq: 0}`. */
  loadDocument(id: string): Awaitable<StoredDocument>;
  /**
   * Durably appends one update and returns its sequence number, which is greater than every
   * sequence number returned before. Throws `UnknownBoardError` for an unknown board.
   */
  appendUpdate(id: string, update: Uint8Array): Awaitable<number>;
  /**
   * In one transaction: replaces the snapshot with `snapshot` and deletes the updates with
   * `seq <= uptoSeq`. A compaction older than the stored snapshot is ignored, so a slow
   * compaction can never overwrite a newer one.
   */
  compact(id: string, snapshot: Uint8Array, uptoSeq: number): Awaitable<void>;
}
