/**
 * The port opens first, before the server's code and storage load, and what arrives while they
 * do is held, not refused. After a restart every client of the old process is knocking at once;
 * a closed port turns each knock into a refused connection and a longer backoff, while a held
 * one is answered the moment the app is ready. So main.ts binds here, with nothing but
 * `node:http` loaded, then loads the rest and calls `open`.
 *
 * The backlog is sized for a storm: with Node's default (511) the kernel drops the connections
 * beyond it while the process is busy, and each dropped one waits a second for TCP to try again.
 * The kernel caps it at net.core.somaxconn (4096 on Linux since 5.4).
 *
 * What is held is bounded: beyond `maxHeld`, or after `holdMs` (storage that will not open, a
 * Redis that does not answer), a request is answered 503 with Retry-After, as the app answers
 * when it cannot serve, and the client comes back later.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

export const LISTEN_BACKLOG = 4096;
export const MAX_HELD = 4096;
export const HOLD_MS = 10_000;
/** held requests handed to the app per event-loop turn, so the first ones are answered while the rest wait */
const REPLAY_PER_TURN = 64;

export type ListenOptions = {
  port: number;
  /** interface to bind; default all */
  host?: string;
  /** a socket already bound and listening, passed by systemd (environment.ts `listenFdFromEnv`): used instead of port and host */
  fd?: number;
  backlog?: number;
  maxHeld?: number;
  holdMs?: number;
  /**
   * Answers a plain request itself before the app is attached, instead of holding it: true when it
   * did (a readiness probe must hear "not yet" at once, not wait for the app)
   */
  answerEarly?: (req: IncomingMessage, res: ServerResponse) => boolean;
};

export type EarlyListener = {
  server: Server;
  /** the bound port (PORT=0 picks one) */
  port: number;
  /** how many requests are held now */
  readonly held: number;
  /**
   * Attaches the app: `attach` adds its `request` and `upgrade` listeners to `server` (at once),
   * then everything held is handed to them in the order it arrived. Resolves once it all has been.
   */
  open(attach: (server: Server) => void): Promise<void>;
};

/** A request that came before the app: a plain one, or a WebSocket upgrade. */
type Waiting = { kind: 'request'; req: IncomingMessage; res: ServerResponse } | { kind: 'upgrade'; req: IncomingMessage; socket: Duplex; head: Buffer };

type Held = Waiting & {
  /** refuses it once it has waited holdMs */
  timer: NodeJS.Timeout;
  /** forgets it when the client gives up */
  onClose: () => void;
};

const RETRY_AFTER_SECONDS = 1;

function refuse(held: Held): void {
  if (held.kind === 'request') {
    const { res } = held;
    if (res.headersSent || res.destroyed) return;
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': String(RETRY_AFTER_SECONDS), connection: 'close' });
    res.end(JSON.stringify({ error: 'server starting' }));
  } else if (!held.socket.destroyed) {
    held.socket.end(`HTTP/1.1 503 Service Unavailable\r\nRetry-After: ${RETRY_AFTER_SECONDS}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }
}

/** What a held request's 'close' is heard on: the response, or the upgraded socket. */
function closer(held: Held): NodeJS.EventEmitter {
  return held.kind === 'request' ? held.res : held.socket;
}

/**
 * Node takes its own 'error' listener off a socket it hands to 'upgrade' listeners, and the app's
 * WebSocket server adds one only once it takes the socket over: after the board check, or, for a
 * held socket, after the app is ready. A client resetting the connection in between (a tab
 * closed during a restart) would be an uncaught exception, the end of the process. The 'close'
 * that follows the error is what forgets such a socket.
 */
function ignoreSocketError(): void {
  // nothing to do: see above
}

/** A request's path, without its query string. */
export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/** Binds the port and holds what arrives until `open`. Rejects if the port cannot be bound. */
export function listenEarly(options: ListenOptions): Promise<EarlyListener> {
  const maxHeld = options.maxHeld ?? MAX_HELD;
  const holdMs = options.holdMs ?? HOLD_MS;
  const server = createServer();
  let queue: Held[] = [];
  // first of the upgrade listeners, and kept after `open`: it runs before the app's (see ignoreSocketError)
  server.on('upgrade', (_req: IncomingMessage, socket: Duplex) => {
    if (!socket.listeners('error').includes(ignoreSocketError)) socket.on('error', ignoreSocketError);
  });

  /** Takes it out of the queue, with its timer and close listener. */
  const release = (held: Held) => {
    clearTimeout(held.timer);
    closer(held).off('close', held.onClose);
  };
  const drop = (held: Held) => {
    release(held);
    queue = queue.filter((q) => q !== held);
  };
  const hold = (what: Waiting) => {
    const held = what as Held;
    if (queue.length >= maxHeld) return refuse(held);
    held.timer = setTimeout(() => {
      drop(held);
      refuse(held);
    }, holdMs);
    held.onClose = () => drop(held);
    closer(held).once('close', held.onClose);
    queue.push(held);
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (!options.answerEarly?.(req, res)) hold({ kind: 'request', req, res });
  };
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => hold({ kind: 'upgrade', req, socket, head });
  server.on('request', onRequest);
  // without an 'upgrade' listener Node destroys the socket of every WebSocket upgrade
  server.on('upgrade', onUpgrade);

  const replay = async (): Promise<void> => {
    // Grouped by path, in the order each path first arrived (sort is stable): a board's clients
    // then join its room together, and what one join makes the room send (presence) goes out
    // once for the group instead of once per client to everyone already there.
    const group = new Map<string, number>();
    for (const held of queue) if (!group.has(pathOf(held.req))) group.set(pathOf(held.req), group.size);
    const ordered = queue.sort((a, b) => group.get(pathOf(a.req))! - group.get(pathOf(b.req))!);
    queue = [];
    // the app is ready: however long handing them over takes, none is refused for having waited
    for (const held of ordered) release(held);
    for (let i = 0; i < ordered.length; i += REPLAY_PER_TURN) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      for (const held of ordered.slice(i, i + REPLAY_PER_TURN)) {
        // the client gave up while it waited (a socket dropped without a word may still look open)
        if (held.kind === 'request') {
          if (!held.res.destroyed) server.emit('request', held.req, held.res);
        } else if (!held.socket.destroyed) {
          server.emit('upgrade', held.req, held.socket, held.head);
        }
      }
    }
  };
  const open = (attach: (server: Server) => void): Promise<void> => {
    server.off('request', onRequest);
    server.off('upgrade', onUpgrade);
    attach(server);
    return replay();
  };

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const backlog = options.backlog ?? LISTEN_BACKLOG;
    const where = options.fd === undefined ? { port: options.port, host: options.host, backlog } : { fd: options.fd, backlog };
    server.listen(where, () => {
      server.off('error', reject);
      resolve({
        server,
        port: (server.address() as AddressInfo).port,
        get held() {
          return queue.length;
        },
        open,
      });
    });
  });
}
