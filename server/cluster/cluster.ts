/**
 * Several identical processes on one storage (shared between them, with leases) and one Redis,
 * behaving as one server without sticky sessions:
 *
 * - Ownership: a board is served by the process holding its lease (`LeaseKeeper`), taken before
 *   its room loads, renewed every third of `leaseTtlMs`, given up when it unloads. A lost lease
 *   drops the room unstored and closes its sockets with 1012.
 * - Relays: a socket for a board another process owns is accepted here (its token checked as
 *   ever) and relayed to the owner over Redis (`Relays` here, `RelayHost` there). No owner: this
 *   process takes the board and serves it.
 * - Notices: a comment or a link rotation made here for a board served elsewhere is announced to
 *   every process; the one with the board loaded acts on it.
 * - Limits: connection attempts, board creations and comments are counted in Redis.
 *
 * Storage stays the truth: nothing here touches the write path (stored before broadcast), so
 * whatever a relay or Redis loses, a client's resync from the owner recovers.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { CloseCode, CloseReason, type ControlMessage } from '../../shared/protocol.ts';
import { ROLES, type Role } from '../../shared/schema.ts';
import { publishToBoard } from '../api/comments.ts';
import type { Limits } from '../config.ts';
import type { FacilitationService } from '../facilitation/facilitationService.ts';
import type { Logger } from '../log.ts';
import type { RateCheck } from '../rateLimit.ts';
import { OwnedElsewhereError } from '../rooms/ownership.ts';
import type { Rooms } from '../rooms/rooms.ts';
import type { SocketLike } from '../rooms/socket.ts';
import type { LeaseStore } from '../storage/leases.ts';
import type { Storage } from '../storage/storage.ts';
import type { SocketEndpoint } from '../ws/socketRoute.ts';
import { Bus } from './bus.ts';
import { RelayHost } from './host.ts';
import { LeaseKeeper, type FenceBook } from './leaseKeeper.ts';
import { redisRateCheck } from './limits.ts';
import { Relays } from './relay.ts';
import { RoutedSocket } from './routedSocket.ts';
import { decodeRelayMessage } from './wire.ts';

export type ClusterConfig = {
  /** redis://host:port/db */
  redisUrl: string;
  /** before every Redis key and channel (default `crossboard:`), so installations can share a Redis */
  redisPrefix?: string;
  /** this process's name in leases and channels; default: host, pid and a random part */
  processId?: string;
  /** the board leases; default: the storage's */
  leases?: LeaseStore;
  /** the book the storage was opened to fence writes with (see FenceBook) */
  fences?: FenceBook;
  /** a lease's time to live: how soon a dead owner's boards are served again (default 2 s: served again within 3 s, reconnect included, with room for a busy machine) */
  leaseTtlMs?: number;
  /** how often relays check their owner's lease and owners their relays' processes (default 1 s) */
  checkMs?: number;
};

type Notice =
  | { kind: 'comments'; boardId: string; message: ControlMessage }
  | { kind: 'rotated'; boardId: string; role: Role; hash: string };

export class Cluster {
  readonly processId: string;
  readonly keeper: LeaseKeeper;
  readonly bus: Bus;
  readonly relays: Relays;
  private host: RelayHost | null = null;
  private rooms: Rooms | null = null;
  private facilitation: FacilitationService | null = null;
  private readonly prefix: string;
  private readonly checkMs: number;
  private started: Promise<void> | null = null;

  constructor(
    config: ClusterConfig,
    private readonly deps: { storage: Storage; limits: Limits; logger: Logger },
  ) {
    const leases = config.leases ?? deps.storage.leases;
    if (!leases) throw new Error('a cluster needs board leases: a storage that several processes share (PostgreSQL)');
    this.processId = config.processId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.prefix = config.redisPrefix ?? 'crossboard:';
    this.checkMs = config.checkMs ?? 1000;
    this.keeper = new LeaseKeeper({
      leases,
      holder: this.processId,
      ttlMs: config.leaseTtlMs ?? 2000,
      logger: deps.logger,
      fences: config.fences,
    });
    this.bus = new Bus({ redisUrl: config.redisUrl, redisPrefix: this.prefix, processId: this.processId, logger: deps.logger });
    this.relays = new Relays({ bus: this.bus, processId: this.processId, leases, limits: deps.limits, logger: deps.logger });
  }

  /** Plugs in the rooms and facilitation of this process (made with `keeper` as their ownership). */
  attach(parts: { rooms: Rooms; facilitation: FacilitationService }): void {
    this.rooms = parts.rooms;
    this.facilitation = parts.facilitation;
    const host = new RelayHost({ bus: this.bus, rooms: parts.rooms, logger: this.deps.logger });
    this.host = host;
    this.keeper.onLost = (boardId) => parts.rooms.drop(boardId);
    this.bus.onRelay = (bytes) => {
      const message = decodeRelayMessage(bytes);
      if (!message) return;
      if (message.type !== 'open' && this.relays.owns(message.conn)) this.relays.handle(message);
      else host.handle(message);
    };
    this.bus.onNotice = (text) => this.notice(text);
    this.bus.onPathLost = () => {
      this.relays.closeAll();
      host.closeAll();
    };
  }

