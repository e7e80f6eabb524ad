/**
 * The brief as GitHub Flavored Markdown. The laid-out document becomes a Markdown syntax tree
 * (mdast), and `mdast-util-to-markdown` with the GFM extension writes it out, so the ranking, the
 * sector breakdowns and the contributors are real GFM tables, and card bodies keep their headings,
 * lists, emphasis, code and links.
 *
 * Every character of a title, a name or a body came from a participant and must read as text,
 * never as Markdown or HTML. It only ever goes into text nodes (and inline code), and the
 * serialiser escapes whatever would mean something where it lands: `*`, `[`, `<` and `&` anywhere,
 * `#`, `>`, `-` and `1.` at a line start, `|` in a table cell, and the `www.` or `https:` that GFM
 * would turn into a link on its own.
 *
 * Links inside the brief ("#idea-1") become plain text, since Markdown headings carry no ids; a
 * link out is kept only to an absolute URL (`exportedLink`). Underline has no Markdown and is left
 * as plain text.
 */
import type { BlockContent, PhrasingContent, Root, RootContent, Table, TableCell, TableRow } from 'mdast';
import { gfmToMarkdown } from 'mdast-util-gfm';
import { toMarkdown, type Join } from 'mdast-util-to-markdown';
import { exportedLink } from '../richtext/index.ts';
import type { ChallengeBrief } from './brief.ts';
import { inlineText, layoutBrief, type DocBlock, type Inline, type TextRun } from './layout.ts';

/**
 * What a line break inside a run becomes: a hard break in a paragraph, a space where Markdown
 * allows none (a heading, a table cell).
 */
type LineBreaks = 'break' | 'space';

function textNodes(value: string, breaks: LineBreaks): PhrasingContent[] {
  if (breaks === 'space') return value === '' ? [] : [{ type: 'text', value: value.replace(/\n/g, ' ') }];
  const out: PhrasingContent[] = [];
  value.split('\n').forEach((line, i) => {
    if (i > 0) out.push({ type: 'break' });
    if (line !== '') out.push({ type: 'text', value: line });
  });
  return out;
}

function run(r: TextRun, breaks: LineBreaks): PhrasingContent[] {
  if (r.text === '') return [];
  if (r.code) return [{ type: 'inlineCode', value: r.text.replace(/\n/g, ' ') }];
  // Emphasis markers must touch the text (CommonMark's flanking rules), so spaces around the
  // formatted words go outside it, where they stay plain spaces.
  const [, lead = '', core = '', trail = ''] = /^(\s*)([\s\S]*?)(\s*)$/.exec(r.text) ?? [];
  if (core === '') return textNodes(r.text, breaks);
  let nodes = textNodes(core, breaks);
  if (r.strikethrough) nodes = [{ type: 'delete', children: nodes }];
  if (r.bold) nodes = [{ type: 'strong', children: nodes }];
  if (r.italic) nodes = [{ type: 'emphasis', children: nodes }];
  return [...textNodes(lead, breaks), ...nodes, ...textNodes(trail, breaks)];
}

function phrasing(list: readonly Inline[], breaks: LineBreaks): PhrasingContent[] {
  return list.flatMap((inline): PhrasingContent[] => {
    if (!('type' in inline)) return run(inline, breaks);
    const label = inline.children.flatMap((c) => run(c, breaks));
    const target = exportedLink(inline.url);
    if (target?.kind !== 'absolute' || inlineText(inline.children).trim() === '') return label;
    return [{ type: 'link', url: target.href, children: label }];
  });
}

function paragraph(children: PhrasingContent[]): BlockContent {
  return { type: 'paragraph', children };
}

function table(b: Extract<DocBlock, { type: 'table' }>): Table {
  const row = (cells: PhrasingContent[][]): TableRow => ({
    type: 'tableRow',
    children: cells.map((children): TableCell => ({ type: 'tableCell', children })),
  });
  return {
    type: 'table',
    align: b.numeric.map((n) => (n ? 'right' : null)),
    children: [row(b.head.map((h) => textNodes(h, 'space'))), ...b.rows.map((cells) => row(cells.map((c) => phrasing(c, 'space'))))],
  };
}

function flow(b: DocBlock): RootContent[] {
  switch (b.type) {
    case 'heading':
      return [{ type: 'heading', depth: b.level, children: phrasing(b.children, 'space') }];
    case 'paragraph':
      return inlineText(b.children).trim() === '' ? [] : [paragraph(phrasing(b.children, 'break'))];
    case 'quote':
      return [{ type: 'blockquote', children: [paragraph(phrasing(b.children, 'break'))] }];
    case 'list':
      return [
        {
          type: 'list',
          ordered: b.ordered,
          ...(b.ordered ? { start: b.start } : {}),
          spread: false,
          children: b.items.map((item) => ({
            type: 'listItem',
            spread: false,
            children: item.flatMap(flow) as BlockContent[],
          })),
        },
      ];
    case 'facts':
      // "- **Votes:** 5 votes (public sector 3, private sector 2)"
      return [
        {
          type: 'list',
          ordered: false,
          spread: false,
          children: b.items.map((f) => ({
            type: 'listItem',
            spread: false,
            children: [paragraph([{ type: 'strong', children: textNodes(`${f.label}:`, 'space') }, { type: 'text', value: ' ' }, ...phrasing(f.value, 'break')])],
          })),
        },
      ];
    case 'table':
      // GFM tables have no caption: it goes in bold just above.
      return [paragraph([{ type: 'strong', children: textNodes(b.caption, 'space') }]), table(b)];
    case 'contents':
      // Headings carry no ids in Markdown, so a contents list could only hold dead links.
      return [];
  }
}

/**
 * An ordered list that does not start at 1 cannot interrupt a paragraph: right after an item's
 * text it would be read as more of that text, so a blank line goes between them.
 */
const orderedListAfterText: Join = (left, right) =>
  left.type === 'paragraph' && right.type === 'list' && right.ordered === true && right.start !== 1 && right.start != null ? 1 : undefined;

/** The brief as a Markdown syntax tree. */
export function briefToMdast(brief: ChallengeBrief): Root {
  return { type: 'root', children: layoutBrief(brief).blocks.flatMap(flow) };
}

/** The brief as a GitHub Flavored Markdown document. */
export function renderMarkdown(brief: ChallengeBrief): string {
  return toMarkdown(briefToMdast(brief), {
    extensions: [gfmToMarkdown()],
    join: [orderedListAfterText],
    bullet: '-',
    emphasis: '*',
    strong: '*',
    rule: '-',
    fences: true,
  });
}
