/**
 * The owner's side of relayed sockets: each becomes a connection of this process's room for the
 * board, through a `SocketLike` whose frames go back over Redis to the relaying process. The
 * room needs no change: relayed connections count against the board's capacity, hold presence
 * and write through the same path as local ones.
 *
 * Relayed connections are closed with 1012 when this process's Redis drops (`closeAll`), and
 * disconnected when their relaying process is gone (`checkRelays`: its channel has no
 * subscriber any more), so a killed relay leaves no presence behind.
 */
import { CloseCode, CloseReason } from '../../shared/protocol.ts';
import type { Logger } from '../log.ts';
import type { Connection } from '../rooms/connection.ts';
import type { Rooms } from '../rooms/rooms.ts';
import type { SocketLike } from '../rooms/socket.ts';
import type { Bus } from './bus.ts';
import { encodeRelayMessage, type RelayMessage } from './wire.ts';

type Hosted = { conn: Connection; relay: string };

export class RelayHost {
  private readonly hosted = new Map<string, Hosted>();
  private watch: NodeJS.Timeout | null = null;
  private checking = false;

  constructor(
    private readonly deps: { bus: Bus; rooms: Rooms; logger: Logger },
  ) {}

  get count(): number {
    return this.hosted.size;
  }

  handle(message: RelayMessage): void {
    switch (message.type) {
      case 'open':
        this.open(message);
        return;
      case 'frame': {
        const hosted = this.hosted.get(message.conn);
        if (hosted) hosted.conn.receive(message.data);
        // a connection this process does not hold (closed, or from before a restart): the relay must go
        else this.reply(relayOf(message.conn), { type: 'close', conn: message.conn, code: CloseCode.serviceRestart, reason: CloseReason.serviceRestart });
        return;
      }
      case 'close': {
        const hosted = this.hosted.get(message.conn);
        if (!hosted) return;
        this.hosted.delete(message.conn);
        hosted.conn.disconnected();
        return;
      }
    }
  }

  private open(message: Extract<RelayMessage, { type: 'open' }>): void {
    const { conn: id, replyTo, boardId, role, tokenHash } = message;
    if (this.hosted.has(id)) return;
    const socket: SocketLike = {
      send: (data) => this.reply(replyTo, { type: 'frame', conn: id, data }),
      close: (code, reason) => {
        if (this.hosted.get(id)?.conn.socket === socket) this.hosted.delete(id);
        this.reply(replyTo, { type: 'close', conn: id, code, reason });
      },
      // the relay watches its own socket's buffer
      bufferedAmount: 0,
    };
    // a board this process does not own (any more) closes with 1012 here: the relay asks again
    const conn = this.deps.rooms.connect(boardId, role, socket, tokenHash);
    if (!conn.closed) this.hosted.set(id, { conn, relay: replyTo });
  }

  private reply(processId: string, message: RelayMessage): void {
    void this.deps.bus.publish(this.deps.bus.channelOf(processId), encodeRelayMessage(message));
  }

  /** Every relayed connection closes with 1012: what is sent to them may have been lost. */
  closeAll(): void {
    for (const [id, { conn }] of Array.from(this.hosted)) {
      this.hosted.delete(id);
      conn.close(CloseCode.serviceRestart, CloseReason.serviceRestart);
    }
  }

  start(intervalMs = 1000): void {
    this.watch ??= setInterval(() => void this.checkRelays(), intervalMs);
    this.watch.unref();
  }

  stop(): void {
    if (this.watch) clearInterval(this.watch);
    this.watch = null;
  }

  /** Disconnects the connections of relaying processes that are gone. */
  async checkRelays(): Promise<void> {
    if (this.checking || this.hosted.size === 0) return;
    this.checking = true;
    try {
      const relays = new Set<string>();
      for (const { relay } of this.hosted.values()) relays.add(relay);
      const counts = await this.deps.bus.subscribers(Array.from(relays));
      for (const [id, { conn, relay }] of Array.from(this.hosted)) {
        if (counts.get(relay) !== 0) continue;
        this.hosted.delete(id);
        conn.disconnected();
      }
    } catch (error) {
      this.deps.logger.warn('could not check relaying processes', { error: String(error) });
    } finally {
      this.checking = false;
    }
  }
}

function relayOf(conn: string): string {
  return conn.slice(0, conn.lastIndexOf('#'));
}
