/**
 * The body of a render worker thread (started by pool.ts through renderWorker.mjs): runs one job
 * per message — a brief to build and render, or two board states to compare — and answers with
 * the result or the error. The pool sends a worker one job at a time. A worker started to be kept
 * warm first renders a small brief, so that the first real export finds the fonts parsed and the
 * code compiled.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BoardComparison } from '../../shared/brief/compare.ts';
import { runBriefJob, runCompareJob, warmUp, type BriefJob, type BriefJobResult, type CompareJob } from './job.ts';

export type RenderWorkerData = { warmUp: boolean };

export type WorkerRequest = { id: number; task: 'brief'; job: BriefJob } | { id: number; task: 'compare'; job: CompareJob };
export type WorkerReply =
  | { id: number; ok: true; result: BriefJobResult | BoardComparison }
  | { id: number; ok: false; error: string };

if (!parentPort) throw new Error('renderWorker.ts runs only as a worker thread');
const port = parentPort;

port.on('message', (request: WorkerRequest) => {
  const run = async () => (request.task === 'compare' ? runCompareJob(request.job) : runBriefJob(request.job));
  run().then(
    (result) => port.postMessage({ id: request.id, ok: true, result } satisfies WorkerReply),
    (error: unknown) =>
      port.postMessage({
        id: request.id,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies WorkerReply),
  );
});
// A warm-up that fails costs only speed: the worker still takes jobs, which report their own errors.
if ((workerData as RenderWorkerData | undefined)?.warmUp) await warmUp().catch(() => undefined);
port.postMessage({ ready: true });
