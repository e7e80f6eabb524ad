/**
 * The per-address and per-link limits shared by every process, on Redis with
 * rate-limiter-flexible: a steady rate plus a burst on top of it (its `BurstyRateLimiter`), the
 * nearest it has to this process's token buckets. While Redis is unreachable each process counts
 * on its own (an insurance limiter in memory), so a Redis restart refuses nobody for it.
 */
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import type * as Flexible from 'rate-limiter-flexible';
import type { RateCheck } from '../rateLimit.ts';

// loaded when a cluster makes its limiters, not with this module, which every server imports (as bus.ts does ioredis)
const load = createRequire(import.meta.url);

/** `perSecond` on average with bursts of up to `burst`, for every process together. */
export function redisRateCheck(redis: Redis, keyPrefix: string, perSecond: number, burst: number): RateCheck {
  const { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } = load('rate-limiter-flexible') as typeof Flexible;
  // the steady part: whole seconds, at least one point per window
  const duration = Math.max(1, Math.ceil(1 / perSecond));
  const points = Math.max(1, Math.floor(perSecond * duration));
  const burstPoints = Math.max(1, burst - points);
  const burstDuration = Math.max(duration, Math.ceil(burst / perSecond));
  const limiter = (name: string, p: number, d: number) =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${keyPrefix}:${name}`,
      points: p,
      duration: d,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${keyPrefix}:${name}`, points: p, duration: d }),
    });
  const bursty = new BurstyRateLimiter(limiter('rate', points, duration), limiter('burst', burstPoints, burstDuration));
  return async (key) => {
    try {
      await bursty.consume(key);
      return 0;
    } catch (refusal) {
      if (refusal instanceof RateLimiterRes) return Math.max(1, refusal.msBeforeNext);
      throw refusal;
    }
  };
}
