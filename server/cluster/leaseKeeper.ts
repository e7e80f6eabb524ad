/**
 * This process's board leases: taken before a board loads (`claim`), renewed together in one call
 * every third of their time to live, given up when the board is stored and dropped. A renewal
 * that finds a lease lost (taken over after a pause, say) reports the board through `onLost`, and
 * the board is dropped unstored: its writes are refused by the storage's fence (`fenceOf`) anyway.
 */
import type { Logger } from '../log.ts';
import { OwnedElsewhereError, type BoardOwnership } from '../rooms/ownership.ts';
import type { FenceOf, Lease, LeaseStore } from '../storage/leases.ts';

/**
 * The leases held now, by board: what the storage fences writes with. Made before the storage is
 * opened (its `fenceOf` goes to the storage) and filled by the `LeaseKeeper` once the app runs.
 */
export class FenceBook {
  readonly held = new Map<string, Lease>();
  readonly fenceOf: FenceOf = (boardId) => this.held.get(boardId);
}

export type LeaseKeeperDeps = {
  leases: LeaseStore;
  /** this process, as the leases name it */
  holder: string;
  ttlMs: number;
  logger: Logger;
  now?: () => number;
  /** the book the storage fences with; default: a new one */
  fences?: FenceBook;
};

export class LeaseKeeper implements BoardOwnership {
  private readonly held: Map<string, Lease>;
  private timer: NodeJS.Timeout | null = null;
  private renewing: Promise<void> | null = null;
  private lastRenewed: number;
  private readonly now: () => number;
  /** boards whose lease was lost; set by whoever serves them */
  onLost: (boardId: string) => void = () => {};

  constructor(private readonly deps: LeaseKeeperDeps) {
    this.now = deps.now ?? Date.now;
    this.fences = deps.fences ?? new FenceBook();
    this.held = this.fences.held;
    this.lastRenewed = this.now();
  }

  /** For the storage: the lease a board's writes are made under, while this process holds it. */
  readonly fences: FenceBook;

  get holder(): string {
    return this.deps.holder;
  }

  /** The boards whose leases this process holds now. */
  boards(): string[] {
    return Array.from(this.held.keys());
  }

  async claim(boardId: string): Promise<void> {
    const lease = await this.deps.leases.acquire(boardId, this.deps.holder, this.deps.ttlMs);
    if (lease) {
      this.held.set(boardId, lease);
      return;
    }
    const current = await this.deps.leases.current(boardId);
    const live = current?.live && current.holder !== this.deps.holder;
    throw new OwnedElsewhereError(boardId, live ? current.holder : null, live ? current.epoch : null);
  }

  async released(boardId: string): Promise<void> {
    const lease = this.held.get(boardId);
    if (!lease) return;
    this.held.delete(boardId);
    await this.deps.leases.release(lease);
  }

  start(): void {
    if (this.timer) return;
    this.lastRenewed = this.now();
    this.timer = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.deps.ttlMs / 3)));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Renews every held lease in one call; boards whose lease is lost go to `onLost`. */
  renew(): Promise<void> {
    this.renewing ??= this.renewOnce().finally(() => (this.renewing = null));
    return this.renewing;
  }

  private async renewOnce(): Promise<void> {
    const leases = Array.from(this.held.values());
    const started = this.now();
    if (leases.length === 0) {
      this.lastRenewed = started;
      return;
    }
    let lost: Lease[];
    try {
      lost = await this.deps.leases.renew(leases, this.deps.ttlMs);
    } catch (error) {
      this.deps.logger.warn('could not renew board leases', { boards: leases.length, error: String(error) });
      // unrenewed for a whole time to live: the leases have lapsed, and another process may own the boards
      if (this.now() - this.lastRenewed >= this.deps.ttlMs) for (const lease of leases) this.lose(lease);
      return;
    }
    this.lastRenewed = started;
    for (const lease of lost) this.lose(lease);
  }

  private lose(lease: Lease): void {
    // only if it is still the lease held: the board may have been given up and claimed again meanwhile
    if (this.held.get(lease.boardId)?.epoch !== lease.epoch) return;
    this.held.delete(lease.boardId);
    this.deps.logger.warn('board lease lost', { boardId: lease.boardId, epoch: lease.epoch });
    this.onLost(lease.boardId);
  }
}
