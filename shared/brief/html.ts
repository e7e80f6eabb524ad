/**
 * The brief as one standalone HTML document: no scripts, no external files, styles inline with a
 * print stylesheet, in the plain GOV.UK manner. Semantic structure carries the meaning — real
 * headings with ids, a contents nav, tables with captions and header scopes, description lists
 * for facts — so a screen reader, a printer and a search box all get the same document.
 *
 * Every string from the board is escaped; links are kept only with a safe absolute URL (http(s),
 * mailto, tel, sms; see richtext/links.ts) or when they point at a heading of this document.
 */
import { exportedLink } from '../richtext/index.ts';
import type { ChallengeBrief } from './brief.ts';
import { layoutBrief, type BriefDocument, type DocBlock, type Inline, type TextRun } from './layout.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: #0b0c0c; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 1.1875rem; line-height: 1.5; }
main { max-width: 45em; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
.caption { margin: 0 0 .25rem; color: #505a5f; font-size: 1.1875rem; }
h1, h2, h3, h4, h5, h6 { line-height: 1.25; margin: 2rem 0 .75rem; font-weight: 700; }
h1 { font-size: 2.25rem; margin-top: 0; }
h2 { font-size: 1.625rem; margin-top: 3rem; padding-top: 1rem; border-top: 1px solid #b1b4b6; }
h3 { font-size: 1.375rem; }
h4 { font-size: 1.1875rem; }
h5, h6 { font-size: 1.0625rem; }
p, ul, ol, dl, blockquote, table { margin: 0 0 1.25rem; }
.lead { font-size: 1.375rem; }
.meta { color: #505a5f; }
a { color: #1d70b8; text-decoration: underline; text-decoration-thickness: max(1px, .0625rem); text-underline-offset: .15em; overflow-wrap: anywhere; }
a:visited { color: #4c2c92; }
a:hover { color: #003078; text-decoration-thickness: max(3px, .1875rem); }
a:focus { outline: 3px solid transparent; color: #0b0c0c; background: #fd0; box-shadow: 0 -2px #fd0, 0 4px #0b0c0c; text-decoration: none; }
ul, ol { padding-left: 1.5rem; }
li { margin-bottom: .35rem; }
li > ul, li > ol { margin: .35rem 0 0; }
blockquote { margin-left: 0; padding: .25rem 0 .25rem 1rem; border-left: 5px solid #b1b4b6; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .875em; overflow-wrap: anywhere; }
.contents { margin: 2rem 0; }
.contents h2 { border-top: 0; margin: 0 0 .5rem; padding-top: 0; font-size: 1.1875rem; }
.contents ol { list-style: none; padding-left: 0; }
table { width: 100%; border-collapse: collapse; font-size: 1rem; }
caption { text-align: left; font-weight: 700; font-size: 1.1875rem; padding-bottom: .5rem; }
th, td { text-align: left; vertical-align: top; padding: .5rem 1rem .5rem 0; border-bottom: 1px solid #b1b4b6; }
thead th { border-bottom-width: 2px; }
tbody th { font-weight: 400; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody td:first-child { white-space: nowrap; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1.25rem; }
dl.facts > div { display: contents; }
dl.facts dt { font-weight: 700; }
dl.facts dd { margin: 0; }
@media (max-width: 40em) {
  body { font-size: 1rem; }
  h1 { font-size: 1.75rem; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: .5rem; }
}
@media print {
  @page { size: A4; margin: 18mm 16mm; }
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 22pt; }
  h2 { font-size: 16pt; margin-top: 18pt; }
  h3 { font-size: 13pt; }
  h4, h5, h6 { font-size: 11pt; }
  h1, h2, h3, h4, h5, h6, caption { break-after: avoid; }
  tr, dl.facts, blockquote, li { break-inside: avoid; }
  a, a:visited { color: #0b0c0c; }
  a[href^="http"]::after, a[href^="mailto"]::after { content: " (" attr(href) ")"; font-size: 90%; }
  .contents { break-after: page; }
}
`.trim();

function runHtml(r: TextRun): string {
  let out = escapeHtml(r.text).replace(/\n/g, '<br>');
  if (out === '') return '';
  if (r.code) out = `<code>${out}</code>`;
  if (r.strikethrough) out = `<s>${out}</s>`;
  if (r.underline) out = `<u>${out}</u>`;
  if (r.italic) out = `<em>${out}</em>`;
  if (r.bold) out = `<strong>${out}</strong>`;
  return out;
}

function inlinesHtml(list: readonly Inline[], anchors: ReadonlySet<string>): string {
  return list
    .map((inline) => {
      if (!('type' in inline)) return runHtml(inline);
      const label = inline.children.map(runHtml).join('');
      const target = exportedLink(inline.url);
      const internal = target?.kind === 'anchor' && anchors.has(target.href.slice(1));
      if (label === '' || !target || (target.kind === 'anchor' && !internal)) return label;
      return `<a href="${escapeHtml(target.href)}">${label}</a>`;
    })
    .join('');
}

function blockHtml(b: DocBlock, doc: BriefDocument): string {
  const inl = (list: readonly Inline[]) => inlinesHtml(list, doc.anchors);
  switch (b.type) {
    case 'heading': {
      const id = b.id ? ` id="${escapeHtml(b.id)}"` : '';
      return `<h${b.level}${id}>${inl(b.children)}</h${b.level}>`;
    }
    case 'paragraph': {
      const cls = b.role ? ` class="${b.role}"` : '';
      return `<p${cls}>${inl(b.children)}</p>`;
    }
    case 'quote':
      return `<blockquote><p>${inl(b.children)}</p></blockquote>`;
    case 'list': {
      const tag = b.ordered ? 'ol' : 'ul';
      const start = b.ordered && b.start !== 1 ? ` start="${b.start}"` : '';
      const items = b.items.map((item) => {
        // A lone paragraph is the item's text; keep it inline so lists stay compact.
        const inner =
          item.length === 1 && item[0]!.type === 'paragraph'
            ? inl(item[0]!.children)
            : item.map((child) => blockHtml(child, doc)).join('');
        return `<li>${inner}</li>`;
      });
      return `<${tag}${start}>${items.join('')}</${tag}>`;
    }
    case 'facts':
      return `<dl class="facts">${b.items
        .map((f) => `<div><dt>${escapeHtml(f.label)}</dt><dd>${inl(f.value)}</dd></div>`)
        .join('')}</dl>`;
    case 'table': {
      const num = (i: number) => (b.numeric[i] ? ' class="num"' : '');
      const head = b.head.map((h, i) => `<th scope="col"${num(i)}>${escapeHtml(h)}</th>`).join('');
      const rows = b.rows
        .map(
          (row) =>
            `<tr>${row
              .map((cell, i) =>
                i === b.rowHeader ? `<th scope="row"${num(i)}>${inl(cell)}</th>` : `<td${num(i)}>${inl(cell)}</td>`,
              )
              .join('')}</tr>`,
        )
        .join('\n');
      return `<table>\n<caption>${escapeHtml(b.caption)}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table>`;
    }
    case 'contents':
      return (
        `<nav class="contents" aria-labelledby="contents-title"><h2 id="contents-title">${escapeHtml(b.title)}</h2><ol>` +
        b.entries.map((e) => `<li><a href="#${escapeHtml(e.id)}">${escapeHtml(e.text)}</a></li>`).join('') +
        `</ol></nav>`
      );
  }
}

/** The brief as a standalone HTML document (UTF-8). */
export function renderHtml(brief: ChallengeBrief): string {
  const doc = layoutBrief(brief);
  const [first, ...rest] = doc.blocks;
  // The title block sits in a header with a caption above the h1, as GOV.UK pages do.
  const header =
    first?.type === 'heading'
      ? `<header>\n<p class="caption">Challenge brief</p>\n${blockHtml(first, doc)}\n</header>`
      : '';
  const body = (first?.type === 'heading' ? rest : doc.blocks).map((b) => blockHtml(b, doc)).join('\n');
  return `<!doctype html>
<html lang="${doc.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.title)}: challenge brief</title>
<meta name="description" content="${escapeHtml(doc.subject)}">
<meta name="generator" content="Crossboard">
<meta name="crossboard-board-id" content="${escapeHtml(brief.provenance.boardId)}">
<meta name="crossboard-board-version" content="${escapeHtml(brief.provenance.boardVersion)}">
<style>
${STYLE}
</style>
</head>
<body>
<main>
${header}
${body}
</main>
</body>
</html>
`;
}
