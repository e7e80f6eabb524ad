/**
 * The brief as a page: the same `BriefDocument` layout the Markdown, HTML, PDF and Word exports
 * draw (shared/brief/layout.ts), drawn as React elements — so the page and the downloads say the
 * same things in the same order. On top of the layout the page adds what only a screen can: a
 * small stacked bar beside each sector breakdown, a comment button beside each section and
 * idea (through `BriefCommentsContext`, absent for a saved version), and long card bodies folded
 * behind "Show more" where the files say "continued on the board" (the layout's `fold`).
 */
import { Fragment, createContext, useContext, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { BriefSectionId, CommentTarget } from '../../shared/brief/comments.ts';
import { BRIEF_SECTIONS } from '../../shared/brief/comments.ts';
import type { BriefDocument, ChallengeBrief, DocBlock, SectorVotes } from '../../shared/brief/index.ts';
import { cardIdOfHash, type BodyFold } from '../../shared/brief/layout.ts';
import { exportedLink } from '../../shared/richtext/links.ts';
import { isLinkRun, type Inline, type TextRun } from '../../shared/richtext/readBody.ts';
import { sectorStyle } from '../lib/sectors.ts';

/** Renders the heading it is given with a comment button beside it, and the comments under it. */
export type CommentSlot = (props: { target: CommentTarget; title: string; heading: ReactNode }) => ReactNode;

export const BriefCommentsContext = createContext<CommentSlot | null>(null);

function Commentable({ target, title, heading }: { target: CommentTarget; title: string; heading: ReactNode }) {
  const slot = useContext(BriefCommentsContext);
  return <>{slot ? slot({ target, title, heading }) : heading}</>;
}

type Section = { id: string; heading: Extract<DocBlock, { type: 'heading' }>; blocks: DocBlock[] };

/** Splits the layout into the title block, the contents and the level-2 sections. */
function sectionsOf(doc: BriefDocument): { intro: DocBlock[]; sections: Section[] } {
  const intro: DocBlock[] = [];
  const sections: Section[] = [];
  for (const block of doc.blocks) {
    if (block.type === 'heading' && block.level === 2 && block.id) {
      sections.push({ id: block.id, heading: block, blocks: [] });
    } else if (sections.length > 0) {
      sections.at(-1)!.blocks.push(block);
    } else {
      intro.push(block);
    }
  }
  return { intro, sections };
}

export function BriefDocumentView({ brief, layout }: { brief: ChallengeBrief; layout: BriefDocument }) {
  const { intro, sections } = sectionsOf(layout);
  const ctx: RenderContext = { doc: layout, brief, maxVotes: Math.max(0, ...brief.ideas.map((i) => i.votes?.total ?? 0)) };
  const [title, ...beforeSections] = intro;
  return (
    <article className="brief-doc" aria-labelledby="top" data-testid="brief-document">
      <header className="brief-doc__header">
        <p className="brief-doc__caption">Challenge brief</p>
        {title?.type === 'heading' && <h1 id="top">{inlines(title.children, ctx)}</h1>}
        {beforeSections.map((b, i) => (
          <Block key={i} block={b} ctx={ctx} />
        ))}
      </header>
      {sections.map((section) => (
        <SectionView key={section.id} section={section} ctx={ctx} />
      ))}
    </article>
  );
}

type RenderContext = { doc: BriefDocument; brief: ChallengeBrief; maxVotes: number };

function SectionView({ section, ctx }: { section: Section; ctx: RenderContext }) {
  const title = plain(section.heading.children);
  const heading = <h2 id={section.id}>{title}</h2>;
  const commentable = Object.hasOwn(BRIEF_SECTIONS, section.id);
  return (
    <section className="brief-section" aria-labelledby={section.id} data-section={section.id}>
      {commentable ? (
        <Commentable target={{ kind: 'section', id: section.id as BriefSectionId }} title={title} heading={heading} />
      ) : (
        heading
      )}
      <SectionBody blocks={section.blocks} ctx={ctx} section={section.id} />
    </section>
  );
}

const IDEA_ANCHOR = /^idea-(\d+)$/;

/** Section content, with each idea (its heading to the next heading of level 3 or above) as one article. */
function SectionBody({ blocks, ctx, section }: { blocks: DocBlock[]; ctx: RenderContext; section: string }) {
  const out: ReactNode[] = [];
  let firstTable = true;
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i]!;
    const match = block.type === 'heading' && block.level === 3 && block.id ? IDEA_ANCHOR.exec(block.id) : null;
    const idea = match ? ctx.brief.ideas[Number(match[1]) - 1] : undefined;
    if (block.type === 'heading' && match && idea) {
      let end = i + 1;
      while (end < blocks.length && !(blocks[end]!.type === 'heading' && (blocks[end] as { level: number }).level <= 3)) end++;
      out.push(<IdeaView key={i} heading={block} blocks={blocks.slice(i + 1, end)} ideaIndex={Number(match[1]) - 1} ctx={ctx} />);
      i = end - 1;
      continue;
    }
    if (block.type === 'table' && section === 'what-we-propose' && firstTable) {
      firstTable = false;
      out.push(<RankingTable key={i} table={block} ctx={ctx} />);
      continue;
    }
    if (pushFold(out, blocks, i, ctx)) continue;
    out.push(<Block key={i} block={block} ctx={ctx} />);
  }
  return <>{out}</>;
}

