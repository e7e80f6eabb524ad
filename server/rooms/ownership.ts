/**
 * When several processes share one storage, a board is served by one of them at a time: its
 * owner. `Rooms` asks its `BoardOwnership` before a board loads and tells it when the board has
 * been stored and dropped; what ownership is made of (a lease in the database) lives elsewhere.
 * A single process has no `BoardOwnership` and owns every board it loads.
 */
import type { Awaitable } from '../storage/storage.ts';

export interface BoardOwnership {
  /** Before a board loads here: resolves once this process owns it; rejects with `OwnedElsewhereError` when another does. */
  claim(boardId: string): Promise<void>;
  /** The board is no longer served here (stored and unloaded, or failed to load): give it up. */
  released(boardId: string): Awaitable<void>;
}

/** A board this process may not load: another process owns it (`holder`, under `epoch`), or did a moment ago. */
export class OwnedElsewhereError extends Error {
  override name = 'OwnedElsewhereError';
  constructor(
    readonly boardId: string,
    /** the owner, or null when its lease lapsed meanwhile (asking again may make this process the owner) */
    readonly holder: string | null,
    readonly epoch: number | null,
  ) {
    super(`board ${boardId} is served by ${holder ?? 'another process'}`);
  }
}
