import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addIdea,
  addNote,
  addProblem,
  addTheme,
  deleteCard,
  initBoard,
  moveIdea,
  moveNote,
  readBoard,
  reorderCard,
  setIdeaTheme,
  updateCardTitle,
  cardTitleText,
  updateBriefText,
  BoardWriteError,
  type Author,
} from './index.ts';
import { CARD, EMPTY_PARAGRAPH_ATTRIBUTES, ROOT, boardMaps, cardBody, findCard, laneMap } from '../schema.ts';
import { mergeIdeas, mergeTarget, readMerges } from './index.ts';
import { bodyToMarkdown, writeMarkdownToBody } from '../richtext/index.ts';
import { openLiveEditor } from '../richtext/liveEditor.ts';
import { $createTextNode, $getRoot, type ElementNode } from 'lexical';
import { hydrateCopy } from '../richtext/bodyEditor.ts';
import type { BoardOrigin } from '../origins.ts';

const amira: Author = {
  participantId: 'p1',
  name: 'Amira Khan',
  organisation: 'Department for Work and Pensions',
  sector: 'public sector',
};
const local: BoardOrigin = { kind: 'local', participantId: 'p1' };

function board() {
  const doc = new Y.Doc();
  initBoard(doc, { title: 'Preventing homelessness', challenge: 'How might we…', sponsor: 'Leeds' });
  return doc;
}

describe('initBoard and readBoard', () => {
  it('reads the meta it wrote', () => {
    const snap = readBoard(board());
    expect(snap.meta).toMatchObject({
      title: 'Preventing homelessness',
      challenge: 'How might we…',
      sponsor: 'Leeds',
      template: 'open',
      schemaVersion: 1,
    });
    expect(snap.problems).toEqual([]);
  });

  it('reads an empty document without throwing', () => {
    expect(readBoard(new Y.Doc()).meta.title).toBe('Untitled board');
  });
});

describe('brief texts', () => {
  it('edits the summary and next steps concurrently without losing either side', () => {
    const a = board();
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    updateBriefText(a, 'summary', 'We propose a shared early-warning signal.', local);
    updateBriefText(b, 'nextSteps', 'Run a caseworker trial in Leeds.', local);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(readBoard(a).meta).toMatchObject({
      summary: 'We propose a shared early-warning signal.',
      nextSteps: 'Run a caseworker trial in Leeds.',
    });
    expect(readBoard(b).meta).toEqual(readBoard(a).meta);
  });
});

describe('adding cards', () => {
  it('creates each card with its author, times, order and a Lexical-shaped empty body', () => {
    const doc = board();
    const pid = addProblem(doc, { title: '  How might we   spot risk early? ', author: amira }, local);
    const snap = readBoard(doc);
    expect(snap.problems).toHaveLength(1);
    const problem = snap.problems[0]!;
    expect(problem).toMatchObject({ id: pid, kind: 'problem', title: 'How might we spot risk early?', author: amira });
    expect(problem.createdAt).toBeGreaterThan(0);
    expect(problem.order).not.toBe('');

    const body = cardBody(findCard(doc, pid)!.record)!;
    expect(body).toBeInstanceOf(Y.XmlText);
    const delta = body.toDelta() as Array<{ insert: unknown }>;
    expect(delta).toHaveLength(1);
    const paragraph = delta[0]!.insert as Y.XmlText;
    expect(paragraph).toBeInstanceOf(Y.XmlText);
    expect(paragraph.getAttributes()).toEqual(EMPTY_PARAGRAPH_ATTRIBUTES);
  });

  it('appends cards in the order they were added, within their group', () => {
    const doc = board();
    const p1 = addProblem(doc, { title: 'A', author: amira }, local);
    const p2 = addProblem(doc, { title: 'B', author: amira }, local);
    const i1 = addIdea(doc, { title: 'one', author: amira, problemId: p1 }, local);
    const i2 = addIdea(doc, { title: 'two', author: amira, problemId: p2 }, local);
    const i3 = addIdea(doc, { title: 'three', author: amira, problemId: p1 }, local);
    const n1 = addNote(doc, { title: 'note', author: amira, ideaId: i3 }, local);
    const snap = readBoard(doc);
    expect(snap.problems.map((p) => p.id)).toEqual([p1, p2]);
    expect(snap.ideas.filter((i) => i.problemId === p1).map((i) => i.id)).toEqual([i1, i3]);
    expect(snap.ideas.find((i) => i.id === i2)!.problemId).toBe(p2);
    expect(snap.notes[0]).toMatchObject({ id: n1, ideaId: i3 });
  });

  it('places a card before or after a given sibling', () => {
    const doc = board();
    const a = addProblem(doc, { title: 'A', author: amira }, local);
    const c = addProblem(doc, { title: 'C', author: amira }, local);
    const b = addProblem(doc, { title: 'B', author: amira, afterId: a }, local);
    const first = addProblem(doc, { title: '0', author: amira, beforeId: a }, local);
    expect(readBoard(doc).problems.map((p) => p.id)).toEqual([first, a, b, c]);
  });

  it('rejects an author whose sector is not one of the five', () => {
    const doc = board();
    expect(() =>
      addProblem(doc, { title: 'x', author: { ...amira, sector: 'aliens' as never } }, local),
    ).toThrow(BoardWriteError);
    expect(readBoard(doc).problems).toEqual([]);
  });

  it('runs each write in one transaction with the given origin', () => {
    const doc = board();
    const origins: unknown[] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));
    addProblem(doc, { title: 'A', author: amira }, local);
    expect(origins).toEqual([local]);
  });
});

