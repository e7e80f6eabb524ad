/**
 * How much of a card's body a brief prints. A card is a sticky note: its body is usually a few
 * lines, but nothing stops a paste of a whole report (320 KB once made a 161-page PDF and a brief
 * page 236,000 px tall). So each body is printed up to BODY_LIMIT — whichever comes first of
 * 1,500 characters (about half an A4 page) and 20 blocks (paragraphs, headings, quotes, list
 * items: many short lines take room too) — and the rest stays on the board, where the brief says
 * it continues.
 *
 * The cut falls between blocks when less than 200 characters of the budget are left, otherwise
 * inside the block that crosses the limit, at the last space before it (a word is split only
 * when no space comes in the second half of what fits, as in an unbroken paste), marked with
 * "…". Formatting and links of what is kept stay as they were.
 */
import type { Inline, RichBlock, TextRun } from '../richtext/index.ts';

export const BODY_LIMIT = { characters: 1500, blocks: 20 } as const;

/** A block is cut inside only when at least this much of the budget is left (or half a small budget). */
const MIN_PARTIAL = 200;

export type CutBody = {
  /** what a document prints: all of `blocks` when nothing was cut */
  blocks: RichBlock[];
  /** true when some of the body was left out */
  cut: boolean;
};

function inlineLength(inlines: readonly Inline[]): number {
  let n = 0;
  for (const i of inlines) n += 'type' in i ? i.children.reduce((m, c) => m + c.text.length, 0) : i.text.length;
  return n;
}

/** Where to cut `text` to keep at most `max` characters: after a word when one ends late enough. */
function cutPoint(text: string, max: number): number {
  if (text.length <= max) return text.length;
  let at = max;
  for (let i = max; i > max / 2; i--) {
    if (/\s/.test(text[i]!)) {
      at = i;
      break;
    }
  }
  // never between the two halves of a surrogate pair (an emoji, a rare CJK character)
  const code = text.charCodeAt(at - 1);
  if (code >= 0xd800 && code <= 0xdbff) at -= 1;
  return at;
}

/** The first `max` characters of some inline runs, cut at a word, with "…" after them. */
function cutInlines(inlines: readonly Inline[], max: number): Inline[] {
  const all = inlines.map((i) => ('type' in i ? i.children.map((c) => c.text).join('') : i.text)).join('');
  let left = cutPoint(all, max);
  const out: Inline[] = [];
  const cutRuns = (runs: readonly TextRun[]): TextRun[] => {
    const kept: TextRun[] = [];
    for (const r of runs) {
      if (left <= 0) break;
      kept.push(r.text.length <= left ? r : { ...r, text: r.text.slice(0, left) });
      left -= Math.min(left, r.text.length);
    }
    return kept;
  };
  for (const inline of inlines) {
    if (left <= 0) break;
    if ('type' in inline) out.push({ ...inline, children: cutRuns(inline.children) });
    else out.push(...cutRuns([inline]));
  }
  // the ellipsis follows the last word kept, not the space after it
  const last = out.at(-1);
  if (last && !('type' in last)) out[out.length - 1] = { ...last, text: last.text.trimEnd() };
  out.push({ text: '…' });
  return out;
}

/** Cuts `blocks` to BODY_LIMIT (or `limit`); see the module comment for where. */
export function cutBody(blocks: readonly RichBlock[], limit: { characters: number; blocks: number } = BODY_LIMIT): CutBody {
  let characters = limit.characters;
  let leaves = limit.blocks;
  let cut = false;

  const take = (list: readonly RichBlock[]): RichBlock[] => {
    const out: RichBlock[] = [];
    for (const block of list) {
      if (cut) break;
      if (block.type === 'list') {
        const items: RichBlock[][] = [];
        for (const item of block.items) {
          if (cut) break;
          const kept = take(item);
          if (kept.length > 0) items.push(kept);
        }
        if (items.length > 0) out.push({ ...block, items });
        continue;
      }
      const length = inlineLength(block.children);
      if (leaves === 0) {
        cut = true;
        break;
      }
      if (length <= characters) {
        out.push(block);
        characters -= length;
        leaves -= 1;
        continue;
      }
      cut = true;
      // little of the budget left: stop between blocks; else cut this one at a word
      if (characters >= Math.min(MIN_PARTIAL, limit.characters / 2)) {
        out.push({ ...block, children: cutInlines(block.children, characters) });
      }
      break;
    }
    return out;
  };

  const kept = take(blocks);
  return { blocks: cut ? kept : [...blocks], cut };
}
