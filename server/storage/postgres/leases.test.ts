/**
 * What PostgreSQL adds to the lease contract (leases.contract.ts, run in postgres.test.ts): a
 * takeover is never stuck behind a holder that stopped in the middle of a fenced write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test/postgres.ts';
import { testBoard } from '../fixtures.ts';
import { PostgresStorage } from '../postgres.ts';
import { IDLE_IN_TRANSACTION_MS } from './database.ts';
import { TAKEOVER_LOCK_TIMEOUT_MS } from './leases.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('postgres leases', () => {
  it('a takeover behind a fenced write that never finishes gives up after its lock timeout, then takes the board once that write ends', async () => {
    const storage = await PostgresStorage.open(database.url);
    const stuck = new pg.Client(database.url);
    await stuck.connect();
    try {
      const board = testBoard();
      await storage.boards.createBoard(board, new Uint8Array([0, 0]));
      await storage.leases.acquire(board.id, 'paused', 0);
      // the paused holder, in the middle of a fenced write: the lease row held FOR SHARE
      await stuck.query('BEGIN');
      await stuck.query("SELECT 1 FROM leases WHERE board_id = $1 AND holder = 'paused' FOR SHARE", [board.id]);
      const started = performance.now();
      expect(await storage.leases.acquire(board.id, 'successor', 60_000)).toBeNull();
      const waited = performance.now() - started;
      expect(waited).toBeGreaterThanOrEqual(TAKEOVER_LOCK_TIMEOUT_MS - 50);
      expect(waited).toBeLessThan(TAKEOVER_LOCK_TIMEOUT_MS + 2_000);
      await stuck.query('ROLLBACK');
      expect(await storage.leases.acquire(board.id, 'successor', 60_000)).toMatchObject({ holder: 'successor', epoch: 2 });
    } finally {
      await stuck.end();
      await storage.close();
    }
  });

  it('the pool’s connections end a transaction left idle (a paused process) after IDLE_IN_TRANSACTION_MS', async () => {
    const storage = await PostgresStorage.open(database.url);
    try {
      const setting = await storage.documents['db'].query<{ idle_in_transaction_session_timeout: string }>(
        'SHOW idle_in_transaction_session_timeout',
      );
      expect(setting.rows[0]!.idle_in_transaction_session_timeout).toBe(`${IDLE_IN_TRANSACTION_MS / 1000}s`);
    } finally {
      await storage.close();
    }
  });
});
