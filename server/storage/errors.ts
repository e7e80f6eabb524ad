/** The errors every storage implementation throws for the same causes, so callers can tell them apart. */

/** A write named a board that does not exist. */
export class UnknownBoardError extends Error {
  override name = 'UnknownBoardError';
  constructor(readonly boardId: string) {
    super(`unknown board ${boardId}`);
  }
}

/**
 * A session save was based on a revision that is no longer the stored one: someone else saved the
 * board's facilitation state since this writer loaded it. Nothing was written; the writer must
 * load again before it saves.
 */
export class StaleSessionError extends Error {
  override name = 'StaleSessionError';
  constructor(
    readonly boardId: string,
    /** the revision the writer based its save on */
    readonly expected: number,
    /** the revision that is stored */
    readonly actual: number,
  ) {
    super(`stale session save on board ${boardId}: based on revision ${expected}, but revision ${actual} is stored`);
  }
}

/**
 * A write was fenced off: it was made under a board lease that is no longer the current one (or
 * with no lease at all), because another process has taken the board over. Nothing was written;
 * the writer must stop serving the board.
 */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
  constructor(
    readonly boardId: string,
    /** the epoch the writer held, if any */
    readonly epoch: number | null,
  ) {
    super(`board ${boardId}: write refused, its lease ${epoch === null ? 'is not held' : `epoch ${epoch} is no longer current`}`);
  }
}
