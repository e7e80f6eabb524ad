/**
 * The cluster as real processes (`node --import tsx server/main.ts`), on a PostgreSQL database of
 * this run's own and the machine's Redis under a key prefix of this run's own: an owner killed
 * with SIGKILL during a write storm, twice, and an owner paused with SIGSTOP whose writes are
 * fenced off once it wakes after its successor took over.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import * as encoding from 'lib0/encoding';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { CreateBoardResponse } from '../../shared/api.ts';
import { MessageType, SyncMessageType } from '../../shared/protocol.ts';
import { boardText, connectProvider, rawClient, storedText, text, waitFor, whenSynced, writeStorm, type TestProvider } from '../test/harness.ts';
import { createTestDatabase, type TestDatabase } from '../test/postgres.ts';
import { freePort, startServerProcess, type ServerProcess } from '../test/process.ts';
import { ownRedis } from '../test/redis.ts';
import { addTextCardsOverSocket } from '../test/session.ts';
import { PostgresStorage } from '../storage/postgres.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `crossboard-test:${randomBytes(6).toString('hex')}:`;

let db: TestDatabase;
let dataDir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = mkdtempSync(path.join(tmpdir(), 'crossboard-cluster-'));
});
afterAll(async () => {
  await db?.drop();
  rmSync(dataDir, { recursive: true, force: true });
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function processes(n: number, redisUrl = REDIS_URL, ports: number[] = []): Promise<ServerProcess[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => startProcess(redisUrl, ports[i])));
}

async function startProcess(redisUrl = REDIS_URL, port?: number): Promise<ServerProcess> {
  const env = { DATABASE_URL: db.url, REDIS_URL: redisUrl, REDIS_PREFIX: PREFIX, COMPACT_AFTER_UPDATES: '50' };
  const started = await startServerProcess(dataDir, { env, port });
  cleanups.push(() => started.kill());
  return started;
}

async function createBoard(p: ServerProcess): Promise<CreateBoardResponse> {
  const res = await fetch(`${p.url}/api/boards`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Cluster' }) });
  expect(res.status).toBe(201);
  return (await res.json()) as CreateBoardResponse;
}

function provider(p: ServerProcess, boardId: string, token: string, doc?: Y.Doc): TestProvider {
  const pr = connectProvider(p, boardId, token, doc);
  cleanups.push(() => pr.destroy());
  return pr;
}

/** ms until a fresh socket on `p` is served (gets its first frame) rather than closed with 1012. */
async function servedAfter(p: ServerProcess, board: CreateBoardResponse, since: number): Promise<number> {
  for (;;) {
    if (Date.now() - since > 10_000) throw new Error('not served within 10 s');
    const raw = await rawClient(p, board.id, board.tokens.viewer).catch(() => null);
    if (raw) {
      await waitFor(() => raw.messages.length > 0 || raw.closed !== null, 5000, 'first frame or close');
      const served = raw.messages.length > 0;
      raw.ws.terminate();
      if (served) return Date.now() - since;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Tokens `who` wrote that this client has: what it saw come from the server. */
function tokensFrom(doc: Y.Doc, who: string): string[] {
  return text(doc)
    .split(' ')
    .filter((t) => t.startsWith(who));
}

describe('the cluster as processes', () => {
  it('kill -9 of the owner during a write storm, twice: nothing any client saw is lost, served again within 3 s', async () => {
    const procs = await processes(3);
    const board = await createBoard(procs[0]!);
    await addTextCardsOverSocket(procs[0]!, board);
    const alive = [...procs];
    const timings: number[] = [];
    for (let round = 0; round < 2; round++) {
      // the first socket takes the board: its process is the owner
      const owner = alive[0]!;
      const other = alive[1]!;
      const a = provider(owner, board.id, board.tokens.contributor);
      await whenSynced(a);
      const b = provider(other, board.id, board.tokens.contributor);
      await whenSynced(b);
      const storm = writeStorm([
        [a, `a${round}.`],
        [b, `b${round}.`],
      ]);
      cleanups.push(storm.stop);
      await waitFor(() => tokensFrom(a.doc, `b${round}.`).length > 20 && tokensFrom(b.doc, `a${round}.`).length > 20, 10_000, 'the storm');

      owner.process.kill('SIGKILL');
      const killed = Date.now();
      storm.stop();
      const seen = [...tokensFrom(a.doc, `b${round}.`), ...tokensFrom(b.doc, `a${round}.`)];
      a.destroy();
      b.destroy();
      await owner.exited;
      alive.shift();

      timings.push(await servedAfter(other, board, killed));
      const fresh = provider(other, board.id, board.tokens.viewer);
      await whenSynced(fresh, 5000);
      const now = text(fresh.doc);
      expect(seen.filter((t) => !now.includes(`${t} `))).toEqual([]);
      fresh.destroy();
    }
    for (const ms of timings) expect(ms).toBeLessThan(3000);
  }, 60_000);

  it('SIGTERM of the owner hands its board over: its clients carry on through the other process and nothing is lost', async () => {
    const [p1, p2] = await processes(2);
    const board = await createBoard(p1!);
    await addTextCardsOverSocket(p1!, board);
    const a = provider(p1!, board.id, board.tokens.contributor);
    await whenSynced(a);
    const b = provider(p2!, board.id, board.tokens.contributor);
    await whenSynced(b);
    const storm = writeStorm([
      [a, 'a'],
      [b, 'b'],
    ]);
    const { written } = storm;
    cleanups.push(storm.stop);
    await waitFor(() => storm.rounds > 30, 5000, 'writes before');

    let lostSync = 0;
    b.on('sync', (synced: boolean) => {
      if (!synced) lostSync = Date.now();
    });
    b.on('status', ({ status }: { status: string }) => {
      if (status === 'disconnected' && lostSync === 0) lostSync = Date.now();
    });
    p1!.process.kill('SIGTERM');
    expect(await p1!.exited).toBe(0);
    // a load balancer sends a's reconnect to the process still running; its document goes with it
    a.destroy();
    const a2 = provider(p2!, board.id, board.tokens.contributor, a.doc);
    await waitFor(() => lostSync > 0 && b.synced && b.wsconnected, 10_000, 'b back');
    const gapMs = Date.now() - lostSync;
    await whenSynced(a2, 5000);
    const resumed = storm.rounds;
    await waitFor(() => storm.rounds > resumed + 30, 5000, 'writes after');
    storm.stop();

    const fresh = provider(p2!, board.id, board.tokens.viewer);
    await waitFor(() => written.every((t) => text(fresh.doc).includes(t)), 10_000, 'every write served');
    expect(gapMs).toBeLessThan(1500);
  }, 60_000);

  it('Redis restarted during writes (nothing kept): nothing acknowledged is lost, and the relays recover', async () => {
    const port = await freePort();
    let redis = await ownRedis(port);
    cleanups.push(() => redis.stop());
    const [p1, p2] = await processes(2, `redis://127.0.0.1:${port}/2`);
    const board = await createBoard(p1!);
    await addTextCardsOverSocket(p1!, board);
    const a = provider(p1!, board.id, board.tokens.contributor);
    await whenSynced(a);
    const b = provider(p2!, board.id, board.tokens.contributor);
    await whenSynced(b);
    const storm = writeStorm([
      [a, 'a'],
      [b, 'b'],
    ]);
    const { written } = storm;
    cleanups.push(storm.stop);
    await waitFor(() => tokensFrom(b.doc, 'a').length > 20, 5000, 'writes before');
    let closed = false;
    b.on('connection-close', () => (closed = true));
    await redis.stop();
    await waitFor(() => closed, 5000, 'the relay closed');
    const during = storm.rounds;
    await waitFor(() => storm.rounds > during + 20, 5000, 'writes while Redis is down');
    redis = await ownRedis(port);
    await waitFor(() => b.wsconnected && b.synced, 10_000, 'the relay back');
    const after = storm.rounds;
    await waitFor(() => storm.rounds > after + 20, 5000, 'writes after');
    storm.stop();

    await waitFor(() => written.every((t) => text(a.doc).includes(t) && text(b.doc).includes(t)), 10_000, 'every write on both');
    const storage = await PostgresStorage.open(db.url);
    cleanups.push(() => storage.close());
    const stored = await storedText(storage, board.id);
    expect(written.filter((t) => !stored.includes(t))).toEqual([]);
  }, 60_000);

  it('a rolling restart of three processes under writes loses nothing and leaves no client stuck', async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const procs = await processes(3, REDIS_URL, ports);
    const board = await createBoard(procs[0]!);
    await addTextCardsOverSocket(procs[0]!, board);
    const clients = procs.map((p) => provider(p, board.id, board.tokens.contributor));
    await Promise.all(clients.map((c) => whenSynced(c)));
    const storm = writeStorm(
      clients.map((c, i) => [c, `c${i}.`] as const),
      10,
    );
    const { written } = storm;
    cleanups.push(storm.stop);

    for (let i = 0; i < procs.length; i++) {
      const before = storm.rounds;
      await waitFor(() => storm.rounds > before + 10, 5000, 'writes before this restart');
      procs[i]!.process.kill('SIGTERM');
      expect(await procs[i]!.exited).toBe(0);
      // the same address comes back, as a restarted process behind a load balancer does
      procs[i] = await startProcess(REDIS_URL, ports[i]);
      await waitFor(() => clients.every((c) => c.wsconnected && c.synced), 10_000, 'every client synced again');
    }
    storm.stop();

    const fresh = provider(procs[1]!, board.id, board.tokens.viewer);
    await waitFor(() => written.every((t) => text(fresh.doc).includes(t)), 10_000, 'every write served');
    for (const c of clients) expect(text(c.doc)).toBe(text(fresh.doc));
  }, 90_000);

  it('a paused owner that wakes after its successor took over writes nothing (fenced by the lease)', async () => {
    const [p1, p2] = await processes(2);
    const board = await createBoard(p1!);
    await addTextCardsOverSocket(p1!, board);
    const a = provider(p1!, board.id, board.tokens.contributor);
    await whenSynced(a);
    const b = provider(p2!, board.id, board.tokens.contributor);
    await whenSynced(b);
    boardText(a.doc).insert(0, 'before ');
    await waitFor(() => text(b.doc) === 'before ', 5000, 'first write');

    // a raw client on the owner, with an update ready that the owner will only read once it wakes
    const raw = await rawClient(p1!, board.id, board.tokens.contributor);
    cleanups.push(() => raw.ws.terminate());
    const staleDoc = new Y.Doc();
    Y.applyUpdate(staleDoc, Y.encodeStateAsUpdate(b.doc));
    const before = Y.encodeStateVector(staleDoc);
    boardText(staleDoc).insert(0, 'PAUSED-WRITE ');
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MessageType.sync);
    encoding.writeVarUint(e, SyncMessageType.update);
    encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(staleDoc, before));

    p1!.process.kill('SIGSTOP');
    cleanups.push(() => p1!.process.kill('SIGCONT'));
    a.destroy();
    raw.send(encoding.toUint8Array(e));
    // the relay notices the owner's lease lapse, b comes back through p2, which takes the board
    await waitFor(() => !b.wsconnected, 10_000, 'the relay closed');
    await waitFor(() => b.synced, 10_000, 'b served by the successor');
    for (let i = 0; i < 60; i++) boardText(b.doc).insert(boardText(b.doc).length, `succ${i} `);
    const watcher = provider(p2!, board.id, board.tokens.viewer);
    await waitFor(() => text(watcher.doc).includes('succ59 '), 10_000, 'the successor serving');

    p1!.process.kill('SIGCONT');
    await waitFor(() => raw.closed !== null, 10_000, 'the woken owner lets go');
    expect([1011, 1012]).toContain(raw.closed!.code);
    // a read of the truth, once the woken process has had its chance to write
    await waitFor(() => p1!.output.join('').includes('lease'), 10_000, 'the woken owner reports its lease lost');
    const storage = await PostgresStorage.open(db.url);
    cleanups.push(() => storage.close());
    const stored = await storedText(storage, board.id);
    expect(stored).not.toContain('PAUSED-WRITE');
    for (let i = 0; i < 60; i++) expect(stored).toContain(`succ${i} `);
    expect(text(watcher.doc)).not.toContain('PAUSED-WRITE');
  }, 60_000);
});
