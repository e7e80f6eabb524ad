/**
 * The brief as an A4 PDF (pdfkit): tagged for assistive technology (a structure tree of headings,
 * paragraphs, lists, tables and links; document language; title shown instead of the file name),
 * with bookmarks for every section and idea, a contents list with page numbers, and page numbers
 * in the footer (marked as pagination artifacts, so screen readers skip them).
 *
 * Every link is tagged as PDF/UA asks: a `Link` structure element holding the link's text and an
 * object reference to each of its annotations, each annotation pointing back through its
 * `/StructParent`, and each described in `/Contents` ("Go to section: …", "Open https://…").
 * pdfkit tags only web links, with an empty description, so `LinkTaggingDocument` below does it
 * for every link. Tables are drawn here rather than by pdfkit's `table()`, whose cell attributes
 * poppler rejects (`BorderColor` with null entries) and which re-opens the font for every cell.
 *
 * Text is set in Source Sans 3 (embedded, subset), which covers the Latin, Greek and Cyrillic
 * names people type; pdfkit's built-in fonts only know Windows-1252.
 *
 * The contents list needs page numbers that are known only after layout. Its lines do not depend
 * on them, so its place is kept free on the page and it is drawn there at the end (its structure
 * elements are in the tree in reading order from the start): one layout pass, not two. Output is
 * deterministic: the same brief gives the same bytes (the creation date is the export time), so
 * the CLI and the endpoint can be compared byte for byte.
 */
import PDFDocument from 'pdfkit';
import type { ChallengeBrief } from '../../shared/brief/brief.ts';
import { inlineText, layoutBrief, type BriefDocument, type DocBlock, type Inline } from '../../shared/brief/layout.ts';
import { linkPurpose } from '../../shared/brief/words.ts';
import { exportedLink } from '../../shared/richtext/index.ts';
import { briefFonts, type FontName } from './fonts.ts';

type Struct = PDFKit.PDFStructureElement;
type AnnotationOptions = PDFKit.Mixins.AnnotationOption;

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
const TABLE = { size: BODY.size - 0.5, lineGap: 1, padding: { top: 4, bottom: 4, right: 8 }, rule: 0.75, headRule: 1.5 };

/**
 * pdfkit draws a link's annotations inside `text()` (one per line of the link) through
 * `goTo()` and `link()`. While `tagging` is set, every annotation drawn goes into that `Link`
 * element (pdfkit then gives it its `/StructParent` and the element its `OBJR`) with that
 * description. pdfkit would tag web links alone, with an empty `/Contents`, and no internal ones.
 */
class LinkTaggingDocument extends (PDFDocument as unknown as new (options: PDFKit.PDFDocumentOptions) => PDFKit.PDFDocument) {
  tagging: { element: Struct; contents: string } | null = null;

  override goTo(x: number, y: number, w: number, h: number, name: string, options: AnnotationOptions = {}): this {
    return super.goTo(x, y, w, h, name, { ...options, ...this.linkTag() });
  }

  override link(x: number, y: number, w: number, h: number, url: string, options: AnnotationOptions = {}): this {
    return super.link(x, y, w, h, url, { ...options, ...this.linkTag() });
  }

  private linkTag(): AnnotationOptions {
    if (!this.tagging) return {};
    // a String object, which pdfkit writes as a text string (a plain string would become a name)
    return { structParent: this.tagging.element, Contents: new String(this.tagging.contents) } as unknown as AnnotationOptions;
  }
}
type Doc = LinkTaggingDocument;

type Box = { x: number; width: number };

/** Where each heading with an id landed, by page number (1-based). */
type PageMap = Map<string, number>;

class Writer {
  readonly pages: PageMap = new Map();
  /** drawing that waits for every page number: run by `finish()` */
  private readonly pending: Array<() => void> = [];
  private outlineH2: PDFKit.PDFOutline | null = null;
  /** each heading id's title, to say where a link goes */
  private readonly sections: ReadonlyMap<string, string>;

  constructor(
    readonly doc: Doc,
    readonly layout: BriefDocument,
    readonly root: Struct,
  ) {
    this.sections = sectionTitles(layout.blocks);
  }

