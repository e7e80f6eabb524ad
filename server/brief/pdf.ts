/**
 * The brief as an A4 PDF (pdfkit): tagged for assistive technology (a structure tree of headings,
 * paragraphs, lists, tables and links; document language; title shown instead of the file name),
 * with bookmarks for every section and idea, a contents list with page numbers, and page numbers
 * in the footer (marked as pagination artifacts, so screen readers skip them).
 *
 * Text is set in Source Sans 3 (embedded, subset), which covers the Latin, Greek and Cyrillic
 * names people type; pdfkit's built-in fonts only know Windows-1252.
 *
 * The contents list needs page numbers that are known only after layout, so the document is laid
 * out twice: the contents occupy the same lines either way, so the second pass paginates exactly
 * like the first. Output is deterministic: the same brief gives the same bytes (the creation date
 * is the export time), so the CLI and the endpoint can be compared byte for byte.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { ChallengeBrief } from '../../shared/brief/brief.ts';
import { inlineText, layoutBrief, type BriefDocument, type DocBlock, type Inline } from '../../shared/brief/layout.ts';

import { exportedLink } from '../../shared/richtext/index.ts';

type Doc = PDFKit.PDFDocument;
type Struct = PDFKit.PDFStructureElement;

const require = createRequire(import.meta.url);

const FONT_FILES = {
  Regular: 'source-sans/TTF/SourceSans3-Regular.ttf',
  Italic: 'source-sans/TTF/SourceSans3-It.ttf',
  Bold: 'source-sans/TTF/SourceSans3-Bold.ttf',
  BoldItalic: 'source-sans/TTF/SourceSans3-BoldIt.ttf',
  Semibold: 'source-sans/TTF/SourceSans3-Semibold.ttf',
} as const;
type FontName = keyof typeof FONT_FILES;

let fontData: Record<FontName, Buffer> | undefined;
function fonts(): Record<FontName, Buffer> {
  fontData ??= Object.fromEntries(
    Object.entries(FONT_FILES).map(([name, file]) => [name, readFileSync(require.resolve(file))]),
  ) as Record<FontName, Buffer>;
  return fontData;
}

const COLOUR = { text: '#0b0c0c', secondary: '#505a5f', link: '#1d70b8', rule: '#b1b4b6', accent: '#1d70b8' };
const PAGE = { size: 'A4', margins: { top: 64, bottom: 72, left: 64, right: 64 } } as const;
const BODY = { size: 10.5, lineGap: 2.6, gap: 7 };
const HEADING: Record<number, { size: number; font: FontName; before: number; after: number }> = {
  1: { size: 24, font: 'Bold', before: 0, after: 8 },
  2: { size: 17, font: 'Bold', before: 20, after: 8 },
  3: { size: 13.5, font: 'Bold', before: 14, after: 5 },
  4: { size: 12, font: 'Bold', before: 10, after: 4 },
  5: { size: 11, font: 'Bold', before: 8, after: 3 },
  6: { size: 10.5, font: 'BoldItalic', before: 6, after: 3 },
};
const INDENT = 16;

type Box = { x: number; width: number };

/** Where each heading with an id landed, by page number (1-based). */
type PageMap = Map<string, number>;

class Writer {
  readonly pages: PageMap = new Map();
  private outlineH2: PDFKit.PDFOutline | null = null;

  constructor(
    readonly doc: Doc,
    readonly layout: BriefDocument,
    readonly knownPages: PageMap | null,
    readonly root: Struct,
  ) {}

