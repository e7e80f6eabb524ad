/**
 * For tests: Markdown read back as GitHub reads it (CommonMark with GFM, through
 * mdast-util-from-markdown), and the tables, sections and text found in it.
 */
import type { Heading, Nodes, Root, Table } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmAutolinkLiteralFromMarkdown } from 'mdast-util-gfm-autolink-literal';
import { gfmFootnoteFromMarkdown } from 'mdast-util-gfm-footnote';
import { gfmStrikethroughFromMarkdown } from 'mdast-util-gfm-strikethrough';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTaskListItemFromMarkdown } from 'mdast-util-gfm-task-list-item';
import { gfm } from 'micromark-extension-gfm';
import { expect } from 'vitest';

/**
 * What `gfmFromMarkdown()` would add, less the autolink-literal transform. That transform links
 * every "www." or "https://" left in the parsed text, even where the source escaped it (remark's
 * behaviour); GitHub's parser honours the escapes, and so does micromark's GFM tokenizer, whose
 * own literal autolinks the handlers kept here still turn into `link` nodes, so an address the
 * writer failed to escape fails the tests. Every construct's handlers are listed, footnotes and
 * task lists too: the tokenizer finds them all, and text in a token with no handler would
 * silently vanish from the tree.
 */
const { transforms: _linksEscapedText, ...gfmAutolinkLiteralTokens } = gfmAutolinkLiteralFromMarkdown();
const gfmNodes = [gfmAutolinkLiteralTokens, gfmFootnoteFromMarkdown(), gfmStrikethroughFromMarkdown(), gfmTableFromMarkdown(), gfmTaskListItemFromMarkdown()];

/** The document as GitHub reads it: CommonMark with GFM's tables, strikethrough and bare links. */
export function parse(md: string): Root {
  return fromMarkdown(md, { extensions: [gfm()], mdastExtensions: gfmNodes });
}

/** The text of a node as a reader sees it (what `mdast-util-to-string` does). */
export function text(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if (node.type === 'break') return '\n';
  if ('children' in node) return (node.children as Nodes[]).map(text).join('');
  return '';
}

export function all<T extends Nodes['type']>(root: Nodes, type: T): Array<Extract<Nodes, { type: T }>> {
  const out: Nodes[] = [];
  const walk = (n: Nodes) => {
    if (n.type === type) out.push(n);
    if ('children' in n) (n.children as Nodes[]).forEach(walk);
  };
  walk(root);
  return out as Array<Extract<Nodes, { type: T }>>;
}

/** The blocks that follow a heading, up to the next heading of the same or a higher level. */
export function sectionAfter(root: Root, heading: string): Nodes[] {
  const i = root.children.findIndex((n) => n.type === 'heading' && text(n) === heading);
  expect(i, `heading "${heading}"`).toBeGreaterThanOrEqual(0);
  const level = (root.children[i] as Heading).depth;
  const out: Nodes[] = [];
  for (const n of root.children.slice(i + 1)) {
    if (n.type === 'heading' && n.depth <= level) break;
    out.push(n);
  }
  return out;
}

export const isCaption = (n: Nodes | undefined) => n?.type === 'paragraph' && n.children.length === 1 && n.children[0]!.type === 'strong';

/** The GFM table right after the bold caption `caption` (GFM tables have no caption of their own). */
export function captionedTable(root: Root, caption: string): Table {
  const i = root.children.findIndex((n) => isCaption(n) && text(n) === caption);
  expect(i, `table caption "${caption}"`).toBeGreaterThanOrEqual(0);
  const table = root.children[i + 1];
  expect(table?.type, `the block after "${caption}"`).toBe('table');
  return table as Table;
}

/** The caption above each table in the document, in order: which tables the parser found. */
export function tableCaptions(root: Root): string[] {
  return all(root, 'table').map((t) => {
    const above = root.children[root.children.indexOf(t) - 1];
    return isCaption(above) ? text(above!) : `a table without a caption: ${text(t)}`;
  });
}

/** The text of every cell, row by row, the header row first; every row as wide as the table. */
export function cellTexts(table: Table): string[][] {
  return table.children.map((row) => {
    expect(row.children).toHaveLength(table.align!.length);
    return row.children.map(text);
  });
}
