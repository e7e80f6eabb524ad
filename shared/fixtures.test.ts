import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { readBoard } from './board/index.ts';
import { seedBoardFromFixture, seedLargeBoard, type BoardFixture } from './fixtures.ts';
import techConnect from './fixtures/tech-connect-board.json' with { type: 'json' };
import { bodyToMarkdown, bodyToPlainText, readBody, type RichBlock } from './richtext/index.ts';
import { bodyOf } from './richtext/testHelpers.ts';
import { writeMarkdownToBody } from './richtext/writeMarkdownToBody.ts';

const fixture = techConnect as BoardFixture;

function links(blocks: RichBlock[]): string[] {
  const urls: string[] = [];
  const walk = (list: RichBlock[]) => {
    for (const block of list) {
      if (block.type === 'list') block.items.forEach(walk);
      else for (const inline of block.children) if ('type' in inline) urls.push(inline.url);
    }
  };
  walk(blocks);
  return urls;
}

describe('seedBoardFromFixture', () => {
  const doc = new Y.Doc();
  const ids = seedBoardFromFixture(doc, fixture);
  const board = readBoard(doc);

  test('builds every card with the fixture ids', () => {
    expect(board.meta).toMatchObject({
      title: fixture.title,
      challenge: fixture.challenge,
      sponsor: fixture.sponsor,
      template: 'hackathon',
    });
    expect(board.problems.map((p) => p.id)).toEqual(['pb1', 'pb2', 'pb3', 'pb4']);
    expect(board.ideas).toHaveLength(14);
    expect(board.notes).toHaveLength(6);
    expect(board.themes.map((t) => t.title)).toEqual(fixture.themes.map((t) => t.title));
    expect(ids.size).toBe(4 + 14 + 6 + 3);
    for (const [from, to] of ids) expect(to).toBe(from);
  });

  test('links ideas to problems and themes, notes to ideas, cards to their authors', () => {
    const idea = (id: string) => board.ideas.find((i) => i.id === id)!;
    expect(idea('i1')).toMatchObject({ problemId: 'pb1', themeId: 't1', title: fixture.ideas[0]!.title });
    expect(idea('i7')).toMatchObject({ problemId: 'pb2', themeId: null });
    expect(idea('i1').author).toEqual({
      participantId: 'p5',
      name: 'Priya Nair',
      organisation: 'Datalane Analytics',
      sector: 'private sector',
    });
    expect(board.ideas.filter((i) => i.problemId === 'pb1').map((i) => i.id)).toEqual(['i1', 'i2', 'i3', 'i14']);
    expect(board.notes.filter((n) => n.ideaId === 'i1').map((n) => n.id)).toEqual(['n1', 'n6']);
    expect(board.themes[0]!.author.participantId).toBe('p1');
  });

  test('writes every body as rich text', () => {
    expect(links(readBody(bodyOf(doc, 'pb4')))).toEqual([
      'https://www.gov.uk/government/publications/the-cardiff-model-for-violence-prevention',
    ]);
    const pb1 = readBody(bodyOf(doc, 'pb1'));
    expect(pb1.map((b) => b.type)).toEqual(['heading', 'list', 'heading', 'paragraph']);
    expect(readBody(bodyOf(doc, 'n4'))[0]).toMatchObject({ type: 'list', ordered: true });
    for (const card of [...fixture.problems, ...fixture.ideas, ...fixture.notes]) {
      const body = bodyOf(doc, card.id);
      // Same text as the Markdown source, and the exported Markdown re-imports to itself.
      const words = (s: string) =>
        s.replace(/\(https?:[^)]*\)/g, ' ').replace(/^\s*\d+\.\s/gm, ' ').match(/[\p{L}\p{N}']+/gu);
      expect(words(bodyToPlainText(body)), card.id).toEqual(words(card.body));
      const markdown = bodyToMarkdown(body);
      const again = new Y.Doc();
      seedLargeBoard(again, { cards: 2 });
      const copy = bodyOf(again, 'idea-001');
      writeMarkdownToBody(again, copy, markdown);
      expect(bodyToMarkdown(copy), card.id).toBe(markdown);
    }
  });

  test('a second document synced from the first reads the same', () => {
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    expect(readBoard(other)).toEqual(board);
    expect(bodyToMarkdown(bodyOf(other, 'n1'))).toBe(bodyToMarkdown(bodyOf(doc, 'n1')));
  });
});

describe('seedLargeBoard', () => {
  test('300 cards: 50 problems, 150 ideas, 100 notes, 5 themes, all linked', () => {
    const doc = new Y.Doc();
    const ids = seedLargeBoard(doc, { cards: 300, seed: 7 });
    const board = readBoard(doc);
    expect([board.problems.length, board.ideas.length, board.notes.length, board.themes.length]).toEqual([50, 150, 100, 5]);
    expect(ids.ideas).toHaveLength(150);
    expect(board.ideas.every((i) => i.problemId !== null)).toBe(true);
    expect(board.notes.every((n) => n.ideaId !== null)).toBe(true);
    const themed = board.ideas.filter((i) => i.themeId !== null).length;
    expect(themed).toBeGreaterThan(40);
    expect(themed).toBeLessThan(110);
    expect(new Set(board.ideas.map((i) => i.title)).size).toBeGreaterThan(20);

    // Read every body, as a static board render or a brief export would.
    const cards = [...board.problems, ...board.ideas, ...board.notes];
    const started = performance.now();
    const texts = cards.map((c) => readBody(bodyOf(doc, c.id)));
    const elapsed = performance.now() - started;
    console.log(`readBody: 300 cards in ${elapsed.toFixed(0)} ms (${(elapsed / 300).toFixed(2)} ms per card)`);
    expect(texts.every((blocks) => blocks.length === 1 && blocks[0]!.type === 'paragraph')).toBe(true);
    expect(elapsed).toBeLessThan(3000); // generous: catches a regression by an order of magnitude
  });

  test('is deterministic for a seed, and differs between seeds', () => {
    const content = (seed: number) => {
      const doc = new Y.Doc();
      seedLargeBoard(doc, { cards: 30, seed });
      const board = readBoard(doc);
      return [...board.problems, ...board.ideas, ...board.notes].map((c) => ({
        id: c.id,
        title: c.title,
        order: c.order,
        author: c.author.participantId,
        link: c.kind === 'idea' ? [c.problemId, c.themeId] : c.kind === 'note' ? c.ideaId : null,
        body: bodyToMarkdown(bodyOf(doc, c.id)),
      }));
    };
    expect(content(3)).toEqual(content(3));
    expect(content(3)).not.toEqual(content(4));
  });

  test('small boards', () => {
    const doc = new Y.Doc();
    const ids = seedLargeBoard(doc, { cards: 1 });
    expect(ids.ideas).toHaveLength(1);
    expect(readBoard(doc).ideas[0]!.problemId).toBeNull();
  });
});
