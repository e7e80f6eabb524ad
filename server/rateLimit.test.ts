import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from './config.ts';
import { KeyedRateLimiter, TokenBucket } from './rateLimit.ts';
import { startServer, upgradeStatus, type TestServer } from './test/harness.ts';

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

describe('TokenBucket', () => {
  it('allows the burst, then refills at the rate', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 3, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now += 100; // one token at 10/s
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now += 10_000; // never more than the burst
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });

  it('says how long until the next token (a Retry-After)', () => {
    let now = 0;
    const bucket = new TokenBucket(2 / 60, 1, () => now);
    expect(bucket.msUntilToken()).toBe(0);
    bucket.take();
    expect(bucket.msUntilToken()).toBeCloseTo(30_000);
    now += 20_000;
    expect(bucket.msUntilToken()).toBeCloseTo(10_000);
    now += 10_001;
    expect([bucket.msUntilToken(), bucket.take()]).toEqual([0, true]);
  });
});

describe('KeyedRateLimiter', () => {
  it('limits each key separately and forgets keys whose bucket refilled', () => {
    let now = 0;
    const limiter = new KeyedRateLimiter(1, 2, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([true, true, false]);
    expect(limiter.take('b')).toBe(true);
    now += 5000;
    limiter.sweep();
    expect(limiter.size).toBe(0);
    expect(limiter.take('a')).toBe(true);
  });
});

describe('connection attempts per address, as configured by default', () => {
  it('a full board reconnecting at once from one NAT address gets in; a flood beyond it gets the steady rate', () => {
    let now = 0;
    const { connectionsPerSecondPerAddress: perSecond, connectionBurstPerAddress: burst, maxConnectionsPerBoard, facilitatorConnectionsPerBoard } = DEFAULT_LIMITS;
    const limiter = new KeyedRateLimiter(perSecond, burst, () => now);
    const fullBoard = maxConnectionsPerBoard + facilitatorConnectionsPerBoard;
    const admitted = (attempts: number) => Array.from({ length: attempts }, () => limiter.take('venue')).filter(Boolean).length;
    expect(admitted(fullBoard)).toBe(fullBoard);
    // the same address keeps knocking: a thousand more in the next second, one every millisecond
    let flood = 0;
    for (let i = 0; i < 1000; i++) {
      now += 1;
      flood += admitted(1);
    }
    expect(flood).toBeLessThanOrEqual(burst - fullBoard + perSecond);
    // another address is not held back by it
    expect(limiter.take('elsewhere')).toBe(true);
  });
});

describe('the address the per-address limits key on', () => {
  async function create(s: TestServer, forwardedFor?: string): Promise<number> {
    const res = await fetch(`${s.url}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
      body: JSON.stringify({ title: 'Addressed' }),
    });
    return res.status;
  }
  const oneAtATime = { boardCreationBurstPerAddress: 1, boardsPerMinutePerAddress: 0.001, connectionBurstPerAddress: 1, connectionsPerSecondPerAddress: 0.001 };

  it('is the connection\'s own by default: X-Forwarded-For is anyone\'s to write', async () => {
    const s = await startServer({ limits: oneAtATime });
    servers.push(s);
    expect(await create(s, '198.51.100.1')).toBe(201);
    expect(await create(s, '198.51.100.2')).toBe(429);
  });

  it('behind one trusted proxy, the last X-Forwarded-For entry, for boards and for sockets', async () => {
    const s = await startServer({ limits: oneAtATime, trustProxyHops: 1 });
    servers.push(s);
    // what the client wrote left of the proxy's entry does not count
    expect(await create(s, '203.0.113.9, 198.51.100.1')).toBe(201);
    expect(await create(s, '203.0.113.10, 198.51.100.1')).toBe(429);
    expect(await create(s, '198.51.100.2')).toBe(201);
    // a request that did not come through the proxy keeps the connection's address
    expect(await create(s)).toBe(201);
    expect(await create(s)).toBe(429);

    const sockets = `${s.wsUrl}/nonexistent?token=x`;
    // the per-address connection limit runs before the board check: 404 means let through, 429 refused
    expect(await upgradeStatus(sockets, { 'x-forwarded-for': '198.51.100.1' })).toBe(404);
    expect(await upgradeStatus(sockets, { 'x-forwarded-for': '198.51.100.1' })).toBe(429);
    expect(await upgradeStatus(sockets, { 'x-forwarded-for': '198.51.100.2' })).toBe(404);
  });
});
