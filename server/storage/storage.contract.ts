/**
 * The storage contract: one suite per part of the storage, all run against every implementation
 * (memory.test.ts, sqlite.test.ts). Each test is named after the rule it checks; the fixtures
 * the suites share are in fixtures.ts.
 */
import type { CreateFixture } from './fixtures.ts';
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
}
