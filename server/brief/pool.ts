/**
 * Where briefs are rendered. A PDF of a 300-card board takes the better part of a second of CPU,
 * and the server's event loop also carries every board's WebSocket traffic, so the server renders
 * in worker threads: at most `size` jobs at once, the rest waiting in a bounded queue (a full
 * queue is refused at once rather than making everyone wait longer).
 *
 * Workers start on first use (half a second: tsx, Lexical, pdfkit), are kept for the next export,
 * and stop after `idleMs` without work. They never keep the process alive on their own. A worker
 * that crashes or overruns `timeoutMs` is dropped and replaced; only its own job fails.
 *
 * A first export on a cold worker also pays for starting it, parsing fonts and compiling the
 * render code (5 to 15 times as long as on a warm one, bench E3), so the server keeps `keepWarm`
 * workers: `warm()` starts them at server start, each renders the fixture board's brief before
 * it says it is ready, and they do not stop when idle (a lost one is replaced at once).
 *
 * Comparing two states of a board reads card bodies through Lexical too, so it runs here as well.
 *
 * `inlineRenderer` runs the same job in-process, for the CLI (nothing else to keep responsive).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BoardComparison } from '../../shared/brief/compare.ts';
import type { Logger } from '../log.ts';
import type { BriefJob, BriefJobResult, CompareJob } from './job.ts';
import type { RenderWorkerData, WorkerReply, WorkerRequest } from './renderWorker.ts';

export type RenderOutcome = BriefJobResult & {
  /** time spent waiting for a free worker (including starting one) */
  waitedMs: number;
  /** time the job itself took */
  ranMs: number;
};

export interface BriefRenderer {
  render(job: BriefJob): Promise<RenderOutcome>;
  /** compares two states of a board (card bodies are read through Lexical: CPU, like a render) */
  compare(job: CompareJob): Promise<BoardComparison>;
  close(): Promise<void>;
}

export class RenderQueueFullError extends Error {
  override name = 'RenderQueueFullError';
}
export class RenderTimeoutError extends Error {
  override name = 'RenderTimeoutError';
}
export class RenderFailedError extends Error {
  override name = 'RenderFailedError';
}

export type RenderPoolOptions = {
  /** worker threads rendering at once; default: the cores but one, at least 1, at most 4 */
  size?: number;
  /** jobs waiting beyond those running; more are refused with RenderQueueFullError (default 32) */
  maxQueued?: number;
  /** a job running longer is abandoned and its worker terminated (default 120 s) */
  timeoutMs?: number;
  /** a worker without work for this long stops (default 60 s) */
  idleMs?: number;
  /** heap limit of each worker: a runaway render fails alone instead of exhausting the process */
  maxHeapMb?: number;
  /** workers that `warm()` starts ahead of work and that do not stop when idle (default 0) */
  keepWarm?: number;
  logger?: Logger;
};

