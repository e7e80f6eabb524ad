/**
 * GET /api/health and GET /api/ready on a real server: ready while storage (and Redis, in a
 * cluster) answers; 503 from the moment shutdown begins, and when SQLite is closed, PostgreSQL
 * stops answering or Redis goes away. PostgreSQL is cut off by closing a TCP proxy the storage
 * connects through, so the database itself (and other tests on it) are never touched.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthResponse, NotReadyResponse, ReadyResponse } from '../../shared/api.ts';
import { MemoryLeaseStore } from '../cluster/memoryLeases.ts';
import { MemoryStorage } from '../storage/memory.ts';
import { PostgresStorage } from '../storage/postgres.ts';
import { SqliteStorage } from '../storage/sqlite.ts';
import { ObservedStorage } from '../test/fakes.ts';
import { addTextCards, boardText, connectProvider, startServer, storedText, waitFor, whenSynced, type TestServer } from '../test/harness.ts';
import { createTestDatabase } from '../test/postgres.ts';
import { freePort } from '../test/process.ts';
import { ownRedis } from '../test/redis.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(options: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const s = await startServer(options);
  cleanups.push(() => s.close());
  return s;
}

async function ready(s: TestServer): Promise<{ status: number; body: ReadyResponse | NotReadyResponse }> {
  const res = await fetch(`${s.url}/api/ready`);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return { status: res.status, body: (await res.json()) as ReadyResponse | NotReadyResponse };
}

/** A TCP proxy to `target` on `port` (default: a free one); `cut()` closes the port and every connection through it. */
async function tcpProxy(target: { host: string; port: number }, listenPort = 0): Promise<{ port: number; cut(): Promise<void> }> {
  const open = new Set<Socket>();
  const proxy = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => (socket === client ? upstream : client).destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => proxy.listen(listenPort, '127.0.0.1', resolve));
  const { port } = proxy.address() as { port: number };
  return {
    port,
    cut: async () => {
      const closed = new Promise<void>((resolve) => proxy.close(() => resolve()));
      for (const socket of open) socket.destroy();
      await closed;
    },
  };
}

describe('liveness and readiness', () => {
  it('health: 200 with the loaded boards; ready: 200 while storage answers', async () => {
    const s = await server({ storage: new MemoryStorage() });
    const health = await fetch(`${s.url}/api/health`);
    expect(health.status).toBe(200);
    expect((await health.json()) as HealthResponse).toEqual({ ok: true, rooms: 0 });
    expect(await ready(s)).toEqual({ status: 200, body: { ready: true } });
  });

  it('ready: 503 "draining" from the moment shutdown begins, while the boards are still being stored; health stays 200', async () => {
    const storage = new ObservedStorage();
    const s = await server({ storage });
    const board = await s.createBoard();
    await addTextCards(s, board.id);
    const client = connectProvider(s, board.id, board.tokens.contributor);
    cleanups.push(() => client.destroy());
    await whenSynced(client);
    const appended = () => storage.calls.filter((c) => c === 'append').length;
    const before = appended();
    boardText(client.doc).insert(0, 'kept through the drain');
    await waitFor(() => appended() > before, 5000, 'the edit stored');
    expect((await ready(s)).status).toBe(200);

    // the board's final store waits until released, so the drain is still under way below
    let release!: () => void;
    storage.holdCompact = new Promise((resolve) => (release = resolve));
    let drained = false;
    const draining = s.shutdown().then(() => (drained = true));
    expect(await ready(s)).toEqual({ status: 503, body: { ready: false, reason: 'draining' } });
    expect((await fetch(`${s.url}/api/health`)).status).toBe(200);
    expect(drained).toBe(false);

    storage.holdCompact = null;
    release();
    await draining;
    expect(await storedText(storage, board.id)).toContain('kept through the drain');
    expect((await ready(s)).body).toEqual({ ready: false, reason: 'draining' });
  });

  it('ready: 503 "storage unreachable" once SQLite is closed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'crossboard-ready-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const storage = SqliteStorage.open(dir);
    cleanups.push(() => storage.close());
    const s = await server({ storage });
    expect((await ready(s)).status).toBe(200);
    storage.close();
    expect(await ready(s)).toEqual({ status: 503, body: { ready: false, reason: 'storage unreachable' } });
    expect(s.logs).toContainEqual(expect.objectContaining({ level: 'warn', message: 'not ready', fields: expect.objectContaining({ reason: 'storage unreachable' }) }));
  });

  it('ready: 503 "storage unreachable" when PostgreSQL stops answering, 200 again when it is back', async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const url = new URL(database.url);
    const target = { host: url.hostname, port: Number(url.port || 5432) };
    let proxy = await tcpProxy(target);
    cleanups.push(() => proxy.cut());
    url.host = `127.0.0.1:${proxy.port}`;
    const storage = await PostgresStorage.open(url.toString());
    cleanups.push(() => storage.close());
    const s = await server({ storage });
    expect((await ready(s)).status).toBe(200);

    await proxy.cut();
    expect(await ready(s)).toEqual({ status: 503, body: { ready: false, reason: 'storage unreachable' } });

    // the same port open again: the pool connects anew and the server is ready again
    proxy = await tcpProxy(target, proxy.port);
    expect(await ready(s)).toEqual({ status: 200, body: { ready: true } });
    expect(s.logs).toContainEqual(expect.objectContaining({ message: 'ready again' }));
  });

  it('ready: 503 "redis unreachable" in a cluster whose Redis has gone', async () => {
    const port = await freePort();
    const redis = await ownRedis(port);
    cleanups.push(() => redis.stop());
    const storage = new MemoryStorage();
    const s = await server({
      storage,
      cluster: {
        redisUrl: `redis://127.0.0.1:${port}/3`,
        redisPrefix: `crossboard-test:${randomBytes(6).toString('hex')}:`,
        processId: 'p1',
        leases: new MemoryLeaseStore(storage.boards),
      },
    });
    expect((await ready(s)).status).toBe(200);
    await redis.stop();
    await waitFor(() => !s.cluster!.bus.ready, 5000, 'the Redis connections to drop');
    expect(await ready(s)).toEqual({ status: 503, body: { ready: false, reason: 'redis unreachable' } });
  });
});
