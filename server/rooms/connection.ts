/**
 * One client's connection to one board: its role, the awareness client ids it introduced, its
 * message budget, and the socket it is reached through. Enforces the per-message limits (size,
 * rate) that do not need the room, and buffers messages that arrive while the room is loading.
 */
import { CloseCode, CloseReason } from '../../shared/protocol.ts';
import type { Limits } from '../config.ts';
import type { Logger } from '../log.ts';
import { TokenBucket } from '../rateLimit.ts';
import type { ConnectionOrigin } from '../../shared/origins.ts';
import type { SocketLike } from './socket.ts';
import type { Role } from '../../shared/schema.ts';

let nextConnectionId = 1;

/** What a connection reports to: its room once loaded. */
export interface ConnectionSink {
  receive(conn: Connection, data: Uint8Array): void;
  leave(conn: Connection): void;
}

export class Connection {
  readonly id = nextConnectionId++;
  /** transaction origin of this connection's updates */
  readonly origin: ConnectionOrigin;
  /** awareness client ids this connection introduced; nobody else may set them */
  readonly ownedClients = new Set<number>();
  private readonly bucket: TokenBucket;
  private readonly syncRequests: TokenBucket;
  private sink: ConnectionSink | null = null;
  private early: Uint8Array[] = [];
  private earlyBytes = 0;
  private _closed = false;

  constructor(
    readonly boardId: string,
    readonly role: Role,
    readonly socket: SocketLike,
    private readonly limits: Limits,
    private readonly logger: Logger,
    /** hash of the token it authenticated with, so a rotated link can shut it out; null in unit tests */
    readonly tokenHash: Uint8Array | null = null,
  ) {
    this.origin = { kind: 'connection', connId: this.id };
    this.bucket = new TokenBucket(limits.messagesPerSecond, limits.messageBurst);
    this.syncRequests = new TokenBucket(limits.syncRequestsPerSecond, limits.syncRequestBurst);
  }

  get closed(): boolean {
    return this._closed;
  }

  /** Called by the room when the connection joins; replays what arrived during the load. */
  attach(sink: ConnectionSink): void {
    this.sink = sink;
    const early = this.early;
    this.early = [];
    this.earlyBytes = 0;
    for (const data of early) {
      if (this._closed) return;
      sink.receive(this, data);
    }
  }

  /** Takes one sync step 1 request from the connection's budget; false when it is spent. */
  takeSyncRequest(): boolean {
    return this.syncRequests.take();
  }

  /** A binary frame from the client. */
  receive(data: Uint8Array): void {
    if (this._closed) return;
    if (data.byteLength > this.limits.maxMessageBytes) {
      this.close(CloseCode.messageTooBig, CloseReason.messageTooBig, { bytes: data.byteLength });
      return;
    }
    if (!this.bucket.take()) {
      this.close(CloseCode.rateLimited, CloseReason.rateLimited);
      return;
    }
    if (this.sink) {
      this.sink.receive(this, data);
      return;
    }
    // the room is still loading; the burst limit bounds how much can pile up here
    this.earlyBytes += data.byteLength;
    if (this.earlyBytes > this.limits.maxMessageBytes) {
      this.close(CloseCode.messageTooBig, CloseReason.messageTooBig, { detail: 'too much data before sync' });
      return;
    }
    this.early.push(data);
  }

  /**
   * Sends one frame unless the client has fallen too far behind. The check is before the send,
   * so one large frame (a big initial sync) may exceed the cap, but nothing is queued after it
   * until the reader catches up — and a reader that never does is closed, not waited for.
   */
  send(frame: Uint8Array): void {
    if (this._closed) return;
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      this.close(CloseCode.clientTooSlow, CloseReason.clientTooSlow, { buffered: this.socket.bufferedAmount });
      return;
    }
    try {
      this.socket.send(frame);
    } catch (error) {
      this.close(CloseCode.internalError, CloseReason.internalError, { detail: String(error) });
    }
  }

  /** Closes the connection because of something it did (or the server going away); logs one line. */
  close(code: number, reason: string, fields: Record<string, unknown> = {}): void {
    if (this._closed) return;
    this._closed = true;
    if (code !== CloseCode.serviceRestart) {
      this.logger.warn(`closing connection: ${reason}`, { boardId: this.boardId, conn: this.id, code, ...fields });
    }
    try {
      this.socket.close(code, reason);
    } catch {
      // the socket is already gone; leaving the room is all that matters
    }
    this.sink?.leave(this);
  }

  /** The transport closed (the client left, or the transport enforced a limit itself). */
  disconnected(): void {
    if (this._closed) return;
    this._closed = true;
    this.sink?.leave(this);
  }
}
