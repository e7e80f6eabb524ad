/**
 * The boards part of storage: a board's record and the hashes of its three links. A board is
 * created together with its document's first snapshot (see documents.ts), so no board exists
 * without one.
 */
import type { TokenHashes } from '../auth/tokens.ts';
import type { Template, Role } from '../../shared/schema.ts';
import type { Awaitable } from './awaitable.ts';

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

export interface BoardStore {
  /** Stores a new board with its first snapshot, atomically: no board exists without a document. */
  createBoard(board: BoardRecord, snapshot: Uint8Array): Awaitable<void>;
  getBoard(id: string): Awaitable<BoardRecord | null>;
  /** The role whose token hashes to `hash` on this board, or null (also for an unknown board). */
  findRoleByTokenHash(boardId: string, hash: Uint8Array): Awaitable<Role | null>;
  /** Replaces one role's token hash (a rotated link). Throws `UnknownBoardError` for an unknown board. */
  setTokenHash(boardId: string, role: Role, hash: Uint8Array): Awaitable<void>;
}
