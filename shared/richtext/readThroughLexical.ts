/**
 * Reading card bodies through Lexical itself: a headless editor hydrated from a private copy of
 * the body (bodyEditor.ts), so a body reads exactly as the client's editors show it.
 *
 * - `bodyToMarkdown`: Lexical's Markdown exporter, the inverse of `writeMarkdownToBody`.
 * - `readBodyThroughLexical`: the typed tree of readBody.ts, read from the editor. Pages read
 *   bodies with readBody.ts, which reads the Yjs structure directly and needs no Lexical; this is
 *   the reference its tests hold it to.
 *
 * Any peer can write anything into a body, so nothing here throws on content: what Lexical cannot
 * load falls back to the plain text found in the Yjs structure, and what it loads is sanitised
 * first (unsafe link URLs, heading tags and list types are peer-controlled node properties).
 */
import { $isLinkNode, type LinkNode } from '@lexical/link';
import { $isListItemNode, $isListNode, type ListNode } from '@lexical/list';
import { $convertToMarkdownString } from '@lexical/markdown';
import { $isHeadingNode, $isQuoteNode } from '@lexical/rich-text';
import {
  $createParagraphNode,
  $getRoot,
  $isDecoratorNode,
  $isElementNode,
  $isLineBreakNode,
  $isTextNode,
  type ElementNode,
  type LexicalNode,
  type TextNode,
} from 'lexical';
import type * as Y from 'yjs';
import { hydrateCopy } from './bodyEditor.ts';
import { linkTarget } from './links.ts';
import { RICH_TEXT_TRANSFORMERS } from './nodes.ts';
import { listBlock, plainTextBlocks, pushRun, readBlocksOf, scrapeText, type HeadingLevel, type Inline, type RichBlock, type TextRun } from './readBody.ts';

/** The body as Markdown (Lexical's exporter, the inverse of `writeMarkdownToBody`). Never throws. */
export function bodyToMarkdown(body: Y.XmlText): string {
  return (
    readSanitised(body, () => $convertToMarkdownString([...RICH_TEXT_TRANSFORMERS])) ??
    scrapeText(body).join('\n\n')
  );
}

/** The body as typed blocks, read through Lexical. Never throws; an unreadable body reads as its plain text. */
export function readBodyThroughLexical(body: Y.XmlText): RichBlock[] {
  return readSanitised(body, $readBlocks) ?? plainTextBlocks(scrapeText(body));
}

/** Hydrates a copy, sanitises it, then reads; undefined when Lexical could not load the body. */
function readSanitised<T>(body: Y.XmlText, $read: () => T): T | undefined {
  try {
    const session = hydrateCopy(body, $sanitise);
    if (session.failure()) return undefined;
    return session.editor.getEditorState().read($read);
  } catch {
    return undefined;
  }
}

/**
 * Links as links.ts reads them: a link whose URL may not be a link is unwrapped to its text, and
 * every other gets its URL written out as it will be followed (`//host/x` becomes
 * `https://host/x`). For a private copy before reading, and for the server's own writes.
 */
export function $sanitiseLinks(): void {
  const links: LinkNode[] = [];
  const visit = (node: LexicalNode): void => {
    if ($isLinkNode(node)) links.push(node);
    if ($isElementNode(node)) node.getChildren().forEach(visit);
  };
  visit($getRoot());
  for (const link of links) {
    const target = linkTarget(link.getURL());
    if (target === null) {
      for (const child of link.getChildren()) link.insertBefore(child);
      link.remove();
    } else if (target.href !== link.getURL()) {
      link.setURL(target.href);
    }
  }
}

/**
 * Makes the private copy safe and well formed before it is read: links are sanitised as above
 * (unsafe ones unwrapped to their text), and inline nodes a peer put directly at the root are wrapped in
 * paragraphs (Lexical's Markdown export would skip them). Other peer-controlled properties are
 * validated where they are read: a heading tag other than h1-h6 reads as a paragraph, an unknown
 * list type as bullets.
 */
function $sanitise(): void {
  $sanitiseLinks();
  let wrapper: ElementNode | null = null;
  for (const child of $getRoot().getChildren()) {
    if ($isElementNode(child) && !child.isInline()) {
      wrapper = null;
    } else {
      if (wrapper === null) {
        wrapper = $createParagraphNode();
        child.insertBefore(wrapper);
      }
      wrapper.append(child);
    }
  }
}

function $readBlocks(): RichBlock[] {
  return $readBlockChildren($getRoot());
}

function $readBlockChildren(element: ElementNode): RichBlock[] {
  return readBlocksOf(element.getChildren(), (c): c is ElementNode => $isElementNode(c) && !c.isInline(), $readBlock, $readInlines);
}

function $readBlock(node: ElementNode): RichBlock[] {
  if ($isListNode(node)) return [$readList(node)];
  if ($isHeadingNode(node)) {
    const level = /^h([1-6])$/.exec(String(node.getTag()))?.[1];
    const children = $readInlines(node.getChildren());
    return [level ? { type: 'heading', level: Number(level) as HeadingLevel, children } : { type: 'paragraph', children }];
  }
  if ($isQuoteNode(node)) return [{ type: 'quote', children: $readInlines(node.getChildren()) }];
  // Paragraphs, and any element Lexical nests where it should not (read through, not dropped).
  if (node.getChildren().some((c) => $isElementNode(c) && !c.isInline())) return $readBlockChildren(node);
  return [{ type: 'paragraph', children: $readInlines(node.getChildren()) }];
}

function $readList(list: ListNode): RichBlock {
  const listType: unknown = list.getListType();
  const start: unknown = list.getStart();
  return listBlock(
    listType,
    start,
    list.getChildren().map((child) => ({
      blocks: $isElementNode(child) ? $readBlockChildren(child) : [{ type: 'paragraph' as const, children: $readInlines([child]) }],
      listItem: $isListItemNode(child),
    })),
  );
}

/** Inline content as runs; adjacent runs with the same formatting are merged. */
function $readInlines(nodes: LexicalNode[]): Inline[] {
  const out: Inline[] = [];
  const visit = (node: LexicalNode, into: Inline[]): void => {
    if ($isTextNode(node)) pushRun(into, $readTextRun(node));
    else if ($isLineBreakNode(node)) pushRun(into, { text: '\n' });
    else if ($isLinkNode(node) && into === out) {
      const children: Inline[] = [];
      node.getChildren().forEach((c) => visit(c, children));
      if (children.length > 0) out.push({ type: 'link', url: node.getURL(), children: children as TextRun[] });
    } else if ($isElementNode(node)) node.getChildren().forEach((c) => visit(c, into));
    else if ($isDecoratorNode(node)) pushRun(into, { text: node.getTextContent() });
  };
  nodes.forEach((node) => visit(node, out));
  return out;
}

function $readTextRun(node: TextNode): TextRun {
  const run: TextRun = { text: String(node.getTextContent()) };
  if (node.hasFormat('bold')) run.bold = true;
  if (node.hasFormat('italic')) run.italic = true;
  if (node.hasFormat('underline')) run.underline = true;
  if (node.hasFormat('code')) run.code = true;
  if (node.hasFormat('strikethrough')) run.strikethrough = true;
  return run;
}
