/**
 * The workloads of `npm run bench`. Each takes a started target and returns plain
 * figures; run.ts prints them side by side with ratios.
 */
import type WebSocket from 'ws';
import { Reader, Writer, awarenessFrame, closeAll, connect, connectMany, paced, syncStep1Frame, until } from './clients.ts';
import { median, summarize, type Summary } from './stats.ts';
import type { Target } from './targets.ts';

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Each server process's CPU time over a timed window (user + system, from /proc), divided by the
 * updates written and by the updates delivered in it, in µs; `net` first takes off what the
 * process spent idle for as long (`idleMsPerSecond`, measured with every socket open and nobody
 * writing: probes, timers, lease renewals), so that it is the cost an update adds.
 */
export type CpuPerUpdate = {
  perWrite: number[];
  perDelivery: number[];
  netPerDelivery: number[];
  idleMsPerSecond: number[];
  writes: number;
  deliveries: number;
};

function cpuPerUpdate(before: number[], after: number[], windowMs: number, idleMsPerSecond: number[], writes: number, deliveries: number): CpuPerUpdate {
  const used = after.map((a, i) => a - before[i]!);
  return {
    perWrite: used.map((u) => u / writes),
    perDelivery: used.map((u) => u / deliveries),
    // idle ms per s is idle µs per ms of the window
    netPerDelivery: used.map((u, i) => Math.max(0, u - idleMsPerSecond[i]! * windowMs) / deliveries),
    idleMsPerSecond,
    writes,
    deliveries,
  };
}

/** Each process's CPU in ms per second over `ms` of nothing to do but what is open. */
async function idleCpu(target: Target, ms: number): Promise<number[]> {
  const before = target.cpuMicros();
  const start = performance.now();
  await settle(ms);
  return target.cpuMicros().map((c, n) => (c - before[n]!) / (performance.now() - start));
}

/** One writer, `readers` readers on one room, `rate` updates/s for `seconds`. */
export async function fanOut(
  target: Target,
  opts: { readers: number; rate: number; seconds: number; paddingBytes?: number; slowReader?: boolean; idleMs?: number },
): Promise<Summary & { delivered: number; expected: number; slowClosed?: boolean; cpu: CpuPerUpdate }> {
  const url = await target.newRoom();
  const writerWs = await connect(target.route(url));
  const writer = new Writer(writerWs, opts.paddingBytes ?? 0);
  const sockets = await connectMany(Array.from({ length: opts.readers }, () => target.route(url)));
  const readers = sockets.map((ws) => new Reader(ws, writer.sentAt));
  let slow: WebSocket | undefined;
  let slowClosed = false;
  if (opts.slowReader) {
    slow = await connect(target.route(url));
    slow.on('close', () => (slowClosed = true));
    // Stop reading from the TCP socket: the server's send buffer for it fills and stays full.
    (slow as unknown as { _socket: { pause(): void } })._socket.pause();
  }
  // Let the initial sync traffic pass before measuring. A reader relayed by another process of a
  // cluster is in the room once the owner has heard of it, a moment after its socket opened, and
  // these readers never ask for what they missed: write until every reader has seen an update.
  const warmDeadline = performance.now() + 10_000;
  const allWarm = () => readers.every((r) => r.seen.size > 0);
  do {
    writer.write();
    await until(allWarm, 1000, 'warm-up update').catch(() => {});
  } while (!allWarm() && performance.now() < warmDeadline);
  if (!allWarm()) throw new Error('timed out waiting for warm-up update');
  const warm = writer.count;
  // for CPU less idle, when asked (C1): each process's CPU over `idleMs` with nobody writing
  const idle = opts.idleMs ? await idleCpu(target, opts.idleMs) : target.ports.map(() => 0);
  for (const r of readers) r.latencies.length = 0;

  writer.prepare(Math.round(opts.rate * opts.seconds));
  const cpuBefore = target.cpuMicros();
  const windowStart = performance.now();
  await paced(opts.rate, opts.seconds, () => writer.write());
  const last = writer.count;
  await until(() => readers.every((r) => r.seen.has(last)), 15_000, 'last update').catch(() => {});
  const cpuAfter = target.cpuMicros();
  const windowMs = performance.now() - windowStart;
  const samples = readers.flatMap((r) => r.latencies);
  const expected = (last - warm) * readers.length;
  closeAll([writerWs, ...sockets]);
  slow?.terminate();
  const cpu = cpuPerUpdate(cpuBefore, cpuAfter, windowMs, idle, last - warm, samples.length);
  return { ...summarize(samples), delivered: samples.length, expected, ...(opts.slowReader ? { slowClosed } : {}), cpu };
}

/** B2: raise the rate until p99 crosses 50 ms; report the last rate that held, in deliveries/s. */
export async function saturation(
  target: Target,
  opts: { readers: number; rates: number[]; seconds: number },
): Promise<{ deliveriesPerSecond: number; steps: Array<{ rate: number; p99: number; lossless: boolean }> }> {
  const steps: Array<{ rate: number; p99: number; lossless: boolean }> = [];
  let best = 0;
  for (const rate of opts.rates) {
    const r = await fanOut(target, { readers: opts.readers, rate, seconds: opts.seconds });
    const lossless = r.delivered >= r.expected;
    steps.push({ rate, p99: r.p99, lossless });
    if (r.p99 <= 50 && lossless) best = rate * opts.readers;
    else break;
  }
  return { deliveriesPerSecond: best, steps };
}

