/** The saved-versions part of the PostgreSQL storage (table versions). Not fenced: any process saves versions through the API. */
import type { StoredVersion, VersionRecord, VersionStore } from '../versions.ts';
import { bytea, toBytes, type PostgresDatabase } from './database.ts';
import { versionRecord, type VersionRow } from '../rows.ts';

export class PostgresVersions implements VersionStore {
  constructor(private readonly db: PostgresDatabase) {}

  async saveVersion(version: StoredVersion): Promise<void> {
    try {
      await this.db.query(
        `INSERT INTO versions (id, board_id, name, created_at, created_by_role, created_by_name, board_version, state, votes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          version.id,
          version.boardId,
          version.name,
          version.createdAt,
          version.createdBy.role,
          version.createdBy.name,
          version.boardVersion,
          bytea(version.state),
          version.votes,
        ],
      );
    } catch (error) {
      throw await this.db.boardError(version.boardId, error);
    }
  }

  async listVersions(boardId: string): Promise<VersionRecord[]> {
    const { rows } = await this.db.query<Omit<VersionRow, 'state' | 'votes'>>(
      `SELECT id, board_id, name, created_at, created_by_role, created_by_name, board_version
       FROM versions WHERE board_id = $1 ORDER BY created_at, ord`,
      [boardId],
    );
    return rows.map(versionRecord);
  }

  async getVersion(boardId: string, versionId: string): Promise<StoredVersion | null> {
    const row = (await this.db.query<VersionRow>('SELECT * FROM versions WHERE board_id = $1 AND id = $2', [boardId, versionId])).rows[0];
    return row ? { ...versionRecord(row), state: toBytes(row.state), votes: row.votes } : null;
  }
}

