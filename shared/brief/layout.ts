/**
 * The brief laid out as a document: headings, paragraphs, lists, tables and facts, in reading
 * order. Markdown, HTML, PDF and DOCX all render this one tree, so the formats cannot drift apart
 * in content or wording; each renderer only decides how a heading or a table looks in its format.
 *
 * Card bodies are embedded as they are (their lists, emphasis and links survive) with their
 * headings moved below the heading of the card that holds them, so the outline stays a tree.
 * A long body is cut (longBodies.ts) and followed by "… continued on the board", linked to the
 * card where the brief knows the board's address; that paragraph carries the whole body too
 * (`fold`), so a page can offer "Show more" where a file can only say where the rest is.
 * Links whose URL is `#id` point at a heading of this document (`anchors`).
 */
import type { HeadingLevel, Inline, RichBlock, TextRun } from '../richtext/index.ts';
import type { BriefAction, BriefIdea, BriefNote, BriefProvenance, BriefRankEntry, BriefRound, ChallengeBrief } from './brief.ts';
import { cutBody } from './longBodies.ts';
import {
  CONTINUED_ON_BOARD,
  SECTION_TITLES,
  actionStatusName,
  dateText,
  dateTimeText,
  dayText,
  laneName,
  organisationName,
  ownerText,
  paragraphsOf,
  personText,
  plural,
  rankText,
  roleName,
  roundDescription,
  sectorBreakdown,
  sectorName,
  votesText,
} from './words.ts';

export type { HeadingLevel, Inline, TextRun };

export type DocBlock =
  | { type: 'heading'; level: HeadingLevel; children: Inline[]; id?: string }
  /**
   * `lead`: the challenge statement; `meta`: a line about the document itself. `fold`: this line
   * says a card body was cut; `full` is the whole body, in place of the `shown` blocks before it
   */
  | { type: 'paragraph'; children: Inline[]; role?: 'lead' | 'meta'; fold?: BodyFold }
  | { type: 'quote'; children: Inline[] }
  | { type: 'list'; ordered: boolean; start: number; items: DocBlock[][] }
  /** `rowHeader`: the column whose cells name their row; `numeric`: columns to align right */
  | { type: 'table'; caption: string; head: string[]; rows: Inline[][][]; numeric: boolean[]; rowHeader: number }
  /** label and value pairs about the thing under the heading above */
  | { type: 'facts'; items: Array<{ label: string; value: Inline[] }> }
  /** the list of sections; formats with pages add page numbers */
  | { type: 'contents'; title: string; entries: Array<{ id: string; text: string }> };

/** A card body cut for print, kept whole for a page that can fold it (see the module comment). */
export type BodyFold = { cardId: string; full: DocBlock[]; shown: number };

export type BriefDocument = {
  /** the document title for metadata (the board's title) */
  title: string;
  /** one line for metadata: "Challenge brief for <sponsor>" */
  subject: string;
  lang: 'en-GB';
  blocks: DocBlock[];
  /** every heading id, for resolving `#id` links */
  anchors: ReadonlySet<string>;
};

const text = (t: string): Inline[] => (t === '' ? [] : [{ text: t }]);
const bold = (t: string): TextRun => ({ text: t, bold: true });
const link = (url: string, t: string): Inline => ({ type: 'link', url, children: [{ text: t }] });

function clampLevel(n: number): HeadingLevel {
  return Math.max(1, Math.min(6, n)) as HeadingLevel;
}

function topHeadingLevel(blocks: readonly RichBlock[]): number {
  let top = 7;
  for (const b of blocks) {
    if (b.type === 'heading') top = Math.min(top, b.level);
    else if (b.type === 'list') for (const item of b.items) top = Math.min(top, topHeadingLevel(item));
  }
  return top;
}

/**
 * A card body under a heading of level `parent`: the body's top heading level becomes parent+1
 * and the others follow it (up to h6), so the outline never skips a level.
 */
export function embedBody(blocks: readonly RichBlock[], parent: number): DocBlock[] {
  const shift = parent + 1 - Math.min(topHeadingLevel(blocks), 6);
  const embed = (list: readonly RichBlock[]): DocBlock[] =>
    list.map((block): DocBlock => {
      switch (block.type) {
        case 'heading':
          return { type: 'heading', level: clampLevel(block.level + shift), children: block.children };
        case 'list':
          return { ...block, items: block.items.map(embed) };
        default:
          return block;
      }
    });
  return embed(blocks);
}

