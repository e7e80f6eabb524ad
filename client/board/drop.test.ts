import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { addIdea, addNote, addProblem, addTheme, readBoard } from '../../shared/board/index.ts';
import { accepts, describeTarget, resolveDrop, type DropTarget } from './drop.ts';

const author = { participantId: 'p', name: 'Pat', organisation: 'Org', sector: 'citizen' as const };
const o = { kind: 'seed' } as const;

function board(withTheme = false) {
  const doc = new Y.Doc();
  addProblem(doc, { title: 'P1', author, id: 'p1' }, o);
  addProblem(doc, { title: 'P2', author, id: 'p2' }, o);
  for (const id of ['i1', 'i2', 'i3']) addIdea(doc, { title: id, author, problemId: 'p1', id }, o);
  addIdea(doc, { title: 'i4', author, problemId: 'p2', id: 'i4' }, o);
  addNote(doc, { title: 'n1', author, ideaId: 'i1', id: 'n1' }, o);
  addNote(doc, { title: 'n2', author, ideaId: 'i1', id: 'n2' }, o);
  addNote(doc, { title: 'n3', author, ideaId: 'i4', id: 'n3' }, o);
  if (withTheme) addTheme(doc, { title: 'Reminders', author, id: 't1', ideaIds: ['i4'] }, o);
  return readBoard(doc);
}

const card = (id: string, kind: 'problem' | 'idea' | 'note'): DropTarget => ({ type: 'card', id, kind });

describe('accepts', () => {
  test('problems only among problems; ideas among ideas, on problems, groups and themes; notes among notes and on ideas', () => {
    const targets: DropTarget[] = [
      card('p1', 'problem'),
      card('i1', 'idea'),
      card('n1', 'note'),
      { type: 'ideaGroup', problemId: 'p1' },
      { type: 'ideaSub', problemId: 'p1', themeId: null },
      { type: 'noteGroup', ideaId: 'i1' },
      { type: 'theme', themeId: null },
    ];
    const table = (kind: 'problem' | 'idea' | 'note') => targets.map((t) => accepts(kind, t));
    expect(table('problem')).toEqual([true, false, false, false, false, false, false]);
    expect(table('idea')).toEqual([true, true, false, true, true, false, true]);
    expect(table('note')).toEqual([false, true, true, false, false, true, false]);
  });
});

describe('resolveDrop', () => {
  test('reorders within a group, before or after the card dropped on', () => {
    const b = board();
    expect(resolveDrop(b, 'i1', card('i3', 'idea'), 'after')).toEqual({ type: 'reorder', id: 'i1', placement: { afterId: 'i3' } });
    expect(resolveDrop(b, 'p2', card('p1', 'problem'), 'before')).toEqual({ type: 'reorder', id: 'p2', placement: { beforeId: 'p1' } });
    expect(resolveDrop(b, 'n2', card('n1', 'note'), 'before')).toEqual({ type: 'reorder', id: 'n2', placement: { beforeId: 'n1' } });
  });

  test('moves an idea to another problem: beside its ideas, onto the problem card, or onto its group', () => {
    const b = board();
    expect(resolveDrop(b, 'i1', card('i4', 'idea'), 'before')).toEqual({
      type: 'moveIdea', id: 'i1', problemId: 'p2', themeId: null, placement: { beforeId: 'i4' },
    });
    expect(resolveDrop(b, 'i1', card('p2', 'problem'), 'before')).toEqual({ type: 'moveIdea', id: 'i1', problemId: 'p2', placement: {} });
    expect(resolveDrop(b, 'i1', { type: 'ideaGroup', problemId: null }, 'after')).toEqual({ type: 'moveIdea', id: 'i1', problemId: null, placement: {} });
    // its own problem: nothing to do
    expect(resolveDrop(b, 'i1', card('p1', 'problem'), 'after')).toBeNull();
    expect(resolveDrop(b, 'i1', { type: 'ideaGroup', problemId: 'p1' }, 'after')).toBeNull();
  });

  test('moves an idea into and out of a theme', () => {
    const b = board(true);
    // beside an idea in a theme: into that problem and theme
    expect(resolveDrop(b, 'i1', card('i4', 'idea'), 'after')).toEqual({
      type: 'moveIdea', id: 'i1', problemId: 'p2', themeId: 't1', placement: { afterId: 'i4' },
    });
    expect(resolveDrop(b, 'i2', { type: 'theme', themeId: 't1' }, 'after')).toEqual({ type: 'setTheme', id: 'i2', themeId: 't1' });
    expect(resolveDrop(b, 'i4', { type: 'theme', themeId: null }, 'after')).toEqual({ type: 'setTheme', id: 'i4', themeId: null });
    expect(resolveDrop(b, 'i4', { type: 'theme', themeId: 't1' }, 'after')).toBeNull();
    expect(resolveDrop(b, 'i4', { type: 'ideaSub', problemId: 'p1', themeId: null }, 'after')).toEqual({
      type: 'moveIdea', id: 'i4', problemId: 'p1', themeId: null, placement: {},
    });
  });

  test('moves a note to another idea: beside its notes or onto the idea card', () => {
    const b = board();
    expect(resolveDrop(b, 'n1', card('n3', 'note'), 'after')).toEqual({ type: 'moveNote', id: 'n1', ideaId: 'i4', placement: { afterId: 'n3' } });
    expect(resolveDrop(b, 'n1', card('i2', 'idea'), 'after')).toEqual({ type: 'moveNote', id: 'n1', ideaId: 'i2', placement: {} });
    expect(resolveDrop(b, 'n1', { type: 'noteGroup', ideaId: 'i4' }, 'after')).toEqual({ type: 'moveNote', id: 'n1', ideaId: 'i4', placement: {} });
    expect(resolveDrop(b, 'n1', card('i1', 'idea'), 'after')).toBeNull();
  });

  test('refuses drops a card cannot take, and drops on itself', () => {
    const b = board();
    expect(resolveDrop(b, 'p1', card('i1', 'idea'), 'after')).toBeNull();
    expect(resolveDrop(b, 'n1', card('p1', 'problem'), 'after')).toBeNull();
    expect(resolveDrop(b, 'i1', card('i1', 'idea'), 'after')).toBeNull();
    expect(resolveDrop(b, 'missing', card('i1', 'idea'), 'after')).toBeNull();
  });
});

test('describes a drop target in words', () => {
  const b = board(true);
  expect(describeTarget(b, 'i1', card('p2', 'problem'), 'after')).toBe(
    'Idea “i1” is on problem statement “P2”. Dropping moves it to problem “P2”.',
  );
  expect(describeTarget(b, 'i2', { type: 'theme', themeId: 't1' }, 'after')).toBe(
    'Idea “i2” is over theme “Reminders”. Dropping puts it in theme “Reminders”.',
  );
  expect(describeTarget(b, 'i1', card('i1', 'idea'), 'after')).toBe('Idea “i1” is back where it was.');
});
