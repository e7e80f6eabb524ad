/**
 * Reading card bodies without an editor on screen, and without Lexical: a small typed tree for
 * static rendering and the brief, and plain text. The board shows every card's body and the brief
 * page builds the brief from every body, so this runs on a page's first load; it reads the Yjs
 * structure that Lexical's collaboration binding (V1) writes, straight from Yjs.
 *
 * It reads what Lexical would load, exactly: `readBodyThroughLexical.ts` reads through a headless
 * editor, and the tests hold the two equal, on well-formed bodies and on bodies a fuzzer has
 * damaged. Loading a body the way the binding does means following these rules of Lexical 0.52
 * (pinned; the tests guard them):
 * - a body's delta holds block and inline elements (embedded XmlText, `__type` in their
 *   attributes), text nodes (a Y.Map of properties, then the node's text as the strings that
 *   follow it) and line breaks (a Y.Map); node properties are the attributes or map entries,
 *   raw, with the node class's defaults where one is absent;
 * - before reading, the same clean-up as the Lexical reader: links with a URL that may not be a
 *   link are unwrapped to their content and the others get their URL as it will be followed
 *   (links.ts), inline content at the root is wrapped in paragraphs; then Lexical's own
 *   normalisation removes empty plain text nodes, and with them any link or list left empty.
 *
 * Any peer can write anything into a body. Where a body leaves that structure (a type Lexical has
 * not registered, text with no text node before it, a shared type where a property should be, an
 * unsafe link Lexical could not unwrap), Lexical would fail or repair it, and this reads the body
 * as its plain text instead (`scrapeText`), as the Lexical reader does. Nothing here throws on
 * content.
 */
import * as Y from 'yjs';
import { isSafeUrl, linkTarget } from './links.ts';

export type TextRun = {
  text: string;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
  code?: boolean;
  strikethrough?: boolean;
};
export type LinkRun = { type: 'link'; url: string; children: TextRun[] };
export type Inline = TextRun | LinkRun;
export type HeadingLevel = 1 | 2 | 3 | 4 | 5 | 6;

export type RichBlock =
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'heading'; level: HeadingLevel; children: Inline[] }
  | { type: 'quote'; children: Inline[] }
  /** each item is a list of blocks: its own text as a paragraph, then any nested lists */
  | { type: 'list'; ordered: boolean; start: number; items: RichBlock[][] };

export function isLinkRun(inline: Inline): inline is LinkRun {
  return 'type' in inline && inline.type === 'link';
}

export { isSafeUrl };

// ---------------------------------------------------------------------------------------------
// Public API

/** The body as typed blocks. Never throws; a body Lexical could not load reads as its plain text. */
export function readBody(body: Y.XmlText): RichBlock[] {
  return readBodyTree(body) ?? plainTextBlocks(scrapeText(body));
}

/** The body's text, one line per block or list item, for announcements and search. Never throws. */
export function bodyToPlainText(body: Y.XmlText): string {
  return blocksToPlainText(readBody(body));
}

export function blocksToPlainText(blocks: RichBlock[]): string {
  const lines: string[] = [];
  const walk = (list: RichBlock[]): void => {
    for (const block of list) {
      if (block.type === 'list') block.items.forEach(walk);
      else lines.push(inlineText(block.children));
    }
  };
  walk(blocks);
  return lines.join('\n').trim();
}

function inlineText(inlines: Inline[]): string {
  return inlines.map((i) => (isLinkRun(i) ? i.children.map((c) => c.text).join('') : i.text)).join('');
}

