/** The thin React binding over the session store (useSyncExternalStore), and a ticking clock. */
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { SessionSnapshot, SessionStore } from './sessionStore.ts';

export function useSession(store: SessionStore): SessionSnapshot {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/** This device's time, re-read every `everyMs` while `active` (a running timer). */
export function useNow(active: boolean, everyMs = 250): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [active, everyMs]);
  return now;
}
