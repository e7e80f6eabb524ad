/**
 * quietMoment on the real event loop: kept waiting while the loop is busy, resolved once it is
 * not, and resolved anyway past its longest wait.
 */
import { describe, expect, it } from 'vitest';
import { quietMoment } from './quietMoment.ts';

/** Keeps the event loop busy `share` of the time, in slices of `sliceMs`, until stopped. */
function keepBusy(share: number, sliceMs = 20): () => void {
  const timer = setInterval(() => {
    const until = performance.now() + sliceMs * share;
    while (performance.now() < until) {
      // spinning is the point: the loop is busy
    }
  }, sliceMs * (1 - share));
  return () => clearInterval(timer);
}

describe('quietMoment', () => {
  it('waits while the loop is busy and resolves once it is quiet', async () => {
    const stop = keepBusy(0.9);
    let quiet = false;
    const moment = quietMoment({ checkMs: 100, maxWaitMs: 60_000 }).then(() => (quiet = true));
    // three check intervals of a busy loop: not yet (only time can show that nothing happened)
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(quiet).toBe(false);
    stop();
    await moment;
    expect(quiet).toBe(true);
  });

  it('resolves past maxWaitMs even if the loop never quietens', async () => {
    const stop = keepBusy(0.9);
    const started = performance.now();
    await quietMoment({ checkMs: 50, maxWaitMs: 300 });
    stop();
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
  });
});
