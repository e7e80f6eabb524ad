/**
 * `npm run cluster` creates the database DATABASE_URL names when it is missing, on the real
 * PostgreSQL: a database of this run's own (random name), dropped after.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureDatabase } from './cluster.ts';

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

describe('ensureDatabase', () => {
  it('creates a missing database once; then finds it, also when two ask at once', async () => {
    const name = `crossboard_cluster_test_${randomBytes(6).toString('hex')}`;
    cleanups.push(() => admin((c) => c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)}`)));
    const url = `postgres://postgres@127.0.0.1:5432/${name}`;

    expect(await ensureDatabase(url)).toBe('created');
    const found = await admin((c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]));
    expect(found.rowCount).toBe(1);
    expect(await ensureDatabase(url)).toBe('exists');

    const other = `${name}_b`;
    cleanups.push(() => admin((c) => c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(other)}`)));
    const both = await Promise.all([ensureDatabase(`postgres://postgres@127.0.0.1:5432/${other}`), ensureDatabase(`postgres://postgres@127.0.0.1:5432/${other}`)]);
    expect(both.sort()).toEqual(['created', 'exists']);
  });

  it('refuses a URL that names no database', async () => {
    await expect(ensureDatabase('postgres://postgres@127.0.0.1:5432/')).rejects.toThrow(/names no database/);
  });
});
