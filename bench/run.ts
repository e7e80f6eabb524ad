/**
 * `npm run bench`: the server workloads against Crossboard, the y-websocket reference server and
 * a plain relay, in one run on one machine, printed as one table with ratios.
 *   npm run bench                 all workloads
 *   npm run bench -- --quick      shorter runs (for a smoke check)
 *   npm run bench -- --only B1,B9 a subset
 *   npm run bench -- --only C1,C3,CF,CR   the cluster part only
 *   npm run bench -- --only E1,E2,E3      the brief's PDF export only (bench/brief.ts)
 * C1 and C3 are B1 and B3 on Crossboard with SQLite (one process) beside 1, 2 and 3 processes on
 * PostgreSQL and Redis, with each process's CPU time per update; CF is failover after kill -9 of
 * a board's owner, CR a rolling restart of three processes. They need PostgreSQL and Redis (see
 * server/test/postgres.ts for PG_TEST_URL; BENCH_REDIS_URL, default redis://127.0.0.1:6379).
 * B8 (a reconnect storm, bench/storm.ts) runs Crossboard as `npm run serve` does, then again with
 * its socket held across the restart (systemd socket activation); BENCH_B8_CLIENTS sets the
 * number of clients (default 2000), BENCH_B8_BEFORE=<commit> adds that commit's server, run the
 * same way, for a before/after in one run.
 * Results are also written to bench/results/latest.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { briefExports } from './brief.ts';
import { failover, rollingRestart } from './cluster.ts';
import { coldLoad, killCycles } from './durability.ts';
import { median, ms, ratio } from './stats.ts';
import { CLUSTER_TARGETS, checkoutOf, startTarget, stopRunningTargets, type Target, type TargetName } from './targets.ts';
import { reconnectStorm, type StormResult } from './storm.ts';
import { fanOut, idleConnections, type CpuPerUpdate, manyBoards, openCloseCycles, saturation } from './workloads.ts';

// interrupted: stop the servers started, drop their databases and Redis keys
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`${signal}: stopping the targets`);
    void stopRunningTargets().finally(() => process.exit(130));
  });
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a, i) => args[i - 1] === '--only')?.split(',');
const wanted = (id: string) => !only || only.includes(id);
const names: TargetName[] = (process.env.BENCH_TARGETS?.split(',') as TargetName[] | undefined) ?? ['crossboard', 'reference', 'relay'];
/** C1 and C3: SQLite on one process beside the cluster on 1, 2 and 3 processes */
const clusterNames: TargetName[] = ['crossboard', ...CLUSTER_TARGETS];
const results: Record<string, unknown> = {};
const rows: string[][] = [];
const clusterRows: string[][] = [];
const briefRows: string[][] = [];

const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
console.log(`Crossboard benchmark — ${new Date().toISOString()}\n${machine}\n`);

async function perTarget<T>(id: string, run: (t: Target) => Promise<T>, targets = names): Promise<Partial<Record<TargetName, T>>> {
  const out: Partial<Record<TargetName, T>> = {};
  for (const name of targets) {
    const target = await startTarget(name);
    try {
      out[name] = await run(target);
      console.log(`${id} ${name}: ${JSON.stringify(out[name])}`);
    } catch (error) {
      console.log(`${id} ${name}: failed — ${(error as Error).message}`);
    } finally {
      await target.stop();
    }
  }
  results[id] = out;
  return out;
}

/**
 * Runs `run` on every target in turn, `repeats` times, interleaved (A B C A B C ...) so that drift
 * in the machine's load hits every target alike; returns each target's runs.
 */
async function interleaved<T>(id: string, repeats: number, run: (t: Target) => Promise<T>, targetNames = names): Promise<Partial<Record<TargetName, T[]>>> {
  const targets = await Promise.all(targetNames.map((n) => startTarget(n)));
  const out: Partial<Record<TargetName, T[]>> = {};
  try {
    for (let r = 0; r < repeats; r++) {
      for (const t of targets) {
        try {
          (out[t.name] ??= []).push(await run(t));
        } catch (error) {
          console.log(`${id} ${t.name}: failed — ${(error as Error).message}`);
        }
      }
    }
  } finally {
    await Promise.all(targets.map((t) => t.stop()));
  }
  results[id] = out;
  return out;
}

