/**
 * What one Crossboard app reports to Prometheus, in a registry of its own (never prom-client's
 * global one), so several apps in one process (the tests) count separately. The app updates
 * these as it works; `metricsServer.ts` serves them on METRICS_PORT.
 *
 *   crossboard_connections{role}                     gauge      WebSocket connections open on this process
 *   crossboard_boards_loaded                         gauge      boards in memory
 *   crossboard_updates_stored_total                  counter    document updates stored (rate() is per second)
 *   crossboard_update_store_seconds                  histogram  storing one update durably
 *   crossboard_update_broadcast_seconds              histogram  an update stored and applied, until sent to every connection
 *   crossboard_export_jobs_total{format,outcome}     counter    brief exports (and version comparisons) the render pool finished
 *   crossboard_export_jobs_in_flight                 gauge      those running or waiting for a worker
 *
 * and, once served, Node's own (`withProcessMetrics`): nodejs_eventloop_lag_seconds, heap, GC, CPU.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ROLES, type Role } from '../../shared/schema.ts';

/** How an export job ended: done, refused because the queue was full, over its time, or failed. */
export type ExportOutcome = 'ok' | 'busy' | 'timeout' | 'failed';

/**
 * 50 µs to 2.5 s: an update stored in SQLite takes tens of microseconds, in PostgreSQL about a
 * millisecond; a broadcast waits at most for the end of an event-loop turn unless the loop is stuck.
 */
const LATENCY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export class AppMetrics {
  readonly registry = new Registry();
  private readonly connections: Gauge<'role'>;
  private readonly updatesStored: Counter;
  private readonly storeSeconds: Histogram;
  private readonly broadcastSeconds: Histogram;
  private readonly exportJobs: Counter<'format' | 'outcome'>;
  private readonly exportsInFlight: Gauge;
  private processMetrics = false;

  /** `boardsLoaded` is read at each scrape (the rooms know it; nothing needs to push it). */
  constructor(boardsLoaded: () => number) {
    const registers = [this.registry];
    this.connections = new Gauge({
      name: 'crossboard_connections',
      help: 'WebSocket connections open on this process, by role',
      labelNames: ['role'],
      registers,
    });
    // every role from the start, so a dashboard shows 0 rather than no data
    for (const role of ROLES) this.connections.set({ role }, 0);
    new Gauge({
      name: 'crossboard_boards_loaded',
      help: 'Boards loaded in memory on this process',
      registers,
      collect() {
        this.set(boardsLoaded());
      },
    });
    this.updatesStored = new Counter({
      name: 'crossboard_updates_stored_total',
      help: 'Document updates stored durably',
      registers,
    });
    this.storeSeconds = new Histogram({
      name: 'crossboard_update_store_seconds',
      help: 'Time to store one document update durably',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.broadcastSeconds = new Histogram({
      name: 'crossboard_update_broadcast_seconds',
      help: 'Time from an update being stored and applied to its frame being sent to every connection on the board',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.exportJobs = new Counter({
      name: 'crossboard_export_jobs_total',
      help: 'Brief exports and version comparisons finished by the render pool, by format and outcome',
      labelNames: ['format', 'outcome'],
      registers,
    });
    this.exportsInFlight = new Gauge({
      name: 'crossboard_export_jobs_in_flight',
      help: 'Export jobs running or waiting for a render worker',
      registers,
    });
  }

  connectionOpened = (role: Role): void => {
    this.connections.inc({ role });
  };

  connectionClosed = (role: Role): void => {
    this.connections.dec({ role });
  };

  updateStored = (seconds: number): void => {
    this.updatesStored.inc();
    this.storeSeconds.observe(seconds);
  };

  updateBroadcast = (seconds: number): void => {
    this.broadcastSeconds.observe(seconds);
  };

  exportStarted = (): void => {
    this.exportsInFlight.inc();
  };

  exportFinished = (format: string, outcome: ExportOutcome): void => {
    this.exportsInFlight.dec();
    this.exportJobs.inc({ format, outcome });
  };

  /**
   * Adds Node's process metrics (event-loop lag, heap, GC, CPU) to this registry. Only when they
   * are served: they start an event-loop delay monitor and a GC observer for the process.
   */
  withProcessMetrics(): this {
    if (!this.processMetrics) {
      this.processMetrics = true;
      collectDefaultMetrics({ register: this.registry });
    }
    return this;
  }
}