  /** Connects to Redis and starts the lease and relay watches. */
  start(): Promise<void> {
    this.started ??= (async () => {
      await this.bus.start();
      this.keeper.start();
      this.relays.start(this.checkMs);
      this.host?.start(this.checkMs);
    })();
    return this.started;
  }

  /** For the socket route: serve the socket here if this process owns the board or may take it, else relay it. */
  readonly connect = (boardId: string, role: Role, socket: SocketLike, tokenHash: Uint8Array): SocketEndpoint => {
    const routed = new RoutedSocket(socket, this.deps.limits);
    void this.route(routed, boardId, role, socket, tokenHash);
    return routed;
  };

  private async route(routed: RoutedSocket, boardId: string, role: Role, socket: SocketLike, tokenHash: Uint8Array): Promise<void> {
    const rooms = this.rooms!;
    // a lease that lapses between asking and taking: ask again, a few times
    for (let attempt = 0; attempt < 3 && !routed.closed; attempt++) {
      try {
        await rooms.get(boardId);
        routed.attach(rooms.connect(boardId, role, socket, tokenHash));
        return;
      } catch (error) {
        if (!(error instanceof OwnedElsewhereError)) {
          if (!rooms.isClosing) this.deps.logger.error('could not load board', { boardId, error: String(error) });
          routed.close(rooms.isClosing ? CloseCode.serviceRestart : CloseCode.internalError, rooms.isClosing ? CloseReason.serviceRestart : CloseReason.internalError);
          return;
        }
        if (error.holder !== null && error.epoch !== null) {
          // Redis down, or an owner killed before its lease lapsed: the client tries again shortly
          if (!this.bus.ready || (await this.relays.goneProcesses([error.holder])).has(error.holder)) break;
          if (routed.closed) return;
          routed.attach(this.relays.open(boardId, role, socket, tokenHash, { holder: error.holder, epoch: error.epoch }));
          return;
        }
      }
    }
    routed.close(CloseCode.serviceRestart, CloseReason.serviceRestart);
  }

  /** For the comments API: to the board's connections, on whichever process serves it. */
  readonly publishToBoard = (boardId: string, message: ControlMessage): void => {
    if (this.rooms?.peek(boardId)) {
      publishToBoard(this.rooms, boardId, message);
      return;
    }
    this.announce({ kind: 'comments', boardId, message });
  };

  /** For facilitation: a link of a board served elsewhere was rotated here. */
  readonly rotatedElsewhere = (boardId: string, role: Role, hash: Uint8Array): void => {
    this.announce({ kind: 'rotated', boardId, role, hash: Buffer.from(hash).toString('hex') });
  };

  private announce(notice: Notice): void {
    void this.bus.publish(this.bus.noticeChannel, JSON.stringify(notice)).then((sent) => {
      if (!sent) this.deps.logger.warn('could not announce to the other processes', { kind: notice.kind, boardId: notice.boardId });
    });
  }

  private notice(text: string): void {
    let notice: Notice;
    try {
      notice = JSON.parse(text) as Notice;
    } catch {
      return;
    }
    if (typeof notice?.boardId !== 'string' || !this.rooms?.peek(notice.boardId)) return;
    if (notice.kind === 'comments') publishToBoard(this.rooms, notice.boardId, notice.message);
    if (notice.kind === 'rotated' && (ROLES as readonly string[]).includes(notice.role) && /^[0-9a-f]+$/.test(notice.hash)) {
      this.facilitation?.applyRotation(notice.boardId, notice.role, Buffer.from(notice.hash, 'hex'));
    }
  }

  /** The limits every process counts together. */
  rateChecks(comments: { perMinute: number; burst: number }): { attempts: RateCheck; creations: RateCheck; comments: RateCheck } {
    const { limits } = this.deps;
    const redis = this.bus.pub;
    return {
      attempts: redisRateCheck(redis, `${this.prefix}limit:connect`, limits.connectionsPerSecondPerAddress, limits.connectionBurstPerAddress),
      creations: redisRateCheck(redis, `${this.prefix}limit:create`, limits.boardsPerMinutePerAddress / 60, limits.boardCreationBurstPerAddress),
      comments: redisRateCheck(redis, `${this.prefix}limit:comment`, comments.perMinute / 60, comments.burst),
    };
  }

  /** Before the rooms shut down: relayed sockets here close with 1012 and their owners are told. */
  closeRelays(): void {
    this.relays.closeAll();
  }

  /** After the rooms have stored and given up their boards: stops the watches and leaves Redis. */
  async close(): Promise<void> {
    this.keeper.stop();
    this.relays.stop();
    this.host?.stop();
    await this.bus.close();
  }
}
