/**
 * The challenge brief: what leaves the room. A pure function from a board document and its vote
 * results to a typed, plain `ChallengeBrief` that every renderer (Markdown, HTML, JSON, PDF, DOCX)
 * reads — renderers never look at Yjs.
 *
 * Choices a sponsor depends on:
 * - Ideas are ranked by the *lead round*: the latest round on the ideas lane whose results are
 *   visible. Ideas with no votes follow, in board order (by problem, then by their order).
 * - Equal score and total share a rank ("joint 1st"): the tally's card-id tie-break is arbitrary,
 *   so it must not read as a preference.
 * - A round whose results are still hidden (hide-until-reveal, not yet revealed) is listed
 *   without any counts, so an export mid-session cannot leak them.
 * - With `showNames` off, no person's name appears anywhere (authors, voters, contributors);
 *   organisations and sectors still do, because "which sectors backed it" is the point.
 * - In an anonymous round, sectors with too few voters are shown only together ("other sectors"),
 *   exactly as the server published them (shared/votes.ts, `tallyRound`), and the brief says why.
 * - Card bodies are here whole; the documents cut long ones (layout.ts), the data keeps them.
 * - An idea credits the people of the duplicates merged into it (`coAuthors`), withheld like authors.
 * - Next steps are actions, each with an owner, a due date and a status, written by facilitators;
 *   a board from before actions keeps its next steps as text, and the brief shows them as they were.
 */
import * as Y from 'yjs';
import { isTemplateAuthor, readBoard, type Author, type BoardSnapshot, type Idea } from '../board/index.ts';
import { SECTORS, cardBody, laneMap, type ActionStatus, type CardKind, type Sector, type Role } from '../schema.ts';
import type { Action } from '../board/index.ts';
import type { VoteLane, VoteRoundResult, VoteRoundStatus } from '../votes.ts';
import { readBody, type RichBlock } from '../richtext/readBody.ts';
import { boardVersion } from './version.ts';

export { boardVersion };

/**
 * Bump when the shape of `ChallengeBrief` changes incompatibly (documented in docs/brief-json.md).
 * 2: `bySector` may leave out sectors, whose dots are then in `otherSectors`.
 */
export const BRIEF_SCHEMA_VERSION = 2;

export type BriefSector = Sector | 'unknown';

/** Who wrote a card, as the brief shows it. */
export type BriefPerson = {
  /** null when the board withholds names */
  name: string | null;
  /** '' when not given */
  organisation: string;
  sector: BriefSector;
};

export type SectorVotes = { sector: Sector; votes: number };

export type BriefRankEntry = {
  cardId: string;
  title: string;
  /** competition rank among cards with votes (1, 1, 3, ...); null for a card with no votes */
  rank: number | null;
  /** true when another card has the same rank */
  tied: boolean;
  /** dots placed */
  total: number;
  /** equals total unless the round weighted sectors equally */
  score: number;
  /**
   * the sectors shown on their own, in the standard order, zeros included: all five unless the
   * round is anonymous and counted small sectors together
   */
  bySector: SectorVotes[];
  /** dots from the sectors left out of `bySector` (0 when none is) */
  otherSectors: number;
  /** names of voters, present only in a named round of a board that shows names */
  voters?: string[];
};

export type BriefRound = {
  round: number;
  lane: VoteLane;
  status: VoteRoundStatus;
  openedAt: number;
  closedAt: number | null;
  /** false while the results are hidden until reveal: then no counts are included at all */
  resultsVisible: boolean;
  votesPerPerson: number;
  maxPerCard: number;
  anonymous: boolean;
  sectorWeighting: boolean;
  /**
   * in an anonymous round, the fewest voters a sector needed to be shown on its own (smaller ones
   * are counted together as `otherSectors`, so that nobody's vote can be told); null otherwise
   */
  sectorMinVoters: number | null;
  /** people who placed at least one dot (0 when results are hidden) */
  voterCount: number;
  /** dots placed on cards still on the board */
  dotsCast: number;
  /** dots placed on cards deleted since */
  dotsOnRemovedCards: number;
  /** every card of the lane: those with votes by rank, then the rest in board order */
  ranking: BriefRankEntry[];
};