describe('editing titles', () => {
  it('applies the smallest edit so concurrent changes to different words both survive', () => {
    const a = board();
    const id = addProblem(a, { title: 'How might we help people early', author: amira }, local);
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));

    updateCardTitle(a, id, 'How might we help renters early', local);
    updateCardTitle(b, id, 'How might we help people much earlier', local);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));

    const title = readBoard(a).problems[0]!.title;
    expect(title).toBe(readBoard(b).problems[0]!.title);
    expect(title).toContain('renters');
    expect(title).toContain('much earlier');
  });

  it('puts a typed letter where it was typed when the title repeats it, so a concurrent insert stays on its side', () => {
    // "Goal": A types "o" after the G ("Gooal", caret 2) while B types "X" after the o ("GoXal").
    // Placed after the longest prefix, A's o would sit beside B's X and Yjs would order the two by
    // client id (A's id is the larger, so "GoXoal"); placed where A typed, it is "GooXal".
    const a = board();
    a.clientID = 2;
    const id = addProblem(a, { title: 'Goal', author: amira }, local);
    const b = new Y.Doc();
    b.clientID = 1;
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));

    updateCardTitle(a, id, 'Gooal', local, 2);
    updateCardTitle(b, id, 'GoXal', local, 3);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));

    expect(readBoard(a).problems[0]!.title).toBe('GooXal');
    expect(readBoard(b).problems[0]!.title).toBe('GooXal');
  });

  it('gives the live title text of a card or theme, and null for unknown ids', () => {
    const doc = board();
    const id = addProblem(doc, { title: 'Live', author: amira }, local);
    const t = addTheme(doc, { title: 'Theme', author: amira }, local);
    expect(cardTitleText(doc, id)?.toString()).toBe('Live');
    expect(cardTitleText(doc, t)?.toString()).toBe('Theme');
    expect(cardTitleText(doc, 'nope')).toBeNull();
  });

  it('renames themes too, and refuses unknown ids', () => {
    const doc = board();
    const t = addTheme(doc, { title: 'Data sharing', author: amira }, local);
    updateCardTitle(doc, t, 'Data sharing between services', local);
    expect(readBoard(doc).themes[0]!.title).toBe('Data sharing between services');
    expect(() => updateCardTitle(doc, 'nope', 'x', local)).toThrow(BoardWriteError);
  });
});

