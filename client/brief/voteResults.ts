/**
 * A board's vote results as anyone may see them, kept current for the live brief: every round
 * from the API on each sync (rounds whose results are still hidden come without totals, so the
 * brief can say a vote is running without leaking it), each `voteResult` the server pushes, and a
 * fresh read whenever a `session` message shows a vote opened, closed or revealed.
 */
import type { VoteRoundResult } from '../../shared/votes.ts';
import type { LiveChannel } from '../sync/channel.ts';

export class VoteResultsStore {
  private readonly rounds = new Map<number, VoteRoundResult>();
  private snapshot: VoteRoundResult[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly disposers: Array<() => void> = [];
  private lastVote = '';
  private answerFirstRead: () => void = () => {};
  /** Settles when the first full read has been answered, or has failed: a page waits for it before it lays out the results. */
  readonly firstRead = new Promise<void>((resolve) => (this.answerFirstRead = resolve));

  constructor(
    private readonly fetchAll: () => Promise<VoteRoundResult[]>,
    channel: LiveChannel,
  ) {
    this.disposers.push(
      channel.onControl((message) => {
        if (message.type === 'voteResult') this.set([message.result]);
        if (message.type === 'session') {
          const vote = message.vote ? `${message.vote.round}:${message.vote.status}` : '';
          if (vote !== this.lastVote) {
            this.lastVote = vote;
            void this.refresh();
          }
        }
      }),
      channel.onSynced(() => void this.refresh()),
    );
  }

  async refresh(): Promise<void> {
    try {
      this.set(await this.fetchAll());
    } catch {
      // offline: the pushed results (or none) stand until the next sync
    } finally {
      this.answerFirstRead();
    }
  }

  private set(results: readonly VoteRoundResult[]): void {
    let changed = false;
    for (const r of results) {
      if (typeof r?.round !== 'number' || !Array.isArray(r.tallies)) continue;
      const prev = this.rounds.get(r.round);
      if (prev && JSON.stringify(prev) === JSON.stringify(r)) continue;
      this.rounds.set(r.round, r);
      changed = true;
    }
    if (!changed) return;
    this.snapshot = [...this.rounds.values()].sort((a, b) => a.round - b.round);
    for (const l of this.listeners) l();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): VoteRoundResult[] => this.snapshot;

  destroy(): void {
    for (const d of this.disposers) d();
    this.listeners.clear();
  }
}
