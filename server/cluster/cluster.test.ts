/**
 * Several servers in one test process, as several processes would be: each its own app and HTTP
 * server on port 0, sharing one storage (memory with in-memory leases, or this run's own
 * PostgreSQL database, fenced) and talking over the real Redis (a fresh key prefix per run).
 * Unmodified y-websocket providers connect to whichever server they like; the board's owner holds
 * every connection, the others relay. The same as real processes: processes.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { addIdea, addProblem, readBoard, type Author } from '../../shared/board/index.ts';
import { CloseCode } from '../../shared/protocol.ts';
import type { BoardOrigin } from '../../shared/origins.ts';
import type { RotateLinkResponse } from '../../shared/api.ts';
import { laneMap } from '../../shared/schema.ts';
import type { Limits } from '../config.ts';
import { MemoryStorage } from '../storage/memory.ts';
import {
  addTextCards,
  boardText,
  connectProvider,
  rawClient,
  startServer,
  text,
  waitFor,
  whenSynced,
  type TestProvider,
  type TestServer,
  writeStorm,
} from '../test/harness.ts';
import { barrier, bytesAsText, command, connectRecordingProvider, ok, person, until } from '../test/session.ts';
import { PostgresStorage } from '../storage/postgres.ts';
import type { LeaseStore } from '../storage/leases.ts';
import { createTestDatabase, type TestDatabase } from '../test/postgres.ts';
import { FenceBook } from './leaseKeeper.ts';
import { MemoryLeaseStore } from './memoryLeases.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `crossboard-test:${randomBytes(6).toString('hex')}:`;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  // the rate limiters' keys: this run's prefix only
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

type Backend = 'memory' | 'postgres';
type Cluster = { servers: TestServer[]; leases: LeaseStore };

let db: TestDatabase | null = null;
afterAll(async () => {
  await db?.drop();
});

/**
 * `n` servers on one storage: one `MemoryStorage` with `MemoryLeaseStore`, or, as processes
 * would, a `PostgresStorage` each on this run's database, fenced by its own leases.
 */
async function cluster(backend: Backend, n = 3, options: { limits?: Partial<Limits>; leaseTtlMs?: number } = {}): Promise<Cluster> {
  const memory = backend === 'memory' ? new MemoryStorage() : null;
  const memoryLeases = memory ? new MemoryLeaseStore(memory.boards) : null;
  if (!memory) db ??= await createTestDatabase();
  const run = randomBytes(4).toString('hex');
  const servers: TestServer[] = [];
  for (let i = 0; i < n; i++) {
    const fences = new FenceBook();
    const storage = memory ?? (await PostgresStorage.open(db!.url, { fenceOf: fences.fenceOf }));
    if (!memory) cleanups.push(() => storage.close());
    const s = await startServer({
      storage,
      limits: options.limits,
      cluster: {
        redisUrl: REDIS_URL,
        redisPrefix: PREFIX,
        processId: `p${i + 1}-${run}`,
        leases: memoryLeases ?? undefined,
        fences,
        leaseTtlMs: options.leaseTtlMs,
        checkMs: 200,
      },
    });
    servers.push(s);
    // a test may have stopped a server as if killed: its board's final store is then fenced off
    cleanups.push(() => s.close().catch(() => undefined));
  }
  return { servers, leases: memoryLeases ?? servers[0]!.storage.leases! };
}

function provider(s: TestServer, boardId: string, token: string): TestProvider {
  const p = connectProvider(s, boardId, token);
  cleanups.push(() => p.destroy());
  return p;
}

const fay: Author = { participantId: 'fay', name: 'Fay', organisation: 'City council', sector: 'public sector' };
const facOrigin: BoardOrigin = { kind: 'local', participantId: 'fay' };

