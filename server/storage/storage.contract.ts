/**
 * The storage contract: one suite, run against every implementation (memory.test.ts,
 * sqlite.test.ts). Each test is named after the rule it checks.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { generateBoardId, hashToken } from '../auth/tokens.ts';
import { UnknownBoardError, type BoardRecord, type Storage } from './storage.ts';
import { versionsContract } from './versions.contract.ts';
import { sessionContract } from './session.contract.ts';
import { commentsContract } from './comments.contract.ts';

export type StorageFixture = {
  storage: Storage;
  /** closes the storage and opens it again on the same data; absent when nothing outlives the process */
  reopen?: () => Promise<Storage> | Storage;
  cleanup?: () => void;
};

export function testBoard(overrides: Partial<BoardRecord> = {}): BoardRecord {
  return {
    id: generateBoardId(),
    title: 'Prevent homelessness',
    challenge: 'How might we spot risk earlier?',
    sponsor: 'City council',
    template: 'open',
    createdAt: 1_700_000_000_000,
    tokenHashes: { facilitator: hashToken('f'), contributor: hashToken('c'), viewer: hashToken('v') },
    ...overrides,
  };
}

/** A small real Yjs update that inserts `text` at the end of the doc's "t" text. */
function textUpdate(doc: Y.Doc, text: string): Uint8Array {
  let update: Uint8Array | null = null;
  const grab = (u: Uint8Array) => (update = u);
  doc.on('update', grab);
  doc.getText('t').insert(doc.getText('t').length, text);
  doc.off('update', grab);
  return update!;
}

function rebuild(stored: { snapshot: Uint8Array | null; updates: Uint8Array[] }): string {
  const doc = new Y.Doc();
  doc.transact(() => {
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const u of stored.updates) Y.applyUpdate(doc, u);
  });
  return doc.getText('t').toString();
}

/**
 * One storage per test, opened by `open()` and closed (and cleaned up) after the test: the
 * lifecycle every contract suite shares.
 */
export function storageFixture(create: () => Promise<StorageFixture> | StorageFixture): {
  open(): Promise<Storage>;
  /** closes and reopens on the same data; undefined for stores where nothing outlives the process */
  readonly reopen: (() => Promise<Storage>) | undefined;
} {
  let current: StorageFixture | undefined;
  let latest: Storage | undefined;
  afterEach(async () => {
    const done = current;
    const open = latest;
    current = latest = undefined;
    await open?.close();
    done?.cleanup?.();
  });
  return {
    async open() {
      current = await create();
      return (latest = current.storage);
    },
    get reopen() {
      const reopen = current?.reopen;
      return reopen && (async () => (latest = await reopen()));
    },
  };
}

