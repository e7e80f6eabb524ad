/**
 * The storage contract for board leases (leases.ts) and the fencing they give: run against every
 * storage that has leases (postgres.test.ts). Each test is named after the rule it checks.
 *
 * Two storages on one database stand for two processes; `ttlMs` 0 makes a lease that has lapsed
 * the moment it is taken, so a takeover needs no waiting.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { LeaseLostError, UnknownBoardError } from './errors.ts';
import { stateWithVote, testBoard, testParticipant, testRound, testState, textUpdate } from './fixtures.ts';
import type { FenceOf, Lease, LeaseStore } from './leases.ts';
import type { Storage } from './storage.ts';

/** Opens another handle on the test's database, as another process would, fenced when asked. */
export type OpenLeased = (options?: { fenceOf?: FenceOf; poolSize?: number }) => Promise<Storage>;

const LONG = 60_000;

export function leasesContract(name: string, open: OpenLeased): void {
  describe(`storage contract, leases: ${name}`, () => {
    let opened: Storage[] = [];
    afterEach(async () => {
      const all = opened;
      opened = [];
      for (const storage of all) await storage.close();
    });
    async function process(options?: { fenceOf?: FenceOf; poolSize?: number }): Promise<Storage & { leases: LeaseStore }> {
      const storage = await open(options);
      opened.push(storage);
      if (!storage.leases) throw new Error(`${name} storage has no leases`);
      return storage as Storage & { leases: LeaseStore };
    }
    async function newBoard(storage: Storage): Promise<string> {
      const board = testBoard();
      await storage.boards.createBoard(board, new Uint8Array([0, 0]));
      return board.id;
    }
    /** A process whose writes are fenced with the leases in `held`. */
    async function owner(held: Map<string, Lease>) {
      return process({ fenceOf: (id) => held.get(id), poolSize: 6 });
    }

    it('acquire: a free lease is taken at epoch 1, live by the database clock', async () => {
      const a = await process();
      const id = await newBoard(a);
      expect(await a.leases.current(id)).toBeNull();
      expect(await a.leases.acquire(id, 'a', LONG)).toEqual({ boardId: id, holder: 'a', epoch: 1 });
      const state = await a.leases.current(id);
      expect(state).toMatchObject({ holder: 'a', epoch: 1, live: true });
      // expiry is the database's now + ttl; this process's clock is close to it on one machine
      expect(Math.abs(state!.expiresAt - (Date.now() + LONG))).toBeLessThan(5_000);
    });

    it('acquire: a live lease is not taken by another; its holder renews it and keeps its epoch', async () => {
      const [a, b] = [await process(), await process()];
      const id = await newBoard(a);
      await a.leases.acquire(id, 'a', LONG);
      expect(await b.leases.acquire(id, 'b', LONG)).toBeNull();
      expect(await a.leases.acquire(id, 'a', LONG)).toEqual({ boardId: id, holder: 'a', epoch: 1 });
      expect(await b.leases.current(id)).toMatchObject({ holder: 'a', epoch: 1, live: true });
    });

    it('takeover: a lapsed lease is taken over with a higher epoch, and its old holder learns it lost it', async () => {
      const [a, b] = [await process(), await process()];
      const id = await newBoard(a);
      const first = (await a.leases.acquire(id, 'a', 300))!;
      expect(await b.leases.acquire(id, 'b', LONG)).toBeNull();
      await vi.waitFor(async () => expect((await b.leases.current(id))!.live).toBe(false), { timeout: 5_000, interval: 50 });
      expect(await b.leases.acquire(id, 'b', LONG)).toEqual({ boardId: id, holder: 'b', epoch: 2 });
      expect(await a.leases.renew([first], LONG)).toEqual([first]);
      expect(await a.leases.acquire(id, 'a', LONG)).toBeNull();
      // a lapsed lease taken again by its own holder also moves on an epoch
      const again = (await b.leases.acquire(id, 'b', 0))!;
      expect(again.epoch).toBe(2);
      expect(await b.leases.acquire(id, 'b', LONG)).toEqual({ boardId: id, holder: 'b', epoch: 3 });
    });

    it('renew: extends many live leases in one call and returns only the lost ones', async () => {
      const [a, b] = [await process(), await process()];
      const [x, y, z] = [await newBoard(a), await newBoard(a), await newBoard(a)];
      const lx = (await a.leases.acquire(x, 'a', 1_000))!;
      const ly = (await a.leases.acquire(y, 'a', 1_000))!;
      const lz = (await a.leases.acquire(z, 'a', 0))!;
      await b.leases.acquire(z, 'b', LONG);
      const before = (await a.leases.current(x))!.expiresAt;
      expect(await a.leases.renew([lx, ly, lz], LONG)).toEqual([lz]);
      expect((await a.leases.current(x))!.expiresAt).toBeGreaterThan(before + 10_000);
      expect((await a.leases.current(y))!.expiresAt).toBeGreaterThan(before + 10_000);
      expect(await a.leases.current(z)).toMatchObject({ holder: 'b', epoch: 2, live: true });
      expect(await a.leases.renew([], LONG)).toEqual([]);
      // a renewal names the exact epoch: the same holder under an old epoch is lost too
      expect(await a.leases.renew([{ ...lx, epoch: 0 }], LONG)).toEqual([{ ...lx, epoch: 0 }]);
    });

    it('release: the next holder takes the board at once with a higher epoch; releasing an old lease changes nothing', async () => {
      const [a, b] = [await process(), await process()];
      const id = await newBoard(a);
      const first = (await a.leases.acquire(id, 'a', LONG))!;
      await a.leases.release(first);
      expect(await a.leases.current(id)).toMatchObject({ holder: 'a', epoch: 1, live: false });
      const second = (await b.leases.acquire(id, 'b', LONG))!;
      expect(second.epoch).toBe(2);
      await a.leases.release(first);
      expect(await a.leases.current(id)).toMatchObject({ holder: 'b', epoch: 2, live: true });
      expect(await a.leases.renew([first], LONG)).toEqual([first]);
    });

    it('unknown board: acquire throws UnknownBoardError, current is null', async () => {
      const a = await process();
      await expect(a.leases.acquire('nope', 'a', LONG)).rejects.toThrow(UnknownBoardError);
      expect(await a.leases.current('nope')).toBeNull();
      expect(await a.leases.renew([{ boardId: 'nope', holder: 'a', epoch: 1 }], LONG)).toHaveLength(1);
    });

    it('fencing: every document and session write under an old epoch is refused and writes nothing; the current epoch writes', async () => {
      const heldByA = new Map<string, Lease>();
      const heldByB = new Map<string, Lease>();
      const [a, b] = [await owner(heldByA), await owner(heldByB)];
      const id = await newBoard(a);
      heldByA.set(id, (await a.leases.acquire(id, 'a', 0))!);
      // A writes while it holds the board
      const doc = new Y.Doc();
      const seq = await a.documents.appendUpdate(id, textUpdate(doc, 'a'));
      await a.sessions.putParticipant(testParticipant(id));
      await a.sessions.saveSession(id, stateWithVote(testRound(id)), 0);
      // B takes the lapsed lease over
      heldByB.set(id, (await b.leases.acquire(id, 'b', LONG))!);
      const before = { document: await b.documents.loadDocument(id), session: await b.sessions.loadSession(id) };
      const refused: Array<() => Promise<unknown>> = [
        async () => a.documents.appendUpdate(id, textUpdate(doc, 'late')),
        async () => a.documents.compact(id, Y.encodeStateAsUpdate(doc), seq),
        async () => a.sessions.saveSession(id, testState({ phaseIndex: 3 }), 1),
        async () => a.sessions.putParticipant(testParticipant(id, { id: 'p-late' })),
        async () => a.sessions.setBallot({ boardId: id, round: 1, participantId: 'p-amira', cardId: 'c', count: 1 }),
        async () => a.sessions.deleteBallots(id, 1, 'p-amira'),
        async () => a.sessions.putDraft({ boardId: id, participantId: 'p-amira', draftId: 'd', data: '{}', updatedAt: 1 }),
        async () => a.sessions.deleteDraft(id, 'p-amira', 'd'),
        async () => a.sessions.deleteDrafts(id),
      ];
      for (const write of refused) {
        await expect(write()).rejects.toSatisfy((e) => e instanceof LeaseLostError && e.epoch === 1 && e.boardId === id);
      }
      expect(await b.documents.loadDocument(id)).toEqual(before.document);
      expect(await b.sessions.loadSession(id)).toEqual(before.session);
      // B, under the current epoch, writes
      expect(await b.documents.appendUpdate(id, textUpdate(doc, 'b'))).toBeGreaterThan(seq);
      await b.documents.compact(id, Y.encodeStateAsUpdate(doc), seq);
      expect(await b.sessions.saveSession(id, testState({ phaseIndex: 3 }), 1)).toBe(2);
      await b.sessions.setBallot({ boardId: id, round: 1, participantId: 'p-amira', cardId: 'c', count: 1 });
      await b.sessions.putDraft({ boardId: id, participantId: 'p-amira', draftId: 'd', data: '{}', updatedAt: 1 });
      const session = await b.sessions.loadSession(id);
      expect(session.ballots).toHaveLength(1);
      expect(session.drafts).toHaveLength(1);
    });

    it('fencing: a fenced storage refuses writes on a board it holds no lease on; boards, versions and comments are not fenced', async () => {
      const a = await owner(new Map());
      const id = await newBoard(a);
      await expect(a.documents.appendUpdate(id, new Uint8Array([0, 0]))).rejects.toSatisfy(
        (e) => e instanceof LeaseLostError && e.epoch === null,
      );
      await expect(a.sessions.putParticipant(testParticipant(id))).rejects.toThrow(LeaseLostError);
      expect((await a.documents.loadDocument(id)).updates).toEqual([]);
      // an unknown board is still reported as unknown
      await expect(a.documents.appendUpdate('nope', new Uint8Array([0, 0]))).rejects.toThrow(UnknownBoardError);
      await expect(a.sessions.putParticipant(testParticipant('nope'))).rejects.toThrow(UnknownBoardError);
      await a.boards.setTokenHash(id, 'viewer', new Uint8Array([1]));
    });

    it('fencing: during a write storm, no write under the old epoch commits after a takeover', async () => {
      const heldByA = new Map<string, Lease>();
      const heldByB = new Map<string, Lease>();
      const [a, b] = [await owner(heldByA), await owner(heldByB)];
      const id = await newBoard(a);
      // a 0 ms lease: A writes under it until B takes it
      heldByA.set(id, (await a.leases.acquire(id, 'a', 0))!);
      const writes = Array.from({ length: 300 }, (_, i) => new Uint8Array([i >> 8, i & 255, 7]));
      let done = 0;
      let takeover: Promise<unknown> | undefined;
      const results = writes.map(async (bytes) => {
        try {
          return await a.documents.appendUpdate(id, bytes);
        } finally {
          // take over while most writes are still in flight, then read at once
          if (++done === 30) {
            takeover = (async () => {
              heldByB.set(id, (await b.leases.acquire(id, 'b', LONG))!);
              return b.documents.loadDocument(id);
            })();
          }
        }
      });
      const settled = await Promise.allSettled(results);
      const seen = (await takeover) as Awaited<ReturnType<Storage['documents']['loadDocument']>>;
      const stored = new Set(seen.updates.map((u) => Array.from(u).join()));
      const committed = settled.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      const refused = settled.filter((r) => r.status === 'rejected');
      expect(committed.length).toBeGreaterThanOrEqual(30);
      expect(refused.length).toBeGreaterThan(0);
      for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(LeaseLostError);
      // every write A was told had committed is in what B read right after taking over
      for (const i of committed) expect(stored.has(Array.from(writes[i]!).join())).toBe(true);
      expect(seen.updates).toHaveLength(committed.length);
    });
  });
}
