import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteStorage } from './sqlite.ts';
import { storageContract } from './storage.contract.ts';

storageContract('sqlite', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'crossboard-sqlite-'));
  let storage = SqliteStorage.open(dir);
  return {
    storage,
    reopen: () => {
      storage.close();
      storage = SqliteStorage.open(dir);
      return storage;
    },
    // a second connection to the same file, as a second server process would open
    openAnother: () => SqliteStorage.open(dir),
    cleanup: () => {
      storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
