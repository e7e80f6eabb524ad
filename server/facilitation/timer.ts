/**
 * The session timer's alarm: one timeout while the timer runs, so the server itself can end it
 * when it is due. The timeout only wakes the board; what happens then (ending the timer, through
 * the room's queue like any command) is the caller's `due`.
 */
import type { TimerState } from '../../shared/facilitation/index.ts';

export class TimerAlarm {
  private timeout: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    /** the server's clock (ms since the epoch) */
    private readonly now: () => number,
    /** called once the running timer's end is reached */
    private readonly due: () => void,
  ) {}

  /** Sets the alarm for `timer`'s end if it is running (and clears any earlier one). */
  arm(timer: TimerState): void {
    if (this.timeout) clearTimeout(this.timeout);
    this.timeout = null;
    if (this.stopped || timer.status !== 'running' || timer.endsAt === null) return;
    const delay = Math.max(0, timer.endsAt - this.now());
    this.timeout = setTimeout(() => {
      this.timeout = null;
      this.due();
    }, delay);
    this.timeout.unref();
  }

  /** For good: the board is going. */
  stop(): void {
    this.stopped = true;
    if (this.timeout) clearTimeout(this.timeout);
    this.timeout = null;
  }
}
