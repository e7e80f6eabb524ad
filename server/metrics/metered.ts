/**
 * The app's metrics taken at the edges of the parts they measure, so the parts themselves carry
 * no metrics code: a storage whose `documents.appendUpdate` is timed and counted (every document
 * write goes through it, the room's write path included), and a renderer whose jobs are counted
 * by format and outcome while they are in flight.
 */
import type { BoardComparison } from '../../shared/brief/compare.ts';
import { RenderQueueFullError, RenderTimeoutError, type BriefRenderer } from '../brief/pool.ts';
import { isPromise } from '../rooms/updateQueue.ts';
import type { DocumentStore, Storage } from '../storage/storage.ts';
import type { ExportOutcome } from './metrics.ts';

/** `storage` with each stored update reported to `stored` with the seconds it took. */
export function meteredStorage(storage: Storage, stored: (seconds: number) => void): Storage {
  // each call looks the part up afresh, like a caller holding `storage` would
  const metered: DocumentStore = {
    loadDocument: (id) => storage.documents.loadDocument(id),
    compact: (id, snapshot, uptoSeq) => storage.documents.compact(id, snapshot, uptoSeq),
    appendUpdate(id, update) {
      const started = performance.now();
      const seq = storage.documents.appendUpdate(id, update);
      // synchronous storage (SQLite) must stay synchronous: the room's write path relies on it
      if (!isPromise(seq)) {
        stored((performance.now() - started) / 1000);
        return seq;
      }
      return seq.then((s) => {
        stored((performance.now() - started) / 1000);
        return s;
      });
    },
  };
  return {
    get boards() {
      return storage.boards;
    },
    documents: metered,
    get sessions() {
      return storage.sessions;
    },
    get versions() {
      return storage.versions;
    },
    get comments() {
      return storage.comments;
    },
    get leases() {
      return storage.leases;
    },
    ping: () => storage.ping(),
    close: () => storage.close(),
  };
}

export type ExportJobObserver = {
  exportStarted(): void;
  exportFinished(format: string, outcome: ExportOutcome): void;
};

function outcomeOf(error: unknown): ExportOutcome {
  if (error instanceof RenderQueueFullError) return 'busy';
  if (error instanceof RenderTimeoutError) return 'timeout';
  return 'failed';
}

/** `renderer` with each job reported to `observer` as it starts and ends. */
export function meteredRenderer(renderer: BriefRenderer, observer: ExportJobObserver): BriefRenderer {
  async function observed<T>(format: string, run: () => Promise<T>): Promise<T> {
    observer.exportStarted();
    try {
      const result = await run();
      observer.exportFinished(format, 'ok');
      return result;
    } catch (error) {
      observer.exportFinished(format, outcomeOf(error));
      throw error;
    }
  }
  return {
    render: (job) => observed(job.format, () => renderer.render(job)),
    compare: (job) => observed<BoardComparison>('compare', () => renderer.compare(job)),
    close: () => renderer.close(),
  };
}
