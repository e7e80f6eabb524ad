/** A client message the room refuses, with the close code and reason its sender gets. */
import { CloseCode, CloseReason } from '../../shared/protocol.ts';

export class RejectedMessage extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    readonly detail?: string,
  ) {
    super(reason);
  }
}

/** Runs a decoding step; any exception becomes "malformed message" (unless already a rejection). */
export function readOrReject<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof RejectedMessage) throw error;
    throw new RejectedMessage(CloseCode.malformedMessage, CloseReason.malformedMessage, String(error));
  }
}
