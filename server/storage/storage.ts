/**
 * What the server needs from persistence, and nothing more, so that SQLite today and PostgreSQL
 * tomorrow can sit behind it. Methods may return promises (a network database) or plain values
 * (better-sqlite3 is synchronous); callers handle both through `Awaitable`.
 *
 * A board's document is stored as a snapshot plus an append-only log of Yjs updates. The log is
 * what makes an edit durable before it is broadcast; compaction folds it into the snapshot.
 */
import type { TokenHashes } from '../auth/tokens.ts';
import type { Role } from '../../shared/protocol.ts';
import type { Template } from '../../shared/schema.ts';

export type Awaitable<T> = T | Promise<T>;

export type BoardRecord = {
  id: string;
  title: string;
  challenge: string;
  sponsor: string;
  template: Template;
  /** ms since the epoch */
  createdAt: number;
  tokenHashes: TokenHashes;
};

export type StoredDocument = {
  /** the last compacted state, or null before the first snapshot */
  snapshot: Uint8Array | null;
  /** updates appended after the snapshot, oldest first */
  updates: Uint8Array[];
  /** the highest sequence number the snapshot and updates cover (0 for an empty board) */
  lastSeq: number;
};

export interface Storage {
  /** Stores a new board with its first snapshot, atomically: no board exists without a document. */
  createBoard(board: BoardRecord, snapshot: Uint8Array): Awaitable<void>;
  getBoard(id: string): Awaitable<BoardRecord | null>;
  /** The role whose token hashes to `hash` on this board, or null (also for an unknown board). */
  findRoleByTokenHash(boardId: string, hash: Uint8Array): Awaitable<Role | null>;
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
  close(): Awaitable<void>;
}

export class UnknownBoardError extends Error {
  override name = 'UnknownBoardError';
  constructor(readonly boardId: string) {
    super(`unknown board ${boardId}`);
  }
}
