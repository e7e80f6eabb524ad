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
  updateBriefText,
  BoardWriteError,
  type Author,
  type BoardOrigin,
} from './board.ts';
import { CARD, EMPTY_PARAGRAPH_ATTRIBUTES, ROOT, cardBody, findCard, laneMap } from './schema.ts';

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
    const { applyTemplate, isTemplateAuthor } = await import('./board.ts');
    const { templateDefinition } = await import('./session.ts');
    const { writeMarkdownToBody } = await import('./richtext/writeMarkdownToBody.ts');
    const { bodyToPlainText } = await import('./richtext/index.ts');
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
