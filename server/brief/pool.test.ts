import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { fixtureDoc, fixtureRound, EXPORTED_AT, BOARD_ID } from '../../shared/brief/testing.ts';
import { seedLargeBoard } from '../../shared/fixtures.ts';
import { updateCardTitle } from '../../shared/board/index.ts';
import type { BriefFormat } from '../../shared/brief/formats.ts';
import { runBriefJob, runCompareJob, type BriefJob, type CompareJob } from './job.ts';
import {
  RenderFailedError,
  RenderQueueFullError,
  RenderTimeoutError,
  WorkerRenderPool,
  inlineRenderer,
} from './pool.ts';

function job(format: BriefFormat, doc = fixtureDoc()): BriefJob {
  return {
    format,
    boardId: BOARD_ID,
    state: Y.encodeStateAsUpdate(doc),
    rounds: [fixtureRound()],
    showNames: true,
    exportedBy: { name: 'Amira Khan', role: 'facilitator' },
    exportedAt: EXPORTED_AT,
  };
}

function largeJob(format: BriefFormat, cards = 300): BriefJob {
  const doc = new Y.Doc();
  seedLargeBoard(doc, { cards });
  return job(format, doc);
}

let pool: WorkerRenderPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('WorkerRenderPool', () => {
  it('renders in a worker exactly what the job gives in-process (JSON and PDF bytes)', async () => {
    pool = new WorkerRenderPool({ size: 1 });
    for (const format of ['json', 'pdf'] as const) {
      const same = job(format);
      const inWorker = await pool.render(same);
      const inProcess = await runBriefJob(same);
      expect(inWorker.body).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(inWorker.body).equals(Buffer.from(inProcess.body))).toBe(true);
      expect(inWorker.contentType).toBe(inProcess.contentType);
      expect(inWorker.fileName).toBe('tech-connect-cohort-2-preventing-homelessness-brief.' + format);
      expect(inWorker.boardVersion).toMatch(/^[0-9a-f]{64}$/);
      expect(inWorker.title).toBe('Tech Connect cohort 2: preventing homelessness');
    }
    expect(pool.started).toBe(1);
  });

  it('gives a saved version’s Word file the same bytes every time: again in the same worker, after a restart, in-process', async () => {
    const version: BriefJob = { ...job('docx'), version: { id: 'v-1', name: 'End of day 1' } };
    pool = new WorkerRenderPool({ size: 1 });
    const first = await pool.render(version);
    // the same worker again: docx's process-wide counters have moved on since its first file
    const sameWorker = await pool.render(version);
    await pool.close();
    pool = new WorkerRenderPool({ size: 1 });
    const restarted = await pool.render(version);
    const inProcess = await runBriefJob(version);
    for (const other of [sameWorker, restarted, inProcess]) expect(Buffer.from(other.body).equals(Buffer.from(first.body))).toBe(true);
    expect(pool.started).toBe(1);
    // two workers to start (tsx, Lexical, pdfkit, docx each time) on a shared machine
  }, 60_000);

  it('compares two states in a worker, as in-process; comparisons and exports share the one queue', async () => {
    pool = new WorkerRenderPool({ size: 1 });
    const before = fixtureDoc();
    const after = new Y.Doc();
    Y.applyUpdate(after, Y.encodeStateAsUpdate(before));
    updateCardTitle(after, 'i3', 'Evaluate with a randomised trial', { kind: 'seed' });
    const compareJob: CompareJob = {
      before: { state: Y.encodeStateAsUpdate(before), rounds: [] },
      after: { state: Y.encodeStateAsUpdate(after), rounds: [fixtureRound()] },
    };
    const [inWorker] = await Promise.all([pool.compare(compareJob), pool.render(job('md'))]);
    expect(inWorker).toEqual(runCompareJob(compareJob));
    expect(inWorker.cards.changed.map((c) => [c.id, c.changed])).toEqual([['i3', ['title']]]);
    expect(inWorker.votes).toHaveLength(1);
    expect(pool.peakRunning).toBe(1);
    await expect(pool.compare({ ...compareJob, after: { state: new Uint8Array([1, 2, 3]), rounds: [] } })).rejects.toThrow(RenderFailedError);
  });

  it('runs at most `size` jobs at once; the rest wait their turn and all finish', async () => {
    pool = new WorkerRenderPool({ size: 1 });
    const outcomes = await Promise.all(['md', 'html', 'json', 'docx'].map((f) => pool!.render(job(f as BriefFormat))));
    expect(pool.peakRunning).toBe(1);
    expect(pool.started).toBe(1);
    // the last one waited for the three before it
    expect(outcomes[3]!.waitedMs).toBeGreaterThan(outcomes[1]!.ranMs);
    expect(outcomes.map((o) => o.fileName.split('.').pop())).toEqual(['md', 'html', 'json', 'docx']);
  });

  it('with two workers, two jobs run at once', async () => {
    pool = new WorkerRenderPool({ size: 2 });
    // PDF jobs: a cold worker's first PDF (fonts parsed, code compiled) takes longer than a worker
    // takes to start, so the second worker is ready while the first is still rendering (a
    // Markdown job can finish before it is)
    await Promise.all([pool.render(job('pdf')), pool.render(job('pdf')), pool.render(job('pdf'))]);
    expect(pool.started).toBe(2);
    expect(pool.peakRunning).toBe(2);
  });

  it('refuses a job at once when the queue is full, and takes jobs again once it drains', async () => {
    pool = new WorkerRenderPool({ size: 1, maxQueued: 1 });
    const first = pool.render(job('md'));
    const second = pool.render(job('md'));
    await expect(pool.render(job('md'))).rejects.toThrow(RenderQueueFullError);
    await Promise.all([first, second]);
    await expect(pool.render(job('md'))).resolves.toMatchObject({ contentType: 'text/markdown; charset=utf-8' });
  });

  it('a job that fails fails alone; the worker goes on to the next', async () => {
    pool = new WorkerRenderPool({ size: 1 });
    const bad = { ...job('md'), rounds: null as unknown as [] };
    await expect(pool.render(bad)).rejects.toThrow(RenderFailedError);
    await expect(pool.render(job('md'))).resolves.toMatchObject({ title: 'Tech Connect cohort 2: preventing homelessness' });
    expect(pool.started).toBe(1);
  });

  it('a job over the time limit is abandoned, its worker replaced, and the next job runs', async () => {
    pool = new WorkerRenderPool({ size: 1, timeoutMs: 1 });
    await expect(pool.render(largeJob('pdf', 60))).rejects.toThrow(RenderTimeoutError);
    expect(pool.workers).toBe(0);
    // a generous limit again for the next one (same pool: the replacement starts on demand)
    (pool as unknown as { timeoutMs: number }).timeoutMs = 60_000;
    await expect(pool.render(job('md'))).resolves.toBeDefined();
    expect(pool.started).toBe(2);
  });

  it('a worker that cannot start fails what waits instead of starting workers in a loop', async () => {
    pool = new WorkerRenderPool({ size: 2, maxHeapMb: 1 });
    const results = await Promise.allSettled([pool.render(job('md')), pool.render(job('md')), pool.render(job('md'))]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(pool.started).toBeLessThanOrEqual(2);
  });

  it('idle workers stop and new ones start on demand', async () => {
    pool = new WorkerRenderPool({ size: 1, idleMs: 50 });
    await pool.render(job('md'));
    expect(pool.workers).toBe(1);
    // the idle timer stops the worker: wait for that, not for a fixed time
    await expect.poll(() => pool!.workers, { timeout: 5_000 }).toBe(0);
    await pool.render(job('md'));
    expect(pool.started).toBe(2);
  });

  it('warm() starts the kept-warm worker ahead of the first export, which runs on it; it stays when idle', async () => {
    // the idle timers are the pool's own; faking them lets the test pass their time without waiting
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      pool = new WorkerRenderPool({ size: 2, keepWarm: 1, idleMs: 1_000 });
      await pool.warm();
      expect([pool.workers, pool.started]).toEqual([1, 1]);
      // two at once: the warm worker takes one, a second worker starts for the other
      await Promise.all([pool.render(job('pdf')), pool.render(job('md'))]);
      expect(pool.started).toBe(2);
      vi.advanceTimersByTime(1_000);
      // the second stopped when idle, the warm one did not, and takes the next export
      expect(pool.workers).toBe(1);
      await pool.render(job('md'));
      expect(pool.started).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  }, 60_000);

  it('a kept-warm worker that is lost is replaced at once', async () => {
    pool = new WorkerRenderPool({ size: 1, keepWarm: 1, timeoutMs: 1 });
    await pool.warm();
    await expect(pool.render(largeJob('pdf', 60))).rejects.toThrow(RenderTimeoutError);
    expect([pool.workers, pool.started]).toEqual([1, 2]);
    await pool.warm();
    expect(pool.workers).toBe(1);
  }, 60_000);

  it('close fails waiting jobs and refuses new ones', async () => {
    pool = new WorkerRenderPool({ size: 1 });
    const failed = expect(pool.render(job('pdf'))).rejects.toThrow(RenderFailedError);
    await pool.close();
    await failed;
    await expect(pool.render(job('md'))).rejects.toThrow(/closed/);
  });
});

describe('inlineRenderer', () => {
  it('runs the same job in-process', async () => {
    const outcome = await inlineRenderer.render(job('md'));
    expect(new TextDecoder().decode(outcome.body)).toMatch(/^# Tech Connect cohort 2/);
    expect(outcome.waitedMs).toBe(0);
  });
});
