/**
 * Leases in memory, for tests of several servers inside one test process (sharing one
 * `MemoryStorage`): the `LeaseStore` contract on a map, with this process's clock standing in for
 * the database's.
 */
import type { BoardStore } from '../storage/boards.ts';
import { UnknownBoardError } from '../storage/errors.ts';
import type { Lease, LeaseState, LeaseStore } from '../storage/leases.ts';

export class MemoryLeaseStore implements LeaseStore {
  private readonly leases = new Map<string, { holder: string; epoch: number; expiresAt: number }>();

  constructor(
    /** when given, leases on boards it does not know are refused, as the database refuses them */
    private readonly boards?: BoardStore,
    private readonly now: () => number = Date.now,
  ) {}

  async acquire(boardId: string, holder: string, ttlMs: number): Promise<Lease | null> {
    if (this.boards && !(await this.boards.getBoard(boardId))) throw new UnknownBoardError(boardId);
    const now = this.now();
    const held = this.leases.get(boardId);
    if (held && held.expiresAt > now && held.holder !== holder) return null;
    // a live lease of the same holder keeps its epoch; any other taking gets a new one
    const epoch = held && held.expiresAt > now ? held.epoch : (held?.epoch ?? 0) + 1;
    this.leases.set(boardId, { holder, epoch, expiresAt: now + ttlMs });
    return { boardId, holder, epoch };
  }

  renew(leases: readonly Lease[], ttlMs: number): Lease[] {
    const now = this.now();
    const lost: Lease[] = [];
    for (const lease of leases) {
      const held = this.leases.get(lease.boardId);
      if (held && held.holder === lease.holder && held.epoch === lease.epoch && held.expiresAt > now) {
        held.expiresAt = now + ttlMs;
      } else {
        lost.push(lease);
      }
    }
    return lost;
  }

  release(lease: Lease): void {
    const held = this.leases.get(lease.boardId);
    // lapsed at once, keeping its epoch so the next taker's is higher
    if (held && held.holder === lease.holder && held.epoch === lease.epoch) held.expiresAt = 0;
  }

  current(boardId: string): LeaseState | null {
    const held = this.leases.get(boardId);
    if (!held) return null;
    return { holder: held.holder, epoch: held.epoch, expiresAt: held.expiresAt, live: held.expiresAt > this.now() };
  }
}