export type IdeaVotes = Omit<BriefRankEntry, 'cardId' | 'title'> & { round: number };

export type BriefNote = { id: string; title: string; author: BriefPerson; body: RichBlock[] };

export type BriefIdea = {
  id: string;
  title: string;
  author: BriefPerson;
  /** the authors of ideas merged into this one (and their co-authors), by name */
  coAuthors: BriefPerson[];
  body: RichBlock[];
  problemId: string | null;
  problemTitle: string | null;
  themeId: string | null;
  themeTitle: string | null;
  /** the idea's result in the lead round, null when there is none */
  votes: IdeaVotes | null;
  /** prototype notes on this idea, in board order */
  notes: BriefNote[];
};

export type BriefProblem = {
  id: string;
  title: string;
  author: BriefPerson;
  body: RichBlock[];
  /** ideas answering this problem, in brief order */
  ideaIds: string[];
};

export type BriefTheme = { id: string; title: string; ideaIds: string[] };

/** Who will do an action: a participant of the board (withheld like an author), or a name as typed. */
export type BriefActionOwner = ({ kind: 'participant' } & BriefPerson) | { kind: 'name'; name: string };

export type BriefAction = {
  id: string;
  title: string;
  /** null when nobody is named yet */
  owner: BriefActionOwner | null;
  /** a calendar date, 'YYYY-MM-DD'; null when there is none */
  due: string | null;
  status: ActionStatus;
  /** the idea it carries forward, when it names one still on the board */
  ideaId: string | null;
};

export type BriefOrganisation = {
  /** '' when not given */
  name: string;
  people: number;
  cards: number;
  /** present only when the board shows names */
  names?: string[];
};

export type BriefSectorGroup = {
  sector: BriefSector;
  people: number;
  cards: number;
  organisations: BriefOrganisation[];
};

export type BriefContributors = {
  /** distinct people who wrote at least one card or theme */
  people: number;
  /** distinct organisations named (not counting "not given") */
  organisations: number;
  /** standard sector order, then 'unknown'; sectors with nobody are left out */
  sectors: BriefSectorGroup[];
};

export type ExportRole = Role | 'cli';

export type BriefProvenance = {
  boardId: string;
  /** SHA-256 (hex) of the document state: its state vector and delete set */
  boardVersion: string;
  boardSchemaVersion: number;
  /**
   * the latest time the board records (ms): a card, theme or action added or edited, or the board
   * created. Read from the content, so the same board content always gives the same time: files
   * that carry a date of their own (the Word file) use it, so they do not change with the clock.
   */
  boardChangedAt: number;
  /**
   * the board's address, without any access token (opening it takes a link with one), when the
   * exporter knows it; the documents link a long card's "continued on the board" to its card there
   */
  boardUrl: string | null;
  /** the saved version the brief was made from, null for the live board */
  savedVersion: { id: string; name: string } | null;
  /** rounds whose results are included */
  rounds: number[];
  /** the round the ideas are ranked by */
  leadRound: number | null;
  exportedBy: { name: string; role: ExportRole };
  /** milliseconds since the epoch */
  exportedAt: number;
  namesShown: boolean;
  briefSchemaVersion: number;
};

export type ChallengeBrief = {
  schemaVersion: number;
  title: string;
  sponsor: string;
  challenge: string;
  /** written by the facilitator; '' when not written */
  summary: string;
  /** next steps as free text, as boards had them before actions; '' when not written */
  nextSteps: string;
  /** the next steps as actions, in the facilitator's order */
  actions: BriefAction[];
  problems: BriefProblem[];
  /** ranked by the lead round (voted first), then the rest in board order */
  ideas: BriefIdea[];
  /** prototype notes not attached to any idea */
  otherNotes: BriefNote[];
  themes: BriefTheme[];
  /** ideas in no theme, in brief order */
  unthemedIdeaIds: string[];
  /** every round given, in round order */
  rounds: BriefRound[];
  contributors: BriefContributors;
  provenance: BriefProvenance;
};