describe('moving cards', () => {
  it('reorders a card within its group', () => {
    const doc = board();
    const [a, b, c] = ['A', 'B', 'C'].map((title) => addProblem(doc, { title, author: amira }, local));
    reorderCard(doc, c!, { beforeId: a }, local);
    expect(readBoard(doc).problems.map((p) => p.title)).toEqual(['C', 'A', 'B']);
    reorderCard(doc, c!, { afterId: b }, local);
    expect(readBoard(doc).problems.map((p) => p.title)).toEqual(['A', 'B', 'C']);
  });

  it('moves an idea to another problem and theme, and a note to another idea', () => {
    const doc = board();
    const p1 = addProblem(doc, { title: 'P1', author: amira }, local);
    const p2 = addProblem(doc, { title: 'P2', author: amira }, local);
    const theme = addTheme(doc, { title: 'T', author: amira }, local);
    const i1 = addIdea(doc, { title: 'I1', author: amira, problemId: p1 }, local);
    const i2 = addIdea(doc, { title: 'I2', author: amira, problemId: p2 }, local);
    const n = addNote(doc, { title: 'N', author: amira, ideaId: i1 }, local);

    moveIdea(doc, i1, { problemId: p2, themeId: theme, beforeId: i2 }, local);
    moveNote(doc, n, { ideaId: i2 }, local);
    const snap = readBoard(doc);
    expect(snap.ideas.filter((i) => i.problemId === p2).map((i) => i.id)).toEqual([i1, i2]);
    expect(snap.ideas.find((i) => i.id === i1)!.themeId).toBe(theme);
    expect(snap.notes[0]!.ideaId).toBe(i2);

    setIdeaTheme(doc, i1, null, local);
    expect(readBoard(doc).ideas.find((i) => i.id === i1)!.themeId).toBeNull();
  });

  it('refuses moves to cards that do not exist', () => {
    const doc = board();
    const p = addProblem(doc, { title: 'P', author: amira }, local);
    const i = addIdea(doc, { title: 'I', author: amira, problemId: p }, local);
    expect(() => moveIdea(doc, i, { problemId: 'missing' }, local)).toThrow(BoardWriteError);
    expect(() => moveNote(doc, 'missing', { ideaId: i }, local)).toThrow(BoardWriteError);
    expect(() => setIdeaTheme(doc, i, 'missing', local)).toThrow(BoardWriteError);
    expect(readBoard(doc).ideas[0]!.problemId).toBe(p);
  });
});

describe('deleting cards', () => {
  function populated() {
    const doc = board();
    const p = addProblem(doc, { title: 'P', author: amira }, local);
    const t = addTheme(doc, { title: 'T', author: amira }, local);
    const i = addIdea(doc, { title: 'I', author: amira, problemId: p, themeId: t }, local);
    const n = addNote(doc, { title: 'N', author: amira, ideaId: i }, local);
    return { doc, p, t, i, n };
  }

  it('keeps the ideas of a deleted problem, detached', () => {
    const { doc, p, i } = populated();
    deleteCard(doc, p, local);
    const snap = readBoard(doc);
    expect(snap.problems).toEqual([]);
    expect(snap.ideas.find((x) => x.id === i)!.problemId).toBeNull();
  });

  it('keeps the notes of a deleted idea, detached', () => {
    const { doc, i, n } = populated();
    deleteCard(doc, i, local);
    const snap = readBoard(doc);
    expect(snap.ideas).toEqual([]);
    expect(snap.notes.find((x) => x.id === n)!.ideaId).toBeNull();
  });

  it('keeps the ideas of a deleted theme, out of any theme', () => {
    const { doc, t, i } = populated();
    deleteCard(doc, t, local);
    const snap = readBoard(doc);
    expect(snap.themes).toEqual([]);
    expect(snap.ideas.find((x) => x.id === i)!.themeId).toBeNull();
  });

  it('is undone in one step, links and body included', () => {
    const { doc, p, i } = populated();
    const undo = new Y.UndoManager(
      [laneMap(doc, 'problem'), laneMap(doc, 'idea'), laneMap(doc, 'note')],
      { trackedOrigins: new Set([local]) },
    );
    deleteCard(doc, p, local);
    undo.undo();
    const snap = readBoard(doc);
    expect(snap.problems.map((x) => x.id)).toEqual([p]);
    expect(snap.ideas.find((x) => x.id === i)!.problemId).toBe(p);
    expect(cardBody(findCard(doc, p)!.record)).toBeInstanceOf(Y.XmlText);
  });
});

