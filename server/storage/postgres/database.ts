/**
 * The one PostgreSQL pool every part of the PostgreSQL storage works on: opening it (then
 * migrations, under a lock), queries and transactions, fencing a board's writes with its lease,
 * and one mapping from a failed write on a board that does not exist to `UnknownBoardError`.
 *
 * Types on the wire: BIGINT (int8) is read as a JS number (every stored value — ms times,
 * sequence numbers, epochs — stays far below 2^53); BYTEA is read as a Buffer and exposed as a
 * Uint8Array view of it (pg allocates a fresh Buffer per row, so nothing is shared).
 */
import pg from 'pg';
import { LeaseLostError, UnknownBoardError } from '../errors.ts';
import type { FenceOf } from '../leases.ts';
import { migrate } from './migrations.ts';

const INT8_OID = 20;

/**
 * How long PostgreSQL lets one of our transactions sit idle between statements before it ends the
 * session. Our transactions never wait on anything but the database between statements, so only a
 * paused or hung process gets here; ending its transaction releases the lease row it held FOR
 * SHARE, so a takeover is not held up by it for longer than this.
 */
export const IDLE_IN_TRANSACTION_MS = 5_000;

/** pg's parsers, with int8 as a number; passed per pool so the process-wide defaults stay untouched. */
const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** Something a statement can run on: the pool (its own implicit transaction) or a client inside one. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export type PostgresOptions = {
  /** the lease each board's document and session writes are fenced with; absent: unfenced */
  fenceOf?: FenceOf;
  /** connections in the pool (default 10) */
  poolSize?: number;
};

export class PostgresDatabase {
  private closed = false;

  private constructor(
    readonly pool: pg.Pool,
    readonly fenceOf: FenceOf | undefined,
  ) {}

  /** Connects to `url` and brings its schema up to date (several processes may do this at once). */
  static async open(url: string, options: PostgresOptions = {}): Promise<PostgresDatabase> {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      types: TYPES,
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    });
    // an idle connection the server dropped is only reported here; the pool replaces it on the next
    // checkout, and the query that needed it fails with its own error
    pool.on('error', () => {});
    try {
      await migrate(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresDatabase(pool, options.fenceOf);
  }

  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(sql, params);
  }

  /** Runs `work` in one transaction on one connection: all of it is written, or (when it throws) none of it. */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /** A read that sees one consistent snapshot across its statements. */
  read<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.transaction(work, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  /**
   * A write on one board's document or session, in one transaction. When the storage is fenced, the
   * transaction first locks the board's lease row FOR SHARE under the epoch this process holds: a
   * takeover (an UPDATE of that row) waits until this write commits, and a write that comes after a
   * takeover finds no row and throws `LeaseLostError` having written nothing. Failures are reported
   * through `boardError`.
   */
  async boardWrite<T>(boardId: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    try {
      return await this.transaction(async (client) => {
        await this.holdFence(client, boardId);
        return work(client);
      });
    } catch (error) {
      throw await this.boardError(boardId, error);
    }
  }

  /** Inside a transaction: locks the board's lease row under the held epoch, or throws `LeaseLostError`. */
  async holdFence(client: Queryable, boardId: string): Promise<void> {
    const fence = this.fence(boardId);
    if (!fence) return;
    const held = await client.query('SELECT 1 FROM leases WHERE board_id = $1 AND holder = $2 AND epoch = $3 FOR SHARE', fence);
    if (held.rowCount === 0) throw new LeaseLostError(boardId, fence[2]);
  }

  /**
   * The parameters [boardId, holder, epoch] that fence a write of the board, undefined when the
   * storage is unfenced; throws `LeaseLostError` when the storage is fenced and this process holds
   * no lease on the board.
   */
  fence(boardId: string): [string, string, number] | undefined {
    if (!this.fenceOf) return undefined;
    const lease = this.fenceOf(boardId);
    if (!lease) throw new LeaseLostError(boardId, null);
    return [boardId, lease.holder, lease.epoch];
  }

  async boardExists(boardId: string): Promise<boolean> {
    return (await this.query('SELECT 1 FROM boards WHERE id = $1', [boardId])).rowCount! > 0;
  }

  /**
   * The error to report for a failed write on a board: `UnknownBoardError` when the board does not
   * exist (the missing board is the cause, whatever tripped first, the fence included), else the
   * failure itself. The board is looked up only after a failure.
   */
  async boardError(boardId: string, error: unknown): Promise<unknown> {
    if (error instanceof UnknownBoardError || this.closed) return error;
    try {
      return (await this.boardExists(boardId)) ? error : new UnknownBoardError(boardId);
    } catch {
      return error;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

/**
 * Bytes as a BYTEA parameter. Anything else is refused here: PostgreSQL would read a string as
 * BYTEA's text form and store it.
 */
export function bytea(bytes: Uint8Array): Buffer {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('expected bytes (a Uint8Array)');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export { toBytes } from '../rows.ts';
