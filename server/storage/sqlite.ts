/**
 * SQLite storage (better-sqlite3): one database (sqlite/database.ts: pragmas, migrations, the
 * statement cache, error mapping) shared by one class per part of the storage.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Storage } from './storage.ts';
import { SqliteDatabase } from './sqlite/database.ts';
import { SqliteBoards } from './sqlite/boards.ts';
import { SqliteDocuments } from './sqlite/documents.ts';
import { SqliteSessions } from './sqlite/sessions.ts';
import { SqliteVersions } from './sqlite/versions.ts';
import { SqliteComments } from './sqlite/comments.ts';

export class SqliteStorage implements Storage {
  readonly file: string;
  readonly boards: SqliteBoards;
  readonly documents: SqliteDocuments;
  readonly sessions: SqliteSessions;
  readonly versions: SqliteVersions;
  readonly comments: SqliteComments;
  private readonly db: SqliteDatabase;

  /** Opens (creating if needed) `${dataDir}/crossboard.sqlite`. */
  static open(dataDir: string): SqliteStorage {
    mkdirSync(dataDir, { recursive: true });
    return new SqliteStorage(path.join(dataDir, 'crossboard.sqlite'));
  }

  /** Opens (creating if needed) the database in `file`, migrating it to the current schema. */
  constructor(file: string) {
    this.file = file;
    this.db = new SqliteDatabase(file);
    this.boards = new SqliteBoards(this.db);
    this.documents = new SqliteDocuments(this.db);
    this.sessions = new SqliteSessions(this.db);
    this.versions = new SqliteVersions(this.db);
    this.comments = new SqliteComments(this.db);
  }

  ping(): void {
    this.db.ping();
  }

  close(): void {
    this.db.close();
  }
}
