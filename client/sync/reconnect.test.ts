/**
 * The reconnect policy: the rules, the deferred socket, and real y-websocket providers against a
 * real Crossboard server that restarts (on the same port, with the same storage), beside plain
 * providers as the baseline that comes back in lockstep.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import * as decoding from 'lib0/decoding';
import * as prng from 'lib0/prng';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { CloseCode, MessageType } from '../../shared/protocol.ts';
import { readBoard } from '../../shared/board/index.ts';
import { CARD, laneMap } from '../../shared/schema.ts';
import { createApp } from '../../server/app.ts';
import type { Limits } from '../../server/config.ts';
import { MemoryStorage } from '../../server/storage/memory.ts';
import type { Storage } from '../../server/storage/storage.ts';
import { RECONNECT, ReconnectPolicy, deferredWebSocket, retryDelay, shouldReconnect, spreadFor } from './reconnect.ts';
import { SyncStatusStore } from './syncStatus.ts';

describe('which closes are retried', () => {
  it.each([
    [1012, 'server restarting'],
    [4408, 'client too slow'],
    [4429, 'rate limited'],
    [4503, 'board full'],
    [4504, 'too much presence on the board: it frees up as people leave'],
    [4409, 'awareness conflict'],
    [1006, 'connection lost'],
    [1011, 'internal error'],
    [1000, 'normal close'],
  ])('retries after %i (%s)', (code) => expect(shouldReconnect(code)).toBe(true));

  it.each([
    [4400, 'malformed message: a retry sends the same bytes'],
    [4422, 'invalid update: a retry sends the same bytes'],
    [4413, 'awareness state too big: a retry sends the same state'],
    [1009, 'message too big: a retry sends the same bytes'],
    [4401, 'link replaced: the token no longer works'],
    [4403, 'removed from the board'],
    [4410, 'a second presence on one connection: a retry sends it again'],
    [4414, 'board over its size cap: the document still holds the refused update'],
  ])('gives up after %i (%s)', (code) => expect(shouldReconnect(code)).toBe(false));
});

describe('how long to wait', () => {
  it('connects at once the first time', () => {
    expect(retryDelay(0, 0, () => 0.99)).toBe(0);
    expect(retryDelay(0, 5_000, () => 0.99)).toBe(0);
  });

  it('waits a random share of a ceiling that doubles from 200 ms to 10 s (full jitter)', () => {
    const ceiling = (attempt: number, spread = 0) => retryDelay(attempt, spread, () => 1);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => ceiling(n))).toEqual([200, 400, 800, 1600, 3200, 6400, 10_000, 10_000]);
    expect(ceiling(1_000)).toBe(RECONNECT.maxMs);
    expect(retryDelay(3, 0, () => 0)).toBe(0);
    expect(retryDelay(3, 0, () => 0.5)).toBe(400);
  });

  it('spreads returns over at least the close code asks for, still capped', () => {
    expect(spreadFor(CloseCode.serviceRestart)).toBe(2_000);
    expect(spreadFor(CloseCode.rateLimited)).toBe(5_000);
    expect(spreadFor(CloseCode.clientTooSlow)).toBe(5_000);
    expect(spreadFor(1006)).toBe(0);
    expect(retryDelay(1, spreadFor(CloseCode.serviceRestart), () => 1)).toBe(2_000);
    expect(retryDelay(1, spreadFor(CloseCode.rateLimited), () => 0.5)).toBe(2_500);
    expect(retryDelay(7, spreadFor(CloseCode.serviceRestart), () => 1)).toBe(10_000);
  });

  it('spreads many clients evenly: no instant gets more than a few of 2,000', () => {
    const gen = prng.create(7);
    const buckets = new Map<number, number>();
    for (let i = 0; i < 2_000; i++) {
      const at = Math.floor(retryDelay(1, spreadFor(CloseCode.serviceRestart), () => prng.real53(gen)) / 100);
      buckets.set(at, (buckets.get(at) ?? 0) + 1);
    }
    // 20 windows of 100 ms over the 2 s spread, about 100 each (y-websocket: all 2,000 at 200 ms).
    expect(buckets.size).toBe(20);
    expect(Math.max(...buckets.values())).toBeLessThan(150);
  });
});

describe('the deferred socket', () => {
  afterEach(() => vi.useRealTimers());

  class FakeSocket {
    static made: FakeSocket[] = [];
    binaryType = 'blob';
    readyState = 0;
    onopen: ((e: unknown) => void) | null = null;
    onclose: ((e: unknown) => void) | null = null;
    onmessage: ((e: unknown) => void) | null = null;
    onerror: ((e: unknown) => void) | null = null;
    sent: unknown[] = [];
    closed = false;
    constructor(readonly url: string) {
      FakeSocket.made.push(this);
    }
    send(data: unknown) {
      this.sent.push(data);
    }
    close() {
      this.closed = true;
    }
  }

  it('opens the real socket after the delay and then behaves as it', () => {
    vi.useFakeTimers();
    FakeSocket.made = [];
    const Deferred = deferredWebSocket(FakeSocket as unknown as typeof globalThis.WebSocket, () => 300);
    const ws = new Deferred('ws://x/board');
    ws.binaryType = 'arraybuffer';
    const opened = vi.fn();
    ws.onopen = opened;
    expect(ws.readyState).toBe(ws.CONNECTING);
    expect(() => ws.send('early')).toThrow(/still connecting/);
    vi.advanceTimersByTime(299);
    expect(FakeSocket.made).toHaveLength(0);
    vi.advanceTimersByTime(1);
    const real = FakeSocket.made[0]!;
    expect(real.url).toBe('ws://x/board');
    expect(real.binaryType).toBe('arraybuffer');
    real.readyState = 1;
    real.onopen!({ type: 'open' });
    expect(opened).toHaveBeenCalledWith({ type: 'open' });
    expect(ws.readyState).toBe(ws.OPEN);
    ws.send('hello');
    expect(real.sent).toEqual(['hello']);
    ws.close();
    expect(real.closed).toBe(true);
  });

  it('closing it before the delay is over cancels the attempt', () => {
    vi.useFakeTimers();
    FakeSocket.made = [];
    const Deferred = deferredWebSocket(FakeSocket as unknown as typeof globalThis.WebSocket, () => 300);
    const ws = new Deferred('ws://x/board');
    ws.close();
    expect(ws.readyState).toBe(ws.CLOSED);
    vi.advanceTimersByTime(1_000);
    expect(FakeSocket.made).toHaveLength(0);
  });

  it('opens at once when the delay is 0', () => {
    FakeSocket.made = [];
    const Deferred = deferredWebSocket(FakeSocket as unknown as typeof globalThis.WebSocket, () => 0);
    new Deferred('ws://x/board');
    expect(FakeSocket.made).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------
// With a real server

async function waitFor(condition: () => boolean, timeoutMs: number, label: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

type Running = { port: number; stop: () => Promise<void> };

/** A real Crossboard server on `port` (0: any free port). */
async function startServer(storage: Storage, port = 0, limits: Partial<Limits> = {}): Promise<Running> {
  const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  const built = createApp({ storage, logger: silent, limits: { idleUnloadMs: 0, connectionsPerSecondPerAddress: 10_000, connectionBurstPerAddress: 10_000, ...limits } });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: built.app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  built.injectWebSocket(server);
  return {
    port: (server.address() as AddressInfo).port,
    stop: async () => {
      await built.shutdown(); // every socket gets 1012
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function createBoard(port: number): Promise<{ id: string; tokens: { contributor: string } }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // a hackathon board starts with a problem card, whose title the clients write into
    body: JSON.stringify({ title: 'Reconnect board', template: 'hackathon' }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; tokens: { contributor: string } };
}

/** `ws` as the browser's WebSocket, recording when each real connection attempt starts. */
function countingSocket(attempts: number[]): typeof globalThis.WebSocket {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      attempts.push(performance.now());
    }
  } as unknown as typeof globalThis.WebSocket;
}