/**
 * When `blocks[i]` says a card body was cut, puts the fold in place of the `shown` blocks drawn
 * just before it (one node each) and returns true.
 */
function pushFold(out: ReactNode[], blocks: DocBlock[], i: number, ctx: RenderContext): boolean {
  const block = blocks[i]!;
  if (block.type !== 'paragraph' || !block.fold) return false;
  out.splice(out.length - block.fold.shown, block.fold.shown);
  out.push(<FoldedBody key={i} fold={block.fold} shown={blocks.slice(i - block.fold.shown, i)} ctx={ctx} />);
  return true;
}

/**
 * A long card body, as the files print it (its first part, cut at a word) with a "Show more"
 * button that unfolds the whole of it in place, and folds it again. A real button: Tab reaches
 * it, Enter and Space press it, and `aria-expanded` says which way it is.
 */
function FoldedBody({ fold, shown, ctx }: { fold: BodyFold; shown: DocBlock[]; ctx: RenderContext }) {
  // the card a file's "continued on the board" link named (`#card-<id>`): shown whole, in view
  const [linked] = useState(() => cardIdOfHash(window.location.hash) === fold.cardId);
  const [open, setOpen] = useState(linked);
  const id = useId();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (linked) ref.current?.scrollIntoView();
  }, [linked]);
  return (
    <div ref={ref} className="brief-fold" data-testid="folded-body" data-card-id={fold.cardId} data-open={open}>
      <div id={id} className="brief-fold__body">
        {(open ? fold.full : shown).map((b, i) => (
          <Block key={i} block={b} ctx={ctx} />
        ))}
      </div>
      <button
        type="button"
        className="button button--small button--secondary brief-fold__toggle"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
      >
        {open ? 'Show less' : 'Show more'}
        <span className="visually-hidden"> of this card</span>
      </button>
    </div>
  );
}

function IdeaView({
  heading,
  blocks,
  ideaIndex,
  ctx,
}: {
  heading: Extract<DocBlock, { type: 'heading' }>;
  blocks: DocBlock[];
  ideaIndex: number;
  ctx: RenderContext;
}) {
  const idea = ctx.brief.ideas[ideaIndex]!;
  const title = plain(heading.children);
  const h = <h3 id={heading.id}>{title}</h3>;
  const votes = idea.votes;
  const out: ReactNode[] = [];
  blocks.forEach((b, i) => {
    if (pushFold(out, blocks, i, ctx)) return;
    out.push(
      <Fragment key={i}>
        <Block block={b} ctx={ctx} />
        {i === 0 && b.type === 'facts' && votes && votes.total > 0 && (
          <SectorBar bySector={votes.bySector} otherSectors={votes.otherSectors} total={votes.total} max={ctx.maxVotes} />
        )}
      </Fragment>,
    );
  });
  return (
    <article className="brief-idea" aria-labelledby={heading.id} data-idea-id={idea.id}>
      <Commentable target={{ kind: 'idea', cardId: idea.id }} title={title} heading={h} />
      {out}
    </article>
  );
}

/** The lead round's ranking table, with a bar under each row's sector breakdown. */
function RankingTable({ table, ctx }: { table: Extract<DocBlock, { type: 'table' }>; ctx: RenderContext }) {
  const lead = ctx.brief.rounds.find((r) => r.round === ctx.brief.provenance.leadRound);
  const ranking = lead && lead.ranking.length === table.rows.length ? lead.ranking : null;
  const sectorColumn = table.head.indexOf('Votes by sector');
  return (
    <TableView
      table={table}
      ctx={ctx}
      extra={(row, col) => {
        const entry = ranking?.[row];
        if (!entry || col !== sectorColumn || entry.total === 0) return null;
        return <SectorBar bySector={entry.bySector} otherSectors={entry.otherSectors} total={entry.total} max={ctx.maxVotes} />;
      }}
    />
  );
}

/**
 * Votes by sector as a stacked bar, as long as the votes are against the most any idea got.
 * Hidden from assistive technology: the same numbers are in the text right beside it.
 */
