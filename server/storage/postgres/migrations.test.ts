import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test/postgres.ts';
import { testBoard } from '../fixtures.ts';
import { PostgresStorage } from '../postgres.ts';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.ts';

describe('postgres migrations', () => {
  let database: TestDatabase | undefined;
  let opened: PostgresStorage[] = [];
  afterEach(async () => {
    for (const storage of opened) await storage.close();
    opened = [];
    await database?.drop();
    database = undefined;
  });

  async function applied(url: string): Promise<number[]> {
    const client = new pg.Client(url);
    await client.connect();
    try {
      return (await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
    } finally {
      await client.end();
    }
  }

  it('three processes opening an empty database at the same moment all come up, and each migration runs once', async () => {
    database = await createTestDatabase();
    const url = database.url;
    opened = await Promise.all([PostgresStorage.open(url), PostgresStorage.open(url), PostgresStorage.open(url)]);
    expect(await applied(url)).toEqual(MIGRATIONS.map((m) => m.version));
    // all three work on the one schema
    const board = testBoard();
    await opened[0]!.boards.createBoard(board, new Uint8Array([0, 0]));
    expect(await opened[2]!.boards.getBoard(board.id)).toEqual(board);
    // opening again applies nothing more
    opened.push(await PostgresStorage.open(url));
    expect(await applied(url)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('a database newer than this code is refused with a clear error', async () => {
    database = await createTestDatabase();
    opened.push(await PostgresStorage.open(database.url));
    const client = new pg.Client(database.url);
    await client.connect();
    await client.query("INSERT INTO schema_migrations (version, does) VALUES ($1, 'from the future')", [SCHEMA_VERSION + 1]);
    await client.end();
    await expect(PostgresStorage.open(database.url)).rejects.toThrow(/newer than this server knows/);
  });

  it('an unreachable server fails to open with its error, not a hang', async () => {
    await expect(PostgresStorage.open('postgres://postgres@127.0.0.1:1/none')).rejects.toThrow(/ECONNREFUSED/);
  });
});
