/** The boards part of the SQLite storage (table boards; a board's first snapshot goes to snapshots). */
import { roleForHash } from '../../auth/tokens.ts';
import type { Role } from '../../../shared/schema.ts';
import type { BoardRecord, BoardStore } from '../boards.ts';
import { UnknownBoardError } from '../errors.ts';
import type { SqliteDatabase } from './database.ts';
import { HASH_COLUMN, boardRecord, type BoardRow } from '../rows.ts';

export class SqliteBoards implements BoardStore {
  constructor(private readonly db: SqliteDatabase) {}

  createBoard(board: BoardRecord, snapshot: Uint8Array): void {
    this.db.transaction(() => {
      this.db
        .statement(
          `INSERT INTO boards (id, title, challenge, sponsor, template, created_at, facilitator_hash, contributor_hash, viewer_hash)
           VALUES (@id, @title, @challenge, @sponsor, @template, @createdAt, @facilitator, @contributor, @viewer)`,
        )
        .run({
          id: board.id,
          title: board.title,
          challenge: board.challenge,
          sponsor: board.sponsor,
          template: board.template,
          createdAt: board.createdAt,
          facilitator: board.tokenHashes.facilitator,
          contributor: board.tokenHashes.contributor,
          viewer: board.tokenHashes.viewer,
        });
      this.db.statement('INSERT INTO snapshots (board_id, data, upto_seq) VALUES (?, ?, 0)').run(board.id, snapshot);
    });
  }

  getBoard(id: string): BoardRecord | null {
    const row = this.db.statement<[string], BoardRow>('SELECT * FROM boards WHERE id = ?').get(id);
    return row ? boardRecord(row) : null;
  }

  findRoleByTokenHash(boardId: string, hash: Uint8Array): Role | null {
    const board = this.getBoard(boardId);
    return board ? roleForHash(board.tokenHashes, hash) : null;
  }

  setTokenHash(boardId: string, role: Role, hash: Uint8Array): void {
    const column = Object.hasOwn(HASH_COLUMN, role) ? HASH_COLUMN[role] : undefined;
    if (!column) throw new TypeError(`unknown role ${String(role)}`);
    const changed = this.db.statement<[Uint8Array, string]>(`UPDATE boards SET ${column} = ? WHERE id = ?`).run(hash, boardId);
    if (changed.changes === 0) throw new UnknownBoardError(boardId);
  }
}
