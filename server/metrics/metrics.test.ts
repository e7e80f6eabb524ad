/**
 * Metrics as an operator meets them: the real server process (main.ts) with METRICS_PORT=0, real
 * y-websocket clients as contributors and a viewer, a write, a PDF export, then `/metrics`
 * scraped from the second listener and its figures checked against what the test did. And
 * without METRICS_PORT: no second listener at all, and no /metrics on the main port.
 */
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CreateBoardResponse } from '../../shared/api.ts';
import { boardText, connectProvider, text, waitFor, whenSynced } from '../test/harness.ts';
import { startServerProcess, type ServerProcess } from '../test/process.ts';
import { addTextCardsOverSocket } from '../test/session.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startChild(env: Record<string, string> = {}): Promise<ServerProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'crossboard-metrics-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const child = await startServerProcess(dataDir, { env });
  cleanups.push(child.kill);
  return child;
}

async function createBoard(url: string): Promise<CreateBoardResponse> {
  const res = await fetch(`${url}/api/boards`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":"Metrics"}' });
  expect(res.status).toBe(201);
  return (await res.json()) as CreateBoardResponse;
}

/** One scrape: each sample by its name and labels as printed (`crossboard_connections{role="viewer"}`). */
async function scrape(url: string): Promise<Map<string, number>> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}

/** Scrapes until `holds` is true of a scrape (the server counts as events arrive); fails after `timeoutMs`. */
async function scrapeUntil(url: string, holds: (m: Map<string, number>) => boolean, label: string, timeoutMs = 5000): Promise<Map<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const samples = await scrape(url);
    if (holds(samples)) return samples;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}: ${JSON.stringify(Object.fromEntries(samples))}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const role = (name: string) => `crossboard_connections{role="${name}"}`;

/**
 * The TCP ports process `pid` listens on (Linux): its socket inodes from /proc/<pid>/fd, matched
 * against the kernel's tables of sockets in the LISTEN state (st 0A).
 */
function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const socket = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (socket) inodes.add(socket[1]!);
    } catch {
      // closed between the listing and the read
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const row of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      if (cols[3] === '0A' && inodes.has(cols[9]!)) ports.push(parseInt(cols[1]!.split(':')[1]!, 16));
    }
  }
  return ports.sort((a, b) => a - b);
}

const portOf = (url: string) => Number(new URL(url).port);

describe('metrics', () => {
  it('METRICS_PORT=0: a second listener whose /metrics counts connections by role, boards, stored updates, latencies and exports', async () => {
    const child = await startChild({ METRICS_PORT: '0' });
    const metricsUrl = child.metricsUrl!;
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(listeningPorts(child.process.pid!)).toEqual([portOf(child.url), portOf(metricsUrl)].sort((a, b) => a - b));

    const board = await createBoard(child.url);
    await addTextCardsOverSocket(child, board);
    const before = await scrapeUntil(metricsUrl, (m) => m.get(role('facilitator')) === 0 && m.get(role('viewer')) === 0, 'the seeding sockets to close');
    const storedBefore = before.get('crossboard_updates_stored_total')!;
    expect(storedBefore).toBeGreaterThan(0);

    const writer = connectProvider(child, board.id, board.tokens.contributor);
    const second = connectProvider(child, board.id, board.tokens.contributor);
    const reader = connectProvider(child, board.id, board.tokens.viewer);
    cleanups.push(() => writer.destroy(), () => second.destroy(), () => reader.destroy());
    await Promise.all([whenSynced(writer), whenSynced(second), whenSynced(reader)]);
    for (const word of ['one ', 'two ', 'three']) boardText(writer.doc).insert(boardText(writer.doc).length, word);
    await waitFor(() => text(reader.doc) === 'one two three', 5000, 'the writes reaching the viewer');

    const pdf = await fetch(`${child.url}/api/boards/${board.id}/brief.pdf?token=${board.tokens.viewer}`);
    expect(pdf.status).toBe(200);
    expect(new TextDecoder().decode((await pdf.arrayBuffer()).slice(0, 5))).toBe('%PDF-');

    const after = await scrape(metricsUrl);
    expect(after.get(role('contributor'))).toBe(2);
    expect(after.get(role('viewer'))).toBe(1);
    expect(after.get(role('facilitator'))).toBe(0);
    expect(after.get('crossboard_boards_loaded')).toBe(1);
    const stored = after.get('crossboard_updates_stored_total')!;
    expect(stored).toBeGreaterThanOrEqual(storedBefore + 1);
    // every stored update was timed, and every one of them broadcast (there were others to send it to)
    expect(after.get('crossboard_update_store_seconds_count')).toBe(stored);
    expect(after.get('crossboard_update_store_seconds_bucket{le="+Inf"}')).toBe(stored);
    expect(after.get('crossboard_update_store_seconds_sum')).toBeGreaterThan(0);
    expect(after.get('crossboard_update_broadcast_seconds_count')).toBeGreaterThanOrEqual(stored - storedBefore);
    expect(after.get('crossboard_export_jobs_total{format="pdf",outcome="ok"}')).toBe(1);
    expect(after.get('crossboard_export_jobs_in_flight')).toBe(0);
    expect(after.get('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);

    // the gauge follows sockets closing
    second.destroy();
    reader.destroy();
    await scrapeUntil(metricsUrl, (m) => m.get(role('contributor')) === 1 && m.get(role('viewer')) === 0, 'the closed sockets to be counted out');

    // only /metrics on the metrics port; no /metrics on the main port
    expect((await fetch(metricsUrl.replace(/\/metrics$/, '/api/health'))).status).toBe(404);
    expect((await fetch(`${child.url}/metrics`)).status).toBe(404);

    writer.destroy();
    child.process.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    await expect(fetch(metricsUrl)).rejects.toThrow();
  }, 60_000);

  it('METRICS_PORT unset: nothing but the main port listens, and it has no /metrics', async () => {
    const child = await startChild();
    expect(child.metricsUrl).toBeUndefined();
    expect(child.output.join('')).not.toContain('metrics on');
    expect(listeningPorts(child.process.pid!)).toEqual([portOf(child.url)]);
    expect((await fetch(`${child.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${child.url}/api/health`)).status).toBe(200);
  }, 30_000);
});
