/**
 * PostgreSQL storage (pg): one pool (postgres/database.ts: connecting, migrations under a lock,
 * transactions, fencing, error mapping) shared by one class per part of the storage, plus board
 * leases, so that several server processes can share one database.
 *
 * Opened with a `fenceOf`, every document and session write of a board commits only under the
 * lease this process holds on it (see leases.ts); without one, writes are unfenced (one process).
 */
import type { Storage } from './storage.ts';
import { PostgresDatabase, type PostgresOptions } from './postgres/database.ts';
import { PostgresBoards } from './postgres/boards.ts';
import { PostgresDocuments } from './postgres/documents.ts';
import { PostgresSessions } from './postgres/sessions.ts';
import { PostgresVersions } from './postgres/versions.ts';
import { PostgresComments } from './postgres/comments.ts';
import { PostgresLeases } from './postgres/leases.ts';

export type { PostgresOptions } from './postgres/database.ts';

export class PostgresStorage implements Storage {
  readonly boards: PostgresBoards;
  readonly documents: PostgresDocuments;
  readonly sessions: PostgresSessions;
  readonly versions: PostgresVersions;
  readonly comments: PostgresComments;
  readonly leases: PostgresLeases;

  /** Connects to `url` (postgres://…) and migrates its schema to the current version. */
  static async open(url: string, options: PostgresOptions = {}): Promise<PostgresStorage> {
    return new PostgresStorage(await PostgresDatabase.open(url, options));
  }

  private constructor(private readonly db: PostgresDatabase) {
    this.boards = new PostgresBoards(db);
    this.documents = new PostgresDocuments(db);
    this.sessions = new PostgresSessions(db);
    this.versions = new PostgresVersions(db);
    this.comments = new PostgresComments(db);
    this.leases = new PostgresLeases(db);
  }

  async ping(): Promise<void> {
    // through the pool, so it also fails when no connection can be made
    await this.db.query('SELECT 1');
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