export function SectorBar({
  bySector,
  otherSectors,
  total,
  max,
}: {
  bySector: readonly SectorVotes[];
  /** an anonymous round's small sectors, counted together */
  otherSectors: number;
  total: number;
  max: number;
}) {
  const segments: Array<{ sector: string; votes: number }> = [...bySector, { sector: 'other', votes: otherSectors }];
  const width = max > 0 ? Math.max(8, (total / max) * 100) : 0;
  return (
    <div className="sector-bar" aria-hidden="true" data-testid="sector-bar">
      <div className="sector-bar__track" style={{ width: `${width}%` }}>
        {segments
          .filter((s) => s.votes > 0)
          .map((s) => {
            const style = sectorStyle(s.sector);
            return (
              <span
                key={s.sector}
                className="sector-bar__segment"
                style={{ flexGrow: s.votes, background: style.colour }}
                title={`${style.label}: ${s.votes}`}
              >
                {s.votes / total >= 0.2 ? style.short : ''}
              </span>
            );
          })}
      </div>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Blocks and inlines

function Block({ block, ctx }: { block: DocBlock; ctx: RenderContext }): ReactNode {
  switch (block.type) {
    case 'heading': {
      const Tag = `h${Math.max(2, block.level)}` as 'h2';
      return <Tag id={block.id}>{inlines(block.children, ctx)}</Tag>;
    }
    case 'paragraph':
      return <p className={block.role ? `brief-doc__${block.role}` : undefined}>{inlines(block.children, ctx)}</p>;
    case 'quote':
      return (
        <blockquote>
          <p>{inlines(block.children, ctx)}</p>
        </blockquote>
      );
    case 'list': {
      const items = block.items.map((item, i) => (
        <li key={i}>
          {item.length === 1 && item[0]!.type === 'paragraph'
            ? inlines(item[0]!.children, ctx)
            : item.map((child, j) => <Block key={j} block={child} ctx={ctx} />)}
        </li>
      ));
      return block.ordered ? <ol start={block.start !== 1 ? block.start : undefined}>{items}</ol> : <ul>{items}</ul>;
    }
    case 'facts':
      return (
        <dl className="brief-facts">
          {block.items.map((f, i) => (
            <div key={i}>
              <dt>{f.label}</dt>
              <dd>{inlines(f.value, ctx)}</dd>
            </div>
          ))}
        </dl>
      );
    case 'table':
      return <TableView table={block} ctx={ctx} />;
    case 'contents':
      return (
        <nav className="brief-contents" aria-labelledby="contents-title">
          <h2 id="contents-title">{block.title}</h2>
          <ol>
            {block.entries.map((e) => (
              <li key={e.id}>
                <a href={`#${e.id}`}>{e.text}</a>
              </li>
            ))}
          </ol>
        </nav>
      );
  }
}

function TableView({
  table,
  ctx,
  extra,
}: {
  table: Extract<DocBlock, { type: 'table' }>;
  ctx: RenderContext;
  extra?: (row: number, col: number) => ReactNode;
}) {
  const cls = (i: number) => (table.numeric[i] ? 'num' : undefined);
  return (
    <div className="brief-table">
      <table>
        <caption>{table.caption}</caption>
        <thead>
          <tr>
            {table.head.map((h, i) => (
              <th key={i} scope="col" className={cls(i)}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row, r) => (
            <tr key={r}>
              {row.map((cell, c) => {
                const content = (
                  <>
                    {inlines(cell, ctx)}
                    {extra?.(r, c)}
                  </>
                );
                return c === table.rowHeader ? (
                  <th key={c} scope="row" className={cls(c)}>
                    {content}
                  </th>
                ) : (
                  <td key={c} className={cls(c)}>
                    {content}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function inlines(list: readonly Inline[], ctx: RenderContext): ReactNode[] {
  return list.map((inline, i) => {
    if (!isLinkRun(inline)) return run(inline, i);
    const label = inline.children.map(run);
    const target = exportedLink(inline.url);
    if (target?.kind === 'anchor' && ctx.doc.anchors.has(target.href.slice(1))) {
      return (
        <a key={i} href={target.href}>
          {label}
        </a>
      );
    }
    if (target?.kind === 'absolute') {
      return (
        <a key={i} href={target.href} target="_blank" rel="noopener noreferrer">
          {label}
        </a>
      );
    }
    return <span key={i}>{label}</span>;
  });
}

function run(r: TextRun, i: number): ReactNode {
  const lines = r.text.split('\n');
  let node: ReactNode = lines.length === 1 ? r.text : lines.flatMap((line, j) => (j === 0 ? [line] : [<br key={j} />, line]));
  if (r.code) node = <code>{node}</code>;
  if (r.strikethrough) node = <s>{node}</s>;
  if (r.underline) node = <u>{node}</u>;
  if (r.italic) node = <em>{node}</em>;
  if (r.bold) node = <strong>{node}</strong>;
  return <span key={i}>{node}</span>;
}

function plain(list: readonly Inline[]): string {
  return list.map((i) => (isLinkRun(i) ? i.children.map((c) => c.text).join('') : i.text)).join('');
}