describe('readBoard on hostile content', () => {
  it('skips records that are not maps and repairs fields of the wrong type', () => {
    const doc = board();
    const p = addProblem(doc, { title: 'Real', author: amira }, local);
    doc.transact(() => {
      const problems = doc.getMap(ROOT.problems) as Y.Map<unknown>;
      problems.set('junk', 42);
      problems.set('text', 'not a record');
      const broken = new Y.Map<unknown>();
      problems.set('broken', broken);
      broken.set(CARD.title, { evil: true });
      broken.set(CARD.author, { name: 7, sector: 'martians' });
      broken.set(CARD.order, '!!not-a-key');
      broken.set(CARD.createdAt, 'yesterday');
      const ideas = doc.getMap(ROOT.ideas) as Y.Map<unknown>;
      const orphan = new Y.Map<unknown>();
      ideas.set('orphan', orphan);
      orphan.set(CARD.title, 'plain string title');
      orphan.set(CARD.problemId, 'does-not-exist');
      orphan.set(CARD.themeId, 12);
      (doc.getMap(ROOT.meta) as Y.Map<unknown>).set('template', 'chaos');
    });
    const snap = readBoard(doc);
    expect(snap.problems.map((x) => x.id).sort()).toEqual(['broken', p].sort());
    const broken = snap.problems.find((x) => x.id === 'broken')!;
    expect(broken).toMatchObject({ title: '', order: '', createdAt: 0 });
    expect(broken.author).toMatchObject({ name: 'Unknown participant', sector: 'unknown' });
    expect(snap.ideas).toEqual([
      expect.objectContaining({ id: 'orphan', title: 'plain string title', problemId: null, themeId: null }),
    ]);
    expect(snap.meta.template).toBe('open');
  });

  it('clips oversized titles instead of passing them on', () => {
    const doc = board();
    const id = addProblem(doc, { title: 'x', author: amira }, local);
    const record = findCard(doc, id)!.record;
    doc.transact(() => record.set(CARD.title, 'y'.repeat(100_000)));
    expect(readBoard(doc).problems[0]!.title.length).toBe(300);
  });
});

describe('templates', () => {
  it('applyTemplate puts the starter cards on a new board, by the template author, with their body', async () => {
    const { applyTemplate, isTemplateAuthor } = await import('./index.ts');
    const { templateDefinition } = await import('../facilitation/index.ts');
    const { writeMarkdownToBody } = await import('../richtext/writeMarkdownToBody.ts');
    const { bodyToPlainText } = await import('../richtext/index.ts');
    const doc = new Y.Doc();
    initBoard(doc, { title: 'Hack', template: 'hackathon' });
    applyTemplate(doc, templateDefinition('hackathon').starter, { kind: 'server' }, writeMarkdownToBody);
    const [problem, ...rest] = readBoard(doc).problems;
    expect(rest).toEqual([]);
    expect(problem!.title).toBe('How might we …?');
    expect(isTemplateAuthor(problem!.author)).toBe(true);
    expect(problem!.author.sector).toBe('unknown');
    expect(bodyToPlainText(cardBody(findCard(doc, problem!.id)!.record)!)).toMatch(/Rewrite this card/);
    // an empty starter changes nothing at all
    const before = Y.encodeStateVector(doc);
    applyTemplate(doc, templateDefinition('open').starter);
    expect(Y.encodeStateVector(doc)).toEqual(before);
  });
});

