import { describe, expect, test } from 'vitest';
import type { RichBlock } from '../richtext/index.ts';
import { BODY_LIMIT, cutBody } from './longBodies.ts';

const para = (text: string): RichBlock => ({ type: 'paragraph', children: [{ text }] });
const textOf = (blocks: RichBlock[]): string =>
  blocks
    .map((b) =>
      b.type === 'list' ? b.items.map(textOf).join('\n') : b.children.map((i) => ('type' in i ? i.children.map((c) => c.text).join('') : i.text)).join(''),
    )
    .join('\n');

describe('cutBody', () => {
  test('a body within the limit is left whole', () => {
    const body = [para('Short.'), { type: 'heading', level: 2, children: [{ text: 'Why' }] } as RichBlock, para('Because.')];
    expect(cutBody(body)).toEqual({ blocks: body, cut: false });
  });

  test('a 320 KB paste keeps about 1,500 characters, cut after a word, with "…"', () => {
    const words = 'Tenants told us the letters came too late to act on. ';
    const paste = para(words.repeat(Math.ceil(320_000 / words.length)));
    const { blocks, cut } = cutBody([paste]);
    expect(cut).toBe(true);
    const text = textOf(blocks);
    expect(text.length).toBeLessThanOrEqual(BODY_LIMIT.characters + 1);
    expect(text.length).toBeGreaterThan(BODY_LIMIT.characters - 60);
    expect(text.endsWith('…')).toBe(true);
    // the cut falls after a whole word: what precedes "…" is a word of the text, never half of one
    const lastWord = text.slice(0, -1).split(' ').at(-1)!;
    expect(words.split(' ')).toContain(lastWord);
  });

  test('an unbroken paste with no spaces is cut hard at the limit, never inside a surrogate pair', () => {
    const { blocks } = cutBody([para('😀'.repeat(5000))]);
    const text = textOf(blocks);
    expect(text.endsWith('…')).toBe(true);
    expect(text.slice(0, -1)).toBe('😀'.repeat(BODY_LIMIT.characters / 2));
  });

  test('stops between blocks when little of the budget is left', () => {
    const body = [para('a'.repeat(1400)), para('b '.repeat(400))];
    const { blocks, cut } = cutBody(body);
    expect(cut).toBe(true);
    expect(blocks).toEqual([body[0]]);
  });

  test('at most 20 blocks, list items counted: many short lines take room too', () => {
    const list: RichBlock = { type: 'list', ordered: true, start: 1, items: Array.from({ length: 30 }, (_, i) => [para(`Step ${i + 1}`)]) };
    const { blocks, cut } = cutBody([para('Plan:'), list]);
    expect(cut).toBe(true);
    expect(blocks).toHaveLength(2);
    const kept = blocks[1] as Extract<RichBlock, { type: 'list' }>;
    expect(kept.items).toHaveLength(BODY_LIMIT.blocks - 1);
    expect(kept).toMatchObject({ ordered: true, start: 1 });
  });

  test('formatting and links of what is kept stay as they were', () => {
    const body: RichBlock[] = [
      {
        type: 'paragraph',
        children: [
          { text: 'See ', bold: true },
          { type: 'link', url: 'https://example.org', children: [{ text: 'the report ', italic: true }] },
          { text: 'word '.repeat(40) },
        ],
      },
    ];
    const { blocks } = cutBody(body, { characters: 60, blocks: 20 });
    expect(blocks).toEqual([
      {
        type: 'paragraph',
        children: [
          { text: 'See ', bold: true },
          { type: 'link', url: 'https://example.org', children: [{ text: 'the report ', italic: true }] },
          { text: 'word word word word word word word word word' },
          { text: '…' },
        ],
      },
    ]);
  });
});
