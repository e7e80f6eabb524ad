/**
 * The countdown on this device, from the server's clock: a laptop whose clock is minutes off
 * still shows the same time left as everyone else. `remaining = endsAt - (serverNow + (now -
 * receivedAt))`, where receivedAt is this device's time when the session message arrived.
 */
import type { TimerView } from '../../shared/protocol.ts';

/** When a session message was sent (server clock) and received (this device's clock). */
export type ServerClock = { serverNow: number; receivedAt: number };

/** The server's time now, estimated from the last session message. */
export function serverTime(clock: ServerClock, deviceNow: number): number {
  return clock.serverNow + (deviceNow - clock.receivedAt);
}

/** Milliseconds left on the timer at this device's time `deviceNow`. */
export function timerRemainingMs(timer: TimerView, clock: ServerClock, deviceNow: number): number {
  if (timer.status === 'running') {
    if (timer.endsAt === null) return Math.max(0, timer.remainingMs);
    return Math.max(0, timer.endsAt - serverTime(clock, deviceNow));
  }
  if (timer.status === 'paused') return Math.max(0, timer.remainingMs);
  return 0;
}

/** "4:32", "0:05", "1:02:03": whole seconds, rounded up, so 0:00 shows only when time is up. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The timer in words for the header: "4:32 left", "paused — 2:10 left", "time is up". */
export function describeTimer(timer: TimerView, remainingMs: number): string | null {
  switch (timer.status) {
    case 'running':
      return `${formatClock(remainingMs)} left`;
    case 'paused':
      return `paused — ${formatClock(remainingMs)} left`;
    case 'ended':
      return 'time is up';
    default:
      return null;
  }
}

/** "5 minutes", "1 minute", "90 seconds": a duration for banners. */
export function describeDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds % 60 === 0) {
    const minutes = seconds / 60;
    return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  }
  return seconds === 1 ? '1 second' : `${seconds} seconds`;
}
