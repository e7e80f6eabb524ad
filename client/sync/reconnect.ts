/**
 * When the board's socket closes: whether to come back, and when.
 *
 * y-websocket 3.1.0 reconnects after `min(2^n * 100, maxBackoffTime)` ms, where n counts closes
 * since the last sync — the same instants for everyone. When a server restarts, every client
 * was closed at the same moment, so 2,000 clients come back in synchronised waves. Here the
 * provider's own wait is set to 0 (`maxBackoffTime: 0`) and the socket class it constructs
 * (`WebSocketPolyfill`) waits instead, for a random time between 0 and the current ceiling
 * ("full jitter"): the ceiling doubles from 200 ms up to 10 s, and after a server that asked us
 * to come back later (restarting, rate limited, too slow, full) it is at least that close code's
 * spread until the next successful sync.
 *
 * What y-websocket 3.1.0 does with the socket it constructs (read in src/y-websocket.js):
 * `new _WS(url, protocols)` in `setupWS`, sets `binaryType` and the four `on*` handlers, calls
 * `send` after `onopen` or when `readyState === ws.OPEN`, and `close()` (after nulling the
 * handlers) on disconnect or a dead socket; a close counts in `wsUnsuccessfulReconnects`, which
 * the provider resets when it syncs. The deferred socket below provides exactly that surface.
 *
 * Framework-free and free of `window`: unit-tested in Node against a real server.
 */
import type { WebsocketProvider } from 'y-websocket';
import { CloseCode } from '../../shared/protocol.ts';

export const RECONNECT = {
  /** the ceiling for attempt n is base * 2^n: 200 ms, 400 ms, 800 ms … (y-websocket's own curve) */
  baseMs: 100,
  /** never wait longer than this */
  maxMs: 10_000,
} as const;

/**
 * Closes a retry cannot fix, because it would send the same bytes again or the server has
 * decided against this client: a malformed or undecodable message, an awareness state or a
 * frame over the limit, a second presence on one connection, a replaced link, a removed
 * participant, and a full board (the document still holds the update the server refused).
 */
const PERMANENT = new Set<number>([
  CloseCode.malformedMessage, // 4400
  CloseCode.invalidUpdate, // 4422
  CloseCode.awarenessTooBig, // 4413
  CloseCode.awarenessSecondClient, // 4410
  CloseCode.boardTooLarge, // 4414
  CloseCode.messageTooBig, // 1009
  CloseCode.linkRotated, // 4401
  CloseCode.removed, // 4403
]);

/**
 * The server asked us to come back later; spread everyone's return over at least this long.
 * y-websocket would give up after the 44xx ones (it treats 4400-4499 as permanent).
 */
const SPREAD_MS: Readonly<Record<number, number>> = {
  [CloseCode.serviceRestart]: 2_000, // 1012: a restart takes a moment; don't all knock at once
  [CloseCode.clientTooSlow]: 5_000, // 4408
  [CloseCode.rateLimited]: 5_000, // 4429
  [CloseCode.boardFull]: 5_000, // 4503
  [CloseCode.awarenessBoardFull]: 10_000, // 4504: presence frees up as people leave, not at once
};

/** Whether to reconnect after the server closed the socket with `code`. */
export function shouldReconnect(code: number): boolean {
  return !PERMANENT.has(code);
}

/** The least spread the close `code` asks for (0 for closes that ask nothing). */
export function spreadFor(code: number): number {
  return SPREAD_MS[code] ?? 0;
}

/**
 * How long to wait before attempt `attempt` (0 = the first connection: at once): uniformly
 * random in [0, ceiling), ceiling = min(max, max(spread, base * 2^attempt)).
 */
export function retryDelay(attempt: number, spreadMs = 0, random: () => number = Math.random): number {
  if (attempt <= 0) return 0;
  const ceiling = Math.min(RECONNECT.maxMs, Math.max(spreadMs, RECONNECT.baseMs * 2 ** Math.min(attempt, 30)));
  return Math.floor(random() * ceiling);
}

type SocketHandler = ((event: never) => void) | null;

/**
 * A WebSocket class whose instances open a real `Base` socket only after `delay()` ms (read when
 * constructed), and otherwise behave as that socket. Closing it before then cancels the attempt.
 */
