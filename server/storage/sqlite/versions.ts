/** The saved-versions part of the SQLite storage (table versions). */
import type { StoredVersion, VersionRecord, VersionStore } from '../versions.ts';
import { toBytes, type SqliteDatabase } from './database.ts';
import { versionRecord, type VersionRow } from '../rows.ts';

export class SqliteVersions implements VersionStore {
  constructor(private readonly db: SqliteDatabase) {}

  saveVersion(version: StoredVersion): void {
    this.db.onBoard(version.boardId, () =>
      this.db
        .statement(
          `INSERT INTO versions (id, board_id, name, created_at, created_by_role, created_by_name, board_version, state, votes)
           VALUES (@id, @boardId, @name, @createdAt, @role, @byName, @boardVersion, @state, @votes)`,
        )
        .run({
          id: version.id,
          boardId: version.boardId,
          name: version.name,
          createdAt: version.createdAt,
          role: version.createdBy.role,
          byName: version.createdBy.name,
          boardVersion: version.boardVersion,
          state: version.state,
          votes: version.votes,
        }),
    );
  }

  listVersions(boardId: string): VersionRecord[] {
    return this.db
      .statement<[string], Omit<VersionRow, 'state' | 'votes'>>(
        `SELECT id, board_id, name, created_at, created_by_role, created_by_name, board_version
         FROM versions WHERE board_id = ? ORDER BY created_at, rowid`,
      )
      .all(boardId)
      .map(versionRecord);
  }

  getVersion(boardId: string, versionId: string): StoredVersion | null {
    const row = this.db
      .statement<[string, string], VersionRow>('SELECT * FROM versions WHERE board_id = ? AND id = ?')
      .get(boardId, versionId);
    return row ? { ...versionRecord(row), state: toBytes(row.state), votes: row.votes } : null;
  }
}

