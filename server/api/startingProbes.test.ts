/**
 * The probes answered while the server starts: on a real early listener (listener.ts) with no app
 * attached yet, readiness says "starting" and liveness 200 at once; everything else, near misses
 * and other methods included, is held for the app.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { testListener, type TestListener } from '../test/earlyListener.ts';
import { waitFor } from '../test/harness.ts';
import { answerProbesWhileStarting } from './startingProbes.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function starting(): Promise<TestListener> {
  const l = await testListener({ answerEarly: answerProbesWhileStarting });
  cleanups.push(l.close);
  return l;
}

describe('answerProbesWhileStarting', () => {
  it('GET /api/ready: 503 "starting", never cached; GET /api/health: 200, nothing loaded; HEAD the same without a body', async () => {
    const l = await starting();
    const ready = await fetch(`${l.url}/api/ready`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('cache-control')).toBe('no-store');
    expect(ready.headers.get('content-type')).toBe('application/json');
    expect(await ready.json()).toEqual({ ready: false, reason: 'starting' });
    // a probe with a query string is still the probe
    expect((await fetch(`${l.url}/api/ready?probe=lb`)).status).toBe(503);

    const health = await fetch(`${l.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, rooms: 0 });

    const head = await fetch(`${l.url}/api/ready`, { method: 'HEAD' });
    expect(head.status).toBe(503);
    expect(await head.text()).toBe('');
    expect(l.held).toBe(0);
  });

  it.each([
    ['POST', '/api/ready'],
    ['DELETE', '/api/health'],
    ['GET', '/api/ready/'],
    ['GET', '/api/readyz'],
    ['GET', '/API/READY'],
    ['GET', '/api/ready%00'],
    ['GET', '/'],
  ])('%s %s is not a probe: it waits for the app', async (method, path) => {
    const l = await starting();
    const answer = fetch(`${l.url}${path}`, { method }).then((res) => res.text());
    await waitFor(() => l.held === 1, 5000, 'held');
    const order: string[] = [];
    await l.open((server) =>
      server.on('request', (req, res) => {
        order.push(`${req.method} ${req.url}`);
        res.end('from the app');
      }),
    );
    expect(await answer).toBe('from the app');
    expect(order).toHaveLength(1);
  });

  it('once the app is attached, the probes are its own', async () => {
    const l = await starting();
    await l.open((server) => server.on('request', (req, res) => res.end(`app: ${req.url}`)));
    expect(await (await fetch(`${l.url}/api/ready`)).text()).toBe('app: /api/ready');
  });
});