describe.each(['memory', 'postgres'] as const)('a cluster of processes (storage: %s)', (backend) => {
  it('providers on different processes converge, through one owner, and presence crosses processes', async () => {
    const { servers } = await cluster(backend, 3);
    const [s1, s2, s3] = servers as [TestServer, TestServer, TestServer];
    const board = await s2.createBoard();
    await addTextCards(s1, board.id);

    const a = provider(s1, board.id, board.tokens.contributor);
    await whenSynced(a);
    const b = provider(s2, board.id, board.tokens.contributor);
    const c = provider(s3, board.id, board.tokens.contributor);
    // two on one relaying process: the owner's broadcasts reach them as one message over Redis
    const d = provider(s2, board.id, board.tokens.contributor);
    await Promise.all([whenSynced(b), whenSynced(c), whenSynced(d)]);
    // s1 took the board first; the others relay to it and load nothing
    expect(s1.rooms.peek(board.id)?.connectionCount).toBe(4);
    expect(s2.rooms.peek(board.id)).toBeUndefined();
    expect(s3.rooms.peek(board.id)).toBeUndefined();
    expect(s2.cluster!.relays.count).toBe(2);
    expect(s3.cluster!.relays.count).toBe(1);

    for (let i = 0; i < 20; i++) {
      boardText(a.doc).insert(0, 'a');
      boardText(b.doc).insert(0, 'b');
      boardText(c.doc).insert(0, 'c');
      boardText(d.doc).insert(0, 'd');
    }
    await waitFor(() => [a, b, c, d].every((p) => text(p.doc).length === 80), 5000, 'convergence');
    for (const p of [b, c, d]) expect(text(p.doc)).toBe(text(a.doc));

    a.awareness.setLocalStateField('user', { name: 'Ana' });
    c.awareness.setLocalStateField('user', { name: 'Cem' });
    await waitFor(() => (b.awareness.getStates().get(a.awareness.clientID) as { user?: { name: string } } | undefined)?.user?.name === 'Ana', 5000, 'Ana on s2');
    await waitFor(() => (a.awareness.getStates().get(c.awareness.clientID) as { user?: { name: string } } | undefined)?.user?.name === 'Cem', 5000, 'Cem on s1');
    // a relayed client leaving takes its presence with it
    c.destroy();
    await waitFor(() => !a.awareness.getStates().has(c.awareness.clientID), 5000, 'Cem gone');
    await waitFor(() => s1.rooms.peek(board.id)?.connectionCount === 3, 5000, 'relayed connection released');
  });

  it('a voter with two sockets on two processes cannot exceed the budget; hidden totals stay hidden', async () => {
    const { servers } = await cluster(backend, 3);
    const [s1, s2, s3] = servers as [TestServer, TestServer, TestServer];
    const board = await s1.createBoard({ title: 'Hack', template: 'hackathon' });
    const fac = await person(s1, board, 'facilitator', 'Fay');
    cleanups.push(() => fac.provider.destroy());
    const problem = addProblem(fac.provider.doc, { title: 'Missed rent', author: fay }, facOrigin);
    const ideas = ['Text nudges', 'Drop-in hub', 'Landlord hotline'].map((title) =>
      addIdea(fac.provider.doc, { title, author: fay, problemId: problem }, facOrigin),
    );
    const amira = await person(s2, board, 'contributor', 'Amira');
    cleanups.push(() => amira.provider.destroy());
    const tab = connectRecordingProvider(s3, board.id, board.tokens.contributor);
    const watcher = connectRecordingProvider(s3, board.id, board.tokens.viewer);
    cleanups.push(() => tab.destroy(), () => watcher.destroy());
    await Promise.all([whenSynced(tab), whenSynced(watcher)]);
    await ok(tab, 'join', { name: 'Amira', organisation: 'Shelter', sector: 'private sector', participantId: amira.me.participantId, secret: amira.me.secret });
    await waitFor(() => ideas.every((id) => laneMap(amira.provider.doc, 'idea').has(id) && laneMap(tab.doc, 'idea').has(id)));
    expect(s1.rooms.peek(board.id)?.connectionCount).toBe(4);

    await ok(fac.provider, 'setPhase', { phaseId: 'vote' });
    await ok(fac.provider, 'openVote', { config: { votesPerPerson: 3, maxPerCard: 3, hideUntilReveal: true } });
    // six dots at once, three through each process
    const tries = [amira.provider, tab, amira.provider, tab, amira.provider, tab].map((p, i) => command(p, 'castVote', { cardId: ideas[i % 3]! }));
    const results = await Promise.all(tries);
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.error.code === 'budget-spent')).toBe(true);
    await until(tab, 'myVotes', (m) => m.used === 3 && m.remaining === 0);

    // nobody saw totals before the reveal, relayed or not; a relayed HTTP read agrees
    await ok(fac.provider, 'closeVote');
    const votes = (await (await fetch(`${s3.url}/api/boards/${board.id}/votes`, { headers: { authorization: `Bearer ${board.tokens.viewer}` } })).json()) as {
      rounds: { tallies: unknown[] }[];
    };
    expect(votes.rounds[0]!.tallies).toEqual([]);
    await barrier(watcher);
    await barrier(tab);
    for (const l of [watcher, tab]) {
      const seen = bytesAsText(l.received);
      expect(seen).not.toContain('"tallies"');
      expect(seen).not.toContain('"voteResult"');
    }
    await ok(fac.provider, 'revealVote');
    await until(watcher, 'voteResult', (m) => m.result.status === 'revealed');
  });

  it('a private draft reaches its author’s relayed sockets and nobody else’s', async () => {
    const { servers } = await cluster(backend, 2);
    const [s1, s2] = servers as [TestServer, TestServer];
    const board = await s1.createBoard({ title: 'Jam', template: 'lightning-decision-jam' });
    const fac = await person(s1, board, 'facilitator', 'Fay');
    cleanups.push(() => fac.provider.destroy());
    await ok(fac.provider, 'setPhase', { phaseId: 'solutions' });
    await ok(fac.provider, 'setPrivateMode', { on: true });
    const amira = await person(s2, board, 'contributor', 'Amira');
    const amiraTab = connectRecordingProvider(s1, board.id, board.tokens.contributor);
    const ben = connectRecordingProvider(s2, board.id, board.tokens.contributor);
    cleanups.push(() => amira.provider.destroy(), () => amiraTab.destroy(), () => ben.destroy());
    await Promise.all([whenSynced(amiraTab), whenSynced(ben)]);
    await ok(amiraTab, 'join', { name: 'Amira', organisation: 'x', sector: 'private sector', participantId: amira.me.participantId, secret: amira.me.secret });
    await ok(ben, 'join', { name: 'Ben', organisation: 'Acme', sector: 'private sector' });

    await ok(amira.provider, 'saveDraft', { title: 'DRAFT-SECRET-77' });
    await until(amiraTab, 'drafts', (m) => m.drafts.length === 1);
    await barrier(ben);
    expect(bytesAsText(ben.received)).not.toContain('DRAFT-SECRET');
    expect(fac.provider.control.some((m) => m.type === 'drafts' && m.drafts.length > 0)).toBe(false);
  });

  it('rotating a link on a process that does not serve the board closes the old token’s relayed sockets', async () => {
    const { servers } = await cluster(backend, 3);
    const [s1, s2, s3] = servers as [TestServer, TestServer, TestServer];
    const board = await s1.createBoard();
    const owner = provider(s1, board.id, board.tokens.facilitator);
    await whenSynced(owner);
    const relayed = await rawClient(s2, board.id, board.tokens.contributor);
    cleanups.push(() => relayed.ws.terminate());
    await waitFor(() => s1.rooms.peek(board.id)?.connectionCount === 2, 5000, 'relayed connection on the owner');

    const res = await fetch(`${s3.url}/api/boards/${board.id}/links/contributor/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${board.tokens.facilitator}` },
    });
    expect(res.status).toBe(200);
    const rotated = (await res.json()) as RotateLinkResponse;
    await waitFor(() => relayed.closed !== null, 5000, 'relayed socket closed');
    expect(relayed.closed!.code).toBe(CloseCode.linkRotated);
    // the new token works through any process
    const fresh = provider(s3, board.id, rotated.token);
    await whenSynced(fresh);
  });

  it('a comment posted on a process that does not serve the board reaches the owner’s sockets and relayed ones', async () => {
    const { servers } = await cluster(backend, 3);
    const [s1, s2, s3] = servers as [TestServer, TestServer, TestServer];
    const board = await s1.createBoard();
    const local = provider(s1, board.id, board.tokens.contributor);
    await whenSynced(local);
    const relayed = provider(s2, board.id, board.tokens.contributor);
    await whenSynced(relayed);
    const res = await fetch(`${s3.url}/api/boards/${board.id}/comments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${board.tokens.viewer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ target: { kind: 'section', id: 'challenge' }, text: 'From the sponsor' }),
    });
    expect(res.status).toBe(201);
    for (const p of [local, relayed]) {
      await until(p, 'comments', (m) => m.comments.some((c) => c.text === 'From the sponsor'));
    }
    expect(s3.rooms.peek(board.id)).toBeUndefined();
  });

  it('HTTP reads on a process that does not serve the board come from storage, without loading a second room', async () => {
    const { servers } = await cluster(backend, 2);
    const [s1, s2] = servers as [TestServer, TestServer];
    const board = await s1.createBoard({ title: 'Before' });
    const fac = await person(s1, board, 'facilitator', 'Fay');
    cleanups.push(() => fac.provider.destroy());
    const p = fac.provider;
    // written through the owner a moment ago: stored before anyone saw it, so storage has it
    addProblem(p.doc, { title: 'Written-just-now', author: fay }, facOrigin);
    const watcher = provider(s1, board.id, board.tokens.viewer);
    await waitFor(() => readBoard(watcher.doc).problems.some((x) => x.title === 'Written-just-now'), 5000, 'stored and broadcast');
    const info = (await (await fetch(`${s2.url}/api/boards/${board.id}`, { headers: { authorization: `Bearer ${board.tokens.viewer}` } })).json()) as {
      title: string;
    };
    expect(info.title).toBe('Before');
    const brief = await fetch(`${s2.url}/api/boards/${board.id}/brief.md`, { headers: { authorization: `Bearer ${board.tokens.viewer}` } });
    expect(brief.status).toBe(200);
    const markdown = await brief.text();
    expect(markdown).toContain('Before');
    expect(markdown).toContain('Written-just-now');
    expect(s2.rooms.peek(board.id)).toBeUndefined();
    expect(s1.rooms.peek(board.id)).toBeDefined();
  });

  it('a process that shuts down hands its boards over: its clients carry on through another process', async () => {
    const { servers } = await cluster(backend, 2);
    const [s1, s2] = servers as [TestServer, TestServer];
    const board = await s1.createBoard();
    await addTextCards(s1, board.id);
    const a = provider(s1, board.id, board.tokens.contributor);
    await whenSynced(a);
    const b = provider(s2, board.id, board.tokens.contributor);
    await whenSynced(b);
    boardText(a.doc).insert(0, 'before ');
    await waitFor(() => text(b.doc) === 'before ', 5000, 'first write');

    await s1.close();
    // `a` reconnects where it was told; a load balancer would send it to s2, as this does
    a.destroy();
    const a2 = provider(s2, board.id, board.tokens.contributor);
    await whenSynced(a2, 5000);
    await waitFor(() => b.wsconnected && b.synced, 5000, 'b back');
    expect(s2.rooms.peek(board.id)).toBeDefined();
    boardText(b.doc).insert(text(b.doc).length, 'after');
    await waitFor(() => text(a2.doc) === 'before after', 5000, 'write after the handover');
  });

  it('an owner that dies mid-storm: everything any client saw is served again by another process within the lease time', async () => {
    const { servers } = await cluster(backend, 2, { leaseTtlMs: 900 });
    const [s1, s2] = servers as [TestServer, TestServer];
    const board = await s1.createBoard();
    await addTextCards(s1, board.id);
    const a = provider(s1, board.id, board.tokens.contributor);
    await whenSynced(a);
    const b = provider(s2, board.id, board.tokens.contributor);
    await whenSynced(b);
    const storm = writeStorm([
      [a, 'a'],
      [b, 'b'],
    ]);
    cleanups.push(storm.stop);
    await waitFor(() => storm.rounds >= 30 && text(a.doc).includes('b20 '), 5000, 'writes through both');

    // s1 stops as a killed process would: no lease renewal or release, off Redis, its clients cut
    storm.stop();
    // what each saw of the other's writes came from the owner: stored before it was sent
    const tokens = (doc: typeof a.doc, who: string) => text(doc).split(' ').filter((t) => t.startsWith(who));
    const seen = [...tokens(a.doc, 'b'), ...tokens(b.doc, 'a')];
    expect(seen.length).toBeGreaterThan(40);
    const died = Date.now();
    await s1.cluster!.close();
    a.destroy();
    b.destroy();

    const fresh = provider(s2, board.id, board.tokens.viewer);
    await whenSynced(fresh, 5000);
    const servedAfterMs = Date.now() - died;
    const now = text(fresh.doc);
    expect(seen.filter((t) => !now.includes(`${t} `))).toEqual([]);
    expect(s2.rooms.peek(board.id)).toBeDefined();
    expect(servedAfterMs).toBeLessThan(3000);
  });

  it('a process whose lease is taken over drops the board unstored and closes its sockets with 1012', async () => {
    const { servers, leases } = await cluster(backend, 2, { leaseTtlMs: 300 });
    const [s1] = servers as [TestServer, TestServer];
    const board = await s1.createBoard();
    const raw = await rawClient(s1, board.id, board.tokens.contributor);
    cleanups.push(() => raw.ws.terminate());
    await waitFor(() => s1.rooms.peek(board.id) !== undefined, 5000, 'loaded');
    // another holder takes the board over, as after a pause longer than the lease
    const held = (await leases.current(board.id))!;
    await leases.release({ boardId: board.id, holder: held.holder, epoch: held.epoch });
    expect(await leases.acquire(board.id, 'usurper', 10_000)).not.toBeNull();
    await waitFor(() => raw.closed !== null, 5000, 'closed');
    expect(raw.closed!.code).toBe(CloseCode.serviceRestart);
    expect(s1.rooms.peek(board.id)).toBeUndefined();
    expect(s1.cluster!.keeper.fences.fenceOf(board.id)).toBeUndefined();
  });

  it('the board’s capacity holds across processes: the owner counts relayed connections', async () => {
    const { servers } = await cluster(backend, 2, { limits: { maxConnectionsPerBoard: 2, maxViewerConnectionsPerBoard: 1 } });
    const [s1, s2] = servers as [TestServer, TestServer];
    const board = await s1.createBoard();
    const first = await rawClient(s1, board.id, board.tokens.contributor);
    const second = await rawClient(s2, board.id, board.tokens.contributor);
    cleanups.push(() => first.ws.terminate(), () => second.ws.terminate());
    await waitFor(() => s1.rooms.peek(board.id)?.connectionCount === 2, 5000, 'two on the owner');
    // s2 has no room to ask before the upgrade; the owner refuses the third as it joins
    const third = await rawClient(s2, board.id, board.tokens.contributor);
    cleanups.push(() => third.ws.terminate());
    await waitFor(() => third.closed !== null, 5000, 'third refused');
    expect(third.closed!.code).toBe(CloseCode.boardFull);
    expect(second.closed).toBeNull();
  });

  it('a relaying process that is gone: the owner lets its connections go, presence and all', async () => {
    const { servers } = await cluster(backend, 2);
    const [s1, s2] = servers as [TestServer, TestServer];
    const board = await s1.createBoard();
    const a = provider(s1, board.id, board.tokens.contributor);
    await whenSynced(a);
    const b = provider(s2, board.id, board.tokens.contributor);
    await whenSynced(b);
    b.awareness.setLocalStateField('user', { name: 'Bo' });
    await waitFor(() => a.awareness.getStates().has(b.awareness.clientID), 5000, 'Bo present');
    // s2 leaves Redis as a killed process would, without telling anyone
    await s2.cluster!.close();
    await waitFor(() => s1.rooms.peek(board.id)?.connectionCount === 1, 5000, 'relayed connection let go');
    await waitFor(() => !a.awareness.getStates().has(b.awareness.clientID), 5000, 'Bo gone');
  });

  it('board creations are limited per address across processes', async () => {
    const { servers } = await cluster(backend, 2, { limits: { boardsPerMinutePerAddress: 1, boardCreationBurstPerAddress: 3 } });
    const [s1, s2] = servers as [TestServer, TestServer];
    const statuses: number[] = [];
    for (const s of [s1, s2, s1, s2]) {
      const res = await fetch(`${s.url}/api/boards`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'x' }) });
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 201).length).toBeLessThanOrEqual(3);
    expect(statuses.at(-1)).toBe(429);
  });
});
