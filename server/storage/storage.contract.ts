/**
 * The storage contract: one suite per part of the storage, all run against every implementation
 * (memory.test.ts, sqlite.test.ts, postgres.test.ts). Each test is named after the rule it
 * checks; the fixtures the suites share are in fixtures.ts.
 */
import { describe, expect, it } from 'vitest';
import { storageFixture, type CreateFixture } from './fixtures.ts';
import { boardsContract } from './boards.contract.ts';
import { documentsContract } from './documents.contract.ts';
import { sessionsContract } from './sessions.contract.ts';
import { versionsContract } from './versions.contract.ts';
import { commentsContract } from './comments.contract.ts';

export function storageContract(name: string, create: CreateFixture): void {
  boardsContract(name, create);
  documentsContract(name, create);
  sessionsContract(name, create);
  versionsContract(name, create);
  commentsContract(name, create);
  pingContract(name, create);
}

/** The readiness check's query (GET /api/ready). */
function pingContract(name: string, create: CreateFixture): void {
  describe(`storage contract, ping: ${name}`, () => {
    const fixture = storageFixture(create);

    it('ping: answers while the storage is open and throws once it is closed', async () => {
      const storage = await fixture.open();
      await storage.ping();
      await storage.close();
      await expect(Promise.resolve().then(() => storage.ping())).rejects.toThrow();
    });
  });
}
