/**
 * The storage contract for documents: a snapshot plus an append-only update log, compacted. Run
 * by `storageContract` against every implementation; each test is named after the rule it checks.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { rebuild, storageFixture, testBoard, textUpdate, type CreateFixture } from './fixtures.ts';
import { UnknownBoardError } from './errors.ts';
import type { Storage } from './storage.ts';

export function documentsContract(name: string, create: CreateFixture): void {
  describe(`storage contract, documents: ${name}`, () => {
    let storage: Storage;
    const fixture = storageFixture(create);
    async function setup() {
      storage = await fixture.open();
    }
    async function newBoard() {
      const board = testBoard();
      await storage.boards.createBoard(board, new Uint8Array([0, 0]));
      return board;
    }

    it('create: the first snapshot is stored with the board', async () => {
      await setup();
      const board = testBoard();
      const doc = new Y.Doc();
      doc.getText('t').insert(0, 'seed');
      await storage.boards.createBoard(board, Y.encodeStateAsUpdate(doc));
      const stored = await storage.documents.loadDocument(board.id);
      expect(stored.updates).toEqual([]);
      expect(rebuild(stored)).toBe('seed');
    });

    it('unknown board: load is empty, append and compact throw', async () => {
      await setup();
      expect(await storage.documents.loadDocument('nope')).toEqual({ snapshot: null, updates: [], lastSeq: 0 });
      await expect(async () => storage.documents.appendUpdate('nope', new Uint8Array([0, 0]))).rejects.toThrow(
        UnknownBoardError,
      );
      await expect(async () => storage.documents.compact('nope', new Uint8Array([0, 0]), 1)).rejects.toThrow(
        UnknownBoardError,
      );
    });

    it('append order: updates load in the order they were appended, with increasing seqs', async () => {
      await setup();
      const board = await newBoard();
      const doc = new Y.Doc();
      const updates = ['a', 'b', 'c', 'd'].map((s) => textUpdate(doc, s));
      const seqs: number[] = [];
      for (const u of updates) seqs.push(await storage.documents.appendUpdate(board.id, u));
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(seqs.length);
      const stored = await storage.documents.loadDocument(board.id);
      expect(stored.updates.map((u) => Array.from(u))).toEqual(updates.map((u) => Array.from(u)));
      expect(stored.lastSeq).toBe(seqs.at(-1));
      expect(rebuild(stored)).toBe('abcd');
    });

    it('concurrent writers: every load sees a prefix of the final log, so sequence numbers commit in order', async () => {
      await setup();
      const board = await newBoard();
      const writers = [storage, await fixture.another(), await fixture.another()];
      const reader = await fixture.another();
      const writes = Array.from({ length: 300 }, (_, i) => new Uint8Array([i >> 8, i & 255, 1]));
      const seen: string[][] = [];
      let writing = true;
      const reading = (async () => {
        while (writing) seen.push((await reader.documents.loadDocument(board.id)).updates.map((u) => u.join()));
      })();
      const seqs = await Promise.all(writes.map(async (bytes, i) => writers[i % writers.length]!.documents.appendUpdate(board.id, bytes)));
      writing = false;
      await reading;
      expect(new Set(seqs).size).toBe(writes.length);
      const final = (await storage.documents.loadDocument(board.id)).updates.map((u) => u.join());
      expect(final).toHaveLength(writes.length);
      expect(seen.length).toBeGreaterThan(1);
      for (const updates of seen) expect(updates).toEqual(final.slice(0, updates.length));
    });

    it('isolation: updates of one board never appear in another', async () => {
      await setup();
      const a = await newBoard();
      const b = await newBoard();
      await storage.documents.appendUpdate(a.id, textUpdate(new Y.Doc(), 'only a'));
      expect((await storage.documents.loadDocument(b.id)).updates).toEqual([]);
      expect(rebuild(await storage.documents.loadDocument(a.id))).toBe('only a');
    });

    it('compaction: replaces the snapshot and drops exactly the covered updates', async () => {
      await setup();
      const board = await newBoard();
      const doc = new Y.Doc();
      await storage.documents.appendUpdate(board.id, textUpdate(doc, 'a'));
      const upto = await storage.documents.appendUpdate(board.id, textUpdate(doc, 'b'));
      const snapshot = Y.encodeStateAsUpdate(doc);
      const later = textUpdate(doc, 'c');
      const laterSeq = await storage.documents.appendUpdate(board.id, later);
      await storage.documents.compact(board.id, snapshot, upto);
      const stored = await storage.documents.loadDocument(board.id);
      expect(stored.updates.map((u) => Array.from(u))).toEqual([Array.from(later)]);
      expect(stored.lastSeq).toBe(laterSeq);
      expect(rebuild(stored)).toBe('abc');
    });

    it('compaction: seqs keep increasing after the newest updates were compacted away', async () => {
      await setup();
      const board = await newBoard();
      const doc = new Y.Doc();
      const seq = await storage.documents.appendUpdate(board.id, textUpdate(doc, 'a'));
      await storage.documents.compact(board.id, Y.encodeStateAsUpdate(doc), seq);
      expect((await storage.documents.loadDocument(board.id)).lastSeq).toBe(seq);
      const next = await storage.documents.appendUpdate(board.id, textUpdate(doc, 'b'));
      expect(next).toBeGreaterThan(seq);
    });

    it('compaction: a stale compaction never replaces a newer snapshot', async () => {
      await setup();
      const board = await newBoard();
      const doc = new Y.Doc();
      const s1 = await storage.documents.appendUpdate(board.id, textUpdate(doc, 'a'));
      const old = Y.encodeStateAsUpdate(doc);
      const s2 = await storage.documents.appendUpdate(board.id, textUpdate(doc, 'b'));
      await storage.documents.compact(board.id, Y.encodeStateAsUpdate(doc), s2);
      await storage.documents.compact(board.id, old, s1);
      expect(rebuild(await storage.documents.loadDocument(board.id))).toBe('ab');
    });

    it('compaction atomicity: a failing compaction leaves snapshot and log untouched', async () => {
      await setup();
      const board = await newBoard();
      const doc = new Y.Doc();
      const seq = await storage.documents.appendUpdate(board.id, textUpdate(doc, 'kept'));
      // a snapshot that is not bytes makes the write fail inside the transaction
      await expect(async () =>
        storage.documents.compact(board.id, 'not bytes' as unknown as Uint8Array, seq),
      ).rejects.toThrow();
      const stored = await storage.documents.loadDocument(board.id);
      expect(stored.updates).toHaveLength(1);
      expect(rebuild(stored)).toBe('kept');
    });

    it('copies: mutating a buffer after append or load does not change what is stored', async () => {
      await setup();
      const board = await newBoard();
      const update = textUpdate(new Y.Doc(), 'x');
      const original = Array.from(update);
      await storage.documents.appendUpdate(board.id, update);
      update.fill(0);
      const first = await storage.documents.loadDocument(board.id);
      first.updates[0]!.fill(0);
      expect(Array.from((await storage.documents.loadDocument(board.id)).updates[0]!)).toEqual(original);
    });

    it('durability: updates and snapshots survive closing and reopening', async () => {
      await setup();
      if (!fixture.reopen) return; // nothing outlives an in-memory store
      const board = await newBoard();
      const doc = new Y.Doc();
      const seq = await storage.documents.appendUpdate(board.id, textUpdate(doc, 'a'));
      await storage.documents.compact(board.id, Y.encodeStateAsUpdate(doc), seq);
      await storage.documents.appendUpdate(board.id, textUpdate(doc, 'b'));
      storage = await fixture.reopen();
      expect(await storage.boards.getBoard(board.id)).toEqual(board);
      expect(rebuild(await storage.documents.loadDocument(board.id))).toBe('ab');
      expect(await storage.documents.appendUpdate(board.id, textUpdate(doc, 'c'))).toBeGreaterThan(seq);
    });
  });
}
