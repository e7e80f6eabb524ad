import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { binaryFrame, sendShared } from './sharedFrame.ts';

let wss: WebSocketServer;
let url: string;
const serverSide: WebSocket[] = [];

beforeAll(async () => {
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  wss.on('connection', (ws) => serverSide.push(ws));
  await once(wss, 'listening');
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => wss.close(() => resolve())));

describe('pre-framed fan-out', () => {
  it('builds the same header ws would for each length class', () => {
    expect([...binaryFrame(new Uint8Array([1, 2])).subarray(0, 2)]).toEqual([0x82, 2]);
    expect([...binaryFrame(new Uint8Array(200)).subarray(0, 4)]).toEqual([0x82, 126, 0, 200]);
    const big = binaryFrame(new Uint8Array(70_000));
    expect([...big.subarray(0, 10)]).toEqual([0x82, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70]);
    expect(big.length).toBe(70_010);
  });

  it('delivers identical messages of every size to stock ws clients, in order with ws.send', async () => {
    const clients = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const ws = new WebSocket(url);
        await once(ws, 'open');
        const received: Buffer[] = [];
        ws.on('message', (data: Buffer) => received.push(data));
        return { ws, received };
      }),
    );
    await expect.poll(() => serverSide.length).toBe(3);
    const payloads = [new Uint8Array([7]), new Uint8Array(125).fill(1), new Uint8Array(126).fill(2), new Uint8Array(65_535).fill(3), new Uint8Array(65_536).fill(4), new Uint8Array(300_000).fill(5)];
    for (const p of payloads) {
      for (const ws of serverSide) sendShared(ws, p);
      // interleave with the ordinary path: order must hold
      for (const ws of serverSide) ws.send(new Uint8Array([9, 9]));
    }
    await expect.poll(() => clients.every((c) => c.received.length === payloads.length * 2), { timeout: 5000 }).toBe(true);
    for (const c of clients) {
      payloads.forEach((p, i) => {
        expect(Buffer.compare(c.received[i * 2]!, Buffer.from(p))).toBe(0);
        expect([...c.received[i * 2 + 1]!]).toEqual([9, 9]);
      });
      c.ws.close();
    }
  });
});
