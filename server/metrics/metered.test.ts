/**
 * The metered edges on their own: a stored update is timed and counted on SQLite (and stays
 * synchronous there, as the room's write path needs) and on PostgreSQL; export jobs in a real
 * render pool are counted by how they ended (done, refused as busy, failed) and leave nothing
 * in flight.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BOARD_ID, EXPORTED_AT, fixtureDoc, fixtureRound } from '../../shared/brief/testing.ts';
import type { BriefJob } from '../brief/job.ts';
import { RenderQueueFullError, WorkerRenderPool } from '../brief/pool.ts';
import { testBoard, textUpdate } from '../storage/fixtures.ts';
import { PostgresStorage } from '../storage/postgres.ts';
import { SqliteStorage } from '../storage/sqlite.ts';
import type { Storage } from '../storage/storage.ts';
import { createTestDatabase } from '../test/postgres.ts';
import { meteredRenderer, meteredStorage } from './metered.ts';
import { AppMetrics } from './metrics.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Each sample of `name` as `{labels} -> value` (labels as JSON, `{}` for none). */
async function samples(metrics: AppMetrics, name: string): Promise<Record<string, number>> {
  const metric = await metrics.registry.getSingleMetric(name)!.get();
  return Object.fromEntries(metric.values.map((v) => [`${(v as { metricName?: string }).metricName ?? name}${JSON.stringify(v.labels)}`, v.value]));
}

async function appendTwice(storage: Storage): Promise<{ metrics: AppMetrics; results: unknown[] }> {
  const metrics = new AppMetrics(() => 0);
  const metered = meteredStorage(storage, metrics.updateStored);
  const board = testBoard();
  await storage.boards.createBoard(board, new Uint8Array([0, 0]));
  const doc = new Y.Doc();
  const results = [metered.documents.appendUpdate(board.id, textUpdate(doc, 'a')), metered.documents.appendUpdate(board.id, textUpdate(doc, 'b'))];
  await Promise.all(results);
  return { metrics, results };
}

describe('meteredStorage', () => {
  it('SQLite: each stored update counted and timed, and the call stays synchronous', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'crossboard-metered-'));
    const storage = SqliteStorage.open(dir);
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => storage.close());
    const { metrics, results } = await appendTwice(storage);
    for (const seq of results) expect(typeof seq).toBe('number');
    expect(await samples(metrics, 'crossboard_updates_stored_total')).toEqual({ 'crossboard_updates_stored_total{}': 2 });
    expect((await samples(metrics, 'crossboard_update_store_seconds'))['crossboard_update_store_seconds_count{}']).toBe(2);
  });

  it('PostgreSQL: counted once the write is done', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const storage = await PostgresStorage.open(db.url);
    cleanups.push(() => storage.close());
    const { metrics, results } = await appendTwice(storage);
    for (const seq of results) expect(seq).toBeInstanceOf(Promise);
    expect(await samples(metrics, 'crossboard_updates_stored_total')).toEqual({ 'crossboard_updates_stored_total{}': 2 });
    const store = await samples(metrics, 'crossboard_update_store_seconds');
    expect(store['crossboard_update_store_seconds_count{}']).toBe(2);
    expect(store['crossboard_update_store_seconds_sum{}']).toBeGreaterThan(0);
  });
});

describe('meteredRenderer', () => {
  const job = (state: Uint8Array = Y.encodeStateAsUpdate(fixtureDoc())): BriefJob => ({
    format: 'json',
    boardId: BOARD_ID,
    state,
    rounds: [fixtureRound()],
    showNames: true,
    exportedBy: { name: '', role: 'facilitator' },
    exportedAt: EXPORTED_AT,
  });

  it('counts jobs by format and outcome, and none stays in flight', async () => {
    const pool = new WorkerRenderPool({ size: 1, maxQueued: 0 });
    cleanups.push(() => pool.close());
    const metrics = new AppMetrics(() => 0);
    const renderer = meteredRenderer(pool, metrics);

    const first = renderer.render(job());
    // the only worker is taken and nothing may wait: refused at once
    await expect(renderer.render(job())).rejects.toBeInstanceOf(RenderQueueFullError);
    expect(await samples(metrics, 'crossboard_export_jobs_in_flight')).toEqual({ 'crossboard_export_jobs_in_flight{}': 1 });
    await first;
    // bytes that are no Yjs update: the worker's job fails
    await expect(renderer.render(job(new Uint8Array([0xff, 0x01, 0x02])))).rejects.toThrow();

    expect(await samples(metrics, 'crossboard_export_jobs_total')).toEqual({
      'crossboard_export_jobs_total{"format":"json","outcome":"ok"}': 1,
      'crossboard_export_jobs_total{"format":"json","outcome":"busy"}': 1,
      'crossboard_export_jobs_total{"format":"json","outcome":"failed"}': 1,
    });
    expect(await samples(metrics, 'crossboard_export_jobs_in_flight')).toEqual({ 'crossboard_export_jobs_in_flight{}': 0 });
  }, 30_000);
});
