import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addProblem, initBoard } from '../../shared/board/index.ts';
import { createBoardStore } from './hooks.ts';

const author = { participantId: 'p1', name: 'Amira', organisation: 'DWP', sector: 'public sector' as const };

describe('createBoardStore', () => {
  it('a change between the first read and the subscription is not lost (React subscribes after it renders)', () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: 'Board' });
    const store = createBoardStore(doc);
    expect(store.getSnapshot().problems).toHaveLength(0);
    addProblem(doc, { title: 'Arrived before the subscription', author }, { kind: 'seed' });
    let heard = 0;
    const stop = store.subscribe(() => heard++);
    expect(store.getSnapshot().problems.map((p) => p.title)).toEqual(['Arrived before the subscription']);
    addProblem(doc, { title: 'After', author }, { kind: 'seed' });
    expect(heard).toBe(1);
    expect(store.getSnapshot().problems).toHaveLength(2);
    stop();
  });
});
