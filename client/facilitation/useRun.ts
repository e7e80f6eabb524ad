/** Runs a facilitation command: one at a time per control, the server's refusal shown in words. */
import { useCallback, useState } from 'react';
import { useFacilitation } from './context.ts';

export function useRun() {
  const { store } = useFacilitation();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    async <T,>(key: string, action: () => Promise<T>, options: { done?: string | ((value: T) => string) } = {}): Promise<T | undefined> => {
      setBusy(key);
      setError(null);
      try {
        const value = await action();
        const done = typeof options.done === 'function' ? options.done(value) : options.done;
        if (done) store.banner(done, 'success');
        return value;
      } catch (e) {
        const message = e instanceof Error ? e.message : 'That did not work. Try again.';
        setError(message);
        store.banner(message, 'warning');
        return undefined;
      } finally {
        setBusy(null);
      }
    },
    [store],
  );
  return { busy, error, run, clearError: () => setError(null) };
}
