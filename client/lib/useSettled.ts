/**
 * When a screen may show what it loads: once everything it lays out has arrived (`arrived`), or
 * `maxWaitMs` after it opened, whichever comes first; from then on, for good. Drawing each part as
 * it arrives moves what is already on screen (the header grows, the lanes or the brief jump
 * down), which people see as the page jumping and Lighthouse counts as layout shift.
 *
 * The switch is a transition: the whole screen renders then, and React renders it in slices
 * that leave the page free to answer input, rather than in one long task.
 */
import { startTransition, useEffect, useState } from 'react';

export function useSettled(arrived: boolean, maxWaitMs: number): boolean {
  const [settled, setSettled] = useState(arrived);
  useEffect(() => {
    if (arrived) startTransition(() => setSettled(true));
  }, [arrived]);
  useEffect(() => {
    if (settled) return;
    const timer = setTimeout(() => startTransition(() => setSettled(true)), maxWaitMs);
    return () => clearTimeout(timer);
  }, [settled, maxWaitMs]);
  return settled;
}