  get maxY(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  get pageNumber(): number {
    const range = this.doc.bufferedPageRange();
    return range.start + range.count;
  }

  /** The current page, as `switchToPage` counts (from 0). */
  get pageIndex(): number {
    return this.pageNumber - 1;
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

  /** Writes `draw` as the text of a `Link` element in `parent`, its annotations tagged and described by `purpose`. */
  linked(parent: Struct, purpose: string, draw: () => void): void {
    const doc = this.doc;
    const element = doc.struct('Link');
    element.add(() => {
      doc.tagging = { element, contents: purpose };
      try {
        draw();
      } finally {
        doc.tagging = null;
      }
    });
    element.end();
    // the closure runs here, in an element already in the tree (pdfkit runs it once attached)
    parent.add(element);
  }

  /**
   * The height to keep on one page for a paragraph holding a link, 0 for one without: pdfkit
   * files all of a link's annotations under the page its text ends on, so a link must not run
   * over a page break. Measured in the bold face, the widest in running text, so that it errs
   * on the long side. A paragraph longer than a page gets 0: it breaks where it must.
   */
  linkedHeight(inlines: readonly Inline[], width: number, size = BODY.size): number {
    if (!inlines.some((inline) => 'type' in inline)) return 0;
    const height = this.doc.font('Bold').fontSize(size).heightOfString(inlineText(inlines), { width, lineGap: BODY.lineGap });
    return height <= this.maxY - this.doc.page.margins.top ? height : 0;
  }

  /** Writes inline runs as one flowing paragraph inside `parent`, each run its own marked content. */
  inlines(
    parent: Struct,
    inlines: readonly Inline[],
    box: Box,
    style: { font?: FontName; size?: number; colour?: string; align?: 'left' | 'right'; lineGap?: number } = {},
  ): void {
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
        lineGap: style.lineGap ?? BODY.lineGap,
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
      if (f.link) this.linked(parent, linkPurpose({ url: f.link }), write);
      else if (f.goTo) this.linked(parent, linkPurpose({ section: this.sections.get(f.goTo) ?? f.goTo }), write);
      else parent.add(write);
    });
    doc.x = box.x;
  }

