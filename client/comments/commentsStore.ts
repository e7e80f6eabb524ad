/**
 * The comments left on a board's brief, kept current: the full list from the API on every sync
 * (so nothing left while this device was offline is missed), and each new one as the server
 * pushes it. Framework-free; React reads it through `useComments` (./hooks.ts).
 */
import type { SponsorComment } from '../../shared/brief/comments.ts';
import type { LiveChannel } from '../sync/channel.ts';

export type CommentsFetcher = () => Promise<SponsorComment[]>;

export class CommentsStore {
  private readonly byId = new Map<string, SponsorComment>();
  private snapshot: SponsorComment[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly addedListeners = new Set<(added: SponsorComment[]) => void>();
  private readonly disposers: Array<() => void> = [];
  /** false until the first list arrived: comments already there are not "new" */
  private loaded = false;
  private answerFirstRead: () => void = () => {};
  /** Settles when the first full list has been answered, or has failed: a page waits for it before it lays out the comments. */
  readonly firstRead = new Promise<void>((resolve) => (this.answerFirstRead = resolve));

  constructor(
    private readonly fetchAll: CommentsFetcher,
    channel: LiveChannel,
  ) {
    this.disposers.push(
      channel.onControl((message) => {
        if (message.type === 'comments') this.merge(message.comments, true);
      }),
      channel.onSynced(() => void this.refresh()),
    );
  }

  async refresh(): Promise<void> {
    try {
      const all = await this.fetchAll();
      const first = !this.loaded;
      this.loaded = true;
      this.merge(all, !first);
    } catch {
      // offline or refused: keep what we have; the next sync asks again
    } finally {
      this.answerFirstRead();
    }
  }

  /** Adds comments (a push, or what the server returned for one this page sent). */
  merge(comments: readonly SponsorComment[], announce = true): void {
    const added: SponsorComment[] = [];
    for (const c of comments) {
      if (!isComment(c) || this.byId.has(c.id)) continue;
      this.byId.set(c.id, c);
      added.push(c);
    }
    if (added.length === 0) return;
    this.snapshot = [...this.byId.values()].sort((a, b) => a.createdAt - b.createdAt);
    for (const l of this.listeners) l();
    if (announce) for (const l of this.addedListeners) l(added);
  }

  /** Called with comments that arrived after the first list (not those sent from this page). */
  onAdded(listener: (added: SponsorComment[]) => void): () => void {
    this.addedListeners.add(listener);
    return () => this.addedListeners.delete(listener);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): SponsorComment[] => this.snapshot;

  destroy(): void {
    for (const d of this.disposers) d();
    this.listeners.clear();
    this.addedListeners.clear();
  }
}

/** Enough of a check that a bad message cannot break rendering (the server is trusted otherwise). */
function isComment(value: unknown): value is SponsorComment {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  const target = c.target as Record<string, unknown> | null;
  return (
    typeof c.id === 'string' &&
    typeof c.text === 'string' &&
    typeof c.createdAt === 'number' &&
    typeof c.targetTitle === 'string' &&
    typeof target === 'object' &&
    target !== null &&
    ((target.kind === 'section' && typeof target.id === 'string') || (target.kind === 'idea' && typeof target.cardId === 'string'))
  );
}

/** Comments per idea card id. */
export function countByIdea(comments: readonly SponsorComment[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of comments) {
    if (c.target.kind === 'idea') counts.set(c.target.cardId, (counts.get(c.target.cardId) ?? 0) + 1);
  }
  return counts;
}
