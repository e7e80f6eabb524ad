/**
 * The accepting side of a relayed socket: a client socket whose board another process owns. Its
 * frames go to the owner over Redis and the owner's frames come back to it; the owner's room holds
 * the connection (limits, capacity, presence, the write path) as if the socket were its own.
 *
 * A relay that loses its path closes its socket with 1012 and the client reconnects and resyncs:
 * when Redis drops (`closeAll`), when the owner's lease changes or lapses or the owner process is
 * gone (its channel has no subscriber: `checkOwners`, every second), or when the owner closes or
 * does not know the connection.
 */
import { CloseCode, CloseReason } from '../../shared/protocol.ts';
import type { Role } from '../../shared/schema.ts';
import type { Limits } from '../config.ts';
import type { Logger } from '../log.ts';
import type { SocketLike } from '../rooms/socket.ts';
import type { LeaseStore } from '../storage/leases.ts';
import type { SocketEndpoint } from '../ws/socketRoute.ts';
import type { Bus } from './bus.ts';
import { encodeRelayMessage, type RelayMessage } from './wire.ts';

export type Owner = { holder: string; epoch: number };

export type RelaysDeps = {
  bus: Bus;
  processId: string;
  leases: LeaseStore;
  limits: Limits;
  logger: Logger;
};

export class RelayLink implements SocketEndpoint {
  private _closed = false;

  constructor(
    readonly id: string,
    readonly boardId: string,
    readonly owner: Owner,
    private readonly socket: SocketLike,
    private readonly relays: Relays,
  ) {}

  get closed(): boolean {
    return this._closed;
  }

  receive(data: Uint8Array): void {
    if (this._closed) return;
    this.relays.send(this, { type: 'frame', conn: this.id, data });
  }

  /** A frame from the owner's room for the client. */
  deliver(data: Uint8Array): void {
    if (this._closed) return;
    const limits = this.relays.limits;
    // the owner cannot see this socket's buffer: the relay applies the same cap it would
    if (this.socket.bufferedAmount > limits.maxBufferedBytes) {
      this.close(CloseCode.clientTooSlow, CloseReason.clientTooSlow);
      return;
    }
    this.socket.send(data);
  }

  /** Closes the client socket and tells the owner the connection is gone. */
  close(code: number, reason: string): void {
    if (this._closed) return;
    this.closeSocket(code, reason);
    this.relays.send(this, { type: 'close', conn: this.id, code, reason });
  }

  /** The owner closed the connection (or never had it): close the client socket only. */
  closeSocket(code: number, reason: string): void {
    if (this._closed) return;
    this._closed = true;
    this.relays.forget(this);
    try {
      this.socket.close(code, reason);
    } catch {
      // already gone
    }
  }

  disconnected(): void {
    if (this._closed) return;
    this._closed = true;
    this.relays.forget(this);
    this.relays.send(this, { type: 'close', conn: this.id, code: 1000, reason: 'client left' });
  }
}

export class Relays {
  private next = 1;
  private readonly links = new Map<string, RelayLink>();
  private watch: NodeJS.Timeout | null = null;
  private checking = false;

  constructor(private readonly deps: RelaysDeps) {}

  get limits(): Limits {
    return this.deps.limits;
  }

  get count(): number {
    return this.links.size;
  }

  /** Whether a relay message's connection is one of this process's relays (its id starts with ours). */
  owns(conn: string): boolean {
    return conn.startsWith(`${this.deps.processId}#`);
  }

  /** Of these processes, the ones nobody hears any more (no subscriber on their channel). */
  async goneProcesses(processIds: readonly string[]): Promise<Set<string>> {
    const gone = new Set<string>();
    try {
      for (const [id, count] of await this.deps.bus.subscribers(processIds)) if (count === 0) gone.add(id);
    } catch (error) {
      this.deps.logger.warn('could not check owner processes', { error: String(error) });
    }
    return gone;
  }

  open(boardId: string, role: Role, socket: SocketLike, tokenHash: Uint8Array | null, owner: Owner): RelayLink {
    const link = new RelayLink(`${this.deps.processId}#${this.next++}`, boardId, owner, socket, this);
    this.links.set(link.id, link);
    this.send(link, { type: 'open', conn: link.id, replyTo: this.deps.processId, boardId, role, tokenHash });
    return link;
  }

  send(link: RelayLink, message: RelayMessage): void {
    void this.deps.bus.publish(this.deps.bus.channelOf(link.owner.holder), encodeRelayMessage(message)).then((sent) => {
      // a frame that could not leave is lost: the client must resync
      if (!sent && message.type !== 'close') link.closeSocket(CloseCode.serviceRestart, CloseReason.serviceRestart);
    });
  }

  forget(link: RelayLink): void {
    this.links.delete(link.id);
  }

  /** A message from an owner about one of our relays. */
  handle(message: RelayMessage): void {
    const link = this.links.get(message.conn);
    if (message.type === 'frame') {
      if (link) link.deliver(message.data);
      return;
    }
    if (message.type === 'fanout') {
      for (const id of [message.conn, ...message.others]) this.links.get(id)?.deliver(message.data);
      return;
    }
    if (message.type === 'close') link?.closeSocket(message.code, message.reason);
  }

  /** Every relay closes with 1012 (Redis dropped, or this process stops). */
  closeAll(code: number = CloseCode.serviceRestart, reason: string = CloseReason.serviceRestart): void {
    for (const link of Array.from(this.links.values())) link.close(code, reason);
  }

  start(intervalMs = 1000): void {
    this.watch ??= setInterval(() => void this.checkOwners(), intervalMs);
    this.watch.unref();
  }

  stop(): void {
    if (this.watch) clearInterval(this.watch);
    this.watch = null;
  }

  /**
   * Closes the relays of every board whose owner's lease changed or lapsed since they opened, and
   * of owners that are gone (killed: their lease has not lapsed yet, but nobody reads their channel).
   */
  async checkOwners(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const byBoard = new Map<string, RelayLink[]>();
      for (const link of this.links.values()) {
        const list = byBoard.get(link.boardId);
        if (list) list.push(link);
        else byBoard.set(link.boardId, [link]);
      }
      await Promise.all(
        Array.from(byBoard, async ([boardId, links]) => {
          let current;
          try {
            current = await this.deps.leases.current(boardId);
          } catch (error) {
            this.deps.logger.warn('could not check a board owner', { boardId, error: String(error) });
            return;
          }
          for (const link of links) {
            const same = current?.live && current.holder === link.owner.holder && current.epoch === link.owner.epoch;
            if (!same) link.close(CloseCode.serviceRestart, CloseReason.serviceRestart);
          }
        }),
      );
      const owners = new Set<string>();
      for (const link of this.links.values()) owners.add(link.owner.holder);
      const gone = await this.goneProcesses(Array.from(owners));
      for (const link of Array.from(this.links.values())) {
        if (gone.has(link.owner.holder)) link.close(CloseCode.serviceRestart, CloseReason.serviceRestart);
      }
    } finally {
      this.checking = false;
    }
  }
}
