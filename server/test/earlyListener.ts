/**
 * An early listener (listener.ts) on a free port of 127.0.0.1 for a test, with its URL and a
 * `close` that drops every connection it holds.
 */
import { listenEarly, type EarlyListener, type ListenOptions } from '../listener.ts';

export type TestListener = EarlyListener & { url: string; close(): Promise<void> };

export async function testListener(options: Omit<ListenOptions, 'port' | 'host'> = {}): Promise<TestListener> {
  const l = await listenEarly({ port: 0, host: '127.0.0.1', ...options });
  const close = () =>
    new Promise<void>((resolve) => {
      l.server.closeAllConnections();
      l.server.close(() => resolve());
    });
  return Object.assign(l, { url: `http://127.0.0.1:${l.port}`, close });
}