export function deferredWebSocket(
  Base: typeof WebSocket,
  delay: () => number,
  timers: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout } = globalThis,
): typeof WebSocket {
  class DeferredWebSocket {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    readonly CONNECTING = 0;
    readonly OPEN = 1;
    readonly CLOSING = 2;
    readonly CLOSED = 3;

    onopen: SocketHandler = null;
    onmessage: SocketHandler = null;
    onerror: SocketHandler = null;
    onclose: SocketHandler = null;

    private socket: WebSocket | null = null;
    private timer: ReturnType<typeof setTimeout> | null = null;
    private cancelled = false;
    private type: BinaryType = 'blob';

    constructor(
      readonly url: string | URL,
      readonly protocols?: string | string[],
    ) {
      const wait = delay();
      if (wait > 0) this.timer = timers.setTimeout(() => this.open(), wait);
      else this.open();
    }

    private open(): void {
      this.timer = null;
      const socket = this.protocols === undefined ? new Base(this.url) : new Base(this.url, this.protocols);
      socket.binaryType = this.type;
      // Handlers are read at event time: y-websocket nulls them before closing a socket.
      socket.onopen = (event) => (this.onopen as ((e: Event) => void) | null)?.(event);
      socket.onmessage = (event) => (this.onmessage as ((e: MessageEvent) => void) | null)?.(event);
      socket.onerror = (event) => (this.onerror as ((e: Event) => void) | null)?.(event);
      socket.onclose = (event) => (this.onclose as ((e: CloseEvent) => void) | null)?.(event);
      this.socket = socket;
    }

    get binaryType(): BinaryType {
      return this.socket?.binaryType ?? this.type;
    }

    set binaryType(type: BinaryType) {
      this.type = type;
      if (this.socket) this.socket.binaryType = type;
    }

    get readyState(): number {
      if (this.socket) return this.socket.readyState;
      return this.cancelled ? DeferredWebSocket.CLOSED : DeferredWebSocket.CONNECTING;
    }

    get bufferedAmount(): number {
      return this.socket?.bufferedAmount ?? 0;
    }

    /** Whether the real socket exists yet (for tests and diagnostics). */
    get started(): boolean {
      return this.socket !== null;
    }

    send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      // As a real socket does while connecting.
      if (!this.socket) throw new DOMException('WebSocket is still connecting', 'InvalidStateError');
      this.socket.send(data as never);
    }

    close(code?: number, reason?: string): void {
      if (this.socket) {
        this.socket.close(code, reason);
        return;
      }
      if (this.timer !== null) timers.clearTimeout(this.timer);
      this.timer = null;
      this.cancelled = true;
    }
  }
  return DeferredWebSocket as unknown as typeof WebSocket;
}

type ProviderLike = Pick<WebsocketProvider, 'on' | 'off' | 'wsUnsuccessfulReconnects'>;

/**
 * The reconnect policy of one provider: pass `providerOptions()` to the WebsocketProvider, then
 * `attach(provider)`.
 */
export class ReconnectPolicy {
  private provider: ProviderLike | null = null;
  private spreadMs = 0;
  private detach: (() => void) | null = null;
  /** the waits chosen so far, most recent last (for tests and diagnostics; the last 50) */
  readonly delays: number[] = [];

  constructor(
    private readonly options: { Base?: typeof WebSocket; random?: () => number } = {},
  ) {}

  providerOptions(): {
    WebSocketPolyfill: typeof WebSocket;
    maxBackoffTime: number;
    shouldReconnect: (event: CloseEvent) => boolean;
  } {
    const Base = this.options.Base ?? globalThis.WebSocket;
    return {
      WebSocketPolyfill: deferredWebSocket(Base, () => this.nextDelay()),
      // The provider's own deterministic backoff is replaced by the jittered wait above.
      maxBackoffTime: 0,
      shouldReconnect: (event) => shouldReconnect(event.code),
    };
  }

  attach(provider: ProviderLike): void {
    this.provider = provider;
    const onClose = (event: CloseEvent | null) => {
      if (event) this.spreadMs = Math.max(this.spreadMs, spreadFor(event.code));
    };
    const onSync = (synced: boolean) => {
      if (synced) this.spreadMs = 0;
    };
    provider.on('connection-close', onClose);
    provider.on('sync', onSync);
    this.detach = () => {
      provider.off('connection-close', onClose);
      provider.off('sync', onSync);
    };
  }

  private nextDelay(): number {
    const wait = retryDelay(this.provider?.wsUnsuccessfulReconnects ?? 0, this.spreadMs, this.options.random);
    this.delays.push(wait);
    if (this.delays.length > 50) this.delays.shift();
    return wait;
  }

  destroy(): void {
    this.detach?.();
    this.detach = null;
  }
}