/** The median over repeated runs of one field. */
function med<T>(runs: T[] | undefined, pick: (r: T) => number): number {
  return runs && runs.length ? median(runs.map(pick)) : NaN;
}

function row(id: string, what: string, cb: number, ref: number, relay: number, fmt = ms) {
  rows.push([id, what, fmt(cb), fmt(ref), fmt(relay), ratio(cb, ref), ratio(cb, relay)]);
}

const seconds = quick ? 4 : 10;
const repeats = quick ? 2 : 5;

if (wanted('B1')) {
  const r = await interleaved('B1', repeats, (t) => fanOut(t, { readers: 50, rate: 30, seconds }));
  for (const k of ['p50', 'p99', 'p999'] as const) {
    row('B1', `fan-out 1→50 @30/s ${k} (median of ${repeats})`, med(r.crossboard, (x) => x[k]), med(r.reference, (x) => x[k]), med(r.relay, (x) => x[k]));
  }
}

if (wanted('B2')) {
  // updates/s from one writer to 50 readers; deliveries/s is 50 times that
  const rates = process.env.BENCH_B2_RATES?.split(',').map(Number) ?? (quick ? [200, 600, 1200] : [500, 1000, 2000, 4000, 6000, 8000, 12000, 16000, 20000, 24000]);
  const r = await perTarget('B2', (t) => saturation(t, { readers: 50, rates, seconds: quick ? 2 : 3 }));
  const f = (n: number) => `${Math.round(n).toLocaleString('en-GB')}/s`;
  rows.push(['B2', 'deliveries/s with p99 < 50 ms', f(r.crossboard?.deliveriesPerSecond ?? NaN), f(r.reference?.deliveriesPerSecond ?? NaN), f(r.relay?.deliveriesPerSecond ?? NaN),
    ratio(r.crossboard?.deliveriesPerSecond ?? NaN, r.reference?.deliveriesPerSecond ?? NaN), ratio(r.crossboard?.deliveriesPerSecond ?? NaN, r.relay?.deliveriesPerSecond ?? NaN)]);
}

if (wanted('B3')) {
  const boards = quick ? 200 : 1000;
  const r = await perTarget('B3', (t) => manyBoards(t, { boards, clientsPerBoard: 5, ratePerBoard: 2, seconds }));
  row('B3', `${boards} boards x 5, 2/s each: p99`, r.crossboard?.p99 ?? NaN, r.reference?.p99 ?? NaN, r.relay?.p99 ?? NaN);
  row('B3', 'event-loop lag p99 (server)', r.crossboard?.lagP99 ?? NaN, r.reference?.lagP99 ?? NaN, r.relay?.lagP99 ?? NaN);
}