  get maxY(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  get pageNumber(): number {
    const range = this.doc.bufferedPageRange();
    return range.start + range.count;
  }

  get contentBox(): Box {
    const m = this.doc.page.margins;
    return { x: m.left, width: this.doc.page.width - m.left - m.right };
  }

  /** Starts a new page unless `height` more points fit on this one. */
  ensureSpace(height: number): void {
    if (this.doc.y + height > this.maxY) this.doc.addPage();
  }

  /** Drawing that carries no meaning (rules), hidden from assistive technology. */
  artifact(draw: () => void): void {
    this.doc.markContent('Artifact', { type: 'Layout' });
    draw();
    this.doc.endMarkedContent();
  }

  /** Writes inline runs as one flowing paragraph inside `parent`, each run its own marked content. */
  inlines(parent: Struct, inlines: readonly Inline[], box: Box, style: { font?: FontName; size?: number; colour?: string; align?: 'left' | 'right' } = {}): void {
    const doc = this.doc;
    const size = style.size ?? BODY.size;
    type Frag = { text: string; font: FontName; link?: string; goTo?: string; underline?: boolean; strike?: boolean; colour: string };
    const frags: Frag[] = [];
    const push = (run: { text: string; bold?: boolean; italic?: boolean; code?: boolean; underline?: boolean; strikethrough?: boolean }, target?: { link?: string; goTo?: string }) => {
      if (run.text === '') return;
      const base = style.font ?? 'Regular';
      const font: Frag['font'] =
        run.bold && run.italic ? 'BoldItalic' : run.bold ? (base === 'Regular' ? 'Bold' : base) : run.italic ? (base === 'Bold' ? 'BoldItalic' : 'Italic') : base;
      // Code stays in the text face: a second face on one line would sit off the baseline.
      frags.push({
        text: run.text,
        font,
        ...target,
        underline: Boolean(run.underline || target),
        strike: Boolean(run.strikethrough),
        colour: target ? COLOUR.link : (style.colour ?? COLOUR.text),
      });
    };
    for (const inline of inlines) {
      if ('type' in inline) {
        const to = exportedLink(inline.url);
        const internal = to?.kind === 'anchor' && this.layout.anchors.has(to.href.slice(1));
        const target = internal ? { goTo: to.href.slice(1) } : to?.kind === 'absolute' ? { link: to.href } : undefined;
        for (const child of inline.children) push(child, target);
      } else {
        push(inline);
      }
    }
    if (frags.length === 0) return;
    doc.x = box.x;
    frags.forEach((f, i) => {
      const last = i === frags.length - 1;
      const options: PDFKit.Mixins.TextOptions = {
        width: box.width,
        continued: !last,
        lineGap: BODY.lineGap,
        align: style.align ?? 'left',
        underline: f.underline,
        strike: f.strike,
        ...(f.link ? { link: f.link } : {}),
        ...(f.goTo ? { goTo: f.goTo } : {}),
      };
      const write = () => {
        doc.font(f.font).fontSize(size).fillColor(f.colour);
        doc.text(f.text, options);
      };
      if (f.link || f.goTo) parent.add(doc.struct('Link', f.link ? { alt: f.link } : {}, write));
      else parent.add(write);
    });
    doc.x = box.x;
  }

  paragraph(parent: Struct, children: readonly Inline[], box: Box, style: { font?: FontName; size?: number; colour?: string; type?: string } = {}): void {
    if (inlineText(children).trim() === '') return;
    const size = style.size ?? BODY.size;
    this.ensureSpace(size * 1.4 * 2);
    const p = this.doc.struct(style.type ?? 'P');
    parent.add(p);
    this.inlines(p, children, box, style);
    p.end();
    this.doc.y += BODY.gap;
  }

  heading(parent: Struct, block: Extract<DocBlock, { type: 'heading' }>, box: Box, next?: DocBlock): void {
    const doc = this.doc;
    const style = HEADING[block.level]!;
    const title = inlineText(block.children) || 'Untitled';
    // Keep a heading with what follows it: a sub-heading and three lines, or a table's first rows.
    if (doc.y > doc.page.margins.top + 1) doc.y += style.before;
    const line = BODY.size * 1.5;
    const following =
      next?.type === 'heading'
        ? HEADING[next.level]!.before + HEADING[next.level]!.size * 1.3 + 3 * line
        : next?.type === 'table'
          ? 6 * line
          : next?.type === 'facts'
            ? factsHeight(next) + line
            : 3 * line;
    this.ensureSpace(style.size * 1.3 + following);
    if (block.level === 2 && doc.y > doc.page.margins.top + 1) {
      const y = doc.y - 6;
      this.artifact(() => doc.moveTo(box.x, y).lineTo(box.x + box.width, y).lineWidth(0.75).strokeColor(COLOUR.rule).stroke());
      doc.y += 4;
    }
    if (block.id) this.pages.set(block.id, this.pageNumber);
    if (block.level === 2) this.outlineH2 = doc.outline.addItem(title);
    else if (block.level === 3 && block.id) (this.outlineH2 ?? doc.outline).addItem(title);
    const h = doc.struct(`H${block.level}`);
    parent.add(h);
    doc.x = box.x;
    h.add(() => {
      doc.font(style.font).fontSize(style.size).fillColor(COLOUR.text);
      doc.text(title, { width: box.width, lineGap: 1, ...(block.id ? { destination: block.id } : {}) });
    });
    h.end();
    doc.y += style.after;
  }

  list(parent: Struct, block: Extract<DocBlock, { type: 'list' }>, box: Box, depth: number): void {
    const doc = this.doc;
    const l = doc.struct('L');
    parent.add(l);
    let n = block.start;
    const labelWidth = block.ordered ? 20 : 12;
    for (const item of block.items) {
      const label = block.ordered ? `${n++}.` : depth === 0 ? '•' : '–';
      this.ensureSpace(BODY.size * 1.5 * 2);
      const li = doc.struct('LI');
      l.add(li);
      const y = doc.y;
      li.add(
        doc.struct('Lbl', {}, () => {
          doc.font('Regular').fontSize(BODY.size).fillColor(COLOUR.text);
          doc.text(label, box.x, y, { width: labelWidth - 4, lineBreak: false });
        }),
      );
      doc.y = y;
      const body = doc.struct('LBody');
      li.add(body);
      const inner: Box = { x: box.x + labelWidth, width: box.width - labelWidth };
      item.forEach((child, i) => {
        if (child.type === 'paragraph') {
          if (inlineText(child.children).trim() === '') return;
          const p = doc.struct('P');
          body.add(p);
          this.inlines(p, child.children, inner, {});
          p.end();
          doc.y += i === item.length - 1 ? 3 : BODY.gap;
        } else {
          this.block(body, child, inner, depth + 1, item[i + 1]);
        }
      });
      body.end();
      li.end();
      doc.x = box.x;
    }
    l.end();
    doc.y += BODY.gap - 3;
  }

  quote(parent: Struct, children: readonly Inline[], box: Box): void {
    const doc = this.doc;
    const q = doc.struct('BlockQuote');
    parent.add(q);
    const top = doc.y;
    const startPage = this.pageNumber;
    this.inlines(q, children, { x: box.x + INDENT, width: box.width - INDENT }, { colour: COLOUR.text });
    q.end();
    if (this.pageNumber === startPage) {
      const bottom = doc.y;
      this.artifact(() => doc.rect(box.x, top, 3, bottom - top).fill(COLOUR.rule));
    }
    doc.y += BODY.gap;
  }

  facts(parent: Struct, block: Extract<DocBlock, { type: 'facts' }>, box: Box): void {
    // A short block of facts reads as one unit: keep it on one page.
    this.ensureSpace(factsHeight(block));
    for (const f of block.items) {
      this.ensureSpace(BODY.size * 1.5 * 2);
      const p = this.doc.struct('P');
      parent.add(p);
      this.inlines(p, [{ text: `${f.label}: `, bold: true }, ...f.value], box, {});
      p.end();
      this.doc.y += 2;
    }
    this.doc.y += BODY.gap;
  }

  table(parent: Struct, block: Extract<DocBlock, { type: 'table' }>, box: Box): void {
    const doc = this.doc;
    // The caption belongs with the table: keep it with the header and a row or two.
    this.ensureSpace(BODY.size * 1.5 * 5);
    this.paragraph(parent, [{ text: block.caption, bold: true }], box, { type: 'Caption' });
    doc.y -= BODY.gap - 3;
    const widths = columnWidths(block, box.width);
    const border = { top: 0, left: 0, right: 0, bottom: 0.75 };
    const padding = { top: 4, bottom: 4, left: 0, right: 8 };
    const data = [
      block.head.map((h, i) => ({
        text: h,
        type: 'TH' as const,
        scope: 'Column',
        font: { src: 'Bold' },
        border: { ...border, bottom: 1.5 },
        align: { x: block.numeric[i] ? ('right' as const) : ('left' as const) },
      })),
      ...block.rows.map((row) =>
        row.map((cell, i) => ({
          text: inlineText(cell),
          ...(i === block.rowHeader ? { type: 'TH' as const, scope: 'Row' } : { type: 'TD' as const }),
          align: { x: block.numeric[i] ? ('right' as const) : ('left' as const) },
        })),
      ),
    ];
    doc.font('Regular').fontSize(BODY.size - 0.5).fillColor(COLOUR.text);
    doc.table({
      position: { x: box.x },
      maxWidth: box.width,
      columnStyles: widths,
      defaultStyle: { border, borderColor: COLOUR.rule, padding, textColor: COLOUR.text },
      data: data as unknown as Array<Array<PDFKit.Mixins.CellOptions>>,
      structParent: parent,
    } as PDFKit.Mixins.TableOptionsWithData);
    doc.x = box.x;
    doc.y += BODY.gap + 4;
  }

  contents(parent: Struct, block: Extract<DocBlock, { type: 'contents' }>, box: Box): void {
    const doc = this.doc;
    doc.y += 6;
    this.paragraph(parent, [{ text: block.title, bold: true }], box, { size: 12 });
    doc.y -= BODY.gap - 2;
    const toc = doc.struct('TOC');
    parent.add(toc);
    const numberWidth = 36;
    for (const entry of block.entries) {
      const page = this.knownPages?.get(entry.id);
      const y = doc.y;
      const item = doc.struct('TOCI');
      toc.add(item);
      item.add(
        doc.struct('Link', {}, () => {
          doc.font('Regular').fontSize(BODY.size).fillColor(COLOUR.link);
          doc.text(entry.text, box.x, y, { width: box.width - numberWidth, goTo: entry.id, underline: true, lineBreak: false });
        }),
      );
      item.add(
        doc.struct('Reference', {}, () => {
          doc.font('Regular').fontSize(BODY.size).fillColor(COLOUR.text);
          // The number is laid out in both passes (a placeholder in the first) to keep lines equal.
          doc.text(page === undefined ? '0' : String(page), box.x + box.width - numberWidth, y, {
            width: numberWidth,
            align: 'right',
            lineBreak: false,
          });
        }),
      );
      item.end();
      doc.x = box.x;
      doc.y = y + BODY.size * 1.25 + BODY.lineGap + 2;
    }
    toc.end();
    doc.y += BODY.gap + 4;
  }

  block(parent: Struct, block: DocBlock, box: Box, depth = 0, next?: DocBlock): void {
    switch (block.type) {
      case 'heading':
        return this.heading(parent, block, box, next);
      case 'paragraph':
        return this.paragraph(parent, block.children, box, {
          ...(block.role === 'lead' ? { size: 13, font: 'Regular' as const } : {}),
          ...(block.role === 'meta' ? { colour: COLOUR.secondary } : {}),
        });
      case 'quote':
        return this.quote(parent, block.children, box);
      case 'list':
        return this.list(parent, block, box, depth);
      case 'facts':
        return this.facts(parent, block, box);
      case 'table':
        return this.table(parent, block, box);
      case 'contents':
        return this.contents(parent, block, box);
    }
  }
}

/** The height of a block of facts if each fits on one line, capped at a third of a page. */
function factsHeight(block: Extract<DocBlock, { type: 'facts' }>): number {
  return Math.min(block.items.length * (BODY.size * 1.25 + BODY.lineGap + 2), 240);
}

function columnWidths(block: Extract<DocBlock, { type: 'table' }>, width: number): Array<number | string> {
  const fixed: Record<string, number> = {
    Rank: 62,
    Votes: 40,
    Score: 40,
    'Votes by sector': 150,
    People: 52,
    Organisations: 84,
    'Cards written': 78,
  };
  return block.head.map((h) => fixed[h] ?? '*').map((w) => (typeof w === 'number' ? Math.min(w, width / 2) : w));
}

function footer(doc: Doc, title: string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const { left, right, bottom } = doc.page.margins;
    const width = doc.page.width - left - right;
    const y = doc.page.height - bottom + 28;
    // Writing below the bottom margin would start a new page: lift the margin while we do.
    doc.page.margins.bottom = 0;
    doc.markContent('Artifact', { type: 'Pagination' });
    doc.moveTo(left, y - 8).lineTo(left + width, y - 8).lineWidth(0.5).strokeColor(COLOUR.rule).stroke();
    doc.font('Regular').fontSize(8.5).fillColor(COLOUR.secondary);
    doc.text(title, left, y, { width: width - 90, lineBreak: false, ellipsis: true, height: 12 });
    doc.text(`Page ${i - range.start + 1} of ${range.count}`, left + width - 90, y, { width: 90, align: 'right', lineBreak: false });
    doc.endMarkedContent();
    doc.page.margins.bottom = bottom;
  }
}