  paragraph(parent: Struct, children: readonly Inline[], box: Box, style: { font?: FontName; size?: number; colour?: string; type?: string } = {}): void {
    if (inlineText(children).trim() === '') return;
    const size = style.size ?? BODY.size;
    this.ensureSpace(Math.max(size * 1.4 * 2, this.linkedHeight(children, box.width, size)));
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
      const inner: Box = { x: box.x + labelWidth, width: box.width - labelWidth };
      const first = item[0]?.type === 'paragraph' ? this.linkedHeight(item[0].children, inner.width) : 0;
      this.ensureSpace(Math.max(BODY.size * 1.5 * 2, first));
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
      item.forEach((child, i) => {
        if (child.type === 'paragraph') {
          if (inlineText(child.children).trim() === '') return;
          if (i > 0) this.ensureSpace(this.linkedHeight(child.children, inner.width));
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
    const inner: Box = { x: box.x + INDENT, width: box.width - INDENT };
    this.ensureSpace(this.linkedHeight(children, inner.width));
    const q = doc.struct('BlockQuote');
    parent.add(q);
    const top = doc.y;
    const startPage = this.pageNumber;
    this.inlines(q, children, inner, { colour: COLOUR.text });
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
      const line: Inline[] = [{ text: `${f.label}: `, bold: true }, ...f.value];
      this.ensureSpace(Math.max(BODY.size * 1.5 * 2, this.linkedHeight(line, box.width)));
      const p = this.doc.struct('P');
      parent.add(p);
      this.inlines(p, line, box, {});
      p.end();
      this.doc.y += 2;
    }
    this.doc.y += BODY.gap;
  }

  /**
   * A table with its caption, a header row of column headers and, where the layout names one, a
   * column of row headers. A row is never split: one that does not fit starts a new page, under
   * the header row drawn again (as an artifact, since it repeats what the tree already has).
   */
  table(parent: Struct, block: Extract<DocBlock, { type: 'table' }>, box: Box): void {
    const doc = this.doc;
    const widths = columnWidths(block, box.width);
    const cellBoxes = widths.map((width, i): Box => ({
      x: box.x + widths.slice(0, i).reduce((sum, w) => sum + w, 0),
      width: width - TABLE.padding.right,
    }));
    const align = (i: number) => (block.numeric[i] ? ('right' as const) : ('left' as const));
    const head: Inline[][] = block.head.map((h) => [{ text: h, bold: true }]);
    const rowHeight = (cells: readonly Inline[][], font: FontName) => {
      doc.font(font).fontSize(TABLE.size);
      const text = cells.map((cell, i) => doc.heightOfString(inlineText(cell) || ' ', { width: cellBoxes[i]!.width, lineGap: TABLE.lineGap }));
      return TABLE.padding.top + Math.max(...text) + TABLE.padding.bottom;
    };
    const headHeight = rowHeight(head, 'Bold');
    const heights = block.rows.map((row) => rowHeight(row, 'Regular'));

    /** One row at doc.y: its cells inside `tr`, or drawn as an artifact when `tr` is null. */
    const row = (cells: readonly Inline[][], height: number, header: boolean, tr: Struct | null) => {
      const top = doc.y;
      cells.forEach((cell, i) => {
        doc.y = top + TABLE.padding.top;
        const style = { size: TABLE.size, lineGap: TABLE.lineGap, align: align(i) };
        if (!tr) {
          doc.font(header ? 'Bold' : 'Regular').fontSize(TABLE.size).fillColor(COLOUR.text);
          doc.text(inlineText(cell), cellBoxes[i]!.x, doc.y, { width: cellBoxes[i]!.width, lineGap: TABLE.lineGap, align: style.align });
          return;
        }
        const scope = header ? 'Column' : i === block.rowHeader ? 'Row' : null;
        // pdfkit writes `scope` as the cell's Table attribute (`/A << /O /Table /Scope /Column >>`)
        const tag = scope ? doc.struct('TH', { scope } as PDFKit.Mixins.StructureElementOptions) : doc.struct('TD');
        tr.add(tag);
        this.inlines(tag, cell, cellBoxes[i]!, style);
        tag.end();
      });
      const y = top + height;
      this.artifact(() =>
        doc
          .moveTo(box.x, y)
          .lineTo(box.x + box.width, y)
          .lineWidth(header ? TABLE.headRule : TABLE.rule)
          .strokeColor(COLOUR.rule)
          .stroke(),
      );
      doc.x = box.x;
      doc.y = y;
    };

    // The caption belongs with the table: keep it with the header and the first row.
    const captionHeight = BODY.size * 1.25 + BODY.lineGap + 3;
    this.ensureSpace(captionHeight + headHeight + (heights[0] ?? 0));
    const table = doc.struct('Table');
    parent.add(table);
    const caption = doc.struct('Caption');
    table.add(caption);
    this.inlines(caption, [{ text: block.caption, bold: true }], box);
    caption.end();
    doc.y += 3;
    const headRow = doc.struct('TR');
    table.add(headRow);
    row(head, headHeight, true, headRow);
    headRow.end();
    block.rows.forEach((cells, r) => {
      if (doc.y + heights[r]! > this.maxY) {
        doc.addPage();
        row(head, headHeight, true, null);
      }
      const tr = doc.struct('TR');
      table.add(tr);
      row(cells, heights[r]!, false, tr);
      tr.end();
    });
    table.end();
    doc.x = box.x;
    doc.y += BODY.gap + 4;
  }

  /**
   * The contents list: its title and its structure elements go into the tree now, in reading
   * order, and its lines are kept free on this page; `finish()` draws it once the pages of the
   * sections are known.
   */
  contents(parent: Struct, block: Extract<DocBlock, { type: 'contents' }>, box: Box): void {
    const doc = this.doc;
    const line = BODY.size * 1.25 + BODY.lineGap + 2;
    const titleStyle = { size: 12 };
    const titleHeight = doc.font('Bold').fontSize(titleStyle.size).heightOfString(block.title, { width: box.width, lineGap: BODY.lineGap });
    doc.y += 6;
    this.ensureSpace(titleHeight + 2 + block.entries.length * line);
    const title = doc.struct('P');
    parent.add(title);
    const toc = doc.struct('TOC');
    parent.add(toc);
    const page = this.pageIndex;
    const top = doc.y;
    doc.y += titleHeight + 2 + block.entries.length * line + BODY.gap + 4;

    this.pending.push(() => {
      doc.switchToPage(page);
      doc.y = top;
      this.inlines(title, [{ text: block.title, bold: true }], box, titleStyle);
      title.end();
      doc.y += 2;
      const numberWidth = 36;
      for (const entry of block.entries) {
        const y = doc.y;
        const item = doc.struct('TOCI');
        toc.add(item);
        this.linked(item, linkPurpose({ section: entry.text }), () => {
          doc.font('Regular').fontSize(BODY.size).fillColor(COLOUR.link);
          doc.text(entry.text, box.x, y, { width: box.width - numberWidth, goTo: entry.id, underline: true, lineBreak: false });
        });
        item.add(
          doc.struct('Reference', {}, () => {
            doc.font('Regular').fontSize(BODY.size).fillColor(COLOUR.text);
            doc.text(String(this.pages.get(entry.id) ?? ''), box.x + box.width - numberWidth, y, {
              width: numberWidth,
              align: 'right',
              lineBreak: false,
            });
          }),
        );
        item.end();
        doc.x = box.x;
        doc.y = y + line;
      }
      toc.end();
    });
  }

  /** Draws what waited for the page numbers; the last thing written before the footers. */
  finish(): void {
    for (const draw of this.pending.splice(0)) draw();
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

/** Each heading id with its title, for saying where a link to it goes. */
function sectionTitles(blocks: readonly DocBlock[], into = new Map<string, string>()): Map<string, string> {
  for (const block of blocks) {
    if (block.type === 'heading' && block.id) into.set(block.id, inlineText(block.children) || 'Untitled');
    else if (block.type === 'list') for (const item of block.items) sectionTitles(item, into);
  }
  return into;
}

/** Column widths in points: the known columns fixed (at most half the table), the rest sharing what is left. */
function columnWidths(block: Extract<DocBlock, { type: 'table' }>, width: number): number[] {
  const fixed: Record<string, number> = {
    Rank: 62,
    Votes: 40,
    Score: 40,
    'Votes by sector': 150,
    People: 52,
    Organisations: 84,
    'Cards written': 78,
    // the actions table: "30 September 2026", "In progress"
    Due: 92,
    Status: 66,
  };
  const set = block.head.map((h) => (fixed[h] === undefined ? null : Math.min(fixed[h], width / 2)));
  const free = set.filter((w) => w === null).length;
  const left = width - set.reduce<number>((sum, w) => sum + (w ?? 0), 0);
  return set.map((w) => w ?? left / free);
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

/** The brief as a PDF document. */
export function renderPdf(brief: ChallengeBrief): Promise<Uint8Array> {
  const layout = layoutBrief(brief);
  const exportedAt = new Date(brief.provenance.exportedAt);
  const doc = new LinkTaggingDocument({
    size: PAGE.size,
    margins: { ...PAGE.margins },
    bufferPages: true,
    tagged: true,
    lang: layout.lang,
    displayTitle: true,
    pdfVersion: '1.7',
    // no default font: pdfkit would load Helvetica's metrics for every document, unused here
    font: '',
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

  // parsed fonts, not files: pdfkit would parse a file again for every document
  for (const [name, font] of Object.entries(briefFonts())) doc.registerFont(name, font as unknown as PDFKit.Mixins.PDFFontSource);
  doc.font('Regular').fontSize(BODY.size).fillColor(COLOUR.text);

  const root = doc.struct('Document');
  doc.addStructure(root);
  const writer = new Writer(doc, layout, root);
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
  writer.finish();
  root.end();
  footer(doc, `${layout.title}: challenge brief`);
  doc.end();
  return done;
}
