/**
 * Facilitation for the whole server: creates each loaded room's `BoardSession` (the room hooks)
 * with the command table, keeps track of the live ones, and offers what lives outside a room —
 * rotating a link (from the WebSocket command or the API) and reading vote results from storage
 * (the API, the brief), with the dots on merged ideas counted where the board's document says
 * they went.
 */
import type { VoteRoundResult } from '../../shared/votes.ts';
import { generateToken, hashToken } from '../auth/tokens.ts';
import type { Logger } from '../log.ts';
import type { Room } from '../rooms/room.ts';
import type { Storage } from '../storage/storage.ts';
import { BoardSession } from './boardSession.ts';
import type { CommandRegistry } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { readStoredSession, storeTokenHash } from './model.ts';
import { countsForMerged, resultsOf, visibleResultsOf, type CountsFor } from './results.ts';
import { docFromStorage } from '../rooms/rooms.ts';
import { readMerges } from '../../shared/board/index.ts';
import type { Role } from '../../shared/schema.ts';

export type FacilitationServiceDeps = {
  storage: Storage;
  logger: Logger;
  now?: () => number;
  /** anonymous rounds: fewest voters a sector needs to be shown on its own (default 3) */
  minSectorVoters?: number;
  /** the command table every board runs; default: every command (commands/index.ts) */
  commands?: CommandRegistry;
  /**
   * A link of a board that another process serves was rotated here: that process holds the old
   * token's connections and must close them (`applyRotation` there). Only in a cluster.
   */
  rotatedElsewhere?: (boardId: string, role: Role, hash: Uint8Array) => void;
};

export class FacilitationService {
  private readonly live = new Map<string, BoardSession>();
  private readonly now: () => number;

  constructor(private readonly deps: FacilitationServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** For `Rooms`: plugs a loaded session into a room before anyone joins it. */
  readonly hooks = async (room: Room): Promise<BoardSession> => {
    const session = new BoardSession(room, {
      storage: this.deps.storage,
      logger: this.deps.logger,
      now: this.now,
      commands: this.deps.commands ?? COMMANDS,
      minSectorVoters: this.deps.minSectorVoters,
      rotateLink: this.rotateLink,
      onDestroy: (s) => {
        if (this.live.get(s.boardId) === s) this.live.delete(s.boardId);
      },
    });
    // registered before loading, so a link rotated meanwhile reaches it
    this.live.set(room.boardId, session);
    try {
      await session.load();
    } catch (error) {
      if (this.live.get(room.boardId) === session) this.live.delete(room.boardId);
      throw error;
    }
    return session;
  };

  /** The live session of a loaded board (tests, diagnostics). */
  peek(boardId: string): BoardSession | undefined {
    return this.live.get(boardId);
  }

  /**
   * Issues a new token for `role`. The old one stops working at once (storage first: no new
   * connection or API call gets in with it); `closeOld` closes the connections it opened.
   */
  readonly rotateLink = async (boardId: string, role: Role): Promise<{ token: string; closeOld: () => void }> => {
    const token = generateToken();
    const hash = hashToken(token);
    await storeTokenHash(this.deps.storage, boardId, role, hash);
    const session = this.live.get(boardId);
    session?.setTokenHash(role, hash);
    this.deps.logger.info('link rotated', { boardId, role });
    return {
      token,
      closeOld: () => {
        if (session) session.closeRotated(role);
        else this.deps.rotatedElsewhere?.(boardId, role, hash);
      },
    };
  };

  /** A link rotated by another process: the live session takes the new hash and closes the old token's connections. */
  applyRotation(boardId: string, role: Role, hash: Uint8Array): void {
    const session = this.live.get(boardId);
    if (!session) return;
    session.setTokenHash(role, hash);
    session.closeRotated(role);
  }

  /** Every round's full results, oldest first — trusted, server-side only (e.g. the brief). */
  async getVoteResults(boardId: string): Promise<VoteRoundResult[]> {
    const stored = await readStoredSession(this.deps.storage, boardId);
    return resultsOf(stored, this.deps.minSectorVoters, await this.countsFor(boardId));
  }

  /** The same with totals removed from rounds whose results may not be seen yet: safe for any role. */
  async visibleVoteResults(boardId: string): Promise<VoteRoundResult[]> {
    const stored = await readStoredSession(this.deps.storage, boardId);
    return visibleResultsOf(stored, this.deps.minSectorVoters, await this.countsFor(boardId));
  }

  /**
   * Where merged ideas went, from the board's document: the live one when this process holds the
   * board, else the stored one (every update is stored before anyone sees it, so it is as new).
   */
  private async countsFor(boardId: string): Promise<CountsFor> {
    const session = this.live.get(boardId);
    if (session && !session.room.destroyed) return countsForMerged(readMerges(session.room.doc));
    const doc = await docFromStorage(this.deps.storage, boardId);
    try {
      return countsForMerged(readMerges(doc));
    } finally {
      doc.destroy();
    }
  }
}
