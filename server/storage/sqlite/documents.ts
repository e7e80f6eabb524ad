/** The documents part of the SQLite storage (tables snapshots and updates). */
import type { DocumentStore, StoredDocument } from '../documents.ts';
import { toBytes, type SqliteDatabase } from './database.ts';

export class SqliteDocuments implements DocumentStore {
  private readonly getSnapshot;
  private readonly getUpdates;
  private readonly append;
  private readonly putSnapshot;
  private readonly deleteUpdatesUpTo;

  constructor(private readonly db: SqliteDatabase) {
    // prepared here, not on first use: appendUpdate is the room's hot path
    this.getSnapshot = db.statement<[string], { data: Buffer; upto_seq: number }>(
      'SELECT data, upto_seq FROM snapshots WHERE board_id = ?',
    );
    this.getUpdates = db.statement<[string], { seq: number; data: Buffer }>(
      'SELECT seq, data FROM updates WHERE board_id = ? ORDER BY seq',
    );
    this.append = db.statement<[string, Uint8Array]>('INSERT INTO updates (board_id, data) VALUES (?, ?)');
    this.putSnapshot = db.statement<[string, Uint8Array, number]>(
      `INSERT INTO snapshots (board_id, data, upto_seq) VALUES (?, ?, ?)
       ON CONFLICT(board_id) DO UPDATE SET data = excluded.data, upto_seq = excluded.upto_seq`,
    );
    this.deleteUpdatesUpTo = db.statement<[string, number]>('DELETE FROM updates WHERE board_id = ? AND seq <= ?');
  }

  loadDocument(id: string): StoredDocument {
    // one read transaction, so a concurrent compaction cannot be seen half-done
    return this.db.transaction((): StoredDocument => {
      const snapshot = this.getSnapshot.get(id);
      const rows = this.getUpdates.all(id);
      const last = rows.at(-1);
      return {
        snapshot: snapshot ? toBytes(snapshot.data) : null,
        updates: rows.map((r) => toBytes(r.data)),
        lastSeq: Math.max(snapshot?.upto_seq ?? 0, last?.seq ?? 0),
      };
    });
  }

  appendUpdate(id: string, update: Uint8Array): number {
    // the room's hot path: one prepared insert, no closure, the board looked up only on failure
    try {
      return Number(this.append.run(id, update).lastInsertRowid);
    } catch (error) {
      throw this.db.boardError(id, error);
    }
  }

  compact(id: string, snapshot: Uint8Array, uptoSeq: number): void {
    this.db.onBoard(id, () =>
      this.db.transaction(() => {
        const current = this.getSnapshot.get(id);
        if (current && uptoSeq < current.upto_seq) return;
        this.putSnapshot.run(id, snapshot, uptoSeq);
        this.deleteUpdatesUpTo.run(id, uptoSeq);
      }),
    );
  }
}