type Client = { provider: WebsocketProvider; doc: Y.Doc; attempts: number[]; policy: ReconnectPolicy | null };

function connect(port: number, boardId: string, token: string, jitter: { random: () => number } | null): Client {
  const attempts: number[] = [];
  const doc = new Y.Doc();
  const Base = countingSocket(attempts);
  const policy = jitter ? new ReconnectPolicy({ Base, random: jitter.random }) : null;
  const provider = new WebsocketProvider(`ws://127.0.0.1:${port}/ws`, boardId, doc, {
    params: { token },
    disableBc: true,
    ...(policy ? policy.providerOptions() : { WebSocketPolyfill: Base }),
  });
  policy?.attach(provider);
  provider.messageHandlers[MessageType.crossboard] = (_e, decoder) => void decoding.readVarString(decoder);
  return { provider, doc, attempts, policy };
}

/** The starter problem's title: text inside the board's layout that any contributor may edit. */
function title(doc: Y.Doc): Y.Text {
  const id = readBoard(doc).problems[0]!.id;
  return (laneMap(doc, 'problem').get(id) as Y.Map<unknown>).get(CARD.title) as Y.Text;
}

function attemptsAfter(clients: Client[], t: number): number[] {
  return clients.map((c) => c.attempts.find((a) => a > t)!).sort((a, b) => a - b);
}

