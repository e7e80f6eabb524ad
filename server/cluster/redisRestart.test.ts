/**
 * Redis restarted (keeping nothing) while clients on two processes write: the relay closes with
 * 1012, its client comes back once Redis does, and every update any client made is on the board
 * and in storage, because storage, not Redis, holds them. This test runs its own redis-server on
 * a free port: it never touches the machine's.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStorage } from '../storage/memory.ts';
import { addTextCards, connectProvider, startServer, storedText, text, waitFor, whenSynced, writeStorm, type TestServer } from '../test/harness.ts';
import { freePort } from '../test/process.ts';
import { ownRedis } from '../test/redis.ts';
import { MemoryLeaseStore } from './memoryLeases.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('a Redis restart during writes', () => {
  it('loses nothing any client wrote, and the relays recover', async () => {
    const port = await freePort();
    let redis = await ownRedis(port);
    cleanups.push(() => redis.stop());
    const storage = new MemoryStorage();
    const leases = new MemoryLeaseStore(storage.boards);
    const prefix = `crossboard-test:${randomBytes(6).toString('hex')}:`;
    const servers: TestServer[] = [];
    for (const name of ['p1', 'p2']) {
      const s = await startServer({ storage, cluster: { redisUrl: `redis://127.0.0.1:${port}/3`, redisPrefix: prefix, processId: name, leases, checkMs: 200 } });
      cleanups.push(() => s.close());
      servers.push(s);
    }
    const [s1, s2] = servers as [TestServer, TestServer];
    const board = await s1.createBoard();
    await addTextCards(s1, board.id);
    const a = connectProvider(s1, board.id, board.tokens.contributor);
    cleanups.push(() => a.destroy());
    await whenSynced(a);
    const b = connectProvider(s2, board.id, board.tokens.contributor);
    cleanups.push(() => b.destroy());
    await whenSynced(b);
    expect(s2.cluster!.relays.count).toBe(1);

    // both write all along, one token every few ms each
    const storm = writeStorm([
      [a, 'a'],
      [b, 'b'],
    ]);
    const { written } = storm;
    cleanups.push(storm.stop);
    await waitFor(() => storm.rounds >= 20, 5000, 'writes before the restart');

    const closes: number[] = [];
    b.on('connection-close', (event: CloseEvent | null) => closes.push(event?.code ?? 0));
    await redis.stop();
    await waitFor(() => closes.length > 0, 5000, 'the relay closed');
    expect(closes[0]).toBe(1012);
    const during = storm.rounds;
    await waitFor(() => storm.rounds >= during + 20, 5000, 'writes while Redis is down');
    redis = await ownRedis(port);

    await waitFor(() => b.wsconnected && b.synced && s2.cluster!.relays.count === 1, 10_000, 'the relay back');
    const after = storm.rounds;
    await waitFor(() => storm.rounds >= after + 20, 5000, 'writes after the restart');
    storm.stop();

    const everything = (doc: typeof a.doc) => written.every((t) => text(doc).includes(t));
    await waitFor(() => everything(a.doc) && everything(b.doc), 10_000, 'every write on both clients');
    expect(text(b.doc)).toBe(text(a.doc));
    const stored = await storedText(storage, board.id);
    expect(written.filter((t) => !stored.includes(t))).toEqual([]);
  }, 30_000);
});