/** The body as typed blocks, or undefined when it is not a body Lexical would load as it is. */
export function readBodyTree(body: Y.XmlText): RichBlock[] | undefined {
  try {
    const root = loadChildren(body, 0);
    const cleaned = wrapRootInlines(sanitiseLinks(root, true));
    return readBlockChildren(normalise(cleaned).children);
  } catch (error) {
    if (error instanceof Unreadable) return undefined;
    // a value no operation here expected (a bigint where a number should be): Lexical fails too
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Loading: the body's Yjs structure as the nodes Lexical would create

/** A body outside the structure this reads (see the header). */
class Unreadable extends Error {}

type ElementType = 'paragraph' | 'heading' | 'quote' | 'list' | 'listitem' | 'link' | 'autolink';
type ElementNode = { kind: 'element'; type: ElementType; props: Props; children: BodyNode[] };
type TextNode = { kind: 'text'; type: 'text' | 'tab'; props: Props; text: string };
type LineBreakNode = { kind: 'linebreak' };
type BodyNode = ElementNode | TextNode | LineBreakNode;
/** A node's properties as stored, read through `prop` (present, or the class's default). */
type Props = Map<string, unknown>;

/** The element node types a card-body editor registers (shared/richtext/nodes.ts, and paragraphs). */
const ELEMENT_TYPES = new Set<string>(['paragraph', 'heading', 'quote', 'list', 'listitem', 'link', 'autolink']);
/** Elements that sit inside text rather than around it. */
const INLINE_TYPES = new Set<string>(['link', 'autolink']);
/** Elements Lexical removes when their last child is removed (`canBeEmpty()` is false). */
const NOT_EMPTY_TYPES = new Set<string>(['link', 'autolink', 'list']);

/** The property, as stored, or the node class's default when it is not stored at all. */
function prop(props: Props, key: string, fallback: unknown): unknown {
  if (!props.has(key)) return fallback;
  const value = props.get(key);
  // the copy Lexical reads leaves out shared types it cannot copy, and a shared type is no
  // value of any property read here anyway
  if (value instanceof Y.AbstractType) throw new Unreadable(`a shared type in ${key}`);
  return value;
}

/** Deeper than any body a person writes; far shallower than the stack. */
const MAX_DEPTH = 500;

function loadChildren(element: Y.XmlText, depth: number): BodyNode[] {
  if (depth > MAX_DEPTH) throw new Unreadable('nested too deeply');
  const children: BodyNode[] = [];
  for (const op of element.toDelta() as Array<{ insert?: unknown }>) {
    const insert = op.insert;
    if (typeof insert === 'string') {
      // a text node's text is the strings after its map; text after anything else is removed
      // from the shared type by the binding (a repair), which readers never accept
      const last = children.at(-1);
      if (last?.kind !== 'text') throw new Unreadable('text with no text node before it');
      if (last.type === 'text') last.text += insert;
    } else if (insert instanceof Y.XmlText) {
      const type = insert.getAttribute('__type');
      if (typeof type !== 'string' || !ELEMENT_TYPES.has(type)) throw new Unreadable(`an element of type ${String(type)}`);
      children.push({ kind: 'element', type: type as ElementType, props: new Map(Object.entries(insert.getAttributes())), children: loadChildren(insert, depth + 1) });
    } else if (insert instanceof Y.Map) {
      const type: unknown = insert.get('__type');
      if (type === 'linebreak') children.push({ kind: 'linebreak' });
      // a tab's text is always a tab, whatever is stored after it
      else if (type === 'text' || type === 'tab') children.push({ kind: 'text', type, props: new Map(insert.entries()), text: type === 'tab' ? '\t' : '' });
      else throw new Unreadable(`a map of type ${String(type)}`);
    } else {
      throw new Unreadable('an embed Lexical does not write');
    }
  }
  return children;
}

// ---------------------------------------------------------------------------------------------
// The clean-up before reading, in Lexical's order

/**
 * Links as links.ts reads them: one whose URL may not be a link is replaced by its content, every
 * other gets its URL as it will be followed. Lexical cannot move text to the root, so an unsafe
 * link at the root holding anything but elements makes the body unreadable, as does an empty one
 * (removing it could empty its parent).
 */
function sanitiseLinks(children: BodyNode[], atRoot: boolean): BodyNode[] {
  const out: BodyNode[] = [];
  for (const child of children) {
    if (child.kind !== 'element') {
      out.push(child);
    } else if (child.type === 'link' || child.type === 'autolink') {
      const target = linkTarget(prop(child.props, '__url', ''));
      if (target === null) {
        if (child.children.length === 0) throw new Unreadable('an empty unsafe link');
        if (atRoot && child.children.some((c) => c.kind !== 'element')) throw new Unreadable('an unsafe link with text at the root');
        out.push(...sanitiseLinks(child.children, atRoot));
      } else {
        child.props.set('__url', target.href);
        child.children = sanitiseLinks(child.children, false);
        out.push(child);
      }
    } else {
      child.children = sanitiseLinks(child.children, false);
      out.push(child);
    }
  }
  return out;
}

function isBlock(node: BodyNode): node is ElementNode {
  return node.kind === 'element' && !INLINE_TYPES.has(node.type);
}

/** Runs of inline nodes at the root, each in a paragraph of its own. */
function wrapRootInlines(children: BodyNode[]): ElementNode {
  const out: BodyNode[] = [];
  let wrapper: ElementNode | null = null;
  for (const child of children) {
    if (isBlock(child)) {
      wrapper = null;
      out.push(child);
    } else {
      if (wrapper === null) {
        wrapper = { kind: 'element', type: 'paragraph', props: new Map(), children: [] };
        out.push(wrapper);
      }
      wrapper.children.push(child);
    }
  }
  return { kind: 'element', type: 'paragraph', props: new Map(), children: out };
}

/** Plain text (type text, normal mode, mergeable): the only kind Lexical removes when empty. */
function isEmptyPlainText(node: BodyNode): boolean {
  if (node.kind !== 'text' || node.type !== 'text' || node.text !== '') return false;
  const mode = prop(node.props, '__mode', 0);
  const detail = prop(node.props, '__detail', 0);
  return mode === 0 && ((detail as number) & UNMERGEABLE) === 0;
}

const UNMERGEABLE = 1 << 1;

/**
 * Lexical's text normalisation at the end of the load: empty plain text nodes go, and an element
 * that cannot be empty goes when that leaves it empty (which may empty its own parent). Adjacent
 * text nodes are merged too, which reading does anyway.
 */
function normalise(root: ElementNode): ElementNode {
  const visit = (element: ElementNode): boolean => {
    let removed = false;
    element.children = element.children.filter((child) => {
      const gone = isEmptyPlainText(child) || (child.kind === 'element' && visit(child));
      removed ||= gone;
      return !gone;
    });
    return removed && element.children.length === 0 && NOT_EMPTY_TYPES.has(element.type);
  };
  visit(root);
  return root;
}

// ---------------------------------------------------------------------------------------------
// Reading, as the Lexical reader reads its editor

/**
 * Block children in order, each run of inline children between them read as a paragraph: the
 * walk both readers (this one and readThroughLexical.ts) make, over their own kind of node.
 */
export function readBlocksOf<N, B extends N>(
  children: readonly N[],
  isBlockNode: (n: N) => n is B,
  readBlockNode: (n: B) => RichBlock[],
  readInlineNodes: (ns: N[]) => Inline[],
): RichBlock[] {
  const blocks: RichBlock[] = [];
  let inline: N[] = [];
  const flush = () => {
    if (inline.length > 0) blocks.push({ type: 'paragraph', children: readInlineNodes(inline) });
    inline = [];
  };
  for (const child of children) {
    if (isBlockNode(child)) {
      flush();
      blocks.push(...readBlockNode(child));
    } else {
      inline.push(child);
    }
  }
  flush();
  return blocks;
}

/** Appends a run to inline content, merged into the run before it when the formatting is the same; empty runs are dropped. */
export function pushRun(into: Inline[], run: TextRun): void {
  if (run.text === '') return;
  const last = into.at(-1);
  if (last && !isLinkRun(last) && sameFormat(last, run)) last.text += run.text;
  else into.push(run);
}

function readBlockChildren(children: BodyNode[]): RichBlock[] {
  return readBlocksOf(children, isBlock, readBlock, readInlines);
}

function readBlock(node: ElementNode): RichBlock[] {
  if (node.type === 'list') return [readList(node)];
  if (node.type === 'heading') {
    const level = /^h([1-6])$/.exec(String(prop(node.props, '__tag', 'h1')))?.[1];
    const children = readInlines(node.children);
    return [level ? { type: 'heading', level: Number(level) as HeadingLevel, children } : { type: 'paragraph', children }];
  }
  if (node.type === 'quote') return [{ type: 'quote', children: readInlines(node.children) }];
  // Paragraphs, and any element nested where it should not be (read through, not dropped).
  if (node.children.some(isBlock)) return readBlockChildren(node.children);
  return [{ type: 'paragraph', children: readInlines(node.children) }];
}

function readList(list: ElementNode): RichBlock {
  const listType = prop(list.props, '__listType', 'number');
  const start = prop(list.props, '__start', 1);
  return listBlock(
    listType,
    start,
    list.children.map((child) => ({
      blocks: child.kind === 'element' ? readBlockChildren(child.children) : [{ type: 'paragraph' as const, children: readInlines([child]) }],
      listItem: child.kind === 'element' && child.type === 'listitem',
    })),
  );
}

/**
 * A list from its children as read (both readers): a list item holding only lists is how Lexical
 * nests a list, and joins the item before it; a start that is not a whole number reads as 1.
 */
export function listBlock(listType: unknown, rawStart: unknown, children: ReadonlyArray<{ blocks: RichBlock[]; listItem: boolean }>): RichBlock {
  const items: RichBlock[][] = [];
  for (const { blocks, listItem } of children) {
    const nestedOnly = listItem && blocks.length > 0 && blocks.every((b) => b.type === 'list');
    const previous = items.at(-1);
    if (nestedOnly && previous) previous.push(...blocks);
    else items.push(blocks);
  }
  const start = Number(rawStart);
  return { type: 'list', ordered: listType === 'number', start: Number.isSafeInteger(start) && start >= 0 ? start : 1, items };
}

/** Inline content as runs; adjacent runs with the same formatting are merged. */
function readInlines(nodes: BodyNode[]): Inline[] {
  const out: Inline[] = [];
  const visit = (node: BodyNode, into: Inline[]): void => {
    if (node.kind === 'text') pushRun(into, readTextRun(node));
    else if (node.kind === 'linebreak') pushRun(into, { text: '\n' });
    else if ((node.type === 'link' || node.type === 'autolink') && into === out) {
      const children: Inline[] = [];
      node.children.forEach((c) => visit(c, children));
      if (children.length > 0) out.push({ type: 'link', url: String(prop(node.props, '__url', '')), children: children as TextRun[] });
    } else node.children.forEach((c) => visit(c, into));
  };
  nodes.forEach((node) => visit(node, out));
  return out;
}

/** Lexical's text format bits (TEXT_TYPE_TO_FORMAT). */
const FORMAT_BITS = { bold: 1, italic: 1 << 1, strikethrough: 1 << 2, underline: 1 << 3, code: 1 << 4 } as const;

function readTextRun(node: TextNode): TextRun {
  const run: TextRun = { text: node.text };
  // the stored value as Lexical tests it: `&` converts whatever a peer stored as Lexical does
  const format = prop(node.props, '__format', 0) as number;
  if (format & FORMAT_BITS.bold) run.bold = true;
  if (format & FORMAT_BITS.italic) run.italic = true;
  if (format & FORMAT_BITS.underline) run.underline = true;
  if (format & FORMAT_BITS.code) run.code = true;
  if (format & FORMAT_BITS.strikethrough) run.strikethrough = true;
  return run;
}

const FORMATS = ['bold', 'italic', 'underline', 'code', 'strikethrough'] as const;

/** Whether two runs carry the same formatting (then they read as one run). */
export function sameFormat(a: TextRun, b: TextRun): boolean {
  return FORMATS.every((f) => Boolean(a[f]) === Boolean(b[f]));
}

// ---------------------------------------------------------------------------------------------
// Fallback: the plain text in the Yjs structure

const MAX_SCRAPE_DEPTH = 64;

/**
 * The text of a body straight from Yjs, one string per element that directly holds text, in
 * document order. Text-node maps and attributes are ignored. Never throws.
 */
export function scrapeText(body: Y.XmlText): string[] {
  const lines: string[] = [];
  const visit = (type: Y.XmlText, depth: number): void => {
    let line = '';
    for (const op of type.toDelta() as Array<{ insert?: unknown }>) {
      if (typeof op.insert === 'string') line += op.insert;
      else if (op.insert instanceof Y.XmlText && depth < MAX_SCRAPE_DEPTH) {
        if (line.trim()) lines.push(line);
        line = '';
        visit(op.insert, depth + 1);
      }
    }
    if (line.trim()) lines.push(line);
  };
  try {
    visit(body, 0);
  } catch {
    // a body too odd even for this: keep what was found
  }
  return lines;
}

export function plainTextBlocks(lines: string[]): RichBlock[] {
  if (lines.length === 0) return [{ type: 'paragraph', children: [] }];
  return lines.map((text) => ({ type: 'paragraph', children: [{ text }] }));
}
