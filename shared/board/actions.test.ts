import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  BoardWriteError,
  addAction,
  addIdea,
  deleteAction,
  deleteCard,
  initBoard,
  isDueDate,
  mergeIdeas,
  moveAction,
  readBoard,
  updateAction,
  type Author,
} from './index.ts';
import { ACTION, ROOT, boardMaps } from '../schema.ts';
import type { BoardOrigin } from '../origins.ts';

const fay: BoardOrigin = { kind: 'local', participantId: 'fay' };
const priya: Author = { participantId: 'p7', name: 'Priya Nair', organisation: 'Datalane Analytics', sector: 'private sector' };

function board() {
  const doc = new Y.Doc();
  initBoard(doc, { title: 'Preventing homelessness' });
  return doc;
}

describe('actions', () => {
  it('are written and read back with owner, due date, status and idea, in their order', () => {
    const doc = board();
    const idea = addIdea(doc, { title: 'Early-warning signal', author: priya, problemId: null }, fay);
    const trial = addAction(
      doc,
      { title: 'Run a caseworker trial', owner: { kind: 'participant', ...priya }, due: '2026-03-02', status: 'in-progress', ideaId: idea },
      fay,
    );
    const report = addAction(doc, { title: '  Report   to the board ', owner: { kind: 'name', name: 'Housing team' } }, fay);
    const first = addAction(doc, { title: 'Agree the data-sharing terms', beforeId: trial }, fay);
    const actions = readBoard(doc).actions;
    expect(actions.map((a) => a.id)).toEqual([first, trial, report]);
    expect(actions[1]).toMatchObject({
      title: 'Run a caseworker trial',
      owner: { kind: 'participant', participantId: 'p7', name: 'Priya Nair', organisation: 'Datalane Analytics', sector: 'private sector' },
      due: '2026-03-02',
      status: 'in-progress',
      ideaId: idea,
    });
    expect(actions[2]).toMatchObject({ title: 'Report to the board', owner: { kind: 'name', name: 'Housing team' }, due: '', status: 'open', ideaId: null });
    // each action is its own record: the schema's keys, nothing else
    const stored = boardMaps(doc).actions.get(trial) as Y.Map<unknown>;
    expect([...stored.keys()].sort()).toEqual(Object.values(ACTION).sort());
    expect(doc.share.has(ROOT.actions)).toBe(true);
  });

  it('are changed, moved and deleted; an idea deleted since is no longer named', () => {
    const doc = board();
    const idea = addIdea(doc, { title: 'Tell us once', author: priya, problemId: null }, fay);
    const a = addAction(doc, { title: 'A', ideaId: idea }, fay);
    const b = addAction(doc, { title: 'B' }, fay);
    const c = addAction(doc, { title: 'C' }, fay);
    updateAction(doc, b, { status: 'done', due: '2026-01-31', owner: null }, fay);
    moveAction(doc, c, { beforeId: a }, fay);
    moveAction(doc, a, { afterId: b }, fay);
    expect(readBoard(doc).actions.map((x) => [x.title, x.status, x.due])).toEqual([
      ['C', 'open', ''],
      ['B', 'done', '2026-01-31'],
      ['A', 'open', ''],
    ]);
    deleteCard(doc, idea, fay);
    expect(readBoard(doc).actions.find((x) => x.id === a)!.ideaId).toBeNull();
    deleteAction(doc, b, fay);
    expect(readBoard(doc).actions.map((x) => x.title)).toEqual(['C', 'A']);
  });

  it('an action of an idea merged since carries forward the idea it went into, through a chain of merges', () => {
    const doc = board();
    const [a, b, c] = ['Text nudges', 'Plain-English texts', 'Letters people can act on'].map((title) =>
      addIdea(doc, { title, author: priya, problemId: null }, fay),
    );
    const action = addAction(doc, { title: 'Trial the texts', ideaId: a }, fay);
    mergeIdeas(doc, { keepId: b!, mergeId: a! }, fay);
    expect(readBoard(doc).actions.find((x) => x.id === action)!.ideaId).toBe(b);
    mergeIdeas(doc, { keepId: c!, mergeId: b! }, fay);
    expect(readBoard(doc).actions.find((x) => x.id === action)!.ideaId).toBe(c);
    deleteCard(doc, c!, fay);
    expect(readBoard(doc).actions.find((x) => x.id === action)!.ideaId).toBeNull();
  });

  it('refuse bad input with a clear error and change nothing', () => {
    const doc = board();
    const id = addAction(doc, { title: 'Trial' }, fay);
    const before = Y.encodeStateAsUpdate(doc);
    expect(() => updateAction(doc, id, { due: '2026-02-30' }, fay)).toThrow(/a due date must be a date written YYYY-MM-DD, not "2026-02-30"/);
    expect(() => updateAction(doc, id, { due: '3 March' }, fay)).toThrow(BoardWriteError);
    expect(() => updateAction(doc, id, { status: 'blocked' as never }, fay)).toThrow(/status must be one of: open, in-progress, done/);
    expect(() => updateAction(doc, id, { owner: { kind: 'name', name: '   ' } }, fay)).toThrow(/owner needs a name/);
    expect(() => updateAction(doc, 'missing', { title: 'x' }, fay)).toThrow(/no action with id missing/);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
  });

  it('read whatever a peer wrote safely: junk is repaired, not passed on', () => {
    const doc = board();
    const actions = boardMaps(doc).actions;
    actions.set('not-a-map', 'hello');
    const junk = new Y.Map<unknown>();
    actions.set('junk', junk);
    junk.set(ACTION.title, 42);
    junk.set(ACTION.owner, { participantId: 7, name: 'x'.repeat(500) });
    junk.set(ACTION.due, '2026-13-01');
    junk.set(ACTION.status, 'lost');
    junk.set(ACTION.ideaId, 'nowhere');
    expect(readBoard(doc).actions).toEqual([
      {
        id: 'junk',
        title: '',
        owner: { kind: 'name', name: 'x'.repeat(80) },
        due: '',
        status: 'open',
        ideaId: null,
        order: '',
        createdAt: 0,
        updatedAt: 0,
      },
    ]);
  });

  it('two facilitators adding and editing different actions at once both keep their change', () => {
    const one = board();
    const two = new Y.Doc();
    Y.applyUpdate(two, Y.encodeStateAsUpdate(one));
    const shared = addAction(one, { title: 'Shared' }, fay);
    Y.applyUpdate(two, Y.encodeStateAsUpdate(one));
    addAction(one, { title: 'From one' }, fay);
    addAction(two, { title: 'From two' }, fay);
    updateAction(one, shared, { status: 'done' }, fay);
    updateAction(two, shared, { due: '2026-04-01' }, fay);
    Y.applyUpdate(one, Y.encodeStateAsUpdate(two));
    Y.applyUpdate(two, Y.encodeStateAsUpdate(one));
    expect(readBoard(one).actions).toEqual(readBoard(two).actions);
    expect(readBoard(one).actions.map((a) => a.title).sort()).toEqual(['From one', 'From two', 'Shared']);
    expect(readBoard(one).actions.find((a) => a.id === shared)).toMatchObject({ status: 'done', due: '2026-04-01' });
  });

  it('isDueDate: real calendar dates only', () => {
    expect(['2026-02-28', '2024-02-29', '2026-12-31'].map(isDueDate)).toEqual([true, true, true]);
    expect(['2025-02-29', '2026-00-10', '2026-1-05', '2026-01-05T00:00', '', null].map(isDueDate)).toEqual([false, false, false, false, false, false]);
  });
});