export type BuildBriefInput = {
  boardId: string;
  doc: Y.Doc;
  rounds: readonly VoteRoundResult[];
  /** the board's own summary and next steps (its meta) unless given */
  summary?: string;
  nextSteps?: string;
  showNames: boolean;
  exportedBy: { name: string; role: ExportRole };
  exportedAt: number;
  version?: { id: string; name: string };
  /** the board page's address without a token (`<origin>/b/<id>`), when known */
  boardUrl?: string;
};

// ---------------------------------------------------------------------------------------------

function person(author: Author, showNames: boolean): BriefPerson {
  return {
    name: showNames && author.participantId !== 'unknown' ? author.name : null,
    organisation: author.organisation,
    sector: author.sector,
  };
}

function briefAction(action: Action, showNames: boolean): BriefAction {
  const owner = action.owner;
  return {
    id: action.id,
    title: action.title,
    owner: !owner
      ? null
      : owner.kind === 'name'
        ? { kind: 'name', name: owner.name }
        : { kind: 'participant', ...person({ ...owner }, showNames) },
    due: action.due || null,
    status: action.status,
    ideaId: action.ideaId,
  };
}

function bodyOf(doc: Y.Doc, kind: CardKind, id: string): RichBlock[] {
  const record = laneMap(doc, kind).get(id);
  const body = record instanceof Y.Map ? cardBody(record) : undefined;
  return body ? readBody(body) : [];
}

/**
 * The latest time written on the board. Each peer stamps its own edits with its own clock, so
 * this is as good as their clocks, and whole milliseconds whatever a peer wrote.
 */
function lastChange(board: BoardSnapshot): number {
  let latest = board.meta.createdAt;
  // an action is part of the brief: changing one alone changes the brief, and so its date
  for (const card of [...board.problems, ...board.ideas, ...board.notes, ...board.actions]) latest = Math.max(latest, card.createdAt, card.updatedAt);
  for (const theme of board.themes) latest = Math.max(latest, theme.createdAt);
  return Math.floor(latest);
}

/** Ideas grouped by problem (in problem order), detached ones last; board order inside a group. */
function boardOrderOfIdeas(board: BoardSnapshot): Idea[] {
  const position = new Map(board.problems.map((p, i) => [p.id, i]));
  const groupOf = (idea: Idea) =>
    idea.problemId === null ? board.problems.length : (position.get(idea.problemId) ?? board.problems.length);
  // Array.prototype.sort is stable, so board order survives inside each group.
  return [...board.ideas].sort((a, b) => groupOf(a) - groupOf(b));
}

function sectorVotes(bySector: Partial<Record<Sector, number>>, shown: readonly Sector[]): SectorVotes[] {
  return SECTORS.filter((s) => shown.includes(s)).map((sector) => ({ sector, votes: bySector[sector] ?? 0 }));
}

function resultsVisible(round: VoteRoundResult): boolean {
  return round.status === 'revealed' || !round.config.hideUntilReveal;
}