function hasText(inlines: Inline[]): boolean {
  return inlines.some((i) => ('type' in i ? i.children.some((c) => c.text.trim() !== '') : i.text.trim() !== ''));
}

/** Where a card is on the board, for a link from the brief: null when the board's address is not known. */
export function cardUrl(boardUrl: string | null, cardId: string): string | null {
  return boardUrl ? `${boardUrl}#card-${encodeURIComponent(cardId)}` : null;
}

/** The card a `cardUrl` link names in its fragment (`#card-<id>`), or null. */
export function cardIdOfHash(hash: string): string | null {
  const match = /^#card-(.+)$/.exec(hash);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}

/**
 * A card body under a heading of level `parent`, without empty paragraphs (an untouched card body
 * is one empty paragraph), cut to BODY_LIMIT with the line that says where the rest is.
 */
function bodyBlocks(blocks: readonly RichBlock[], parent: number, card: { id: string; url: string | null }): DocBlock[] {
  const written = blocks.filter((b) => b.type === 'list' || hasText(b.children));
  const { blocks: kept, cut } = cutBody(written);
  const shown = embedBody(kept, parent);
  if (!cut) return shown;
  const continued: Inline[] = card.url ? [{ text: '… ' }, link(card.url, CONTINUED_ON_BOARD)] : text(`… ${CONTINUED_ON_BOARD}`);
  return [
    ...shown,
    { type: 'paragraph', role: 'meta', children: continued, fold: { cardId: card.id, full: embedBody(written, parent), shown: shown.length } },
  ];
}

/** The actions as a table: what, who, by when, how far; and the idea each carries forward, if any does. */
export function actionsTable(actions: readonly BriefAction[], idea: (ideaId: string) => { anchor: string; title: string } | undefined): DocBlock {
  const withIdeas = actions.some((a) => a.ideaId !== null && idea(a.ideaId));
  const head = ['Action', 'Owner', 'Due', 'Status', ...(withIdeas ? ['From idea'] : [])];
  const rows = actions.map((a) => {
    const row: Inline[][] = [
      text(a.title || 'Untitled action'),
      text(ownerText(a.owner)),
      text(a.due ? dayText(a.due) : 'No date'),
      text(actionStatusName(a.status)),
    ];
    if (withIdeas) {
      const from = a.ideaId === null ? undefined : idea(a.ideaId);
      row.push(from ? [link(`#${from.anchor}`, from.title || 'Untitled idea')] : []);
    }
    return row;
  });
  return { type: 'table', caption: 'Actions', head, rows, numeric: head.map(() => false), rowHeader: 0 };
}

export function rankingTable(round: BriefRound, caption: string, idOf: (cardId: string) => string | undefined): DocBlock {
  const item = round.lane === 'ideas' ? 'Idea' : 'Problem statement';
  const head = ['Rank', item, 'Votes', 'Votes by sector'];
  if (round.sectorWeighting) head.push('Score');
  const rows = round.ranking.map((entry: BriefRankEntry) => {
    const id = idOf(entry.cardId);
    const rank = rankText(entry);
    const row: Inline[][] = [
      text(rank.charAt(0).toUpperCase() + rank.slice(1)),
      id ? [link(`#${id}`, entry.title || 'Untitled')] : text(entry.title || 'Untitled'),
      text(String(entry.total)),
      text(entry.total > 0 ? sectorBreakdown(entry) : 'none'),
    ];
    if (round.sectorWeighting) row.push(text(String(entry.score)));
    return row;
  });
  return {
    type: 'table',
    caption,
    head,
    rows,
    numeric: head.map((h) => h === 'Votes' || h === 'Score'),
    rowHeader: 1,
  };
}

function noteBlocks(note: BriefNote, level: number, boardUrl: string | null): DocBlock[] {
  return [
    { type: 'heading', level: clampLevel(level), children: text(note.title || 'Untitled note') },
    { type: 'paragraph', role: 'meta', children: text(`By ${personText(note.author)}.`) },
    ...bodyBlocks(note.body, level, { id: note.id, url: cardUrl(boardUrl, note.id) }),
  ];
}

export function layoutBrief(brief: ChallengeBrief): BriefDocument {
  const blocks: DocBlock[] = [];
  const anchors = new Set<string>();
  const heading = (level: HeadingLevel, title: string, id?: string): void => {
    if (id) anchors.add(id);
    blocks.push({ type: 'heading', level, children: text(title), ...(id ? { id } : {}) });
  };
  const paragraphs = (t: string): void => {
    for (const p of paragraphsOf(t)) blocks.push({ type: 'paragraph', children: text(p) });
  };

  const ideaAnchor = new Map(brief.ideas.map((idea, i) => [idea.id, `idea-${i + 1}`]));
  const problemAnchor = new Map(brief.problems.map((p, i) => [p.id, `problem-${i + 1}`]));
  const ideaById = new Map(brief.ideas.map((idea) => [idea.id, idea]));
  const lead = brief.rounds.find((r) => r.round === brief.provenance.leadRound) ?? null;
  const p = brief.provenance;
  const boardUrl = p.boardUrl;

  // Title block
  heading(1, brief.title, 'top');
  const byline = [
    brief.sponsor ? `Prepared for ${brief.sponsor}.` : '',
    `Exported on ${dateText(p.exportedAt)}${p.savedVersion ? ` from the saved version “${p.savedVersion.name}”` : ''}.`,
  ]
    .filter(Boolean)
    .join(' ');
  blocks.push({ type: 'paragraph', role: 'meta', children: text(byline) });

  // Contents: filled in once the sections are known
  const contents: Extract<DocBlock, { type: 'contents' }> = {
    type: 'contents',
    title: SECTION_TITLES.contents,
    entries: [],
  };
  blocks.push(contents);
  const section = (id: string, title: string): void => {
    heading(2, title, id);
    contents.entries.push({ id, text: title });
  };

  section('challenge', SECTION_TITLES.challenge);
  if (brief.challenge.trim()) {
    for (const para of paragraphsOf(brief.challenge)) blocks.push({ type: 'paragraph', role: 'lead', children: text(para) });
  } else {
    blocks.push({ type: 'paragraph', children: text('No challenge statement was written on the board.') });
  }
  if (brief.sponsor) blocks.push({ type: 'facts', items: [{ label: 'Sponsor', value: text(brief.sponsor) }] });

  if (brief.summary) {
    section('summary', SECTION_TITLES.summary);
    paragraphs(brief.summary);
  }

  // What we propose: the ideas, ranked
  section('what-we-propose', SECTION_TITLES.propose);
  if (brief.ideas.length === 0) {
    blocks.push({ type: 'paragraph', children: text('No ideas were added to the board.') });
  } else if (lead) {
    const voted = lead.ranking.filter((e) => e.rank !== null).length;
    const unvoted = brief.ideas.length - voted;
    blocks.push({
      type: 'paragraph',
      children: text(
        `Ideas ranked by the votes in round ${lead.round}. ${roundDescription(lead)}` +
          (unvoted > 0 ? ` ${plural(unvoted, 'idea')} had no votes and ${unvoted === 1 ? 'is' : 'are'} listed last.` : ''),
      ),
    });
    blocks.push(rankingTable(lead, `Ideas ranked by votes in round ${lead.round}`, (id) => ideaAnchor.get(id)));
  } else {
    blocks.push({
      type: 'paragraph',
      children: text('No vote results are included, so the ideas are listed in board order, grouped by problem.'),
    });
  }
  for (const idea of brief.ideas) blocks.push(...ideaBlocks(idea));

  function ideaBlocks(idea: BriefIdea): DocBlock[] {
    const id = ideaAnchor.get(idea.id)!;
    anchors.add(id);
    const facts: Array<{ label: string; value: Inline[] }> = [];
    if (idea.votes && idea.votes.rank === null) {
      facts.push({ label: 'Votes', value: text(`None in round ${idea.votes.round}`) });
    } else if (idea.votes) {
      const rank = rankText(idea.votes);
      facts.push({ label: 'Rank', value: text(`${rank.charAt(0).toUpperCase()}${rank.slice(1)} in round ${idea.votes.round}`) });
      facts.push({ label: 'Votes', value: text(votesText(idea.votes)) });
      if (idea.votes.voters && idea.votes.voters.length > 0) {
        facts.push({ label: 'Voted for by', value: text(idea.votes.voters.join(', ')) });
      }
    }
    facts.push({ label: 'Proposed by', value: text(personText(idea.author)) });
    if (idea.coAuthors.length > 0) facts.push({ label: 'Co-authors', value: text(idea.coAuthors.map(personText).join('; ')) });
    if (idea.problemId !== null) {
      const target = problemAnchor.get(idea.problemId);
      const title = idea.problemTitle || 'Untitled problem';
      facts.push({ label: 'Answers', value: target ? [link(`#${target}`, title)] : text(title) });
    }
    if (idea.themeTitle !== null) facts.push({ label: 'Theme', value: text(idea.themeTitle || 'Untitled theme') });
    const out: DocBlock[] = [
      { type: 'heading', level: 3, id, children: text(idea.title || 'Untitled idea') },
      { type: 'facts', items: facts },
      ...bodyBlocks(idea.body, 3, { id: idea.id, url: cardUrl(boardUrl, idea.id) }),
    ];
    if (idea.notes.length > 0) {
      out.push({ type: 'heading', level: 4, children: text('Prototype notes') });
      for (const note of idea.notes) out.push(...noteBlocks(note, 5, boardUrl));
    }
    return out;
  }

  // Next steps: the text boards had before actions, as it was, then the actions
  if (brief.nextSteps || brief.actions.length > 0) {
    section('next-steps', SECTION_TITLES.nextSteps);
    paragraphs(brief.nextSteps);
    if (brief.actions.length > 0) {
      blocks.push(
        actionsTable(brief.actions, (ideaId) => {
          const anchor = ideaAnchor.get(ideaId);
          return anchor ? { anchor, title: ideaById.get(ideaId)!.title } : undefined;
        }),
      );
    }
  }

  // Voting rounds: how each was run; tables for the rounds not already shown above
  if (brief.rounds.length > 0) {
    section('voting-rounds', SECTION_TITLES.rounds);
    for (const round of brief.rounds) {
      heading(3, `Round ${round.round}: ${laneName(round.lane)}`);
      const when = `Opened ${dateTimeText(round.openedAt)}${round.closedAt !== null ? `, closed ${dateTimeText(round.closedAt)}` : ''}.`;
      blocks.push({ type: 'paragraph', children: text(`${when} ${roundDescription(round)}`) });
      if (round === lead) {
        blocks.push({
          type: 'paragraph',
          children: [{ text: 'The ranking in ' }, link('#what-we-propose', SECTION_TITLES.propose), { text: ' uses this round.' }],
        });
      } else if (round.resultsVisible) {
        const idOf = (cardId: string) => (round.lane === 'ideas' ? ideaAnchor.get(cardId) : problemAnchor.get(cardId));
        blocks.push(rankingTable(round, `Round ${round.round}: ${laneName(round.lane)} ranked by votes`, idOf));
      }
    }
  }

  if (brief.themes.length > 0) {
    section('themes', SECTION_TITLES.themes);
    blocks.push({
      type: 'paragraph',
      children: text('The team grouped ideas into themes. Each theme lists its ideas in ranked order.'),
    });
    const ideaList = (ids: string[]): DocBlock =>
      ids.length === 0
        ? { type: 'paragraph', children: text('No ideas in this theme.') }
        : {
            type: 'list',
            ordered: false,
            start: 1,
            items: ids.map((ideaId) => {
              const idea = ideaById.get(ideaId)!;
              const votes = !idea.votes ? '' : idea.votes.total === 0 ? ' (no votes)' : ` (${plural(idea.votes.total, 'vote')})`;
              return [{ type: 'paragraph', children: [link(`#${ideaAnchor.get(ideaId)}`, idea.title || 'Untitled idea'), { text: votes }] }];
            }),
          };
    for (const theme of brief.themes) {
      heading(3, theme.title || 'Untitled theme');
      blocks.push(ideaList(theme.ideaIds));
    }
    if (brief.unthemedIdeaIds.length > 0) {
      heading(3, 'Ideas not in a theme');
      blocks.push(ideaList(brief.unthemedIdeaIds));
    }
  }

  if (brief.problems.length > 0) {
    section('problems', SECTION_TITLES.problems);
    brief.problems.forEach((problem) => {
      const id = problemAnchor.get(problem.id)!;
      heading(3, problem.title || 'Untitled problem', id);
      blocks.push({
        type: 'facts',
        items: [
          { label: 'Written by', value: text(personText(problem.author)) },
          { label: 'Ideas', value: text(problem.ideaIds.length === 0 ? 'None yet' : plural(problem.ideaIds.length, 'idea')) },
        ],
      });
      blocks.push(...bodyBlocks(problem.body, 3, { id: problem.id, url: cardUrl(boardUrl, problem.id) }));
      if (problem.ideaIds.length > 0) {
        blocks.push({ type: 'paragraph', children: [bold('Ideas answering this problem')] });
        blocks.push({
          type: 'list',
          ordered: false,
          start: 1,
          items: problem.ideaIds.map((ideaId) => [
            { type: 'paragraph', children: [link(`#${ideaAnchor.get(ideaId)}`, ideaById.get(ideaId)!.title || 'Untitled idea')] },
          ]),
        });
      }
    });
  }

  if (brief.otherNotes.length > 0) {
    section('other-notes', SECTION_TITLES.otherNotes);
    blocks.push({ type: 'paragraph', children: text('Prototype notes that are not attached to an idea.') });
    for (const note of brief.otherNotes) blocks.push(...noteBlocks(note, 3, boardUrl));
  }

  // Who took part
  section('who-took-part', SECTION_TITLES.people);
  const c = brief.contributors;
  if (c.people === 0) {
    blocks.push({ type: 'paragraph', children: text('Nobody has written on this board yet.') });
  } else {
    blocks.push({
      type: 'paragraph',
      children: text(
        `${plural(c.people, 'person', 'people')} from ${plural(c.organisations, 'organisation')} wrote the cards on this board.` +
          (p.namesShown ? '' : ' The board does not show names, so people are counted but not named.'),
      ),
    });
    blocks.push({
      type: 'table',
      caption: 'Contributors by sector',
      head: ['Sector', 'People', 'Organisations', 'Cards written'],
      rows: c.sectors.map((s) => [
        text(sectorName(s.sector)),
        text(String(s.people)),
        text(String(s.organisations.filter((o) => o.name !== '').length)),
        text(String(s.cards)),
      ]),
      numeric: [false, true, true, true],
      rowHeader: 0,
    });
    for (const s of c.sectors) {
      heading(3, `${sectorName(s.sector)}: ${plural(s.people, 'person', 'people')}`);
      blocks.push({
        type: 'list',
        ordered: false,
        start: 1,
        items: s.organisations.map((o) => {
          const names = o.names && o.names.length > 0 ? ` (${o.names.join(', ')})` : '';
          return [
            {
              type: 'paragraph',
              children: [
                bold(organisationName(o.name)),
                { text: `: ${plural(o.people, 'person', 'people')}, ${plural(o.cards, 'card')}${names}` },
              ],
            },
          ];
        }),
      });
    }
  }

  // About this brief: provenance
  section('about', SECTION_TITLES.about);
  const included = p.rounds.length === 0 ? 'None' : p.rounds.map((r) => `round ${r}`).join(', ');
  blocks.push({
    type: 'facts',
    items: [
      { label: 'Board', value: text(p.boardId) },
      { label: 'Board version', value: [{ text: p.boardVersion, code: true }] },
      {
        label: 'Made from',
        value: text(p.savedVersion ? `Saved version “${p.savedVersion.name}” (${p.savedVersion.id})` : 'The live board'),
      },
      { label: 'Voting rounds included', value: text(included.charAt(0).toUpperCase() + included.slice(1)) },
      { label: 'Exported by', value: text(exportedByText(p.exportedBy)) },
      { label: 'Exported at', value: text(dateTimeText(p.exportedAt)) },
      { label: 'Names', value: text(p.namesShown ? 'Shown' : 'Withheld by the board’s setting') },
      { label: 'Brief format', value: text(`Crossboard challenge brief, schema version ${p.briefSchemaVersion}`) },
    ],
  });
  blocks.push({
    type: 'paragraph',
    role: 'meta',
    children: text(
      'The board version is a fingerprint of the board’s content at export: the same content always gives the same fingerprint, and any change gives a new one.',
    ),
  });

  return {
    title: brief.title,
    subject: brief.sponsor ? `Challenge brief for ${brief.sponsor}` : 'Challenge brief',
    lang: 'en-GB',
    blocks,
    anchors,
  };
}

/** "Amira Khan (facilitator)", or "Viewer" when the exporter gave no name (or names are withheld). */
function exportedByText(by: BriefProvenance['exportedBy']): string {
  const role = roleName(by.role);
  return by.name ? `${by.name} (${role})` : role.charAt(0).toUpperCase() + role.slice(1);
}

/** The plain text of inline runs. */
export function inlineText(inlines: readonly Inline[]): string {
  return inlines.map((i) => ('type' in i ? i.children.map((c) => c.text).join('') : i.text)).join('');
}