export function defaultPoolSize(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

type Task = { task: 'brief'; job: BriefJob } | { task: 'compare'; job: CompareJob };

type Pending = Task & {
  resolve: (result: BriefJobResult | BoardComparison, timing: { waitedMs: number; ranMs: number }) => void;
  reject: (error: Error) => void;
  enqueuedAt: number;
};

type Slot = {
  worker: Worker;
  ready: boolean;
  /** settles when the worker is ready, or gone before it was (`settle`) */
  started: Promise<void>;
  settle: () => void;
  current: { id: number; pending: Pending; startedAt: number; timer: NodeJS.Timeout } | null;
  idleTimer: NodeJS.Timeout | null;
  gone: boolean;
};

const WORKER_URL = new URL('./renderWorker.mjs', import.meta.url);

export class WorkerRenderPool implements BriefRenderer {
  readonly size: number;
  private readonly maxQueued: number;
  private readonly timeoutMs: number;
  private readonly idleMs: number;
  private readonly maxHeapMb: number;
  private readonly keepWarm: number;
  private readonly logger: Logger | undefined;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private closed = false;
  /** workers started so far (for tests and logs) */
  started = 0;
  /** the most jobs that ran at the same moment (for tests) */
  peakRunning = 0;

  constructor(options: RenderPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? defaultPoolSize()));
    this.maxQueued = options.maxQueued ?? 32;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.idleMs = options.idleMs ?? 60_000;
    this.maxHeapMb = options.maxHeapMb ?? 1024;
    this.keepWarm = Math.min(this.size, Math.max(0, Math.floor(options.keepWarm ?? 0)));
    this.logger = options.logger;
  }

  get running(): number {
    return this.slots.filter((s) => s.current).length;
  }

  get queued(): number {
    return this.queue.length;
  }

  get workers(): number {
    return this.slots.length;
  }

  render(job: BriefJob): Promise<RenderOutcome> {
    return this.submit({ task: 'brief', job }, (result, timing) => {
      const rendered = result as BriefJobResult;
      // structured clone gives a Uint8Array whatever the worker sent (a Buffer included)
      if (!(rendered?.body instanceof Uint8Array)) throw new RenderFailedError('the worker answered without a body');
      return { ...rendered, ...timing };
    });
  }

  compare(job: CompareJob): Promise<BoardComparison> {
    return this.submit({ task: 'compare', job }, (result) => result as BoardComparison);
  }

  private submit<T>(task: Task, accept: (result: BriefJobResult | BoardComparison, timing: { waitedMs: number; ranMs: number }) => T): Promise<T> {
    if (this.closed) return Promise.reject(new RenderFailedError('the render pool is closed'));
    // waiting = queued jobs that no running-or-starting worker will take next
    const waiting = this.queue.length - (this.size - this.running);
    if (waiting >= this.maxQueued) {
      return Promise.reject(new RenderQueueFullError(`${this.queue.length} exports are already waiting`));
    }
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        ...task,
        resolve: (result, timing) => {
          try {
            resolve(accept(result, timing));
          } catch (error) {
            reject(error as Error);
          }
        },
        reject,
        enqueuedAt: performance.now(),
      });
      this.pump();
    });
  }

  /**
   * Starts the kept-warm workers, each warmed up on the fixture's brief; resolves when they are ready
   * (or have failed to start: the exports that follow then start workers as usual).
   */
  async warm(): Promise<void> {
    this.fillWarm();
    await Promise.all(this.slots.map((slot) => slot.started));
  }

  /** Starts warmed-up workers until `keepWarm` are running or starting. */
  private fillWarm(): void {
    while (!this.closed && this.slots.length < this.keepWarm) this.spawn(true);
  }

  /** Terminates every worker; running and waiting jobs fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new RenderFailedError('the render pool is closed'));
    await Promise.all(this.slots.slice().map((slot) => this.drop(slot, new RenderFailedError('the render pool is closed'))));
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.ready && !slot.current && !slot.gone) this.assign(slot, this.queue.shift()!);
    }
    const starting = this.slots.filter((s) => !s.ready).length;
    let wanted = this.queue.length - starting;
    while (wanted > 0 && this.slots.length < this.size) {
      this.spawn();
      wanted--;
    }
  }

  private spawn(warmUp = false): void {
    const worker = new Worker(WORKER_URL, {
      workerData: { warmUp } satisfies RenderWorkerData,
      resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb },
      // the worker's own console output is not the server's log
      stdout: false,
      stderr: false,
    });
    worker.unref();
    this.started++;
    let settle = () => {};
    const started = new Promise<void>((resolve) => (settle = resolve));
    const slot: Slot = { worker, ready: false, started, settle, current: null, idleTimer: null, gone: false };
    this.slots.push(slot);
    worker.on('message', (message: WorkerReply | { ready: true }) => {
      if ('ready' in message) {
        slot.ready = true;
        slot.settle();
        this.idle(slot);
        this.pump();
        return;
      }
      this.finish(slot, message);
    });
    worker.on('error', (error) => {
      this.logger?.error('brief render worker failed', { error: String(error) });
      void this.lost(slot, error);
    });
    worker.on('exit', (code) => {
      if (!slot.gone) void this.lost(slot, new Error(`render worker exited with code ${code}`));
    });
  }

  private assign(slot: Slot, pending: Pending): void {
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
    const id = ++this.nextId;
    const timer = setTimeout(() => {
      void this.drop(slot, new RenderTimeoutError(`rendering took longer than ${this.timeoutMs} ms`));
      this.fillWarm();
      this.pump();
    }, this.timeoutMs);
    timer.unref();
    slot.current = { id, pending, startedAt: performance.now(), timer };
    this.peakRunning = Math.max(this.peakRunning, this.running);
    // a job in flight keeps the process alive until it is answered
    slot.worker.ref();
    const request: WorkerRequest =
      pending.task === 'compare' ? { id, task: 'compare', job: pending.job } : { id, task: 'brief', job: pending.job };
    slot.worker.postMessage(request);
  }

  private finish(slot: Slot, reply: WorkerReply): void {
    const current = slot.current;
    if (!current || current.id !== reply.id) return;
    clearTimeout(current.timer);
    slot.current = null;
    slot.worker.unref();
    const now = performance.now();
    if (reply.ok) {
      current.pending.resolve(reply.result, {
        waitedMs: current.startedAt - current.pending.enqueuedAt,
        ranMs: now - current.startedAt,
      });
    } else {
      current.pending.reject(new RenderFailedError(reply.error));
    }
    this.idle(slot);
    this.pump();
  }

  private idle(slot: Slot): void {
    if (slot.current || slot.gone) return;
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = setTimeout(() => {
      // the kept-warm workers stay; only those beyond them stop
      if (this.slots.length > this.keepWarm) void this.drop(slot, null);
    }, this.idleMs);
    slot.idleTimer.unref();
  }

  /** A worker died on its own (crash, out of memory). */
  private async lost(slot: Slot, error: Error): Promise<void> {
    const neverStarted = !slot.ready;
    await this.drop(slot, new RenderFailedError(error.message));
    if (neverStarted) {
      // A worker that cannot even start will not start next time either: fail what waits
      // instead of starting workers in a loop.
      for (const pending of this.queue.splice(0)) {
        pending.reject(new RenderFailedError(`render worker could not start: ${error.message}`));
      }
      return;
    }
    this.fillWarm();
    this.pump();
  }

  private async drop(slot: Slot, error: Error | null): Promise<void> {
    if (slot.gone) return;
    slot.gone = true;
    slot.settle();
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    if (slot.current) {
      clearTimeout(slot.current.timer);
      slot.current.pending.reject(error ?? new RenderFailedError('render worker stopped'));
      slot.current = null;
    }
    await slot.worker.terminate().catch(() => undefined);
  }
}

/**
 * Renders in the calling thread: for the CLI, where nothing else waits on the event loop. The
 * job module (Lexical, pdfkit, docx) is imported on first use, so a server that only imports
 * this file does not carry it.
 */
export const inlineRenderer: BriefRenderer = {
  async render(job) {
    const { runBriefJob } = await import('./job.ts');
    const startedAt = performance.now();
    const result = await runBriefJob(job);
    return { ...result, waitedMs: 0, ranMs: performance.now() - startedAt };
  },
  async compare(job) {
    const { runCompareJob } = await import('./job.ts');
    return runCompareJob(job);
  },
  async close() {},
};

let shared: WorkerRenderPool | undefined;

/**
 * The process's render pool. One per process, because what it rations is the machine's CPU; one
 * worker is kept warm (main.ts warms it at start), the others stop when idle, and none keeps the
 * process alive, so nothing needs to close it.
 */
export function sharedRenderPool(): WorkerRenderPool {
  shared ??= new WorkerRenderPool({ keepWarm: 1 });
  return shared;
}
