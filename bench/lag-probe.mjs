// Loaded into a server under test with NODE_OPTIONS=--import: reports the event-loop delay and
// memory of that process once a second on stderr, so every target is measured the same way.
import { monitorEventLoopDelay } from 'node:perf_hooks';

const histogram = monitorEventLoopDelay({ resolution: 5 });
histogram.enable();
const timer = setInterval(() => {
  // with --expose-gc (B5), measure live memory rather than garbage not yet collected
  globalThis.gc?.();
  const m = process.memoryUsage();
  const line = {
    lagP50: histogram.percentile(50) / 1e6,
    lagP99: histogram.percentile(99) / 1e6,
    lagMax: histogram.max / 1e6,
    rss: m.rss,
    heapUsed: m.heapUsed,
  };
  histogram.reset();
  process.stderr.write(`__PROBE__${JSON.stringify(line)}\n`);
}, 1000);
timer.unref();
