import { describe, expect, it } from 'vitest';
import type { SponsorComment } from '../../shared/brief/comments.ts';
import { fakeChannel } from '../sync/fakeChannel.ts';
import { CommentsStore, countByIdea } from './commentsStore.ts';

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function comment(id: string, createdAt: number, target: SponsorComment['target'] = { kind: 'idea', cardId: 'i1' }): SponsorComment {
  return { id, target, targetTitle: 'T', text: `text ${id}`, author: null, role: 'viewer', createdAt };
}

describe('CommentsStore', () => {
  it('loads the list on sync, adds pushes by id (oldest first), and reports only comments that arrive later', async () => {
    const f = fakeChannel();
    let server = [comment('a', 1)];
    const store = new CommentsStore(async () => server, f.channel);
    const added: string[][] = [];
    store.onAdded((cs) => added.push(cs.map((c) => c.id)));
    f.sync();
    await flush();
    expect(store.getSnapshot().map((c) => c.id)).toEqual(['a']);
    expect(added).toEqual([]); // what was already there is not news

    f.push({ type: 'comments', comments: [comment('c', 3)] });
    f.push({ type: 'comments', comments: [comment('c', 3)] }); // twice: kept once
    f.push({ type: 'comments', comments: [{ id: 'bad' } as unknown as SponsorComment] }); // not a comment: ignored
    expect(store.getSnapshot().map((c) => c.id)).toEqual(['a', 'c']);
    expect(added).toEqual([['c']]);

    // missed while offline: the next sync's list brings it, in time order
    server = [comment('a', 1), comment('b', 2), comment('c', 3)];
    f.sync();
    await flush();
    expect(store.getSnapshot().map((c) => c.id)).toEqual(['a', 'b', 'c']);
    expect(added).toEqual([['c'], ['b']]);

    // one this page sent is merged without being announced
    store.merge([comment('d', 4)], false);
    expect(added).toHaveLength(2);
    expect(countByIdea(store.getSnapshot())).toEqual(new Map([['i1', 4]]));

    store.destroy();
    expect(f.listeners()).toBe(0);
  });

  it('keeps what it has when the list cannot be fetched', async () => {
    const f = fakeChannel();
    const store = new CommentsStore(async () => Promise.reject(new Error('offline')), f.channel);
    f.push({ type: 'comments', comments: [comment('a', 1, { kind: 'section', id: 'summary' })] });
    f.sync();
    await flush();
    expect(store.getSnapshot().map((c) => c.id)).toEqual(['a']);
    expect(countByIdea(store.getSnapshot()).size).toBe(0);
  });
});