function layoutPass(brief: ChallengeBrief, layout: BriefDocument, knownPages: PageMap | null): Promise<{ bytes: Uint8Array; pages: PageMap }> {
  const exportedAt = new Date(brief.provenance.exportedAt);
  const doc = new PDFDocument({
    size: PAGE.size,
    margins: { ...PAGE.margins },
    bufferPages: true,
    tagged: true,
    lang: layout.lang,
    displayTitle: true,
    pdfVersion: '1.7',
    info: {
      Title: `${layout.title}: challenge brief`,
      Subject: layout.subject,
      Author: brief.provenance.exportedBy.name,
      Creator: 'Crossboard',
      Producer: 'Crossboard (pdfkit)',
      Keywords: `challenge brief; board ${brief.provenance.boardId}; version ${brief.provenance.boardVersion}`,
      CreationDate: exportedAt,
      ModDate: exportedAt,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
  });

  for (const [name, data] of Object.entries(fonts())) doc.registerFont(name, data);
  doc.font('Regular').fontSize(BODY.size).fillColor(COLOUR.text);

  const root = doc.struct('Document');
  doc.addStructure(root);
  const writer = new Writer(doc, layout, knownPages, root);
  const box = writer.contentBox;

  const [title, ...rest] = layout.blocks;
  if (title?.type === 'heading') {
    // Title block: a caption, the title, then a rule in the accent colour.
    writer.paragraph(root, [{ text: 'Challenge brief' }], box, { size: 13, colour: COLOUR.secondary });
    doc.y -= BODY.gap - 1;
    writer.heading(root, title, box);
    const y = doc.y + 2;
    writer.artifact(() => doc.rect(box.x, y, box.width, 3).fill(COLOUR.accent));
    doc.y = y + 14;
  }
  const blocks = title?.type === 'heading' ? rest : layout.blocks;
  blocks.forEach((block, i) => writer.block(root, block, box, 0, blocks[i + 1]));
  root.end();
  footer(doc, `${layout.title}: challenge brief`);
  doc.end();
  return done.then((bytes) => ({ bytes, pages: writer.pages }));
}

/** The brief as a PDF document. */
export async function renderPdf(brief: ChallengeBrief): Promise<Uint8Array> {
  const layout = layoutBrief(brief);
  const first = await layoutPass(brief, layout, null);
  const second = await layoutPass(brief, layout, first.pages);
  return second.bytes;
}


