/**
 * Board ownership when several processes share one database: a lease per board. At any moment at
 * most one process holds a board's lease; it runs the board's room and facilitation, renews the
 * lease while the board is live, and releases it when the board unloads or the process stops.
 * When a holder dies its lease lapses after `ttlMs`, and the next process to `acquire` it takes
 * over with a higher epoch.
 *
 * The epoch is a fencing token: a storage opened with a `FenceOf` refuses every owner's write
 * (documents and sessions) made under a lease that is no longer the current one, throwing
 * `LeaseLostError` and writing nothing, so a paused process that wakes up after its successor
 * took over cannot write over it. Expiry is judged by the database's clock, never the caller's.
 *
 * Only storages that can be shared between processes (PostgreSQL) have leases; a single process
 * (SQLite, memory) owns every board it loads.
 */
import type { Awaitable } from './awaitable.ts';

export type Lease = { boardId: string; holder: string; epoch: number };

export type LeaseState = {
  holder: string;
  epoch: number;
  /** ms since the epoch, by the database's clock */
  expiresAt: number;
  /** whether it is still live by the database's clock now */
  live: boolean;
};

export interface LeaseStore {
  /**
   * Takes the board's lease for `holder` when it is free, lapsed, or already `holder`'s (then it is
   * renewed and keeps its epoch); a taken-over lease gets a higher epoch than any before it.
   * Returns null while another holder's lease is live. Throws `UnknownBoardError` for an unknown board.
   */
  acquire(boardId: string, holder: string, ttlMs: number): Awaitable<Lease | null>;
  /** Extends live leases held under these exact epochs; returns the ones that were lost (taken over or lapsed and taken). */
  renew(leases: readonly Lease[], ttlMs: number): Awaitable<Lease[]>;
  /** Gives a lease up at once (if it is still this one), so the next process need not wait for it to lapse. */
  release(lease: Lease): Awaitable<void>;
  /** The board's current lease, live or lapsed, or null if it never had one. */
  current(boardId: string): Awaitable<LeaseState | null>;
}

/**
 * The lease this process writes a board under, or undefined when it does not own the board.
 * A storage opened with one fences every document and session write of that board with it.
 */
export type FenceOf = (boardId: string) => Lease | undefined;
