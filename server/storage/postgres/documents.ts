/**
 * The documents part of the PostgreSQL storage (tables snapshots and updates).
 *
 * Every write first locks the board's snapshot row (FOR UPDATE), so a board's document writes run
 * one after the other: two concurrent appends take their sequence numbers (an identity column) and
 * commit in the same order, so a number returned is greater than every one returned before for
 * that board; and a compaction never interleaves with an append.
 *
 * When the storage is fenced, a write then locks the board's lease row FOR SHARE under the epoch
 * this process holds (database.ts), in that order: behind the snapshot row, at most one document
 * write per board holds the lease row at a time, so a takeover (an UPDATE of the lease row, which
 * waits for share lockers) is not starved by a stream of overlapping appends.
 */
import type { DocumentStore, StoredDocument } from '../documents.ts';
import { LeaseLostError, UnknownBoardError } from '../errors.ts';
import { bytea, toBytes, type PostgresDatabase } from './database.ts';

/** An unfenced append in one statement: lock the board's snapshot row, then insert. */
const APPEND = `
WITH board AS (SELECT board_id FROM snapshots WHERE board_id = $1 FOR UPDATE)
INSERT INTO updates (board_id, data) SELECT board_id, $2 FROM board RETURNING seq`;

/**
 * A fenced append in one statement: the snapshot row as in APPEND, then the lease row held under
 * ($3 holder, $4 epoch) FOR SHARE (a lease row the join reaches is locked only after the board CTE
 * has locked its row); no row, nothing inserted. A takeover that commits while this waits is seen
 * when the lock is taken: the row is read again, its epoch no longer matches, nothing is inserted.
 */
const FENCED_APPEND = `
WITH board AS MATERIALIZED (SELECT board_id FROM snapshots WHERE board_id = $1 FOR UPDATE),
lease AS MATERIALIZED (
  SELECT l.board_id FROM leases l JOIN board b ON b.board_id = l.board_id
  WHERE l.holder = $3 AND l.epoch = $4 FOR SHARE OF l)
INSERT INTO updates (board_id, data) SELECT board_id, $2 FROM lease RETURNING seq`;

export class PostgresDocuments implements DocumentStore {
  constructor(private readonly db: PostgresDatabase) {}

  loadDocument(id: string): Promise<StoredDocument> {
    // one snapshot of the database, so a concurrent compaction cannot be seen half-done
    return this.db.read(async (client) => {
      const snapshot = (
        await client.query<{ data: Buffer; upto_seq: number }>('SELECT data, upto_seq FROM snapshots WHERE board_id = $1', [id])
      ).rows[0];
      const rows = (await client.query<{ seq: number; data: Buffer }>('SELECT seq, data FROM updates WHERE board_id = $1 ORDER BY seq', [id]))
        .rows;
      return {
        snapshot: snapshot ? toBytes(snapshot.data) : null,
        updates: rows.map((r) => toBytes(r.data)),
        lastSeq: Math.max(snapshot?.upto_seq ?? 0, rows.at(-1)?.seq ?? 0),
      };
    });
  }

  async appendUpdate(id: string, update: Uint8Array): Promise<number> {
    // the room's hot path: one statement, one round trip; the cause looked up only when nothing was written
    let fence: [string, string, number] | undefined;
    try {
      fence = this.db.fence(id);
    } catch (error) {
      throw await this.db.boardError(id, error);
    }
    const result = fence
      ? await this.db.query<{ seq: number }>(FENCED_APPEND, [id, bytea(update), fence[1], fence[2]])
      : await this.db.query<{ seq: number }>(APPEND, [id, bytea(update)]);
    const row = result.rows[0];
    if (row) return row.seq;
    if (!(await this.db.boardExists(id))) throw new UnknownBoardError(id);
    throw new LeaseLostError(id, fence ? fence[2] : null);
  }

  async compact(id: string, snapshot: Uint8Array, uptoSeq: number): Promise<void> {
    try {
      await this.db.transaction(async (client) => {
        // the snapshot row first, then the fence, in the order appends take them
        const current = (
          await client.query<{ upto_seq: number }>('SELECT upto_seq FROM snapshots WHERE board_id = $1 FOR UPDATE', [id])
        ).rows[0];
        if (!current) throw new UnknownBoardError(id);
        await this.db.holdFence(client, id);
        if (uptoSeq < current.upto_seq) return;
        await client.query('UPDATE snapshots SET data = $2, upto_seq = $3 WHERE board_id = $1', [id, bytea(snapshot), uptoSeq]);
        await client.query('DELETE FROM updates WHERE board_id = $1 AND seq <= $2', [id, uptoSeq]);
      });
    } catch (error) {
      throw await this.db.boardError(id, error);
    }
  }
}