function buildRound(
  round: VoteRoundResult,
  cards: ReadonlyArray<{ id: string; title: string }>,
  showNames: boolean,
): BriefRound {
  const visible = resultsVisible(round);
  const base = {
    round: round.round,
    lane: round.config.lane,
    status: round.status,
    openedAt: round.openedAt,
    closedAt: round.closedAt,
    resultsVisible: visible,
    votesPerPerson: round.config.votesPerPerson,
    maxPerCard: round.config.maxPerCard,
    anonymous: round.config.anonymous,
    sectorWeighting: round.config.sectorWeighting,
    sectorMinVoters: visible && round.sectorPrivacy ? round.sectorPrivacy.minVoters : null,
  };
  if (!visible) {
    return { ...base, voterCount: 0, dotsCast: 0, dotsOnRemovedCards: 0, ranking: [] };
  }
  const titles = new Map(cards.map((c) => [c.id, c.title]));
  const shown = round.sectorPrivacy?.sectorsShown ?? SECTORS;
  const withNames = showNames && !round.config.anonymous;
  const tallies = [...round.tallies]
    .filter((t) => t.total > 0)
    .sort((a, b) => b.score - a.score || b.total - a.total || (a.cardId < b.cardId ? -1 : 1));
  const present = tallies.filter((t) => titles.has(t.cardId));
  const ranked: BriefRankEntry[] = [];
  present.forEach((t, i) => {
    const prev = present[i - 1];
    const sameAsPrev = prev !== undefined && prev.score === t.score && prev.total === t.total;
    const rank = sameAsPrev ? ranked[i - 1]!.rank : i + 1;
    ranked.push({
      cardId: t.cardId,
      title: titles.get(t.cardId)!,
      rank,
      tied: false,
      total: t.total,
      score: t.score,
      bySector: sectorVotes(t.bySector, shown),
      otherSectors: t.otherSectors ?? 0,
      ...(withNames && t.voters ? { voters: [...t.voters] } : {}),
    });
  });
  for (const entry of ranked) {
    entry.tied = ranked.some((other) => other !== entry && other.rank === entry.rank);
  }
  const voted = new Set(present.map((t) => t.cardId));
  const unvoted: BriefRankEntry[] = cards
    .filter((c) => !voted.has(c.id))
    .map((c) => ({
      cardId: c.id,
      title: c.title,
      rank: null,
      tied: false,
      total: 0,
      score: 0,
      bySector: sectorVotes({}, shown),
      otherSectors: 0,
    }));
  const count = (ts: typeof tallies) => ts.reduce((n, t) => n + t.total, 0);
  return {
    ...base,
    voterCount: round.voterCount,
    dotsCast: count(present),
    dotsOnRemovedCards: count(tallies) - count(present),
    ranking: [...ranked, ...unvoted],
  };
}

function buildContributors(board: BoardSnapshot, showNames: boolean): BriefContributors {
  type Org = { name: string; people: Set<string>; cards: number; names: Set<string> };
  const sectors = new Map<BriefSector, { people: Set<string>; cards: number; orgs: Map<string, Org> }>();
  const everyone = new Set<string>();
  const authors: Author[] = [
    ...board.problems.map((c) => c.author),
    ...board.ideas.map((c) => c.author),
    // each co-author wrote a duplicate that was merged into the idea: they took part too
    ...board.ideas.flatMap((c) => c.coAuthors),
    ...board.notes.map((c) => c.author),
    ...board.themes.map((t) => t.author),
  ];
  for (const author of authors) {
    // a template's starter card was written by nobody in the room
    if (isTemplateAuthor(author)) continue;
    // Repaired records carry no real identity: count each as its own unnamed person.
    const key = author.participantId === 'unknown' ? `unknown:${everyone.size}` : author.participantId;
    everyone.add(key);
    let sector = sectors.get(author.sector);
    if (!sector) sectors.set(author.sector, (sector = { people: new Set(), cards: 0, orgs: new Map() }));
    sector.people.add(key);
    sector.cards += 1;
    let org = sector.orgs.get(author.organisation);
    if (!org) {
      org = { name: author.organisation, people: new Set(), cards: 0, names: new Set() };
      sector.orgs.set(author.organisation, org);
    }
    org.people.add(key);
    org.cards += 1;
    if (author.participantId !== 'unknown') org.names.add(author.name);
  }
  const order: BriefSector[] = [...SECTORS, 'unknown'];
  const orgNames = new Set<string>();
  const groups: BriefSectorGroup[] = [];
  for (const s of order) {
    const sector = sectors.get(s);
    if (!sector) continue;
    const organisations = [...sector.orgs.values()]
      .map((o): BriefOrganisation => {
        if (o.name) orgNames.add(o.name);
        return {
          name: o.name,
          people: o.people.size,
          cards: o.cards,
          ...(showNames ? { names: [...o.names].sort((a, b) => a.localeCompare(b, 'en-GB')) } : {}),
        };
      })
      // most people first; "not given" last; then by name
      .sort(
        (a, b) =>
          b.people - a.people ||
          Number(a.name === '') - Number(b.name === '') ||
          a.name.localeCompare(b.name, 'en-GB'),
      );
    groups.push({ sector: s, people: sector.people.size, cards: sector.cards, organisations });
  }
  return { people: everyone.size, organisations: orgNames.size, sectors: groups };
}

