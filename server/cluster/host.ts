/**
 * The owner's side of relayed sockets: each becomes a connection of this process's room for the
 * board, through a `SocketLike` whose frames go back over Redis to the relaying process. The
 * room needs no change: relayed connections count against the board's capacity, hold presence
 * and write through the same path as local ones.
 *
 * What goes back to a relaying process waits for the end of the current turn, in order: a frame the
 * room sends to several of its connections in a row (every broadcast does) leaves as one `fanout`
 * message, not one per connection.
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
type Outgoing = { frame: Uint8Array; conns: string[] } | { message: RelayMessage };

export class RelayHost {
  private readonly hosted = new Map<string, Hosted>();
  private watch: NodeJS.Timeout | null = null;
  private checking = false;
  /** per relaying process, what goes to it at the end of this turn, in order */
  private readonly outbox = new Map<string, Outgoing[]>();

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
      send: (data) => this.queueFrame(replyTo, id, data),
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
    this.queue(processId).push({ message });
  }

  private queueFrame(processId: string, conn: string, frame: Uint8Array): void {
    const queue = this.queue(processId);
    const tail = queue.at(-1);
    if (tail && 'frame' in tail && tail.frame === frame) tail.conns.push(conn);
    else queue.push({ frame, conns: [conn] });
  }

  private queue(processId: string): Outgoing[] {
    let queue = this.outbox.get(processId);
    if (!queue) {
      if (this.outbox.size === 0) queueMicrotask(this.flush);
      queue = [];
      this.outbox.set(processId, queue);
    }
    return queue;
  }

  private readonly flush = (): void => {
    for (const [processId, queue] of this.outbox) {
      const channel = this.deps.bus.channelOf(processId);
      for (const entry of queue) {
        const message: RelayMessage =
          'message' in entry
            ? entry.message
            : entry.conns.length === 1
              ? { type: 'frame', conn: entry.conns[0]!, data: entry.frame }
              : { type: 'fanout', conn: entry.conns[0]!, others: entry.conns.slice(1), data: entry.frame };
        void this.deps.bus.publish(channel, encodeRelayMessage(message));
      }
    }
    this.outbox.clear();
  };

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
