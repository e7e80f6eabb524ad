import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/postgres.ts';
import { leasesContract } from './leases.contract.ts';
import { PostgresStorage } from './postgres.ts';
import { storageContract } from './storage.contract.ts';

// one database for this file's run; every board a test creates has a fresh random id
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

storageContract('postgres', async () => {
  let storage = await PostgresStorage.open(database.url);
  return {
    storage,
    reopen: async () => {
      await storage.close();
      storage = await PostgresStorage.open(database.url);
      return storage;
    },
    // a second pool on the same database, as a second server process would open
    openAnother: () => PostgresStorage.open(database.url),
  };
});

leasesContract('postgres', (options) => PostgresStorage.open(database.url, options));
