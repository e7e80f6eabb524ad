/**
 * Resolves at the first quiet moment of the event loop: once its utilization over one check
 * interval is below `maxUtilization`, or after `maxWaitMs` whatever it is.
 *
 * For work that can wait but should not wait long, such as warming a brief render worker after
 * a start. Right after a restart every client of the old process comes back at once; on a
 * machine with two cores, a worker loading Lexical and pdfkit then takes the core those clients'
 * resync needs (about 7 s of CPU on this machine's B8 runs).
 */
import { performance } from 'node:perf_hooks';

export type QuietOptions = {
  /** the share of an interval the loop may be busy and still count as quiet; default 0.5 */
  maxUtilization?: number;
  /** default 1000 ms */
  checkMs?: number;
  /** default 60 s */
  maxWaitMs?: number;
};

export function quietMoment(options: QuietOptions = {}): Promise<void> {
  const maxUtilization = options.maxUtilization ?? 0.5;
  const checkMs = options.checkMs ?? 1000;
  const giveUpAt = performance.now() + (options.maxWaitMs ?? 60_000);
  return new Promise((resolve) => {
    let last = performance.eventLoopUtilization();
    const check = () => {
      const now = performance.eventLoopUtilization();
      const busy = performance.eventLoopUtilization(now, last).utilization;
      last = now;
      if (busy < maxUtilization || performance.now() >= giveUpAt) resolve();
      // unref'd: a process that has nothing else to do may exit meanwhile
      else setTimeout(check, checkMs).unref();
    };
    setTimeout(check, checkMs).unref();
  });
}
