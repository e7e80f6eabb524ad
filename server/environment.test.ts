/**
 * The settings read from the environment: defaults, refusals that name the variable (and never
 * repeat a password), and a REDIS_URL with a database number reaching that database on the real
 * Redis.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import {
  clusterFromEnv,
  databaseUrlFromEnv,
  DEFAULT_PORT,
  DEFAULT_REDIS_PREFIX,
  listenFdFromEnv,
  logLevelFromEnv,
  metricsPortFromEnv,
  portFromEnv,
  serveSourceMapsFromEnv,
  trustProxyHopsFromEnv,
} from './environment.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('PORT', () => {
  it('defaults to 8787 and takes 0 to 65535', () => {
    expect(portFromEnv({})).toBe(DEFAULT_PORT);
    expect(portFromEnv({ PORT: '' })).toBe(DEFAULT_PORT);
    expect(portFromEnv({ PORT: '0' })).toBe(0);
    expect(portFromEnv({ PORT: '8788' })).toBe(8788);
  });

  it.each(['http', '-1', '65536', '80.5', '1e3'])('refuses %j', (raw) => {
    expect(() => portFromEnv({ PORT: raw })).toThrow(`PORT must be a port number from 0 to 65535, got "${raw}"`);
  });
});

describe('METRICS_PORT', () => {
  it('is off unless set, and takes 0 to 65535', () => {
    expect(metricsPortFromEnv({})).toBeUndefined();
    expect(metricsPortFromEnv({ METRICS_PORT: '' })).toBeUndefined();
    expect(metricsPortFromEnv({ METRICS_PORT: '0' })).toBe(0);
    expect(metricsPortFromEnv({ METRICS_PORT: '9464' })).toBe(9464);
  });

  it.each(['yes', '-1', '65536', '9464.5'])('refuses %j', (raw) => {
    expect(() => metricsPortFromEnv({ METRICS_PORT: raw })).toThrow(`METRICS_PORT must be a port number from 0 to 65535, got "${raw}"`);
  });
});

describe('LOG_LEVEL', () => {
  it('defaults to info and takes debug, info, warn, error and silent in any case', () => {
    expect(logLevelFromEnv({})).toBe('info');
    expect(logLevelFromEnv({ LOG_LEVEL: 'debug' })).toBe('debug');
    expect(logLevelFromEnv({ LOG_LEVEL: 'WARN' })).toBe('warn');
    expect(logLevelFromEnv({ LOG_LEVEL: 'silent' })).toBe('silent');
    expect(() => logLevelFromEnv({ LOG_LEVEL: 'verbose' })).toThrow('LOG_LEVEL must be debug, info, warn, error or silent, got "verbose"');
  });
});

describe('LISTEN_FDS and LISTEN_PID (systemd socket activation)', () => {
  it('give fd 3 to the process they name, and nothing to any other (variables inherited from a parent)', () => {
    expect(listenFdFromEnv({}, 42)).toBeUndefined();
    expect(listenFdFromEnv({ LISTEN_FDS: '1', LISTEN_PID: '42' }, 42)).toBe(3);
    expect(listenFdFromEnv({ LISTEN_FDS: '1', LISTEN_PID: '41' }, 42)).toBeUndefined();
    expect(listenFdFromEnv({ LISTEN_FDS: '1' }, 42)).toBeUndefined();
  });

  it('refuses more than one socket, or a count that is not one', () => {
    expect(() => listenFdFromEnv({ LISTEN_FDS: '2', LISTEN_PID: '42' }, 42)).toThrow('LISTEN_FDS must be 1: Crossboard listens on one socket (set one ListenStream= in its .socket unit), got "2"');
    expect(() => listenFdFromEnv({ LISTEN_FDS: 'x', LISTEN_PID: '42' }, 42)).toThrow(/LISTEN_FDS must be 1/);
  });
});

describe('TRUST_PROXY_HOPS', () => {
  it('defaults to 0 (proxy headers ignored) and takes a small count', () => {
    expect(trustProxyHopsFromEnv({})).toBe(0);
    expect(trustProxyHopsFromEnv({ TRUST_PROXY_HOPS: '1' })).toBe(1);
    expect(() => trustProxyHopsFromEnv({ TRUST_PROXY_HOPS: 'yes' })).toThrow('TRUST_PROXY_HOPS must be a number of proxies from 0 to 10, got "yes"');
    expect(() => trustProxyHopsFromEnv({ TRUST_PROXY_HOPS: '11' })).toThrow(/TRUST_PROXY_HOPS/);
  });
});

describe('SERVE_SOURCEMAPS', () => {
  it('keeps source maps back unless it is 1', () => {
    expect(serveSourceMapsFromEnv({})).toBe(false);
    expect(serveSourceMapsFromEnv({ SERVE_SOURCEMAPS: '' })).toBe(false);
    expect(serveSourceMapsFromEnv({ SERVE_SOURCEMAPS: '0' })).toBe(false);
    expect(serveSourceMapsFromEnv({ SERVE_SOURCEMAPS: '1' })).toBe(true);
  });

  it.each(['yes', 'true', '2'])('refuses %j rather than guess', (raw) => {
    expect(() => serveSourceMapsFromEnv({ SERVE_SOURCEMAPS: raw })).toThrow(`SERVE_SOURCEMAPS must be 1 (serve the client's source maps) or 0, got "${raw}"`);
  });
});

describe('DATABASE_URL', () => {
  it('is unset (SQLite) or a postgres URL naming a database', () => {
    expect(databaseUrlFromEnv({})).toBeUndefined();
    expect(databaseUrlFromEnv({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/crossboard' })).toBe('postgres://postgres@127.0.0.1:5432/crossboard');
    expect(databaseUrlFromEnv({ DATABASE_URL: 'postgresql://u:p@db/x?sslmode=require' })).toBe('postgresql://u:p@db/x?sslmode=require');
    expect(() => databaseUrlFromEnv({ DATABASE_URL: 'postgres://127.0.0.1:5432/' })).toThrow(/must name a database/);
    expect(() => databaseUrlFromEnv({ DATABASE_URL: 'redis://127.0.0.1:6379' })).toThrow(/must be a postgres:\/\/ URL/);
  });

  it('never repeats what it refuses (it may hold a password)', () => {
    for (const raw of ['user:s3cret-pass@db/x', 'mysql://user:s3cret-pass@db/x']) {
      let message = '';
      try {
        databaseUrlFromEnv({ DATABASE_URL: raw });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^DATABASE_URL /);
      expect(message).not.toContain('s3cret');
    }
  });
});

describe('REDIS_URL and REDIS_PREFIX', () => {
  it('unset: this process is alone; a prefix alone is a mistake', () => {
    expect(clusterFromEnv({})).toBeUndefined();
    expect(() => clusterFromEnv({ REDIS_PREFIX: 'team-a:' })).toThrow('REDIS_PREFIX is set but REDIS_URL is not');
  });

  it('keeps the URL as given, with the default or the given prefix', () => {
    expect(clusterFromEnv({ REDIS_URL: 'redis://127.0.0.1:6379' })).toEqual({ redisUrl: 'redis://127.0.0.1:6379', redisPrefix: DEFAULT_REDIS_PREFIX });
    expect(clusterFromEnv({ REDIS_URL: 'rediss://:pw@cache:6380/5', REDIS_PREFIX: 'team-a:' })).toEqual({
      redisUrl: 'rediss://:pw@cache:6380/5',
      redisPrefix: 'team-a:',
    });
  });

  it('refuses what is not a Redis URL, a path that is not a database number, and a prefix with pattern characters', () => {
    expect(() => clusterFromEnv({ REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL must be a redis:\/\//);
    expect(() => clusterFromEnv({ REDIS_URL: 'http://localhost:6379' })).toThrow(/REDIS_URL must be a redis:\/\//);
    expect(() => clusterFromEnv({ REDIS_URL: 'redis://localhost:6379/cache' })).toThrow(/database number/);
    expect(() => clusterFromEnv({ REDIS_URL: 'redis://localhost:6379', REDIS_PREFIX: 'a*' })).toThrow(/REDIS_PREFIX/);
    expect(() => clusterFromEnv({ REDIS_URL: 'redis://localhost:6379', REDIS_PREFIX: 'x'.repeat(101) })).toThrow(/REDIS_PREFIX/);
  });

  it('a database number in REDIS_URL reaches that database on Redis', async () => {
    const settings = clusterFromEnv({ REDIS_URL: 'redis://127.0.0.1:6379/5', REDIS_PREFIX: `test-${randomBytes(6).toString('hex')}:` })!;
    const key = `${settings.redisPrefix}probe`;
    const viaUrl = new Redis(settings.redisUrl);
    const inFive = new Redis({ host: '127.0.0.1', port: 6379, db: 5 });
    const inZero = new Redis({ host: '127.0.0.1', port: 6379, db: 0 });
    cleanups.push(
      () => viaUrl.quit(),
      () => inFive.quit(),
      () => inZero.quit(),
      () => inFive.del(key),
    );
    await viaUrl.set(key, 'here', 'EX', 60);
    expect(await inFive.get(key)).toBe('here');
    expect(await inZero.get(key)).toBeNull();
  });
});