if (wanted('B4')) {
  const connections = quick ? 500 : 2000;
  const r = await perTarget('B4', (t) => idleConnections(t, { connections, perBoard: 100 }));
  const kb = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} KB` : 'n/a');
  row('B4', `memory per idle connection (RSS, ${connections} with presence)`, r.crossboard?.rssPerConnKB ?? NaN, r.reference?.rssPerConnKB ?? NaN, r.relay?.rssPerConnKB ?? NaN, kb);
  row('B4', 'heap per idle connection', r.crossboard?.heapPerConnKB ?? NaN, r.reference?.heapPerConnKB ?? NaN, r.relay?.heapPerConnKB ?? NaN, kb);
}

if (wanted('B5')) {
  const cycles = quick ? 2000 : 10_000;
  const target = await startTarget('crossboard', { nodeArgs: ['--expose-gc'], limits: { IDLE_UNLOAD_MS: 0 } });
  try {
    const r = await openCloseCycles(target, { cycles, boards: 500 });
    results.B5 = r;
    console.log(`B5 crossboard: ${JSON.stringify(r)}`);
    rows.push(['B5', `heap after ${cycles.toLocaleString('en-GB')} board open/close cycles (warm → end)`, `${r.heapWarmMB.toFixed(1)} → ${r.heapEndMB.toFixed(1)} MB`, '—', '—', `${r.growthPer1000KB.toFixed(0)} KB per 1,000`, '']);
  } finally {
    await target.stop();
  }
}

if (wanted('B6')) {
  const repeats = quick ? 3 : 7;
  const compacted = await perTarget('B6', (t) => coldLoad(t, { repeats, kill: true }), ['crossboard']);
  const target = await startTarget('crossboard', { limits: { COMPACT_AFTER_UPDATES: 1_000_000 } });
  let logOnly: { median: number } | undefined;
  try {
    logOnly = await coldLoad(target, { repeats, kill: true });
    console.log(`B6 crossboard (no compaction): ${JSON.stringify(logOnly)}`);
  } finally {
    await target.stop();
  }
  results.B6log = logOnly;
  rows.push(['B6', 'cold load 200 cards / 12,700 updates → first sync reply (median)', ms(compacted.crossboard?.median ?? NaN), '—', '—', 'target ≤ 60 ms', '']);
  rows.push(['B6', '  same, log never compacted (12,700 rows in one transaction)', ms(logOnly?.median ?? NaN), '—', '—', '', '']);
}

if (wanted('B7')) {
  const cycles = quick ? 3 : 10;
  const r = await perTarget('B7', (t) => killCycles(t, { writers: 10, rate: 20, cycles, secondsBetween: quick ? 1 : 2 }), ['crossboard']);
  const c = r.crossboard;
  rows.push(['B7', `kill -9 x${cycles} during 10 x 20 updates/s: lost of ${c?.broadcastSeen ?? '?'} seen`, String(c?.lost ?? 'n/a'), '—', '—', 'target 0', '']);
  rows.push(['B7', '  writes never stored (incl. unacknowledged)', String(c?.unsyncedWrites ?? 'n/a'), '—', '—', '', '']);
  rows.push(['B7', '  kill → serving again (median, includes process start)', ms(c ? [...c.recoverMs].sort((a, b) => a - b)[c.recoverMs.length >> 1]! : NaN), '—', '—', '', '']);
}

if (wanted('B8')) {
  const clients = Number(process.env.BENCH_B8_CLIENTS) || (quick ? 500 : 2000);
  const runs = quick ? 1 : 3;
  const storm = (t: Target) => reconnectStorm(t, { clients, perBoard: 50 });
  // Crossboard as `npm run serve` runs it; BENCH_B8_BEFORE=<commit> adds that commit's server, run the same way
  const before = process.env.BENCH_B8_BEFORE;
  const targets: Array<{ label: string; start: () => Promise<Target> }> = [
    { label: 'crossboard', start: () => startTarget('crossboard', { built: true }) },
    { label: 'reference', start: () => startTarget('reference') },
    // as under systemd socket activation: the port stays open while the process restarts
    { label: 'held', start: () => startTarget('crossboard', { built: true, heldSocket: true }) },
  ];
  if (before) targets.push({ label: 'before', start: () => startTarget('crossboard', { built: true, checkout: checkoutOf(before) }) });
  // interleaved (A B C A B C): drift in the machine's load hits every target alike
  const out: Record<string, StormResult[]> = {};
  for (let r = 0; r < runs; r++) {
    for (const { label, start } of targets) {
      const target = await start();
      try {
        const result = await storm(target);
        (out[label] ??= []).push(result);
        console.log(`B8 ${label}: ${JSON.stringify(result)}`);
      } catch (error) {
        console.log(`B8 ${label}: failed — ${(error as Error).message}`);
      } finally {
        await target.stop();
      }
    }
  }
  results.B8 = out;
  const m = (label: string, pick: (r: StormResult) => number) => med(out[label], pick);
  const per = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
  const count = (n: number) => (Number.isFinite(n) ? String(Math.round(n)) : 'n/a');
  const of = `median of ${runs}`;
  row('B8', `${clients} clients resynced after kill -9 + restart: "listening" → all (${of})`, m('crossboard', (x) => x.allSyncedMs), m('reference', (x) => x.allSyncedMs), NaN);
  row('B8', '  kill → all resynced (includes the process start)', m('crossboard', (x) => x.fromKillMs), m('reference', (x) => x.fromKillMs), NaN);
  row('B8', '  kill → "listening"', m('crossboard', (x) => x.restartMs), m('reference', (x) => x.restartMs), NaN);
  row('B8', '  p50 client resynced ("listening" →)', m('crossboard', (x) => x.p50Ms), m('reference', (x) => x.p50Ms), NaN);
  rows.push(['B8', '  connection attempts per client from the kill (target ≤ 1.2)', per(m('crossboard', (x) => x.attemptsPerClient)), per(m('reference', (x) => x.attemptsPerClient)), '—', ratio(m('crossboard', (x) => x.attemptsPerClient), m('reference', (x) => x.attemptsPerClient)), '']);
  for (const [what, pick] of [
    ['refused: nothing listening', (x: StormResult) => x.refused],
    ['turned away before the upgrade (HTTP status)', (x: StormResult) => x.turnedAway],
    ['closed before syncing', (x: StormResult) => x.closedEarly],
    ['clients whose server lacked what they held', (x: StormResult) => x.behind],
  ] as const) {
    rows.push(['B8', `    ${what}`, count(m('crossboard', pick)), count(m('reference', pick)), '—', '', '']);
  }
  // the other Crossboard runs, against the same reference runs: "listening" → all / kill → all / attempts per client
  const also = (label: string, what: string) =>
    rows.push(['B8', `  ${what}: "listening" → all / kill → all / attempts per client`,
      `${ms(m(label, (x) => x.allSyncedMs))} / ${ms(m(label, (x) => x.fromKillMs))} / ${per(m(label, (x) => x.attemptsPerClient))}`, '—', '—',
      `${ratio(m(label, (x) => x.allSyncedMs), m('reference', (x) => x.allSyncedMs))} / ${ratio(m(label, (x) => x.fromKillMs), m('reference', (x) => x.fromKillMs))}`, '']);
  also('held', 'socket held across the restart (systemd socket activation)');
  if (before) also('before', `before (${before})`);
}

if (wanted('B9')) {
  const opts = { readers: 20, rate: 100, seconds, paddingBytes: 4096 };
  // Pairs (without, with) back to back on the same target, so each ratio compares like with like.
  const r = await interleaved('B9', Math.min(repeats, 3), async (t) => ({ without: await fanOut(t, opts), with: await fanOut(t, { ...opts, slowReader: true }) }));
  for (const name of names) {
    const runs = r[name];
    console.log(`B9 ${name}: p99 ${ms(med(runs, (x) => x.without.p99))} without, ${ms(med(runs, (x) => x.with.p99))} with a reader that never reads; slow reader closed: ${runs?.map((x) => x.with.slowClosed).join(',')}`);
  }
  row('B9', 'others p99, no slow reader', med(r.crossboard, (x) => x.without.p99), med(r.reference, (x) => x.without.p99), med(r.relay, (x) => x.without.p99));
  row('B9', 'others p99, one reader never reads', med(r.crossboard, (x) => x.with.p99), med(r.reference, (x) => x.with.p99), med(r.relay, (x) => x.with.p99));
  rows.push(['B9', '  with / without (median of per-pair ratios)', ...names.map((n) => ratio(med(r[n], (x) => x.with.p99 / x.without.p99), 1)), 'target ≤ 1.10x', '']);
}

const us = (n: number) => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(1) : n.toFixed(0)} µs` : 'n/a');

