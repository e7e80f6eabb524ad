import { describe, expect, it } from 'vitest';
import { KeyedRateLimiter, TokenBucket } from './rateLimit.ts';

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
