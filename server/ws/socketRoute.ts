/**
 * `GET /ws/:boardId?token=...`: applies the connection limits, authenticates (with `boardAuth`,
 * the check every board route uses), and upgrades to a WebSocket whose frames go to the room core. Everything here happens before the upgrade or is
 * about `ws` specifics (text frames, maxPayload, ping/pong); the protocol lives in rooms/.
 *
 * @hono/node-ws runs the upgrade request through the Hono app and, when the handler chain answers
 * without calling `upgradeWebSocket`, writes that response's status line to the raw socket. So a
 * refused upgrade is a plain `c.json(..., 401)` and a `ws` client sees it as 'unexpected-response'.
 */
import type { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { UpgradeWebSocket } from 'hono/ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { CloseCode, CloseReason } from '../../shared/protocol.ts';
import { boardAuth, queryToken } from '../api/boardAuth.ts';
import type { Limits } from '../config.ts';
import type { Logger } from '../log.ts';
import { KeyedRateLimiter, localRateCheck, remoteAddress, type RateCheck } from '../rateLimit.ts';
import { markUpgraded } from '../requestLog.ts';
import { sendShared } from './sharedFrame.ts';
import type { Rooms } from '../rooms/rooms.ts';
import type { SocketLike } from '../rooms/socket.ts';
import type { Storage } from '../storage/storage.ts';
import type { Role } from '../../shared/schema.ts';

/**
 * The client's side of a board connection as the socket route drives it: a room's `Connection`
 * in one process, or a relay to the process that owns the board (server/cluster/).
 */
export interface SocketEndpoint {
  readonly id: number | string;
  receive(data: Uint8Array): void;
  /** `fields` go to the log line of a close the server starts */
  close(code: number, reason: string, fields?: Record<string, unknown>): void;
  disconnected(): void;
}

export type ConnectSocket = (boardId: string, role: Role, socket: SocketLike, tokenHash: Uint8Array) => SocketEndpoint;

export type SocketRouteDeps = {
  storage: Storage;
  rooms: Rooms;
  limits: Limits;
  logger: Logger;
  wss: WebSocketServer;
  upgradeWebSocket: UpgradeWebSocket<WebSocket, { onError: (error: unknown) => void }>;
  /** where an accepted socket goes; default: this process's room for the board (`rooms.connect`) */
  connect?: ConnectSocket;
  /** connection attempts per address; default: counted in this process */
  attempts?: RateCheck;
  /** hears of every socket opened and closed, by role (metrics) */
  sockets?: { opened(role: Role): void; closed(role: Role): void };
};

/**
 * Adapts a `ws` socket to `SocketLike`. A close we start gets `closeGraceMs` for the peer's
 * reply; a peer that does not read (the slow reader we are closing) is cut off then rather than
 * holding its buffer for ws's 30 s default.
 */
function adaptSocket(ws: WebSocket, closeGraceMs: number): SocketLike {
  // The frames one tick of work sends this socket go out in one write: a join sends four or five
  // (step 1, hello, presence, session), and each write is a system call, the largest single cost
  // of a reconnect storm. Uncorked at the end of the tick, before anything else can run.
  const tcp = (ws as unknown as { _socket?: { cork(): void; uncork(): void } | null })._socket;
  let corked = false;
  const uncork = () => {
    corked = false;
    tcp?.uncork();
  };
  return {
    // the room sends one buffer to many sockets: frame it once (see sharedFrame.ts)
    send: (data) => {
      if (tcp && !corked) {
        corked = true;
        tcp.cork();
        process.nextTick(uncork);
      }
      sendShared(ws, data);
    },
    close: (code, reason) => {
      ws.close(code, reason);
      setTimeout(() => {
        if (ws.readyState !== ws.CLOSED) ws.terminate();
      }, closeGraceMs).unref();
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
  };
}

export function registerSocketRoute(app: Hono, deps: SocketRouteDeps): { stop(): void } {
  const { storage, rooms, limits, logger, wss, upgradeWebSocket } = deps;
  // @hono/node-ws builds its WebSocketServer without options; ws reads maxPayload per upgrade,
  // so setting it here makes ws refuse oversized frames while receiving them (close 1009)
  // instead of buffering up to its 100 MiB default first.
  wss.options.maxPayload = limits.maxMessageBytes;
  const attempts =
    deps.attempts ?? localRateCheck(new KeyedRateLimiter(limits.connectionsPerSecondPerAddress, limits.connectionBurstPerAddress));
  const connect: ConnectSocket = deps.connect ?? ((boardId, role, socket, tokenHash) => rooms.connect(boardId, role, socket, tokenHash));

  // Dead peers (no close frame, e.g. a laptop lid shut) are found by ping/pong and terminated,
  // which frees their awareness client ids for when they come back.
  const alive = new WeakMap<WebSocket, boolean>();
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      try {
        ws.ping();
      } catch {
        // not open (yet or any more): the next round decides
      }
    }
  }, limits.heartbeatMs);
  heartbeat.unref();

  // refusals that need no board come first: not an upgrade, shutting down, too many attempts
  const gate = createMiddleware(async (c, next) => {
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      return c.json({ error: 'expected a WebSocket upgrade' }, 426);
    }
    if (rooms.isClosing) return c.json({ error: 'server restarting' }, 503);
    const address = remoteAddress(c);
    if ((await attempts(address)) > 0) {
      logger.warn('refused connection: too many attempts', { address });
      return c.json({ error: 'too many connection attempts' }, 429);
    }
    await next();
  });

  app.get('/ws/:boardId', gate, boardAuth(storage, { param: 'boardId', token: queryToken }), async (c, next) => {
    const boardId = c.req.param('boardId');
    const { role, tokenHash } = c.var;
    const requestId = c.get('requestId');
    if (!rooms.hasRoomFor(boardId, role)) {
      logger.warn('refused connection: board full', { boardId, role });
      return c.json({ error: 'board full' }, 503);
    }

    let conn: SocketEndpoint | null = null;
    // an exception in the handlers below: @hono/node-ws would print it to the console, outside the log
    const onError = (error: unknown) => logger.error('socket handler failed', { boardId, conn: conn?.id, error: String(error) });
    const upgrade = upgradeWebSocket(() => ({
      onOpen(_event, ws) {
        const raw = ws.raw!;
        alive.set(raw, true);
        raw.on('pong', () => alive.set(raw, true));
        // Listened to on the raw socket: @hono/node-ws wraps errors in `ErrorEvent`, which Node 20
        // does not have, so its onError never arrives.
        raw.on('error', (error: Error & { code?: string }) => {
          if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
            // ws has already closed the socket with 1009; record it like our own rejections
            conn?.close(CloseCode.messageTooBig, CloseReason.messageTooBig);
          } else {
            logger.warn('socket error', { boardId, conn: conn?.id, error: error.message });
            conn?.disconnected();
          }
        });
        conn = connect(boardId, role, adaptSocket(raw, limits.closeGraceMs), tokenHash);
        const opened = conn;
        deps.sockets?.opened(role);
        // the request id ties the connection's lines to its upgrade request's
        logger.info('socket opened', { boardId, conn: opened.id, role, requestId });
        raw.once('close', (code: number) => {
          deps.sockets?.closed(role);
          logger.info('socket closed', { boardId, conn: opened.id, role, code });
        });
        // Frames straight from `ws` (onOpen runs before any can arrive): @hono/node-ws's
        // onMessage would copy each into a fresh ArrayBuffer inside a MessageEvent first.
        raw.on('message', (data: Buffer, isBinary: boolean) => {
          if (!conn) return;
          if (!isBinary) {
            conn.close(CloseCode.malformedMessage, CloseReason.malformedMessage, { detail: 'text frame' });
            return;
          }
          // the room contains its own failures; this is the last line before ws's receiver
          try {
            conn.receive(data);
          } catch (error) {
            logger.error('message handling failed', { boardId, conn: conn.id, error: String(error) });
            conn.close(CloseCode.internalError, CloseReason.internalError);
          }
        });
      },
      onClose() {
        conn?.disconnected();
      },
    }), { onError });
    markUpgraded(c);
    return upgrade(c, next);
  });

  return {
    stop: () => clearInterval(heartbeat),
  };
}
