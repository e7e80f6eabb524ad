/**
 * A truthful sync status for one board connection.
 *
 * The socket alone cannot tell the truth: in Chromium, going offline does not close an open
 * WebSocket (its frames are held), so a provider keeps reporting "connected" and "synced". The
 * status therefore combines three signals: the browser's online state (`navigator.onLine` and the
 * online/offline events), the provider's connection and sync flags, and a heartbeat — when the
 * socket has been quiet for a while we ask the server for awareness (a standard query-awareness
 * frame, which every y-websocket server answers); no answer within the timeout means the socket
 * is dead, whatever it claims, and we reconnect.
 *
 * Framework-free: a tiny store with subscribe/getSnapshot, read in React via useSyncExternalStore.
 */
import * as encoding from 'lib0/encoding';
import type { WebsocketProvider } from 'y-websocket';
import { MessageType } from '../../shared/protocol.ts';

/** `stopped`: the server closed the connection for good (a permanent close code); no retry comes. */
export type SyncStatus = 'connecting' | 'synced' | 'offline' | 'reconnecting' | 'stopped';

export type SyncStatusOptions = {
  /** ask the server for a sign of life after this much silence */
  quietMs?: number;
  /** declare the socket dead after this much silence (must exceed quietMs + a round trip) */
  deadMs?: number;
  now?: () => number;
  online?: () => boolean;
  /** where online/offline events come from (window in the browser) */
  events?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
};

export class SyncStatusStore {
  private status: SyncStatus = 'connecting';
  private everSynced = false;
  private stopped = false;
  private listeners = new Set<() => void>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly quietMs: number;
  private readonly deadMs: number;
  private readonly now: () => number;
  private readonly online: () => boolean;
  private lastPing = 0;
  private disposers: Array<() => void> = [];

  constructor(
    private readonly provider: WebsocketProvider,
    options: SyncStatusOptions = {},
  ) {
    this.quietMs = options.quietMs ?? 8_000;
    this.deadMs = options.deadMs ?? 14_000;
    this.now = options.now ?? (() => Date.now());
    this.online = options.online ?? (() => navigator.onLine);

    const recompute = () => this.recompute();
    // y-websocket emits `closed` when it will not reconnect (the policy in ./reconnect.ts decides)
    const onClosed = () => {
      this.stopped = true;
      this.recompute();
    };
    provider.on('status', recompute);
    provider.on('sync', recompute);
    provider.on('closed', onClosed);
    this.disposers.push(() => {
      provider.off('status', recompute);
      provider.off('sync', recompute);
      provider.off('closed', onClosed);
    });

    const onOffline = () => this.recompute();
    const onOnline = () => {
      // A socket that lived through an offline spell may be holding frames or be half dead, and
      // its "synced" flag dates from before. Start a fresh connection so "synced" is earned again.
      if (this.provider.ws !== null) {
        this.provider.disconnect();
        this.provider.connect();
      }
      this.recompute();
    };
    const events = options.events ?? window;
    events.addEventListener('offline', onOffline);
    events.addEventListener('online', onOnline);
    this.disposers.push(() => {
      events.removeEventListener('offline', onOffline);
      events.removeEventListener('online', onOnline);
    });

    this.timer = setInterval(() => this.heartbeat(), 2_000);
    this.recompute();
  }

  getSnapshot = (): SyncStatus => this.status;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Whether this board has synced with the server at least once since the page loaded. */
  hasSynced(): boolean {
    return this.everSynced;
  }

  /** One heartbeat tick (runs every 2 s; exposed for tests). */
  heartbeat(): void {
    const p = this.provider;
    if (!p.wsconnected || !p.ws || !this.online()) return this.recompute();
    const silence = this.now() - p.wsLastMessageReceived;
    if (silence > this.deadMs) {
      // The socket says open but nothing arrived, not even the answer to our ping: reconnect.
      p.disconnect();
      p.connect();
    } else if (silence > this.quietMs && this.now() - this.lastPing > this.quietMs / 2) {
      this.lastPing = this.now();
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MessageType.queryAwareness);
      try {
        p.ws.send(encoding.toUint8Array(encoder));
      } catch {
        // closing socket: the provider will notice and reconnect
      }
    }
    this.recompute();
  }

  private compute(): SyncStatus {
    if (this.stopped) return 'stopped';
    if (!this.online()) return 'offline';
    const p = this.provider;
    const alive = this.now() - p.wsLastMessageReceived <= this.deadMs;
    if (p.wsconnected && p.synced && alive) return 'synced';
    return this.everSynced ? 'reconnecting' : 'connecting';
  }

  recompute(): void {
    const next = this.compute();
    if (next === 'synced') this.everSynced = true;
    if (next !== this.status) {
      this.status = next;
      for (const l of this.listeners) l();
    }
  }

  destroy(): void {
    clearInterval(this.timer);
    for (const d of this.disposers) d();
    this.listeners.clear();
  }
}
