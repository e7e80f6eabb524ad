/** The boards part of the PostgreSQL storage (table boards; a board's first snapshot goes to snapshots). */
import { roleForHash } from '../../auth/tokens.ts';
import type { Role } from '../../../shared/schema.ts';
import type { BoardRecord, BoardStore } from '../boards.ts';
import { UnknownBoardError } from '../errors.ts';
import { bytea, type PostgresDatabase } from './database.ts';
import { HASH_COLUMN, boardRecord, type BoardRow } from '../rows.ts';

export class PostgresBoards implements BoardStore {
  constructor(private readonly db: PostgresDatabase) {}

  async createBoard(board: BoardRecord, snapshot: Uint8Array): Promise<void> {
    await this.db.transaction(async (client) => {
      await client.query(
        `INSERT INTO boards (id, title, challenge, sponsor, template, created_at, facilitator_hash, contributor_hash, viewer_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          board.id,
          board.title,
          board.challenge,
          board.sponsor,
          board.template,
          board.createdAt,
          bytea(board.tokenHashes.facilitator),
          bytea(board.tokenHashes.contributor),
          bytea(board.tokenHashes.viewer),
        ],
      );
      await client.query('INSERT INTO snapshots (board_id, data, upto_seq) VALUES ($1, $2, 0)', [board.id, bytea(snapshot)]);
    });
  }

  async getBoard(id: string): Promise<BoardRecord | null> {
    const row = (await this.db.query<BoardRow>('SELECT * FROM boards WHERE id = $1', [id])).rows[0];
    return row ? boardRecord(row) : null;
  }

  async findRoleByTokenHash(boardId: string, hash: Uint8Array): Promise<Role | null> {
    const board = await this.getBoard(boardId);
    return board ? roleForHash(board.tokenHashes, hash) : null;
  }

  async setTokenHash(boardId: string, role: Role, hash: Uint8Array): Promise<void> {
    const column = Object.hasOwn(HASH_COLUMN, role) ? HASH_COLUMN[role] : undefined;
    if (!column) throw new TypeError(`unknown role ${String(role)}`);
    const changed = await this.db.query(`UPDATE boards SET ${column} = $1 WHERE id = $2`, [bytea(hash), boardId]);
    if (changed.rowCount === 0) throw new UnknownBoardError(boardId);
  }
}
