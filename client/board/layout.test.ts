import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { addIdea, addNote, addProblem, addTheme, moveIdea, readBoard, reorderCard, moveNote } from '../../shared/board/index.ts';
import { layoutBoard, moveStep, neighbourAcross, findCardIn } from './layout.ts';

const author = { participantId: 'p', name: 'Pat', organisation: 'Org', sector: 'citizen' as const };
const o = { kind: 'seed' } as const;

function board() {
  const doc = new Y.Doc();
  addProblem(doc, { title: 'P1', author, id: 'p1' }, o);
  addProblem(doc, { title: 'P2', author, id: 'p2' }, o);
  for (const id of ['i1', 'i2', 'i3']) addIdea(doc, { title: id, author, problemId: 'p1', id }, o);
  addIdea(doc, { title: 'i4', author, problemId: 'p2', id: 'i4' }, o);
  addIdea(doc, { title: 'i5', author, problemId: null, id: 'i5' }, o);
  addNote(doc, { title: 'n1', author, ideaId: 'i2', id: 'n1' }, o);
  addNote(doc, { title: 'n2', author, ideaId: 'i4', id: 'n2' }, o);
  return doc;
}

/** Applies a keyboard move step through the model, as BoardView does. */
function apply(doc: Y.Doc, id: string, dir: -1 | 1): boolean {
  const snap = readBoard(doc);
  const step = moveStep(snap, layoutBoard(snap), id, dir);
  if (!step) return false;
  if (step.type === 'reorder') reorderCard(doc, id, step.placement, o);
  else if (step.type === 'moveIdea') {
    moveIdea(doc, id, { problemId: step.problemId, ...step.placement, ...(step.themeId !== undefined ? { themeId: step.themeId } : {}) }, o);
  }
  else moveNote(doc, id, { ideaId: step.ideaId, ...step.placement }, o);
  return true;
}

describe('layoutBoard', () => {
  test('groups ideas under problems (detached last) and notes under ideas in the ideas lane order', () => {
    const l = layoutBoard(readBoard(board()));
    expect(l.idea.groups.map((g) => [g.parentId, g.cards.map((c) => c.id)])).toEqual([
      ['p1', ['i1', 'i2', 'i3']],
      ['p2', ['i4']],
      [null, ['i5']],
    ]);
    expect(l.note.groups.map((g) => [g.parentId, g.cards.map((c) => c.id)])).toEqual([
      ['i2', ['n1']],
      ['i4', ['n2']],
    ]);
    expect(l.idea.order).toEqual(['i1', 'i2', 'i3', 'i4', 'i5']);
  });

  test('collapsed groups drop out of the arrow-key order', () => {
    const l = layoutBoard(readBoard(board()), new Set(['p1']));
    expect(l.idea.order).toEqual(['i4', 'i5']);
  });

  test('themes split a group into subgroups, themed first', () => {
    const doc = board();
    const t = addTheme(doc, { title: 'T', author, id: 't1' }, o);
    moveIdea(doc, 'i3', { problemId: 'p1', themeId: t }, o);
    const g = layoutBoard(readBoard(doc)).idea.groups[0]!;
    expect(g.subgroups!.map((s) => [s.theme?.id ?? null, s.cards.map((c) => c.id)])).toEqual([
      ['t1', ['i3']],
      [null, ['i1', 'i2']],
    ]);
  });
});

describe('moveStep', () => {
  test('moves within a group, then across into the next problem and back', () => {
    const doc = board();
    expect(apply(doc, 'i1', 1)).toBe(true);
    expect(readBoard(doc).ideas.filter((i) => i.problemId === 'p1').map((i) => i.id)).toEqual(['i2', 'i1', 'i3']);
    apply(doc, 'i1', 1);
    apply(doc, 'i1', 1); // past the end of p1: first in p2
    let snap = readBoard(doc);
    expect(snap.ideas.filter((i) => i.problemId === 'p2').map((i) => i.id)).toEqual(['i1', 'i4']);
    apply(doc, 'i1', -1); // back up: last in p1
    snap = readBoard(doc);
    expect(snap.ideas.filter((i) => i.problemId === 'p1').map((i) => i.id)).toEqual(['i2', 'i3', 'i1']);
  });

  test('problems only reorder, and stop at the ends', () => {
    const doc = board();
    expect(apply(doc, 'p1', -1)).toBe(false);
    expect(apply(doc, 'p1', 1)).toBe(true);
    expect(readBoard(doc).problems.map((p) => p.id)).toEqual(['p2', 'p1']);
    expect(apply(doc, 'p1', 1)).toBe(false);
  });

  test('an idea steps through the theme sub-groups of its problem before leaving it', () => {
    const doc = board();
    addTheme(doc, { title: 'T', author, id: 't1', ideaIds: ['i1', 'i2'] }, o);
    // p1 shows: theme T [i1, i2], then no theme [i3]
    apply(doc, 'i2', 1); // past T's end: first of "no theme", before i3
    let snap = readBoard(doc);
    expect(snap.ideas.find((i) => i.id === 'i2')).toMatchObject({ problemId: 'p1', themeId: null });
    expect(layoutBoard(snap).idea.groups[0]!.subgroups!.map((sg) => sg.cards.map((c) => c.id))).toEqual([['i1'], ['i2', 'i3']]);
    apply(doc, 'i2', -1); // back up: last in T
    snap = readBoard(doc);
    expect(snap.ideas.find((i) => i.id === 'i2')!.themeId).toBe('t1');
    expect(layoutBoard(snap).idea.groups[0]!.subgroups!.map((sg) => sg.cards.map((c) => c.id))).toEqual([['i1', 'i2'], ['i3']]);
    apply(doc, 'i3', 1); // past the last sub-group: into p2, theme kept
    expect(readBoard(doc).ideas.find((i) => i.id === 'i3')).toMatchObject({ problemId: 'p2', themeId: null });
  });

  test('notes move across ideas in the ideas lane order', () => {
    const doc = board();
    apply(doc, 'n1', 1); // only note of i2: to i3
    expect(readBoard(doc).notes.find((n) => n.id === 'n1')!.ideaId).toBe('i3');
  });
});

test('left/right go to related cards', () => {
  const snap = readBoard(board());
  const l = layoutBoard(snap);
  expect(neighbourAcross(snap, l, findCardIn(snap, 'p1')!, 1)).toBe('i1');
  expect(neighbourAcross(snap, l, findCardIn(snap, 'i4')!, -1)).toBe('p2');
  expect(neighbourAcross(snap, l, findCardIn(snap, 'i4')!, 1)).toBe('n2');
  expect(neighbourAcross(snap, l, findCardIn(snap, 'n1')!, -1)).toBe('i2');
});
