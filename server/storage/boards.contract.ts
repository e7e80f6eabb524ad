/**
 * The storage contract for boards: records and link hashes. Run by `storageContract` against every
 * implementation; each test is named after the rule it checks.
 */
import { describe, expect, it } from 'vitest';
import { hashToken } from '../auth/tokens.ts';
import { storageFixture, testBoard, type CreateFixture } from './fixtures.ts';
import { UnknownBoardError } from './errors.ts';
import type { Storage } from './storage.ts';

export function boardsContract(name: string, create: CreateFixture): void {
  describe(`storage contract, boards: ${name}`, () => {
    let storage: Storage;
    const fixture = storageFixture(create);
    async function setup() {
      storage = await fixture.open();
    }

    it('create/get: a created board reads back with every field and hash intact', async () => {
      await setup();
      const board = testBoard();
      await storage.boards.createBoard(board, new Uint8Array([0, 0]));
      const read = await storage.boards.getBoard(board.id);
      expect(read).toEqual(board);
      expect(Array.from(read!.tokenHashes.viewer)).toEqual(Array.from(board.tokenHashes.viewer));
    });

    it('unknown board: get is null, role is null, a link rotation throws UnknownBoardError', async () => {
      await setup();
      expect(await storage.boards.getBoard('nope')).toBeNull();
      expect(await storage.boards.findRoleByTokenHash('nope', hashToken('f'))).toBeNull();
      await expect(async () => storage.boards.setTokenHash('nope', 'viewer', hashToken('x'))).rejects.toThrow(UnknownBoardError);
    });

    it('tokens: each hash maps to its role, on its own board only', async () => {
      await setup();
      const a = testBoard();
      const b = testBoard({
        tokenHashes: { facilitator: hashToken('F'), contributor: hashToken('C'), viewer: hashToken('V') },
      });
      await storage.boards.createBoard(a, new Uint8Array([0, 0]));
      await storage.boards.createBoard(b, new Uint8Array([0, 0]));
      expect(await storage.boards.findRoleByTokenHash(a.id, hashToken('f'))).toBe('facilitator');
      expect(await storage.boards.findRoleByTokenHash(a.id, hashToken('c'))).toBe('contributor');
      expect(await storage.boards.findRoleByTokenHash(a.id, hashToken('v'))).toBe('viewer');
      expect(await storage.boards.findRoleByTokenHash(a.id, hashToken('F'))).toBeNull();
      expect(await storage.boards.findRoleByTokenHash(b.id, hashToken('F'))).toBe('facilitator');
    });

    it('links: a rotated hash replaces the old one at once, for that role only', async () => {
      await setup();
      const board = testBoard();
      await storage.boards.createBoard(board, new Uint8Array([0, 0]));
      const id = board.id;
      await storage.boards.setTokenHash(id, 'contributor', hashToken('new'));
      expect(await storage.boards.findRoleByTokenHash(id, hashToken('c'))).toBeNull();
      expect(await storage.boards.findRoleByTokenHash(id, hashToken('new'))).toBe('contributor');
      expect(await storage.boards.findRoleByTokenHash(id, hashToken('f'))).toBe('facilitator');
      expect(Array.from((await storage.boards.getBoard(id))!.tokenHashes.contributor)).toEqual(Array.from(hashToken('new')));
    });

    it('durability: boards and rotated links survive closing and reopening', async () => {
      await setup();
      if (!fixture.reopen) return; // nothing outlives an in-memory store
      const board = testBoard();
      await storage.boards.createBoard(board, new Uint8Array([0, 0]));
      const rotated = testBoard();
      await storage.boards.createBoard(rotated, new Uint8Array([0, 0]));
      await storage.boards.setTokenHash(rotated.id, 'viewer', hashToken('v2'));
      storage = await fixture.reopen();
      expect(await storage.boards.getBoard(board.id)).toEqual(board);
      expect(await storage.boards.findRoleByTokenHash(board.id, hashToken('c'))).toBe('contributor');
      expect(await storage.boards.findRoleByTokenHash(rotated.id, hashToken('v2'))).toBe('viewer');
    });
  });
}
