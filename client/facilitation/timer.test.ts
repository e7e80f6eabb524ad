import { describe, expect, it } from 'vitest';
import { describeTimer, formatClock, timerRemainingMs } from './timer.ts';

describe('timer from the server clock', () => {
  const running = { status: 'running' as const, durationMs: 300_000, endsAt: 2_000_300_000, remainingMs: 300_000 };

  it('ignores the device’s own clock: only the time since the message counts', () => {
    // the server sent at 2_000_000_000; this device's clock is an hour behind
    const clock = { serverNow: 2_000_000_000, receivedAt: 2_000_000_000 - 3_600_000 };
    expect(timerRemainingMs(running, clock, clock.receivedAt)).toBe(300_000);
    expect(timerRemainingMs(running, clock, clock.receivedAt + 28_000)).toBe(272_000);
    expect(timerRemainingMs(running, clock, clock.receivedAt + 400_000)).toBe(0);
  });

  it('paused shows what was left; idle and ended show nothing left', () => {
    const clock = { serverNow: 0, receivedAt: 0 };
    expect(timerRemainingMs({ ...running, status: 'paused', endsAt: null, remainingMs: 130_000 }, clock, 99_999)).toBe(130_000);
    expect(timerRemainingMs({ ...running, status: 'ended' }, clock, 0)).toBe(0);
  });

  it('reads as a clock', () => {
    expect(formatClock(272_000)).toBe('4:32');
    expect(formatClock(271_001)).toBe('4:32');
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(3_723_000)).toBe('1:02:03');
    expect(describeTimer({ ...running, status: 'paused' }, 130_000)).toBe('paused — 2:10 left');
    expect(describeTimer({ ...running, status: 'idle' }, 0)).toBeNull();
  });
});