/** A C1/C3 row: one cell per target of `clusterNames`, then each cluster target against SQLite. */
function clusterRow(id: string, what: string, values: Partial<Record<TargetName, number>>, fmt = ms) {
  const base = values.crossboard ?? NaN;
  clusterRows.push([id, what, ...clusterNames.map((n) => fmt(values[n] ?? NaN)), ...CLUSTER_TARGETS.map((n) => ratio(values[n] ?? NaN, base))]);
}

/** CPU µs per delivered update of each process, and their sum: `a + b = sum`. */
function cpuCell(perDelivery: number[] | undefined): string {
  if (!perDelivery) return 'n/a';
  const sum = perDelivery.reduce((a, b) => a + b, 0);
  return perDelivery.length === 1 ? us(sum) : `${perDelivery.map((v) => v.toFixed(0)).join(' + ')} = ${us(sum)}`;
}

type CpuRuns = Partial<Record<TargetName, Array<{ cpu: CpuPerUpdate }>>>;

/**
 * Rows of each process's CPU per delivered update (median over repeated runs, processes busiest
 * first): as measured, less the process's idle CPU, and the deliveries/s the cluster could carry
 * with a core for each process: the busiest process's (1 s − idle) / net cost.
 */
function cpuRows(id: string, runs: CpuRuns) {
  // processes busiest first in each run, so that a median compares like with like: which process
  // owns the board (the writer's) can change from run to run
  const per = (n: TargetName, pick: (c: CpuPerUpdate) => number[]) => {
    const r = runs[n];
    if (!r?.length) return undefined;
    const ordered = r.map((x) => {
      const order = x.cpu.perDelivery.map((_, i) => i).sort((i, j) => x.cpu.perDelivery[j]! - x.cpu.perDelivery[i]!);
      return order.map((i) => pick(x.cpu)[i]!);
    });
    return ordered[0]!.map((_, i) => median(ordered.map((o) => o[i]!)));
  };
  const sum = (v: number[] | undefined) => v?.reduce((a, b) => a + b, 0) ?? NaN;
  for (const [what, pick] of [
    ['  CPU per delivered update, per process', (c: CpuPerUpdate) => c.perDelivery],
    ['  the same less idle CPU (what an update adds)', (c: CpuPerUpdate) => c.netPerDelivery],
  ] as const) {
    const sums = Object.fromEntries(clusterNames.map((n) => [n, sum(per(n, pick))]));
    clusterRows.push([id, what, ...clusterNames.map((n) => cpuCell(per(n, pick))), ...CLUSTER_TARGETS.map((n) => ratio(sums[n]!, sums.crossboard!))]);
  }
  const capacity = Object.fromEntries(
    clusterNames.map((n) => {
      const net = per(n, (c) => c.netPerDelivery);
      const idle = per(n, (c) => c.idleMsPerSecond);
      return [n, net && idle ? Math.min(...net.map((v, i) => ((1000 - idle[i]!) * 1000) / v)) : NaN];
    }),
  );
  const perSecond = (v: number) => (Number.isFinite(v) ? `${Math.round(v).toLocaleString('en-GB')}/s` : 'n/a');
  clusterRows.push([id, '  deliveries/s with a core per process (busiest process)', ...clusterNames.map((n) => perSecond(capacity[n]!)), ...CLUSTER_TARGETS.map((n) => ratio(capacity[n]!, capacity.crossboard!))]);
  const idleCell = (n: TargetName) => per(n, (c) => c.idleMsPerSecond)?.map((v) => v.toFixed(0)).join(' + ') ?? 'n/a';
  clusterRows.push([id, '  idle CPU with every socket open, ms/s per process', ...clusterNames.map(idleCell), '', '', '']);
}

