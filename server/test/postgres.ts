/**
 * A PostgreSQL database of its own for one test run: created with a random name on the server
 * `PG_TEST_URL` names (default postgres://postgres@127.0.0.1:5432/postgres) and dropped after, so
 * runs in parallel never see each other's rows. When PostgreSQL cannot be reached this throws a
 * clear error: the PostgreSQL suites fail rather than skip, because CI provides the server.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_TEST_URL = process.env.PG_TEST_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

export type TestDatabase = {
  /** the new database's URL */
  url: string;
  name: string;
  /** drops the database, closing any connection still open on it */
  drop(): Promise<void>;
};

async function onServer<T>(server: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: server, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${server} (${String(error)}). The PostgreSQL tests need it: ` +
        'start it (.ci/run does) or point PG_TEST_URL at one.',
      { cause: error },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates the database on `server` (default `PG_TEST_URL`). */
export async function createTestDatabase(server = PG_TEST_URL): Promise<TestDatabase> {
  const name = `crossboard_test_${randomBytes(6).toString('hex')}`;
  await onServer(server, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => onServer(server, async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}
