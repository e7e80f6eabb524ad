/**
 * The only thing the room core knows about a transport. `ws` sockets are adapted to it in
 * server/ws; tests can pass plain objects.
 */
export interface SocketLike {
  /** Queues one binary frame; never blocks. */
  send(data: Uint8Array): void;
  close(code: number, reason: string): void;
  /** Bytes queued but not yet written to the network: how far behind the reader is. */
  readonly bufferedAmount: number;
}