if (wanted('C1')) {
  const r = await interleaved('C1', repeats, (t) => fanOut(t, { readers: 50, rate: 30, seconds, idleMs: 2000 }), clusterNames);
  for (const k of ['p50', 'p99'] as const) {
    clusterRow('C1', `fan-out 1→50 @30/s ${k} (median of ${repeats})`, Object.fromEntries(clusterNames.map((n) => [n, med(r[n], (x) => x[k])])));
  }
  cpuRows('C1', r);
}

if (wanted('C3')) {
  const boards = Number(process.env.BENCH_C3_BOARDS) || (quick ? 200 : 1000);
  const r = await perTarget('C3', (t) => manyBoards(t, { boards, clientsPerBoard: 5, ratePerBoard: 2, seconds }), clusterNames);
  clusterRow('C3', `${boards} boards x 5, 2/s each: p50`, Object.fromEntries(clusterNames.map((n) => [n, r[n]?.p50 ?? NaN])));
  clusterRow('C3', `${boards} boards x 5, 2/s each: p99`, Object.fromEntries(clusterNames.map((n) => [n, r[n]?.p99 ?? NaN])));
  clusterRow('C3', 'event-loop lag p99 (worst process)', Object.fromEntries(clusterNames.map((n) => [n, r[n]?.lagP99 ?? NaN])));
  cpuRows('C3', Object.fromEntries(clusterNames.map((n) => [n, r[n] ? [r[n]] : []])));
}

