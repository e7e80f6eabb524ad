/**
 * Board leases on PostgreSQL (table leases; the contract is in ../leases.ts). Expiry is judged by
 * the database's clock (`clock_timestamp()`, the time at the statement's own moment, not at the
 * start of its transaction or before it waited for a lock), so processes whose clocks disagree
 * still agree on who holds a board.
 *
 * A takeover is an UPDATE of the lease row, so it waits for every fenced write in flight (each
 * holds the row FOR SHARE until it commits) and every fenced write after it sees the new epoch.
 */
import { UnknownBoardError } from '../errors.ts';
import type { Lease, LeaseState, LeaseStore } from '../leases.ts';
import type { PostgresDatabase } from './database.ts';

/**
 * Takes the lease ($1 board, $2 holder, $3 ttl ms) when there is none, it has lapsed, or it is
 * already the holder's. The epoch stays only when the holder renews its own live lease; every
 * other take (also the holder's own lapsed or released lease) gets the next epoch.
 */
const ACQUIRE = `
INSERT INTO leases (board_id, holder, epoch, expires_at)
SELECT id, $2, 1, clock_timestamp() + $3 * interval '1 millisecond' FROM boards WHERE id = $1
ON CONFLICT (board_id) DO UPDATE SET
  epoch = CASE WHEN leases.holder = excluded.holder AND leases.expires_at > clock_timestamp()
    THEN leases.epoch ELSE leases.epoch + 1 END,
  holder = excluded.holder,
  expires_at = excluded.expires_at
WHERE leases.holder = excluded.holder OR leases.expires_at <= clock_timestamp()
RETURNING holder, epoch`;

/** Extends the live leases among ($1 boards, $2 holders, $3 epochs) by $4 ms; returns the boards extended. */
const RENEW = `
UPDATE leases SET expires_at = clock_timestamp() + $4 * interval '1 millisecond'
FROM unnest($1::text[], $2::text[], $3::bigint[]) AS held(board_id, holder, epoch)
WHERE leases.board_id = held.board_id AND leases.holder = held.holder AND leases.epoch = held.epoch
  AND leases.expires_at > clock_timestamp()
RETURNING leases.board_id`;

/**
 * How long a takeover waits for fenced writes in flight before it gives up for now (acquire returns
 * null, as for a live lease). A write that takes longer belongs to a holder that is stuck, possibly
 * paused inside a transaction; PostgreSQL ends that after IDLE_IN_TRANSACTION_MS (database.ts) and
 * the next attempt succeeds.
 */
export const TAKEOVER_LOCK_TIMEOUT_MS = 1_000;

/** PostgreSQL's error code for a lock not obtained within lock_timeout. */
const LOCK_NOT_AVAILABLE = '55P03';

export class PostgresLeases implements LeaseStore {
  constructor(private readonly db: PostgresDatabase) {}

  /** Returns null also when fenced writes held the lease row for longer than TAKEOVER_LOCK_TIMEOUT_MS. */
  async acquire(boardId: string, holder: string, ttlMs: number): Promise<Lease | null> {
    checkTtl(ttlMs);
    let row: { holder: string; epoch: number } | undefined;
    try {
      row = await this.db.transaction(async (client) => {
        await client.query(`SET LOCAL lock_timeout = ${TAKEOVER_LOCK_TIMEOUT_MS}`);
        return (await client.query<{ holder: string; epoch: number }>(ACQUIRE, [boardId, holder, ttlMs])).rows[0];
      });
    } catch (error) {
      if ((error as { code?: string }).code === LOCK_NOT_AVAILABLE) return null;
      throw error;
    }
    if (row) return { boardId, holder: row.holder, epoch: row.epoch };
    if (!(await this.db.boardExists(boardId))) throw new UnknownBoardError(boardId);
    return null;
  }

  /**
   * A lease that lapsed is reported lost even when nobody has taken it yet: its holder stopped
   * renewing in time, and another process may take it at any moment.
   */
  async renew(leases: readonly Lease[], ttlMs: number): Promise<Lease[]> {
    checkTtl(ttlMs);
    if (leases.length === 0) return [];
    const { rows } = await this.db.query<{ board_id: string }>(RENEW, [
      leases.map((l) => l.boardId),
      leases.map((l) => l.holder),
      leases.map((l) => l.epoch),
      ttlMs,
    ]);
    const renewed = new Set(rows.map((r) => r.board_id));
    return leases.filter((l) => !renewed.has(l.boardId));
  }

  async release(lease: Lease): Promise<void> {
    await this.db.query(
      `UPDATE leases SET expires_at = clock_timestamp()
       WHERE board_id = $1 AND holder = $2 AND epoch = $3 AND expires_at > clock_timestamp()`,
      [lease.boardId, lease.holder, lease.epoch],
    );
  }

  async current(boardId: string): Promise<LeaseState | null> {
    const row = (
      await this.db.query<{ holder: string; epoch: number; expires_at: number; live: boolean }>(
        `SELECT holder, epoch, floor(extract(epoch FROM expires_at) * 1000)::bigint AS expires_at,
           expires_at > clock_timestamp() AS live
         FROM leases WHERE board_id = $1`,
        [boardId],
      )
    ).rows[0];
    return row ? { holder: row.holder, epoch: row.epoch, expiresAt: row.expires_at, live: row.live } : null;
  }
}

function checkTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs < 0) throw new TypeError(`a lease's ttl must be a non-negative number of ms, got ${ttlMs}`);
}