export function storageContract(name: string, create: () => Promise<StorageFixture> | StorageFixture): void {
  describe(`storage contract: ${name}`, () => {
    let storage: Storage;
    const fixture = storageFixture(create);
    async function setup() {
      storage = await fixture.open();
    }

    it('create/get: a created board reads back with every field and hash intact', async () => {
      await setup();
      const board = testBoard();
      await storage.createBoard(board, new Uint8Array([0, 0]));
      const read = await storage.getBoard(board.id);
      expect(read).toEqual(board);
      expect(Array.from(read!.tokenHashes.viewer)).toEqual(Array.from(board.tokenHashes.viewer));
    });

    it('create: the first snapshot is stored with the board', async () => {
      await setup();
      const board = testBoard();
      const doc = new Y.Doc();
      doc.getText('t').insert(0, 'seed');
      await storage.createBoard(board, Y.encodeStateAsUpdate(doc));
      const stored = await storage.loadDocument(board.id);
      expect(stored.updates).toEqual([]);
      expect(rebuild(stored)).toBe('seed');
    });

    it('unknown board: get is null, role is null, load is empty, append and compact throw', async () => {
      await setup();
      expect(await storage.getBoard('nope')).toBeNull();
      expect(await storage.findRoleByTokenHash('nope', hashToken('f'))).toBeNull();
      expect(await storage.loadDocument('nope')).toEqual({ snapshot: null, updates: [], lastSeq: 0 });
      await expect(async () => storage.appendUpdate('nope', new Uint8Array([0, 0]))).rejects.toThrow(
        UnknownBoardError,
      );
      await expect(async () => storage.compact('nope', new Uint8Array([0, 0]), 1)).rejects.toThrow(UnknownBoardError);
    });

    it('tokens: each hash maps to its role, on its own board only', async () => {
      await setup();
      const a = testBoard();
      const b = testBoard({
        tokenHashes: { facilitator: hashToken('F'), contributor: hashToken('C'), viewer: hashToken('V') },
      });
      await storage.createBoard(a, new Uint8Array([0, 0]));
      await storage.createBoard(b, new Uint8Array([0, 0]));
      expect(await storage.findRoleByTokenHash(a.id, hashToken('f'))).toBe('facilitator');
      expect(await storage.findRoleByTokenHash(a.id, hashToken('c'))).toBe('contributor');
      expect(await storage.findRoleByTokenHash(a.id, hashToken('v'))).toBe('viewer');
      expect(await storage.findRoleByTokenHash(a.id, hashToken('F'))).toBeNull();
      expect(await storage.findRoleByTokenHash(b.id, hashToken('F'))).toBe('facilitator');
    });

    it('append order: updates load in the order they were appended, with increasing seqs', async () => {
      await setup();
      const board = testBoard();
      await storage.createBoard(board, new Uint8Array([0, 0]));
      const doc = new Y.Doc();
      const updates = ['a', 'b', 'c', 'd'].map((s) => textUpdate(doc, s));
      const seqs: number[] = [];
      for (const u of updates) seqs.push(await storage.appendUpdate(board.id, u));
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(seqs.length);
      const stored = await storage.loadDocument(board.id);
      expect(stored.updates.map((u) => Array.from(u))).toEqual(updates.map((u) => Array.from(u)));
      expect(stored.lastSeq).toBe(seqs.at(-1));
      expect(rebuild(stored)).toBe('abcd');
    });

    it('isolation: updates of one board never appear in another', async () => {
      await setup();
      const a = testBoard();
      const b = testBoard();
      await storage.createBoard(a, new Uint8Array([0, 0]));
      await storage.createBoard(b, new Uint8Array([0, 0]));
      await storage.appendUpdate(a.id, textUpdate(new Y.Doc(), 'only a'));
      expect((await storage.loadDocument(b.id)).updates).toEqual([]);
      expect(rebuild(await storage.loadDocument(a.id))).toBe('only a');
    });

    it('compaction: replaces the snapshot and drops exactly the covered updates', async () => {
      await setup();
      const board = testBoard();
      await storage.createBoard(board, new Uint8Array([0, 0]));
      const doc = new Y.Doc();
      await storage.appendUpdate(board.id, textUpdate(doc, 'a'));
      const upto = await storage.appendUpdate(board.id, textUpdate(doc, 'b'));
      const snapshot = Y.encodeStateAsUpdate(doc);
      const later = textUpdate(doc, 'c');
      const laterSeq = await storage.appendUpdate(board.id, later);
      await storage.compact(board.id, snapshot, upto);
      const stored = await storage.loadDocument(board.id);
      expect(stored.updates.map((u) => Array.from(u))).toEqual([Array.from(later)]);
      expect(stored.lastSeq).toBe(laterSeq);
      expect(rebuild(stored)).toBe('abc');
    });

    it('compaction: seqs keep increasing after the newest updates were compacted away', async () => {
      await setup();
      const board = testBoard();
      await storage.createBoard(board, new Uint8Array([0, 0]));
      const doc = new Y.Doc();
      const seq = await storage.appendUpdate(board.id, textUpdate(doc, 'a'));
      await storage.compact(board.id, Y.encodeStateAsUpdate(doc), seq);
      expect((await storage.loadDocument(board.id)).lastSeq).toBe(seq);
      const next = await storage.appendUpdate(board.id, textUpdate(doc, 'b'));
      expect(next).toBeGreaterThan(seq);
    });

    it('compaction: a stale compaction never replaces a newer snapshot', async () => {
      await setup();
      const board = testBoard();
      await storage.createBoard(board, new Uint8Array([0, 0]));
      const doc = new Y.Doc();
      const s1 = await storage.appendUpdate(board.id, textUpdate(doc, 'a'));
      const old = Y.encodeStateAsUpdate(doc);
      const s2 = await storage.appendUpdate(board.id, textUpdate(doc, 'b'));
      await storage.compact(board.id, Y.encodeStateAsUpdate(doc), s2);
      await storage.compact(board.id, old, s1);
      expect(rebuild(await storage.loadDocument(board.id))).toBe('ab');
    });

    it('compaction atomicity: a failing compaction leaves snapshot and log untouched', async () => {
      await setup();
      const board = testBoard();
      await storage.createBoard(board, new Uint8Array([0, 0]));
      const doc = new Y.Doc();
      const seq = await storage.appendUpdate(board.id, textUpdate(doc, 'kept'));
      // a snapshot that is not bytes makes the write fail inside the transaction
      await expect(async () => storage.compact(board.id, 'not bytes' as unknown as Uint8Array, seq)).rejects.toThrow();
      const stored = await storage.loadDocument(board.id);
      expect(stored.updates).toHaveLength(1);
      expect(rebuild(stored)).toBe('kept');
    });

    it('copies: mutating a buffer after append or load does not change what is stored', async () => {
      await setup();
      const board = testBoard();
      await storage.createBoard(board, new Uint8Array([0, 0]));
      const update = textUpdate(new Y.Doc(), 'x');
      const original = Array.from(update);
      await storage.appendUpdate(board.id, update);
      update.fill(0);
      const first = await storage.loadDocument(board.id);
      first.updates[0]!.fill(0);
      expect(Array.from((await storage.loadDocument(board.id)).updates[0]!)).toEqual(original);
    });

    it('durability: boards, updates and snapshots survive closing and reopening', async () => {
      await setup();
      if (!fixture.reopen) return; // nothing outlives an in-memory store
      const board = testBoard();
      await storage.createBoard(board, new Uint8Array([0, 0]));
      const doc = new Y.Doc();
      const seq = await storage.appendUpdate(board.id, textUpdate(doc, 'a'));
      await storage.compact(board.id, Y.encodeStateAsUpdate(doc), seq);
      await storage.appendUpdate(board.id, textUpdate(doc, 'b'));
      storage = await fixture.reopen();
      expect(await storage.getBoard(board.id)).toEqual(board);
      expect(await storage.findRoleByTokenHash(board.id, hashToken('c'))).toBe('contributor');
      expect(rebuild(await storage.loadDocument(board.id))).toBe('ab');
      expect(await storage.appendUpdate(board.id, textUpdate(doc, 'c'))).toBeGreaterThan(seq);
    });
  });
  versionsContract(name, create);
  sessionContract(name, create);
  commentsContract(name, create);
}