/** A row with one figure, in the column of the three-process cluster. */
function threeProcessRow(id: string, what: string, value: string, note = '') {
  clusterRows.push([id, what, ...clusterNames.map((n) => (n === 'crossboard-pg3' ? value : '—')), note, '', '']);
}

if (wanted('CF')) {
  const rounds = quick ? 2 : 5;
  const r = await perTarget('CF', (t) => failover(t, { clientsPerProcess: 2, rate: 20, rounds }), ['crossboard-pg3']);
  const f = r['crossboard-pg3'];
  threeProcessRow('CF', `kill -9 of the owner x${rounds}, 6 clients writing 20/s: back (median)`, ms(f?.median ?? NaN), 'kill → own write seen elsewhere');
  threeProcessRow('CF', '  the same, worst client of all rounds', ms(f?.worst ?? NaN), `not back in 15 s: ${f?.notRecovered ?? '?'}`);
  threeProcessRow('CF', '  kill → synced again (median / worst)', f ? `${ms(median(f.syncedMs))} / ${ms(Math.max(...f.syncedMs))}` : 'n/a');
  threeProcessRow('CF', `  lost of ${f?.seen ?? '?'} seen; missing of ${f?.written ?? '?'} written`, f ? `${f.lost}; ${f.missing}` : 'n/a', f?.converged ? 'all converged' : 'NOT converged');
}

if (wanted('CR')) {
  const r = await perTarget('CR', (t) => rollingRestart(t, { clientsPerProcess: 2, rate: 20 }), ['crossboard-pg3']);
  const c = r['crossboard-pg3'];
  threeProcessRow('CR', 'rolling restart (SIGTERM 1, 2, 3), 6 clients writing 20/s: longest without sync', ms(c?.longestWithoutSyncMs ?? NaN), `per restart: ${c?.perRestartMs.map((x) => x.toFixed(0)).join(', ') ?? '?'} ms`);
  threeProcessRow('CR', '  median gap of a closed client', ms(c ? median(c.gapsMs) : NaN), `stuck: ${c?.stuck ?? '?'}`);
  threeProcessRow('CR', `  lost of ${c?.seen ?? '?'} seen; missing of ${c?.written ?? '?'} written`, c ? `${c.lost}; ${c.missing}` : 'n/a', c?.converged ? 'all converged' : 'NOT converged');
}

if (['E1', 'E2', 'E3'].some(wanted)) {
  const r = await briefExports({ quick, wanted });
  Object.assign(results, r.results);
  briefRows.push(...r.rows);
}

function printTable(header: string[], body: string[][]) {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (c ?? '').padEnd(widths[i]!)).join(' | ') + ' |';
  console.log('\n' + line(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of body) console.log(line(r));
}

if (rows.length) printTable(['id', 'what', 'crossboard', 'reference', 'relay', 'vs reference', 'vs relay'], rows);
if (clusterRows.length) {
  printTable(['id', 'what', 'SQLite x1', 'PG x1', 'PG x2', 'PG x3', 'PG x1 vs SQLite', 'PG x2 vs SQLite', 'PG x3 vs SQLite'], clusterRows);
}

if (briefRows.length) printTable(['id', 'what', 'now', 'before', 'target', 'now vs before'], briefRows);

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/latest.json', import.meta.url), JSON.stringify({ machine, at: new Date().toISOString(), quick, results, rows, clusterRows, briefRows }, null, 2));
// Load-generator sockets and timers from the workloads may still be winding down; the run is over.
process.exit(0);