/** B3: many boards, a few clients each, a steady trickle per board. */
export async function manyBoards(
  target: Target,
  opts: { boards: number; clientsPerBoard: number; ratePerBoard: number; seconds: number },
): Promise<Summary & { lagP99: number; lagMax: number; connections: number; cpu: CpuPerUpdate; idleMsPerSecond: number[] }> {
  const urls = await Promise.all(Array.from({ length: opts.boards }, () => target.newRoom()));
  const writers: Writer[] = [];
  const readers: Reader[] = [];
  const pairs: { reader: Reader; writer: Writer }[] = [];
  const sockets: WebSocket[] = [];
  for (let b = 0; b < urls.length; b += 50) {
    const chunk = urls.slice(b, b + 50);
    await Promise.all(
      chunk.map(async (url) => {
        const w = await connect(target.route(url));
        const writer = new Writer(w);
        const rs = await connectMany(Array.from({ length: opts.clientsPerBoard - 1 }, () => target.route(url)), 10);
        writers.push(writer);
        sockets.push(w, ...rs);
        const boardReaders = rs.map((ws) => new Reader(ws, writer.sentAt));
        readers.push(...boardReaders);
        pairs.push(...boardReaders.map((reader) => ({ reader, writer })));
      }),
    );
  }
  // each process's CPU while every socket is open and nobody writes (lease renewals, relay checks)
  const idleMsPerSecond = await idleCpu(target, 2000);
  const start = performance.now();
  const cpuBefore = target.cpuMicros();
  // Spread the boards' writes evenly over each interval instead of all at once.
  let i = 0;
  await paced(opts.ratePerBoard * writers.length, opts.seconds, () => {
    writers[i++ % writers.length]!.write();
  });
  // until every reader has its writer's last update (a server past its capacity delivers late)
  await until(() => pairs.every((p) => p.reader.seen.has(p.writer.count)), 30_000, 'last updates').catch(() => {});
  await settle(500);
  const cpuAfter = target.cpuMicros();
  const windowMs = performance.now() - start;
  const probes = target.probesSince(start);
  const samples = readers.flatMap((r) => r.latencies);
  const writes = writers.reduce((n, w) => n + w.count, 0);
  closeAll(sockets);
  return {
    ...summarize(samples),
    cpu: cpuPerUpdate(cpuBefore, cpuAfter, windowMs, idleMsPerSecond, writes, samples.length),
    idleMsPerSecond,
    lagP99: Math.max(...probes.map((p) => p.lagP99)),
    lagMax: Math.max(...probes.map((p) => p.lagMax)),
    connections: sockets.length,
  };
}

/** B4: idle connections, each with an awareness state; memory per connection from the probe. */
export async function idleConnections(
  target: Target,
  opts: { connections: number; perBoard: number },
): Promise<{ connections: number; rssPerConnKB: number; heapPerConnKB: number }> {
  await settle(1100);
  const before = target.probes.at(-1)!;
  const boards = Math.ceil(opts.connections / opts.perBoard);
  const urls: string[] = [];
  for (let b = 0; b < boards; b++) {
    const url = await target.newRoom();
    for (let c = 0; c < opts.perBoard && urls.length < opts.connections; c++) urls.push(url);
  }
  const sockets = await connectMany(urls, 50);
  sockets.forEach((ws, n) =>
    ws.send(
      awarenessFrame(100_000 + n, 1, {
        user: { name: `Person ${n}`, organisation: 'Bench Ltd', sector: 'private sector', color: '#1d70b8' },
        card: null,
      }),
    ),
  );
  // Two probe reports after the last awareness message, so the figure includes it.
  const since = performance.now();
  await until(() => target.probesSince(since).length >= 2, 5_000, 'probe');
  const after = target.probes.at(-1)!;
  closeAll(sockets);
  return {
    connections: sockets.length,
    rssPerConnKB: (after.rss - before.rss) / 1024 / sockets.length,
    heapPerConnKB: (after.heapUsed - before.heapUsed) / 1024 / sockets.length,
  };
}

export { median };

/**
 * B5: open a board, sync, close, `cycles` times over `boards` distinct boards (idle unload set to
 * 0, so every close unloads the board after storing it). Heap (after a forced GC) is read once
 * warm and again at the end: a flat heap means rooms, awareness and connection state all go.
 */
export async function openCloseCycles(
  target: Target,
  opts: { cycles: number; boards: number },
): Promise<{ cycles: number; heapWarmMB: number; heapEndMB: number; growthPer1000KB: number; loaded: number }> {
  const urls = await Promise.all(Array.from({ length: opts.boards }, () => target.newRoom()));
  const openOnce = async (url: string) => {
    const ws = await connect(url);
    await new Promise<void>((ok) => {
      ws.on('message', (data: Buffer) => data[0] === 0 && data[1] === 1 && ok());
      ws.send(syncStep1Frame());
    });
    ws.close();
    await new Promise((r) => ws.once('close', r));
  };
  const warmup = Math.min(1000, opts.cycles / 10);
  for (let i = 0; i < warmup; i++) await openOnce(urls[i % urls.length]!);
  let since = performance.now();
  await until(() => target.probesSince(since).length >= 2, 5000, 'probe');
  const warm = target.probes.at(-1)!;
  for (let i = warmup; i < opts.cycles; i++) await openOnce(urls[i % urls.length]!);
  since = performance.now();
  await until(() => target.probesSince(since).length >= 2, 5000, 'probe');
  const end = target.probes.at(-1)!;
  const health = (await (await fetch(`http://127.0.0.1:${target.port}/api/health`)).json()) as { rooms?: number };
  return {
    cycles: opts.cycles,
    heapWarmMB: warm.heapUsed / 2 ** 20,
    heapEndMB: end.heapUsed / 2 ** 20,
    growthPer1000KB: ((end.heapUsed - warm.heapUsed) / 1024 / (opts.cycles - warmup)) * 1000,
    loaded: health.rooms ?? NaN,
  };
}
