/**
 * The storage contract for saved versions (issue 5), run by `storageContract` against every
 * implementation. Each test is named after the rule it checks.
 */
import { describe, expect, it } from 'vitest';
import type { StorageFixture } from './storage.contract.ts';
import { storageFixture, testBoard } from './storage.contract.ts';
import { UnknownBoardError, type Storage, type StoredVersion } from './storage.ts';

let counter = 0;
export function testVersion(boardId: string, overrides: Partial<StoredVersion> = {}): StoredVersion {
  counter++;
  return {
    id: `v${counter}-${Math.random().toString(36).slice(2, 8)}`,
    boardId,
    name: `Version ${counter}`,
    createdAt: 1_700_000_000_000 + counter,
    createdBy: { role: 'facilitator', name: 'Amira Khan' },
    boardVersion: 'ab'.repeat(32),
    state: new Uint8Array([1, 2, 3, counter % 256]),
    votes: '[]',
    ...overrides,
  };
}

export function versionsContract(name: string, create: () => Promise<StorageFixture> | StorageFixture): void {
  describe(`storage contract, versions: ${name}`, () => {
    let storage: Storage;
    const fixture = storageFixture(create);
    async function setup() {
      storage = await fixture.open();
    }

    it('save/get: a saved version reads back with every field, state and votes intact', async () => {
      await setup();
      const board = testBoard();
      await storage.createBoard(board, new Uint8Array([0, 0]));
      const version = testVersion(board.id, { votes: '[{"round":1}]', createdBy: { role: 'facilitator', name: 'Siân “Q” <E>' } });
      await storage.saveVersion(version);
      const read = await storage.getVersion(board.id, version.id);
      expect(read).toEqual(version);
      expect(Array.from(read!.state)).toEqual(Array.from(version.state));
    });

    it('list: versions of a board, oldest first, without their state', async () => {
      await setup();
      const board = testBoard();
      await storage.createBoard(board, new Uint8Array([0, 0]));
      const later = testVersion(board.id, { createdAt: 2000, name: 'later' });
      const earlier = testVersion(board.id, { createdAt: 1000, name: 'earlier' });
      const sameTime = testVersion(board.id, { createdAt: 2000, name: 'same time, saved after' });
      for (const v of [later, earlier, sameTime]) await storage.saveVersion(v);
      const list = await storage.listVersions(board.id);
      expect(list.map((v) => v.name)).toEqual(['earlier', 'later', 'same time, saved after']);
      const { state: _s, votes: _v, ...record } = earlier;
      expect(list[0]).toEqual(record);
      expect(list[0]).not.toHaveProperty('state');
    });

    it('unknown board: save throws UnknownBoardError, list is empty, get is null', async () => {
      await setup();
      await expect(async () => storage.saveVersion(testVersion('nope'))).rejects.toThrow(UnknownBoardError);
      expect(await storage.listVersions('nope')).toEqual([]);
      expect(await storage.getVersion('nope', 'v')).toBeNull();
    });

    it('isolation: a version is found only through its own board', async () => {
      await setup();
      const a = testBoard();
      const b = testBoard();
      await storage.createBoard(a, new Uint8Array([0, 0]));
      await storage.createBoard(b, new Uint8Array([0, 0]));
      const version = testVersion(a.id);
      await storage.saveVersion(version);
      expect(await storage.getVersion(b.id, version.id)).toBeNull();
      expect(await storage.listVersions(b.id)).toEqual([]);
      expect(await storage.getVersion(a.id, 'other')).toBeNull();
    });

    it('ids: a version id is never stored twice', async () => {
      await setup();
      const board = testBoard();
      await storage.createBoard(board, new Uint8Array([0, 0]));
      const version = testVersion(board.id);
      await storage.saveVersion(version);
      await expect(async () => storage.saveVersion({ ...version, name: 'again' })).rejects.toThrow();
      expect((await storage.getVersion(board.id, version.id))!.name).toBe(version.name);
    });

    it('copies: mutating a state buffer after save or get does not change what is stored', async () => {
      await setup();
      const board = testBoard();
      await storage.createBoard(board, new Uint8Array([0, 0]));
      const version = testVersion(board.id, { state: new Uint8Array([9, 8, 7]) });
      await storage.saveVersion(version);
      version.state.fill(0);
      (await storage.getVersion(board.id, version.id))!.state.fill(0);
      expect(Array.from((await storage.getVersion(board.id, version.id))!.state)).toEqual([9, 8, 7]);
    });

    it('durability: versions survive closing and reopening', async () => {
      await setup();
      if (!fixture.reopen) return;
      const board = testBoard();
      await storage.createBoard(board, new Uint8Array([0, 0]));
      const version = testVersion(board.id);
      await storage.saveVersion(version);
      storage = await fixture.reopen();
      expect(await storage.getVersion(board.id, version.id)).toEqual(version);
      expect((await storage.listVersions(board.id)).map((v) => v.id)).toEqual([version.id]);
    });
  });
}
