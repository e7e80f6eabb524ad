import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase } from './postgres.ts';

describe('test databases', () => {
  it('each run gets a database of its own, dropped after', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    expect(a.name).not.toBe(b.name);
    const client = new pg.Client(a.url);
    await client.connect();
    expect((await client.query('SELECT current_database() AS name')).rows[0].name).toBe(a.name);
    await client.end();
    await Promise.all([a.drop(), b.drop()]);
    await expect(
      (async () => {
        const gone = new pg.Client(a.url);
        try {
          await gone.connect();
        } finally {
          await gone.end().catch(() => {});
        }
      })(),
    ).rejects.toThrow(/does not exist/);
  });

  it('an unreachable PostgreSQL fails with a clear message instead of skipping', async () => {
    await expect(createTestDatabase('postgres://postgres@127.0.0.1:1/postgres')).rejects.toThrow(/PostgreSQL is not reachable/);
  });
});
