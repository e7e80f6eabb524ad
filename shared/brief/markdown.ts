/**
 * The brief as CommonMark. Hand-written over the laid-out document, because every character of a
 * card title or body came from a participant and must read as text, never as Markdown or HTML:
 * all inline metacharacters are backslash-escaped, and so is anything that would start a block
 * at the beginning of a line.
 *
 * Plain CommonMark only (no tables, which CommonMark lacks): a table becomes a bold caption and
 * a list with one line per row, which reads well both raw and rendered. Links inside the brief
 * ("#idea-1") become plain text, since CommonMark headings have no ids.
 */
import { exportedLink } from '../richtext/index.ts';
import type { ChallengeBrief } from './brief.ts';
import { inlineText, layoutBrief, type DocBlock, type Inline, type TextRun } from './layout.ts';

/** Backslash-escapes every character that could start inline Markdown or raw HTML. */
export function escapeMarkdownInline(text: string): string {
  return text.replace(/[\\`*_[\]<~]/g, '\\$&').replace(/&(?=#?[a-z0-9]+;)/gi, '\\&');
}

/** Escapes what would start a block (heading, quote, list, thematic break, setext line) at a line start. */
function escapeLineStart(line: string): string {
  const trimmed = line.replace(/^[ \t]+/, '');
  return trimmed
    .replace(/^([#>+=-])/, '\\$1')
    .replace(/^(\d{1,9})([.)])/, '$1\\$2');
}

/** Text of one run, escaped, with line breaks as CommonMark hard breaks. */
function escapeText(text: string): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? escapeMarkdownInline(line) : escapeLineStart(escapeMarkdownInline(line))))
    .join('\\\n');
}

function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || /^ .* $/.test(text) ? ' ' : '';
  return `${fence}${pad}${text.replace(/\n/g, ' ')}${pad}${fence}`;
}

function run(r: TextRun): string {
  if (r.text === '') return '';
  if (r.code) return codeSpan(r.text);
  // Emphasis markers must touch the text, so surrounding spaces go outside them.
  const [, lead = '', core = '', trail = ''] = /^(\s*)([\s\S]*?)(\s*)$/.exec(r.text) ?? [];
  if (core === '') return escapeText(r.text);
  let out = escapeText(core);
  if (r.strikethrough) out = `~~${out}~~`;
  if (r.bold && r.italic) out = `***${out}***`;
  else if (r.bold) out = `**${out}**`;
  else if (r.italic) out = `*${out}*`;
  return `${escapeText(lead)}${out}${escapeText(trail)}`;
}

function linkDestination(url: string): string {
  const clean = url.replace(/[\r\n]/g, '');
  // Plain form when nothing in the URL needs it; else the pointy-bracket form, escaped.
  if (/^[^\s()<>\\]+$/.test(clean)) return clean;
  return `<${clean.replace(/[\\<>]/g, '\\$&')}>`;
}

export function inlines(list: readonly Inline[]): string {
  let out = '';
  for (const inline of list) {
    if ('type' in inline) {
      const label = inline.children.map(run).join('');
      const target = exportedLink(inline.url);
      if (target?.kind !== 'absolute' || label.trim() === '') out += label;
      else out += `[${label}](${linkDestination(target.href)})`;
    } else {
      out += run(inline);
    }
  }
  // A paragraph's own first line must not start a block either.
  return escapeLineStart(out);
}

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 || line === '' ? line : by + line))
    .join('\n');
}

function listItem(marker: string, blocks: readonly DocBlock[]): string {
  // A nested list right after the item's text keeps the list tight (no blank line between).
  let body = '';
  blocks.forEach((b, i) => {
    const text = block(b);
    if (text === '') return;
    // (An ordered list may interrupt a paragraph only when it starts at 1.)
    const tight = b.type === 'list' && (!b.ordered || b.start === 1) && blocks[i - 1]?.type === 'paragraph';
    if (body !== '') body += tight ? '\n' : '\n\n';
    body += text;
  });
  return marker + indent(body === '' ? '' : body, ' '.repeat(marker.length));
}

function block(b: DocBlock): string {
  switch (b.type) {
    case 'heading':
      return `${'#'.repeat(b.level)} ${inlines(b.children).replace(/\\\n/g, ' ').replace(/#+\s*$/, (m) => m.replace(/#/g, '\\#'))}`;
    case 'paragraph': {
      const text = inlines(b.children);
      if (text.trim() === '') return '';
      return text;
    }
    case 'quote':
      return inlines(b.children)
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n');
    case 'list': {
      let n = b.start;
      return b.items.map((item) => listItem(b.ordered ? `${n++}. ` : '- ', item)).join('\n');
    }
    case 'facts':
      return b.items.map((f) => `- **${escapeMarkdownInline(f.label)}:** ${inlines(f.value)}`).join('\n');
    case 'table': {
      // "- **Joint 1st:** Idea title: 5; votes by sector: public sector 3, private sector 2"
      const caption = `**${escapeMarkdownInline(b.caption)}**`;
      const rows = b.rows.map((row) => {
        const header = inlines(row[b.rowHeader] ?? []);
        const rest = row
          .map((cell, i) => ({ cell, i }))
          .filter(({ i }) => i !== b.rowHeader)
          .map(({ cell, i }) => `${escapeMarkdownInline(b.head[i] ?? '')}: ${inlines(cell)}`);
        return `- **${header}** — ${rest.join('; ')}`;
      });
      return `${caption}\n\n${rows.join('\n')}`;
    }
    case 'contents':
      // Headings carry no ids in CommonMark, so a contents list could only hold dead links.
      return '';
  }
}

/** The brief as a CommonMark document. */
export function renderMarkdown(brief: ChallengeBrief): string {
  const doc = layoutBrief(brief);
  const parts = doc.blocks.map(block).filter((b) => b !== '');
  return `${parts.join('\n\n')}\n`;
}

export { inlineText };