/** Builds the brief. Pure: reads the document, changes nothing, no clock, no randomness. */
export function buildBrief(input: BuildBriefInput): ChallengeBrief {
  const { doc, showNames } = input;
  const board = readBoard(doc);
  const problemTitle = new Map(board.problems.map((p) => [p.id, p.title]));
  const themeTitle = new Map(board.themes.map((t) => [t.id, t.title]));

  const ideasInBoardOrder = boardOrderOfIdeas(board);
  const rounds = [...input.rounds]
    .sort((a, b) => a.round - b.round)
    .map((r) => buildRound(r, r.config.lane === 'ideas' ? ideasInBoardOrder : board.problems, showNames));

  const lead = [...rounds].reverse().find((r) => r.lane === 'ideas' && r.resultsVisible) ?? null;
  const leadEntries = new Map((lead?.ranking ?? []).map((e) => [e.cardId, e]));
  const orderedIdeas = lead
    ? lead.ranking.map((e) => ideasInBoardOrder.find((i) => i.id === e.cardId)!)
    : ideasInBoardOrder;

  const notesByIdea = new Map<string, BriefNote[]>();
  const otherNotes: BriefNote[] = [];
  for (const note of board.notes) {
    const brief: BriefNote = {
      id: note.id,
      title: note.title,
      author: person(note.author, showNames),
      body: bodyOf(doc, 'note', note.id),
    };
    if (note.ideaId === null) otherNotes.push(brief);
    else notesByIdea.set(note.ideaId, [...(notesByIdea.get(note.ideaId) ?? []), brief]);
  }

  const ideas: BriefIdea[] = orderedIdeas.map((idea) => {
    const entry = leadEntries.get(idea.id);
    let votes: IdeaVotes | null = null;
    if (lead && entry) {
      const { cardId: _id, title: _title, ...rest } = entry;
      votes = { round: lead.round, ...rest };
    }
    return {
      id: idea.id,
      title: idea.title,
      author: person(idea.author, showNames),
      coAuthors: idea.coAuthors.filter((a) => !isTemplateAuthor(a)).map((a) => person(a, showNames)),
      body: bodyOf(doc, 'idea', idea.id),
      problemId: idea.problemId,
      problemTitle: idea.problemId === null ? null : (problemTitle.get(idea.problemId) ?? null),
      themeId: idea.themeId,
      themeTitle: idea.themeId === null ? null : (themeTitle.get(idea.themeId) ?? null),
      votes,
      notes: notesByIdea.get(idea.id) ?? [],
    };
  });

  const problems: BriefProblem[] = board.problems.map((p) => ({
    id: p.id,
    title: p.title,
    author: person(p.author, showNames),
    body: bodyOf(doc, 'problem', p.id),
    ideaIds: ideas.filter((i) => i.problemId === p.id).map((i) => i.id),
  }));

  const themes: BriefTheme[] = board.themes.map((t) => ({
    id: t.id,
    title: t.title,
    ideaIds: ideas.filter((i) => i.themeId === t.id).map((i) => i.id),
  }));

  return {
    schemaVersion: BRIEF_SCHEMA_VERSION,
    title: board.meta.title,
    sponsor: board.meta.sponsor,
    challenge: board.meta.challenge,
    summary: (input.summary ?? board.meta.summary).trim(),
    nextSteps: (input.nextSteps ?? board.meta.nextSteps).trim(),
    actions: board.actions.map((a) => briefAction(a, showNames)),
    problems,
    ideas,
    otherNotes,
    themes,
    unthemedIdeaIds: ideas.filter((i) => i.themeId === null).map((i) => i.id),
    rounds,
    contributors: buildContributors(board, showNames),
    provenance: {
      boardId: input.boardId,
      boardVersion: boardVersion(doc),
      boardSchemaVersion: board.meta.schemaVersion,
      boardChangedAt: lastChange(board),
      boardUrl: input.boardUrl ?? null,
      savedVersion: input.version ? { id: input.version.id, name: input.version.name } : null,
      rounds: rounds.filter((r) => r.resultsVisible).map((r) => r.round),
      leadRound: lead?.round ?? null,
      exportedBy: { name: input.exportedBy.name, role: input.exportedBy.role },
      exportedAt: input.exportedAt,
      namesShown: showNames,
      briefSchemaVersion: BRIEF_SCHEMA_VERSION,
    },
  };
}
