/** The boards part of the in-memory storage. */
import { roleForHash } from '../../auth/tokens.ts';
import type { BoardRecord, BoardStore } from '../boards.ts';
import { UnknownBoardError } from '../errors.ts';
import type { MemoryDocuments } from './documents.ts';
import type { Role } from '../../../shared/schema.ts';

export class MemoryBoards implements BoardStore {
  private readonly boards = new Map<string, BoardRecord>();

  /** `documents` gets each new board's first snapshot, as the SQL transaction would store it. */
  constructor(private readonly documents: MemoryDocuments) {}

  /** Throws `UnknownBoardError` unless the board exists: every other part refuses writes on a board that does not. */
  check(id: string): void {
    if (!this.boards.has(id)) throw new UnknownBoardError(id);
  }

  createBoard(board: BoardRecord, snapshot: Uint8Array): void {
    if (this.boards.has(board.id)) throw new Error(`board ${board.id} exists`);
    this.boards.set(board.id, copyBoard(board));
    this.documents.create(board.id, snapshot);
  }

  getBoard(id: string): BoardRecord | null {
    const board = this.boards.get(id);
    return board ? copyBoard(board) : null;
  }

  findRoleByTokenHash(boardId: string, hash: Uint8Array): Role | null {
    const board = this.boards.get(boardId);
    return board ? roleForHash(board.tokenHashes, hash) : null;
  }

  setTokenHash(boardId: string, role: Role, hash: Uint8Array): void {
    const board = this.boards.get(boardId);
    if (!board) throw new UnknownBoardError(boardId);
    if (!(hash instanceof Uint8Array)) throw new TypeError('hash must be a Uint8Array');
    board.tokenHashes[role] = hash.slice();
  }
}

function copyBoard(board: BoardRecord): BoardRecord {
  return {
    ...board,
    tokenHashes: {
      facilitator: board.tokenHashes.facilitator.slice(),
      contributor: board.tokenHashes.contributor.slice(),
      viewer: board.tokenHashes.viewer.slice(),
    },
  };
}
