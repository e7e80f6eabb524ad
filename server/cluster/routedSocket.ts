/**
 * A client socket while the cluster decides where it goes — this process's room, or a relay to
 * the board's owner — and after: frames that arrive meanwhile wait here (as a `Connection`'s do
 * while its room loads), within the same bound, and go on in order once it is attached.
 */
import { CloseCode, CloseReason } from '../../shared/protocol.ts';
import type { Limits } from '../config.ts';
import type { SocketLike } from '../rooms/socket.ts';
import type { SocketEndpoint } from '../ws/socketRoute.ts';

let nextId = 1;

export class RoutedSocket implements SocketEndpoint {
  readonly id = `routed-${nextId++}`;
  private target: SocketEndpoint | null = null;
  private early: Uint8Array[] = [];
  private earlyBytes = 0;
  private _closed = false;

  constructor(
    private readonly socket: SocketLike,
    private readonly limits: Limits,
  ) {}

  get closed(): boolean {
    return this._closed;
  }

  attach(target: SocketEndpoint): void {
    if (this._closed) {
      // the client left while it was routed: the target lets go of it at once
      target.disconnected();
      return;
    }
    this.target = target;
    const early = this.early;
    this.early = [];
    for (const data of early) target.receive(data);
  }

  receive(data: Uint8Array): void {
    if (this._closed) return;
    if (this.target) {
      this.target.receive(data);
      return;
    }
    this.earlyBytes += data.byteLength;
    if (this.earlyBytes > this.limits.maxMessageBytes) {
      this.close(CloseCode.messageTooBig, CloseReason.messageTooBig);
      return;
    }
    this.early.push(data);
  }

  close(code: number, reason: string, fields?: Record<string, unknown>): void {
    if (this._closed) return;
    this._closed = true;
    if (this.target) {
      this.target.close(code, reason, fields);
      return;
    }
    try {
      this.socket.close(code, reason);
    } catch {
      // already gone
    }
  }

  disconnected(): void {
    if (this._closed) return;
    this._closed = true;
    this.target?.disconnected();
  }
}
