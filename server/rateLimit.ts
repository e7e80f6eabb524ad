/**
 * Token buckets for the message, connection-attempt and board-creation limits. Time comes from a
 * clock function so the buckets can be tested without waiting.
 */
import type { Context, MiddlewareHandler } from 'hono';

export type Clock = () => number;

const FORWARDED_ADDRESS = 'crossboard.forwardedAddress';

/**
 * The address the per-address limits key on: the TCP connection's, unless `trustProxyHops` said
 * which X-Forwarded-For entry to take instead.
 */
export function remoteAddress(c: Context): string {
  const forwarded = c.get(FORWARDED_ADDRESS) as string | undefined;
  if (forwarded) return forwarded;
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

/**
 * Behind `hops` proxies that each append the address they saw to X-Forwarded-For (nginx's
 * `$proxy_add_x_forwarded_for`), the client is the `hops`-th entry from the right: entries further
 * left were written by the client and prove nothing. A request with fewer entries did not come
 * through every proxy, and keeps its connection's address.
 */
export function trustProxyHops(hops: number): MiddlewareHandler {
  return async (c, next) => {
    const entries = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    const client = entries.length >= hops ? entries[entries.length - hops] : undefined;
    if (client) c.set(FORWARDED_ADDRESS, client);
    await next();
  };
}

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: Clock = performance.now.bind(performance),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes one token; false when the bucket is empty (the caller refuses the action). */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** How long until `take` would succeed again (0 if it would now): a Retry-After. */
  msUntilToken(): number {
    const now = this.now();
    const tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    if (tokens >= 1) return 0;
    return this.perSecond > 0 ? ((1 - tokens) / this.perSecond) * 1000 : Infinity;
  }

  /** True once the bucket has refilled completely, i.e. keeping it carries no information. */
  isFull(): boolean {
    const now = this.now();
    return this.tokens + ((now - this.last) / 1000) * this.perSecond >= this.burst;
  }
}

/**
 * One bucket per key (a remote address). Full buckets are dropped on a sweep so that a stream of
 * one-off addresses cannot grow the map without bound.
 */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private takesSinceSweep = 0;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: Clock = performance.now.bind(performance),
  ) {}

  take(key: string): boolean {
    if (++this.takesSinceSweep >= 1000) this.sweep();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.perSecond, this.burst, this.now);
      this.buckets.set(key, bucket);
    }
    return bucket.take();
  }

  /** How long until `take(key)` would succeed again (0 if it would now). */
  msUntilToken(key: string): number {
    return this.buckets.get(key)?.msUntilToken() ?? 0;
  }

  get size(): number {
    return this.buckets.size;
  }

  sweep(): void {
    this.takesSinceSweep = 0;
    for (const [key, bucket] of this.buckets) if (bucket.isFull()) this.buckets.delete(key);
  }
}

/**
 * One keyed limit as the routes use it: takes a token for `key` and answers 0, or answers how
 * many ms until one is free (the request is refused). Counted in this process by default; shared
 * by every process through Redis in a cluster (server/cluster/limits.ts).
 */
export type RateCheck = (key: string) => number | Promise<number>;

export function localRateCheck(limiter: KeyedRateLimiter): RateCheck {
  return (key) => (limiter.take(key) ? 0 : Math.max(1, limiter.msUntilToken(key)));
}
