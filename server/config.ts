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
  /**
   * Connections open on one board at once, per role, so that no link holder can take the
   * capacity another role needs. Viewers and contributors share `maxConnectionsPerBoard`, but
   * viewers may hold at most `maxViewerConnectionsPerBoard` of it: contributors always have the
   * rest. Facilitators do not count against it: they have `facilitatorConnectionsPerBoard` of
   * their own, so a full board never keeps its facilitator out. Over its share a connection gets
   * 503 before upgrade (4503 if it races in).
   */
  maxConnectionsPerBoard: number;
  maxViewerConnectionsPerBoard: number;
  facilitatorConnectionsPerBoard: number;
  /** WebSocket connection attempts per remote address: tokens per second and bucket size */
  connectionsPerSecondPerAddress: number;
  connectionBurstPerAddress: number;
  /** largest JSON string of one awareness state, in UTF-8 bytes; larger ones close the connection with 4413 */
  maxAwarenessStateBytes: number;
  /**
   * all awareness states of one board together, in UTF-8 bytes: what a late joiner is sent at
   * most. The connection whose state would take the board over it is closed with 4504.
   */
  maxAwarenessBytesPerBoard: number;
  /**
   * a board's stored size (snapshot plus log, in bytes). A document update that would take the
   * board over it is not stored, and its writer is closed with 4414 ("This board is full").
   */
  maxBoardBytes: number;
  /** POST /api/boards per remote address: tokens per minute and bucket size (429 over it) */
  boardsPerMinutePerAddress: number;
  boardCreationBurstPerAddress: number;
  /**
   * a board whose last broadcast is older than this sends an update the moment it is stored;
   * on a busier board the updates of one event-loop turn wait for the end of it and go together
   */
  quietBroadcastMs: number;
  /**
   * after an awareness frame, how long a change to a state already shown (a caret moving) may
   * wait for the next, and how long a person appearing or leaving may: changes within the window
   * share a frame (rooms/broadcast.ts); 0 sends each turn's changes at the end of that turn
   */
  awarenessBroadcastMs: number;
  presenceBroadcastMs: number;
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
  // sponsors and observers: a generous share, and contributors keep at least 300
  maxViewerConnectionsPerBoard: 200,
  // a facilitator's laptop, projector and phone, co-running colleagues, reloads in between
  facilitatorConnectionsPerBoard: 20,
  connectionsPerSecondPerAddress: 50,
  // a full board (500 + 20 facilitators) behind one venue NAT reconnecting at once after a
  // restart gets in together; a flood beyond that gets 50 a second
  connectionBurstPerAddress: 520,
  // a real state (name, organisation, sector, colour, a caret's two relative positions) is under
  // 1 KB even with long names in a non-Latin script
  maxAwarenessStateBytes: 8 * 1024,
  // what a late joiner gets at most; above what the viewers' share can fill (200 × 8 KiB)
  maxAwarenessBytesPerBoard: 2 * 1024 * 1024,
  // a 300-card board seeded like e2e/large.spec.ts weighs 0.33 MB, the Tech Connect fixture 28 KB;
  // 4 MiB leaves an order of magnitude over the largest for editing history, and keeps a full
  // board's first sync within maxBufferedBytes, so a joiner is not closed as too slow for it
  maxBoardBytes: 4 * 1024 * 1024,
  // a venue NAT where every table's facilitator starts a board in the same ten minutes: 50 at once,
  // then one every 30 s; 1,000 in 2 s get 950 refusals
  boardsPerMinutePerAddress: 2,
  boardCreationBurstPerAddress: 50,
  quietBroadcastMs: 2,
  // below what a person notices in a caret or in someone's arrival; a room of 50 reconnecting at
  // once sends a few presence frames instead of one per arrival to everyone already there
  awarenessBroadcastMs: 50,
  presenceBroadcastMs: 200,
  compactAfterUpdates: 500,
  idleUnloadMs: 30_000,
  heartbeatMs: 30_000,
  closeGraceMs: 5_000,
  anonymousSectorMinVoters: DEFAULT_SECTOR_MIN_VOTERS,
};

export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  return { ...DEFAULT_LIMITS, ...overrides };
}
