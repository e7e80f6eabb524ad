/**
 * SQLite storage (better-sqlite3). WAL with synchronous=NORMAL: a committed append survives the
 * process being killed (the WAL is in the OS page cache); only a power cut can lose the last
 * transactions. Every statement is prepared once.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { roleForHash } from '../auth/tokens.ts';
import type { Template } from '../../shared/schema.ts';
import { UnknownBoardError, type BoardRecord, type Storage, type StoredDocument } from './storage.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS boards (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  challenge TEXT NOT NULL,
  sponsor TEXT NOT NULL,
  template TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  facilitator_hash BLOB NOT NULL,
  contributor_hash BLOB NOT NULL,
  viewer_hash BLOB NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS snapshots (
  board_id TEXT PRIMARY KEY REFERENCES boards(id),
  data BLOB NOT NULL,
  upto_seq INTEGER NOT NULL
) STRICT;
-- AUTOINCREMENT: sequence numbers are never reused, even after compaction deleted the newest rows
CREATE TABLE IF NOT EXISTS updates (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  board_id TEXT NOT NULL REFERENCES boards(id),
  data BLOB NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS updates_by_board ON updates(board_id, seq);
`;

type BoardRow = {
  id: string;
  title: string;
  challenge: string;
  sponsor: string;
  template: string;
  created_at: number;
  facilitator_hash: Buffer;
  contributor_hash: Buffer;
  viewer_hash: Buffer;
};

function toBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export class SqliteStorage implements Storage {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly statements;

  /** Opens (creating if needed) `${dataDir}/crossboard.sqlite`. */
  static open(dataDir: string): SqliteStorage {
    mkdirSync(dataDir, { recursive: true });
    return new SqliteStorage(path.join(dataDir, 'crossboard.sqlite'));
  }

  constructor(file: string) {
    this.file = file;
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
    const db = this.db;
    this.statements = {
      insertBoard: db.prepare(
        `INSERT INTO boards (id, title, challenge, sponsor, template, created_at, facilitator_hash, contributor_hash, viewer_hash)
         VALUES (@id, @title, @challenge, @sponsor, @template, @createdAt, @facilitator, @contributor, @viewer)`,
      ),
      getBoard: db.prepare<[string], BoardRow>('SELECT * FROM boards WHERE id = ?'),
      boardExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM boards WHERE id = ?'),
      getSnapshot: db.prepare<[string], { data: Buffer; upto_seq: number }>(
        'SELECT data, upto_seq FROM snapshots WHERE board_id = ?',
      ),
      upsertSnapshot: db.prepare(
        `INSERT INTO snapshots (board_id, data, upto_seq) VALUES (?, ?, ?)
         ON CONFLICT(board_id) DO UPDATE SET data = excluded.data, upto_seq = excluded.upto_seq`,
      ),
      getUpdates: db.prepare<[string], { seq: number; data: Buffer }>(
        'SELECT seq, data FROM updates WHERE board_id = ? ORDER BY seq',
      ),
      appendUpdate: db.prepare('INSERT INTO updates (board_id, data) VALUES (?, ?)'),
      deleteUpdatesUpTo: db.prepare('DELETE FROM updates WHERE board_id = ? AND seq <= ?'),
    };
  }

  createBoard(board: BoardRecord, snapshot: Uint8Array): void {
    this.db.transaction(() => {
      this.statements.insertBoard.run({
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
      this.statements.upsertSnapshot.run(board.id, snapshot, 0);
    })();
  }

  getBoard(id: string): BoardRecord | null {
    const row = this.statements.getBoard.get(id);
    if (!row) return null;
    return {
      id: row.id,
      title: row.title,
      challenge: row.challenge,
      sponsor: row.sponsor,
      template: row.template as Template,
      createdAt: row.created_at,
      tokenHashes: {
        facilitator: toBytes(row.facilitator_hash),
        contributor: toBytes(row.contributor_hash),
        viewer: toBytes(row.viewer_hash),
      },
    };
  }

  findRoleByTokenHash(boardId: string, hash: Uint8Array) {
    const board = this.getBoard(boardId);
    return board ? roleForHash(board.tokenHashes, hash) : null;
  }

  loadDocument(id: string): StoredDocument {
    // one read transaction, so a concurrent compaction cannot be seen half-done
    return this.db.transaction((): StoredDocument => {
      const snapshot = this.statements.getSnapshot.get(id);
      const rows = this.statements.getUpdates.all(id);
      const last = rows.at(-1);
      return {
        snapshot: snapshot ? toBytes(snapshot.data) : null,
        updates: rows.map((r) => toBytes(r.data)),
        lastSeq: Math.max(snapshot?.upto_seq ?? 0, last?.seq ?? 0),
      };
    })();
  }

  appendUpdate(id: string, update: Uint8Array): number {
    try {
      return Number(this.statements.appendUpdate.run(id, update).lastInsertRowid);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new UnknownBoardError(id);
      throw error;
    }
  }

  compact(id: string, snapshot: Uint8Array, uptoSeq: number): void {
    this.db.transaction(() => {
      if (!this.statements.boardExists.get(id)) throw new UnknownBoardError(id);
      const current = this.statements.getSnapshot.get(id);
      if (current && uptoSeq < current.upto_seq) return;
      this.statements.upsertSnapshot.run(id, snapshot, uptoSeq);
      this.statements.deleteUpdatesUpTo.run(id, uptoSeq);
    })();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
