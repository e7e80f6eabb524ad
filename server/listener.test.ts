/**
 * The port that opens before the app: what arrives first is held and answered once the app is
 * attached, grouped by path; what is held is bounded in number and in time.
 */
import type { IncomingMessage, Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { testListener, type TestListener } from './test/earlyListener.ts';
import { upgradeStatus, waitFor } from './test/harness.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function listener(options: { maxHeld?: number; holdMs?: number } = {}): Promise<TestListener> {
  const l = await testListener(options);
  cleanups.push(l.close);
  return l;
}

/** An app that answers each request with its URL, records the order, and upgrades /ws/* to an echo. */
function app(order: string[]): (server: Server) => void {
  const wss = new WebSocketServer({ noServer: true });
  cleanups.push(() => wss.close());
  wss.on('connection', (ws) => ws.on('message', (data) => ws.send(data)));
  return (server) => {
    server.on('request', (req: IncomingMessage, res) => {
      order.push(req.url!);
      res.end(req.url);
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      order.push(req.url!);
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    });
  };
}

describe('listenEarly', () => {
  it('holds what arrives before the app is attached, then hands it over grouped by path, in the order each path first came', async () => {
    const l = await listener();
    // one at a time, so that the order they arrive in is known
    const answers: Promise<string>[] = [];
    for (const path of ['/b/1?x=1', '/a', '/b/1?x=2']) {
      answers.push(fetch(l.url + path).then((res) => res.text()));
      await waitFor(() => l.held === answers.length, 5000, `${path} held`);
    }
    const ws = new WebSocket(`ws://127.0.0.1:${l.port}/b/1?socket`);
    const opened = new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    cleanups.push(() => ws.terminate());
    await waitFor(() => l.held === 4, 5000, 'the socket held');

    const order: string[] = [];
    await l.open(app(order));
    expect(await Promise.all(answers)).toEqual(['/b/1?x=1', '/a', '/b/1?x=2']);
    await opened;
    const echo = new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
    ws.send('still there');
    expect(await echo).toBe('still there');
    // the second /b/1 request and the socket join the first, ahead of /a
    expect(order).toEqual(['/b/1?x=1', '/b/1?x=2', '/b/1?socket', '/a']);
    expect(l.held).toBe(0);
    // after opening, requests go straight to the app
    expect(await (await fetch(`${l.url}/after`)).text()).toBe('/after');
  });

  it('beyond maxHeld a request gets 503 with Retry-After at once, an upgrade 503; one held past holdMs gets 503 then', async () => {
    const l = await listener({ maxHeld: 1, holdMs: 300 });
    const first = fetch(`${l.url}/first`);
    await waitFor(() => l.held === 1, 5000, 'one held');
    const over = await fetch(`${l.url}/over`);
    expect(over.status).toBe(503);
    expect(over.headers.get('retry-after')).toBe('1');
    expect(await upgradeStatus(`ws://127.0.0.1:${l.port}/ws/over`)).toBe(503);
    // never opened: the first one waited its holdMs and is refused the same way
    const late = await first;
    expect(late.status).toBe(503);
    expect(late.headers.get('retry-after')).toBe('1');
    expect(l.held).toBe(0);
  });

  it('forgets a request whose client gave up while it waited', async () => {
    const l = await listener();
    const abort = new AbortController();
    const gone = fetch(`${l.url}/gone`, { signal: abort.signal }).catch(() => 'aborted');
    const kept = fetch(`${l.url}/kept`).then((res) => res.text());
    await waitFor(() => l.held === 2, 5000, 'two held');
    abort.abort();
    expect(await gone).toBe('aborted');
    await waitFor(() => l.held === 1, 5000, 'the abandoned one forgotten');
    const order: string[] = [];
    await l.open(app(order));
    expect(await kept).toBe('/kept');
    expect(order).toEqual(['/kept']);
  });

  it('a client that resets its connection while its upgrade is held, or while the app checks it, takes nothing down', async () => {
    // without an 'error' listener on the socket, the reset is an uncaught exception and fails the run
    const l = await listener();
    const early = await upgradeRequest(l.port, '/ws/early');
    await waitFor(() => l.held === 1, 5000, 'the upgrade held');
    early.resetAndDestroy();
    // forgotten on the server's 'close', which comes after its 'error'
    await waitFor(() => l.held === 0, 5000, 'the reset one forgotten');

    // an app that takes its time over an upgrade (a board check waiting for storage) and adds no listener of its own
    let checking: ((socket: Duplex) => void) | null = null;
    const checked = new Promise<Duplex>((resolve) => (checking = resolve));
    await l.open((server) => server.on('upgrade', (_req: IncomingMessage, socket: Duplex) => checking!(socket)));
    const late = await upgradeRequest(l.port, '/ws/late');
    const socket = await checked;
    const closed = new Promise((resolve) => socket.once('close', resolve));
    late.resetAndDestroy();
    await closed;
    expect(socket.destroyed).toBe(true);
  });
});

/** A raw WebSocket upgrade request to `path`, written and left waiting for its answer. */
function upgradeRequest(port: number, path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}
