/**
 * The storage contract for saved versions, run by `storageContract` against every
 * implementation. Each test is named after the rule it checks.
 */
import { describe, expect, it } from 'vitest';
import { storageFixture, testBoard, testVersion, type CreateFixture } from './fixtures.ts';
import { UnknownBoardError } from './errors.ts';
import type { Storage } from './storage.ts';

export function versionsContract(name: string, create: CreateFixture): void {
  describe(`storage contract, versions: ${name}`, () => {
    let storage: Storage;
    const fixture = storageFixture(create);
    async function setup() {
      storage = await fixture.open();
    }

    it('save/get: a saved version reads back with every field, state and votes intact', async () => {
      await setup();
      const board = testBoard();
      await storage.boards.createBoard(board, new Uint8Array([0, 0]));
      const version = testVersion(board.id, { votes: '[{"round":1}]', createdBy: { role: 'facilitator', name: 'Siân “Q” <E>' } });
      await storage.versions.saveVersion(version);
      const read = await storage.versions.getVersion(board.id, version.id);
      expect(read).toEqual(version);
      expect(Array.from(read!.state)).toEqual(Array.from(version.state));
    });

    it('list: versions of a board, oldest first, without their state', async () => {
      await setup();
      const board = testBoard();
      await storage.boards.createBoard(board, new Uint8Array([0, 0]));
      const later = testVersion(board.id, { createdAt: 2000, name: 'later' });
      const earlier = testVersion(board.id, { createdAt: 1000, name: 'earlier' });
      const sameTime = testVersion(board.id, { createdAt: 2000, name: 'same time, saved after' });
      for (const v of [later, earlier, sameTime]) await storage.versions.saveVersion(v);
      const list = await storage.versions.listVersions(board.id);
      expect(list.map((v) => v.name)).toEqual(['earlier', 'later', 'same time, saved after']);
      const { state: _s, votes: _v, ...record } = earlier;
      expect(list[0]).toEqual(record);
      expect(list[0]).not.toHaveProperty('state');
    });

    it('unknown board: save throws UnknownBoardError, list is empty, get is null', async () => {
      await setup();
      await expect(async () => storage.versions.saveVersion(testVersion('nope'))).rejects.toThrow(UnknownBoardError);
      expect(await storage.versions.listVersions('nope')).toEqual([]);
      expect(await storage.versions.getVersion('nope', 'v')).toBeNull();
    });

    it('isolation: a version is found only through its own board', async () => {
      await setup();
      const a = testBoard();
      const b = testBoard();
      await storage.boards.createBoard(a, new Uint8Array([0, 0]));
      await storage.boards.createBoard(b, new Uint8Array([0, 0]));
      const version = testVersion(a.id);
      await storage.versions.saveVersion(version);
      expect(await storage.versions.getVersion(b.id, version.id)).toBeNull();
      expect(await storage.versions.listVersions(b.id)).toEqual([]);
      expect(await storage.versions.getVersion(a.id, 'other')).toBeNull();
    });

    it('ids: a version id is never stored twice', async () => {
      await setup();
      const board = testBoard();
      await storage.boards.createBoard(board, new Uint8Array([0, 0]));
      const version = testVersion(board.id);
      await storage.versions.saveVersion(version);
      await expect(async () => storage.versions.saveVersion({ ...version, name: 'again' })).rejects.toThrow();
      expect((await storage.versions.getVersion(board.id, version.id))!.name).toBe(version.name);
    });

    it('copies: mutating a state buffer after save or get does not change what is stored', async () => {
      await setup();
      const board = testBoard();
      await storage.boards.createBoard(board, new Uint8Array([0, 0]));
      const version = testVersion(board.id, { state: new Uint8Array([9, 8, 7]) });
      await storage.versions.saveVersion(version);
      version.state.fill(0);
      (await storage.versions.getVersion(board.id, version.id))!.state.fill(0);
      expect(Array.from((await storage.versions.getVersion(board.id, version.id))!.state)).toEqual([9, 8, 7]);
    });

    it('durability: versions survive closing and reopening', async () => {
      await setup();
      if (!fixture.reopen) return;
      const board = testBoard();
      await storage.boards.createBoard(board, new Uint8Array([0, 0]));
      const version = testVersion(board.id);
      await storage.versions.saveVersion(version);
      storage = await fixture.reopen();
      expect(await storage.versions.getVersion(board.id, version.id)).toEqual(version);
      expect((await storage.versions.listVersions(board.id)).map((v) => v.id)).toEqual([version.id]);
    });
  });
}