describe('against a real server', () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('after a restart, jittered clients come back spread out and in sync; plain ones come back in lockstep', async () => {
    const storage = new MemoryStorage();
    let server = await startServer(storage);
    const port = server.port;
    cleanup.push(() => server.stop());
    const board = await createBoard(port);
    const gen = prng.create(42);
    const jittered = Array.from({ length: 12 }, () => connect(port, board.id, board.tokens.contributor, { random: () => prng.real53(gen) }));
    const plain = Array.from({ length: 6 }, () => connect(port, board.id, board.tokens.contributor, null));
    const all = [...jittered, ...plain];
    cleanup.push(() => all.forEach((c) => c.provider.destroy()));
    await waitFor(() => all.every((c) => c.provider.synced), 10_000, 'first sync');
    const start = title(all[0]!.doc).toString();
    title(all[0]!.doc).insert(0, 'before ');
    await waitFor(() => all.every((c) => title(c.doc).toString() === `before ${start}`), 5_000, 'the first write everywhere');

    const closedAt = performance.now();
    await server.stop();
    // Down for a moment; a write made meanwhile must arrive once everyone is back.
    title(all[1]!.doc).insert(0, 'offline ');
    await new Promise((resolve) => setTimeout(resolve, 300));
    server = await startServer(storage, port);
    await waitFor(() => all.every((c) => c.provider.synced), 15_000, 'everyone back in sync');
    const texts = () => all.map((c) => title(c.doc).toString());
    await waitFor(() => texts().every((t) => t === `offline before ${start}`), 5_000, `the offline write everywhere: ${JSON.stringify(texts())}`);

    // Plain y-websocket: every client's first retry 200 ms after the close, within a few ms.
    const plainFirst = attemptsAfter(plain, closedAt);
    expect(plainFirst.at(-1)! - plainFirst[0]!).toBeLessThan(60);
    // Jittered: first retries spread over the 2 s that a 1012 asks for, none at the same instant.
    const jitteredFirst = attemptsAfter(jittered, closedAt);
    expect(jitteredFirst.at(-1)! - jitteredFirst[0]!).toBeGreaterThan(800);
    const gaps = jitteredFirst.slice(1).map((t, i) => t - jitteredFirst[i]!);
    expect(gaps.filter((g) => g < 5).length).toBeLessThanOrEqual(2);
    for (const c of jittered) expect(c.policy!.delays.slice(1).every((d) => d < 2_000)).toBe(true);
  }, 30_000);

  it('gives up after a malformed message (4400) but comes back after rate limiting (4429)', async () => {
    const storage = new MemoryStorage();
    const server = await startServer(storage, 0, { messagesPerSecond: 2, messageBurst: 30 });
    cleanup.push(() => server.stop());
    const board = await createBoard(server.port);

    // 4400: the server closes, the provider stops for good and says why.
    const bad = connect(server.port, board.id, board.tokens.contributor, { random: () => 0.01 });
    cleanup.push(() => bad.provider.destroy());
    await waitFor(() => bad.provider.synced, 5_000, 'sync');
    const status = new SyncStatusStore(bad.provider, { online: () => true, events: new EventTarget() });
    cleanup.push(() => status.destroy());
    expect(status.getSnapshot()).toBe('synced');
    const closed = vi.fn();
    bad.provider.on('closed', closed);
    bad.provider.ws!.send(new Uint8Array([250, 250, 250]));
    await waitFor(() => closed.mock.calls.length > 0, 5_000, 'the closed event');
    expect(closed.mock.calls[0]![0]).toMatchObject({ code: CloseCode.malformedMessage });
    const attempts = bad.attempts.length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(bad.attempts.length).toBe(attempts);
    expect(bad.provider.shouldConnect).toBe(false);
    // the indicator says so, instead of "Reconnecting…" for ever
    expect(status.getSnapshot()).toBe('stopped');

    // 4429: too many messages; y-websocket alone would stop (4400-4499), this comes back.
    const noisy = connect(server.port, board.id, board.tokens.contributor, { random: () => 0.05 });
    cleanup.push(() => noisy.provider.destroy());
    await waitFor(() => noisy.provider.synced, 5_000, 'sync');
    const closes: number[] = [];
    noisy.provider.on('connection-close', (event) => closes.push(event?.code ?? 0));
    for (let i = 0; i < 60 && closes.length === 0; i++) noisy.provider.awareness.setLocalStateField('n', i);
    await waitFor(() => closes.length > 0, 5_000, 'rate-limit close');
    expect(closes[0]).toBe(CloseCode.rateLimited);
    await waitFor(() => noisy.provider.synced && noisy.provider.wsconnected, 5_000, 'back after 4429');
    // its wait was spread over the 5 s a 4429 asks for: 5% of 5 s
    expect(noisy.policy!.delays.at(-1)).toBe(250);
  }, 30_000);
});