describe('merging ideas', () => {
  const rhys: Author = { participantId: 'p2', name: 'Rhys Morgan', organisation: 'NorthStar Cloud', sector: 'private sector' };
  const hannah: Author = { participantId: 'p3', name: 'Hannah Cole', organisation: 'Shelter North', sector: 'voluntary and community' };
  const other: BoardOrigin = { kind: 'local', participantId: 'p2' };

  function body(doc: Y.Doc, id: string): Y.XmlText {
    return cardBody(findCard(doc, id)!.record)!;
  }

  /** A problem, a kept idea by Amira and a duplicate by Rhys, each with a note and a body. */
  function duplicates() {
    const doc = board();
    const p = addProblem(doc, { title: 'P', author: amira }, local);
    const keep = addIdea(doc, { title: 'Text reminders', author: amira, problemId: p }, local);
    const dup = addIdea(doc, { title: 'SMS nudges', author: rhys, problemId: p }, other);
    const keptNote = addNote(doc, { title: 'kept note', author: amira, ideaId: keep }, local);
    const n1 = addNote(doc, { title: 'dup note 1', author: rhys, ideaId: dup }, other);
    const n2 = addNote(doc, { title: 'dup note 2', author: rhys, ideaId: dup }, other);
    writeMarkdownToBody(doc, body(doc, keep), 'Send a reminder **before** the hearing.', local);
    writeMarkdownToBody(doc, body(doc, dup), '## Why\n\n- plain English\n- a [link](https://example.org)', other);
    return { doc, p, keep, dup, keptNote, n1, n2 };
  }

  it('credits the author, appends the body, moves the notes and deletes the duplicate, in one transaction', () => {
    const { doc, keep, dup, keptNote, n1, n2 } = duplicates();
    const origins: unknown[] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));
    mergeIdeas(doc, { keepId: keep, mergeId: dup }, local);
    expect(origins).toEqual([local]);

    const snap = readBoard(doc);
    expect(snap.ideas.map((i) => i.id)).toEqual([keep]);
    expect(snap.ideas[0]).toMatchObject({ title: 'Text reminders', author: amira, coAuthors: [rhys] });
    expect(snap.notes.map((n) => [n.id, n.ideaId])).toEqual([
      [keptNote, keep],
      [n1, keep],
      [n2, keep],
    ]);
    expect(bodyToMarkdown(body(doc, keep))).toBe(
      'Send a reminder **before** the hearing.\n\nMerged from: SMS nudges\n\n## Why\n\n- plain English\n- a [link](https://example.org)',
    );
    // What Lexical reads back is what it wrote: no repair needed when an editor loads the body.
    expect(hydrateCopy(body(doc, keep)).failure()).toBeUndefined();
  });

  it('puts the merged text first in a body nobody wrote in, and just notes the merge for an empty duplicate', () => {
    const doc = board();
    const a = addIdea(doc, { title: 'A', author: amira, problemId: null }, local);
    const b = addIdea(doc, { title: 'B', author: rhys, problemId: null }, other);
    const c = addIdea(doc, { title: 'C', author: hannah, problemId: null }, other);
    writeMarkdownToBody(doc, body(doc, b), 'Body of B', other);
    mergeIdeas(doc, { keepId: a, mergeId: b }, local);
    // (the kept body's empty paragraph stays last: someone may be typing in it)
    expect(bodyToMarkdown(body(doc, a))).toBe('Merged from: B\n\nBody of B\n');
    mergeIdeas(doc, { keepId: a, mergeId: c }, local);
    expect(bodyToMarkdown(body(doc, a))).toBe('Merged from: B\n\nBody of B\n\nMerged from: C\n');
    expect(readBoard(doc).ideas[0]!.coAuthors.map((x) => x.name)).toEqual(['Hannah Cole', 'Rhys Morgan']);
  });

  it('never credits the author, credits each person once, and carries co-authors along a chain of merges', () => {
    const doc = board();
    const a = addIdea(doc, { title: 'A', author: amira, problemId: null }, local);
    const b = addIdea(doc, { title: 'B', author: amira, problemId: null }, local);
    const c = addIdea(doc, { title: 'C', author: rhys, problemId: null }, other);
    const d = addIdea(doc, { title: 'D', author: hannah, problemId: null }, other);
    const e = addIdea(doc, { title: 'E', author: rhys, problemId: null }, other);
    mergeIdeas(doc, { keepId: a, mergeId: b }, local); // same author: no credit
    expect(readBoard(doc).ideas.find((i) => i.id === a)!.coAuthors).toEqual([]);
    mergeIdeas(doc, { keepId: d, mergeId: c }, local); // D (Hannah) gains Rhys
    mergeIdeas(doc, { keepId: a, mergeId: d }, local); // A gains Hannah and, through D, Rhys
    mergeIdeas(doc, { keepId: a, mergeId: e }, local); // Rhys again: still once
    const idea = readBoard(doc).ideas.find((i) => i.id === a)!;
    expect(idea.coAuthors).toEqual([hannah, rhys]);
  });

  it('refuses to merge an idea into itself or with a card that is not an idea', () => {
    const { doc, p, keep, n1 } = duplicates();
    expect(() => mergeIdeas(doc, { keepId: keep, mergeId: keep }, local)).toThrow(BoardWriteError);
    expect(() => mergeIdeas(doc, { keepId: keep, mergeId: p }, local)).toThrow(BoardWriteError);
    expect(() => mergeIdeas(doc, { keepId: n1, mergeId: keep }, local)).toThrow(BoardWriteError);
    expect(() => mergeIdeas(doc, { keepId: keep, mergeId: 'missing' }, local)).toThrow(BoardWriteError);
    expect(readBoard(doc).ideas).toHaveLength(2);
  });

  it('is undone in one step: the duplicate, its notes, the body and the credit come back', () => {
    const { doc, keep, dup, n1 } = duplicates();
    const maps = [laneMap(doc, 'problem'), laneMap(doc, 'idea'), laneMap(doc, 'note')];
    const undo = new Y.UndoManager(maps, { trackedOrigins: new Set([local]) });
    const before = readBoard(doc);
    const keptBody = bodyToMarkdown(body(doc, keep));
    mergeIdeas(doc, { keepId: keep, mergeId: dup }, local);
    undo.undo();
    const after = readBoard(doc);
    expect(after.ideas.map((i) => [i.id, i.coAuthors])).toEqual(before.ideas.map((i) => [i.id, i.coAuthors]));
    expect(after.notes.find((n) => n.id === n1)!.ideaId).toBe(dup);
    expect(bodyToMarkdown(body(doc, keep))).toBe(keptBody);
    expect(bodyToMarkdown(body(doc, dup))).toContain('plain English');
  });

  it('records where the duplicate went, in the same transaction; chains are followed and an undone merge counts for nothing', () => {
    const doc = board();
    const a = addIdea(doc, { title: 'A', author: amira, problemId: null }, local);
    const b = addIdea(doc, { title: 'B', author: rhys, problemId: null }, other);
    const c = addIdea(doc, { title: 'C', author: hannah, problemId: null }, other);
    const undo = new Y.UndoManager([laneMap(doc, 'idea'), boardMaps(doc).merges], { trackedOrigins: new Set([local]) });
    const transactions: Y.Transaction[] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => transactions.push(tr));
    mergeIdeas(doc, { keepId: b, mergeId: c }, local);
    // the deletion and the record travel together: one transaction, one update
    const changed = (tr: Y.Transaction, type: Y.Map<unknown>) => [...tr.changed.keys()].some((t) => t === (type as unknown));
    expect(transactions.map((tr) => [changed(tr, laneMap(doc, 'idea')), changed(tr, boardMaps(doc).merges)])).toEqual([[true, true]]);
    expect(mergeTarget(boardMaps(doc).merges.get(c))).toBe(b);
    undo.stopCapturing();
    mergeIdeas(doc, { keepId: a, mergeId: b }, local);
    // C went into B, B into A: both count for A
    expect(readMerges(doc)).toEqual(new Map([[c, a], [b, a]]));
    undo.undo();
    expect(readMerges(doc)).toEqual(new Map([[c, b]]));
    // a record whose idea is on the board (another device undid the merge) moves nothing
    boardMaps(doc).merges.set(b, { into: a });
    expect(readMerges(doc)).toEqual(new Map([[c, b]]));
    // junk, a record pointing at itself, a cycle: read safely
    boardMaps(doc).merges.set('x', 'junk');
    boardMaps(doc).merges.set('y', { into: 'y' });
    boardMaps(doc).merges.set('p', { into: 'q' });
    boardMaps(doc).merges.set('q', { into: 'p' });
    expect(readMerges(doc)).toEqual(new Map([[c, b], ['p', 'q'], ['q', 'p']]));
  });

  it('reads hostile co-author data safely', () => {
    const doc = board();
    const id = addIdea(doc, { title: 'I', author: amira, problemId: null }, local);
    const record = findCard(doc, id)!.record;
    doc.transact(() =>
      record.set(CARD.coAuthors, [
        { ...rhys },
        { ...rhys, name: 'Rhys again' },
        { ...amira },
        'junk',
        { participantId: 'p9', name: 'x'.repeat(500), sector: 'martians' },
      ]),
    );
    const [idea] = readBoard(doc).ideas;
    expect(idea!.coAuthors.map((a) => a.participantId)).toEqual(['p2', 'p9'].sort((x, y) => (x < y ? -1 : 1)));
    expect(idea!.coAuthors.find((a) => a.participantId === 'p9')).toMatchObject({ sector: 'unknown' });
    expect(idea!.coAuthors.find((a) => a.participantId === 'p9')!.name.length).toBe(80);
    // A merge into such an idea replaces the junk with a map and keeps the valid credits.
    const dup = addIdea(doc, { title: 'D', author: hannah, problemId: null }, other);
    mergeIdeas(doc, { keepId: id, mergeId: dup }, local);
    expect(record.get(CARD.coAuthors)).toBeInstanceOf(Y.Map);
    expect(readBoard(doc).ideas[0]!.coAuthors.map((a) => a.participantId).sort()).toEqual(['p2', 'p3', 'p9']);
  });

  it('converges when someone edits the duplicate, adds to it and types in the kept idea while the merge travels', () => {
    const { doc: a, keep, dup } = duplicates();
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    // A live editor on B's copy of the kept idea, as if Rhys had it open.
    const live = openLiveEditor(body(b, keep));

    mergeIdeas(a, { keepId: keep, mergeId: dup }, local);
    // Meanwhile on B: the duplicate's title and body change, a note is added to it, and Rhys
    // types into the kept idea's body.
    updateCardTitle(b, dup, 'SMS nudges (edited)', other);
    writeMarkdownToBody(b, body(b, dup), 'rewritten while merging', other);
    const lateNote = addNote(b, { title: 'late note', author: rhys, ideaId: dup }, other);
    live.edit(() => {
      const root = $getRoot();
      root.getLastChildOrThrow<ElementNode>().append($createTextNode(' Also by letter.'));
    });

    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));

    expect(Y.encodeStateVector(a)).toEqual(Y.encodeStateVector(b));
    const snapA = readBoard(a);
    expect(readBoard(b)).toEqual(snapA);
    expect(snapA.ideas.map((i) => i.id)).toEqual([keep]);
    // The note added to the duplicate is kept, detached; the edits to the duplicate went with it.
    expect(snapA.notes.find((n) => n.id === lateNote)!.ideaId).toBeNull();
    const text = bodyToMarkdown(body(a, keep));
    expect(bodyToMarkdown(body(b, keep))).toBe(text);
    expect(text).toContain('Also by letter.');
    expect(text).toContain('Merged from: SMS nudges');
    expect(text).not.toContain('rewritten while merging');
    // The live editor on B received the merge as an ordinary remote change.
    expect(live.markdown()).toBe(text);
    live.close();
  });

  it('two people merging different duplicates into one idea at once both get credited', () => {
    const doc = board();
    const keep = addIdea(doc, { title: 'K', author: amira, problemId: null }, local);
    const x = addIdea(doc, { title: 'X', author: rhys, problemId: null }, other);
    const y = addIdea(doc, { title: 'Y', author: hannah, problemId: null }, other);
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(doc));
    mergeIdeas(doc, { keepId: keep, mergeId: x }, local);
    mergeIdeas(b, { keepId: keep, mergeId: y }, other);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(doc));
    expect(readBoard(doc)).toEqual(readBoard(b));
    expect(readBoard(doc).ideas.map((i) => [i.id, i.coAuthors.map((c) => c.participantId)])).toEqual([[keep, ['p3', 'p2']]]);
    const text = bodyToMarkdown(body(doc, keep));
    expect(text).toContain('Merged from: X');
    expect(text).toContain('Merged from: Y');
  });
});

describe('themes', () => {
  it('groups ideas into a new theme in the same transaction, and refuses unknown ideas', () => {
    const doc = board();
    const i1 = addIdea(doc, { title: 'I1', author: amira, problemId: null }, local);
    const i2 = addIdea(doc, { title: 'I2', author: amira, problemId: null }, local);
    const origins: unknown[] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));
    const t = addTheme(doc, { title: 'Reminders', author: amira, ideaIds: [i1] }, local);
    expect(origins).toEqual([local]);
    const snap = readBoard(doc);
    expect(snap.themes.map((x) => x.title)).toEqual(['Reminders']);
    expect(snap.ideas.map((i) => i.themeId)).toEqual([t, null]);
    expect(() => addTheme(doc, { title: 'Nope', author: amira, ideaIds: [i2, 'missing'] }, local)).toThrow(BoardWriteError);
    expect(readBoard(doc).themes).toHaveLength(1);
  });
});
