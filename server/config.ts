/**
 * Every limit the server enforces, in one place, with defaults sized for a hackathon: hundreds of
 * people on one board, many of them behind one venue NAT address. `createApp` takes a partial
 * override; tests tighten single limits to trigger them.
 */
import { DEFAULT_SECTOR_MIN_VOTERS } from '../shared/votes.ts';

export type Limits = {
  /** largest WebSocket message accepted; larger ones close the connection with 1009 */
  maxMessageBytes: number;
  /** largest JSON body on the API; larger ones get 413 */
  maxApiBodyBytes: number;
  /** a connection whose unsent data exceeds this is closed with 4408 instead of buffering more */
  maxBufferedBytes: number;
  /** per-connection message rate: tokens added per second */
  messagesPerSecond: number;
  /** per-connection message burst: bucket size */
  messageBurst: number;
  /**
   * sync step 1 requests per connection (each costs the server an encoding of what the client
   * lacks, up to the whole board): tokens per second and bucket size. A client sends one when it
   * connects; a connection that keeps asking is closed with 4429.
   */
  syncRequestsPerSecond: number;
  syncRequestBurst: number;
  /** connections open on one board at once; more get 503 before upgrade (4503 if they race in) */
  maxConnectionsPerBoard: number;
  /** WebSocket connection attempts per remote address: tokens per second and bucket size */
  connectionsPerSecondPerAddress: number;
  connectionBurstPerAddress: number;
  /** largest JSON string of one awareness state; larger ones close the connection with 4413 */
  maxAwarenessStateBytes: number;
  /**
   * a board whose last broadcast is older than this sends an update the moment it is stored;
   * on a busier board the updates of one event-loop turn wait for the end of it and go together
   */
  quietBroadcastMs: number;
  /** compact the log into a snapshot after this many appended updates */
  compactAfterUpdates: number;
  /** how long a board with no connections stays in memory before it is stored and unloaded */
  idleUnloadMs: number;
  /** ping interval; a connection that missed the previous pong is terminated */
  heartbeatMs: number;
  /** after we close a socket, how long its peer has to acknowledge before it is cut off */
  closeGraceMs: number;
  /**
   * in an anonymous vote, fewest voters a sector needs for its own figure in the breakdown;
   * smaller sectors are shown only together, as "other sectors" (shared/votes.ts)
   */
  anonymousSectorMinVoters: number;
};

export const DEFAULT_LIMITS: Limits = {
  maxMessageBytes: 8 * 1024 * 1024,
  maxApiBodyBytes: 64 * 1024,
  maxBufferedBytes: 4 * 1024 * 1024,
  messagesPerSecond: 300,
  messageBurst: 1000,
  syncRequestsPerSecond: 1,
  syncRequestBurst: 10,
  maxConnectionsPerBoard: 500,
  connectionsPerSecondPerAddress: 50,
  connectionBurstPerAddress: 500,
  maxAwarenessStateBytes: 64 * 1024,
  quietBroadcastMs: 2,
  compactAfterUpdates: 500,
  idleUnloadMs: 30_000,
  heartbeatMs: 30_000,
  closeGraceMs: 5_000,
  anonymousSectorMinVoters: DEFAULT_SECTOR_MIN_VOTERS,
};

export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  return { ...DEFAULT_LIMITS, ...overrides };
}
