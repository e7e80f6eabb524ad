/**
 * The Redis side of the cluster: one connection to publish on (and for the rate limiters), one
 * subscribed to this process's own channel and to the notices every process hears. Pub/sub keeps
 * nothing: a message sent while a connection is down is lost, so whenever either connection
 * drops, `onPathLost` tells the relays and the owner to close what they carry (the clients
 * reconnect and resync from storage). Publishing while disconnected fails at once rather than
 * queueing, so nothing stale arrives after a reconnect.
 */
import { createRequire } from 'node:module';
import type * as IORedis from 'ioredis';
import type { Redis } from 'ioredis';
import type { Logger } from '../log.ts';

// ioredis is loaded when a Bus is made rather than with this module, which every server imports:
// a process alone never needs it, and loading it was a tenth of a restart's wait for clients.
const load = createRequire(import.meta.url);

export type BusConfig = {
  /** redis://host:port/db */
  redisUrl: string;
  /** put before every channel and key, so installations can share one Redis */
  redisPrefix: string;
  processId: string;
  logger: Logger;
};

export class Bus {
  /** publishing, and the rate limiters' keys */
  readonly pub: Redis;
  private readonly sub: Redis;
  readonly ownChannel: string;
  readonly noticeChannel: string;
  /** this process's channel got a message */
  onRelay: (message: Buffer) => void = () => {};
  /** a notice for every process */
  onNotice: (message: string) => void = () => {};
  /** a connection to Redis dropped: anything sent since may be lost */
  onPathLost: () => void = () => {};
  private closing = false;
  private wasReady = { pub: false, sub: false };

  constructor(private readonly config: BusConfig) {
    this.ownChannel = this.channelOf(config.processId);
    this.noticeChannel = `${config.redisPrefix}notices`;
    const options = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // come back quickly after a Redis restart: the relays wait for it
      retryStrategy: (times: number) => Math.min(50 * times, 500),
    };
    const { Redis: Client } = load('ioredis') as typeof IORedis;
    this.pub = new Client(config.redisUrl, { ...options, connectionName: `crossboard-pub-${config.processId}` });
    // a subscriber queues its SUBSCRIBE until connected and subscribes again after every reconnect
    this.sub = new Client(config.redisUrl, { retryStrategy: options.retryStrategy, connectionName: `crossboard-sub-${config.processId}` });
    this.watch(this.pub, 'pub');
    this.watch(this.sub, 'sub');
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      const name = channel.toString();
      if (name === this.ownChannel) this.onRelay(message);
      else if (name === this.noticeChannel) this.onNotice(message.toString());
    });
  }

  channelOf(processId: string): string {
    return `${this.config.redisPrefix}relay:${processId}`;
  }

  private watch(redis: Redis, which: 'pub' | 'sub'): void {
    redis.on('ready', () => {
      if (this.wasReady[which]) this.config.logger.info('Redis connection back', { connection: which });
      this.wasReady[which] = true;
    });
    redis.on('close', () => {
      if (this.closing || !this.wasReady[which]) return;
      this.config.logger.warn('Redis connection lost', { connection: which });
      this.onPathLost();
    });
    // reported through 'close' and retried; without a listener ioredis prints each one
    redis.on('error', () => undefined);
  }

  /** Connects and subscribes; rejects if Redis cannot be reached. */
  async start(): Promise<void> {
    await Promise.all([waitReady(this.pub), waitReady(this.sub)]);
    await this.sub.subscribe(this.ownChannel, this.noticeChannel);
  }

  /** Whether both connections are up now (a relay is opened only then). */
  get ready(): boolean {
    return this.pub.status === 'ready' && this.sub.status === 'ready';
  }

  /** Throws unless both connections are up and Redis answers a PING (the readiness check). */
  async ping(): Promise<void> {
    if (!this.ready) throw new Error('a Redis connection is down');
    await this.pub.ping();
  }

  /** Sends to one process's channel; false when it could not be sent (Redis down). */
  publish(channel: string, message: Buffer | string): Promise<boolean> {
    return this.pub.publish(channel, message).then(
      () => true,
      () => false,
    );
  }

  /** How many subscribers each of these processes' channels has: 0 for a process that is gone. */
  async subscribers(processIds: readonly string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (processIds.length === 0) return counts;
    const reply = (await this.pub.call('PUBSUB', 'NUMSUB', ...processIds.map((id) => this.channelOf(id)))) as (string | number)[];
    processIds.forEach((id, i) => counts.set(id, Number(reply[i * 2 + 1])));
    return counts;
  }

  /** Sends what is queued, then disconnects. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([this.pub.quit().catch(() => this.pub.disconnect()), this.sub.quit().catch(() => this.sub.disconnect())]);
  }
}

function waitReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const ready = () => {
      redis.off('error', failed);
      resolve();
    };
    const failed = (error: Error) => {
      redis.off('ready', ready);
      redis.disconnect();
      reject(new Error(`cannot reach Redis: ${error.message}`));
    };
    redis.once('ready', ready);
    redis.once('error', failed);
  });
}
