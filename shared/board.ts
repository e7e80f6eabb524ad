/**
 * The board model: typed snapshots read from a board's Y.Doc, and the named write functions that
 * change it. Every write runs in one `doc.transact` with a typed origin, so undo, persistence and
 * the UI can tell whose change it was.
 *
 * What deleting does to children (chosen so that no one's work disappears as a side effect):
 * - deleting a problem keeps its ideas, detached (`problemId: null`, shown as "Not linked to a problem");
 * - deleting an idea keeps its prototype notes, detached (`ideaId: null`);
 * - deleting a theme keeps its ideas, out of any theme (`themeId: null`).
 * A concurrent edit can leave the same dangling links (an idea added to a problem someone else
 * deleted), and `readBoard` repairs those the same way, so both paths look alike.
 */
import * as Y from 'yjs';
import {
  CARD,
  CARD_KINDS,
  LIMITS,
  META,
  SCHEMA_VERSION,
  SECTORS,
  TEMPLATES,
  boardMaps,
  cardBody,
  createBody,
  createTextParagraph,
  findCard,
  laneMap,
  type CardKind,
  type Sector,
  type Template,
} from './schema.ts';
import { keyAfter, keyBetween, isOrderKey } from './order.ts';
import { textEdit } from './textEdit.ts';
import { SERVER_ORIGIN, type BoardOrigin } from './origins.ts';

export type Author = {
  participantId: string;
  name: string;
  organisation: string;
  /** 'unknown' only when a malformed record had to be repaired on read */
  sector: Sector | 'unknown';
};

type CardBase = {
  id: string;
  title: string;
  author: Author;
  createdAt: number;
  updatedAt: number;
  order: string;
};
export type Problem = CardBase & { kind: 'problem' };
export type Idea = CardBase & {
  kind: 'idea';
  problemId: string | null;
  themeId: string | null;
  /** credited beside the author (authors of merged duplicates): valid, unique, never the author */
  coAuthors: Author[];
};
export type Note = CardBase & { kind: 'note'; ideaId: string | null };
export type Card = Problem | Idea | Note;
export type Theme = {
  id: string;
  title: string;
  order: string;
  createdAt: number;
  author: Author;
};

export type BoardMeta = {
  title: string;
  challenge: string;
  sponsor: string;
  template: Template;
  schemaVersion: number;
  createdAt: number;
  /** the facilitator's summary and next steps, for the brief (plain text, paragraphs by blank lines) */
  summary: string;
  nextSteps: string;
};

export type BoardSnapshot = {
  meta: BoardMeta;
  /** each lane sorted by order key, ties broken by id so every peer sees the same order */
  problems: Problem[];
  ideas: Idea[];
  notes: Note[];
  themes: Theme[];
};

// ---------------------------------------------------------------------------------------------
// Reading

const UNKNOWN_AUTHOR: Author = {
  participantId: 'unknown',
  name: 'Unknown participant',
  organisation: '',
  sector: 'unknown',
};

function str(value: unknown, max = Infinity): string | undefined {
  return typeof value === 'string' ? value.slice(0, max) : undefined;
}

function time(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

function readText(value: unknown, max: number): string {
  if (value instanceof Y.Text) return value.toString().slice(0, max);
  return str(value, max) ?? '';
}

export function readAuthor(value: unknown): Author {
  if (typeof value !== 'object' || value === null) return UNKNOWN_AUTHOR;
  const raw = value as Record<string, unknown>;
  const sector = SECTORS.find((s) => s === raw.sector) ?? 'unknown';
  return {
    participantId: str(raw.participantId, 100) || UNKNOWN_AUTHOR.participantId,
    name: str(raw.name, LIMITS.name)?.trim() || UNKNOWN_AUTHOR.name,
    organisation: str(raw.organisation, LIMITS.organisation)?.trim() ?? '',
    sector,
  };
}

const MAX_CO_AUTHORS = 50;

/**
 * An idea's co-authors: each validated like an author, unique by participantId, without the
 * author, in a stable order (peers may iterate a Y.Map differently). Accepts a plain array too:
 * a peer may have written one.
 */
function readCoAuthors(value: unknown, author: Author): Author[] {
  const raw: unknown[] = value instanceof Y.Map ? [...value.values()] : Array.isArray(value) ? value : [];
  const seen = new Set([author.participantId, UNKNOWN_AUTHOR.participantId]);
  const out: Author[] = [];
  for (const item of raw) {
    const co = readAuthor(item);
    if (seen.has(co.participantId)) continue;
    seen.add(co.participantId);
    out.push(co);
  }
  out.sort((a, b) => (a.name !== b.name ? (a.name < b.name ? -1 : 1) : a.participantId < b.participantId ? -1 : 1));
  return out.slice(0, MAX_CO_AUTHORS);
}

function readBase(key: string, record: Y.Map<unknown>): CardBase {
  const order = record.get(CARD.order);
  return {
    id: key,
    title: readText(record.get(CARD.title), LIMITS.title),
    author: readAuthor(record.get(CARD.author)),
    createdAt: time(record.get(CARD.createdAt)),
    updatedAt: time(record.get(CARD.updatedAt)),
    order: isOrderKey(order) ? order : '',
  };
}

function byOrder(a: { order: string; id: string }, b: { order: string; id: string }): number {
  if (a.order !== b.order) return a.order < b.order ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function records(map: Y.Map<unknown>): Array<[string, Y.Map<unknown>]> {
  const out: Array<[string, Y.Map<unknown>]> = [];
  map.forEach((value, key) => {
    if (value instanceof Y.Map) out.push([key, value]);
  });
  return out;
}

export function readMeta(doc: Y.Doc): BoardMeta {
  const meta = boardMaps(doc).meta;
  const template = TEMPLATES.find((t) => t === meta.get(META.template)) ?? 'open';
  const version = meta.get(META.schemaVersion);
  return {
    title: str(meta.get(META.title), LIMITS.metaTitle) || 'Untitled board',
    challenge: str(meta.get(META.challenge), LIMITS.challenge) ?? '',
    sponsor: str(meta.get(META.sponsor), LIMITS.sponsor) ?? '',
    template,
    schemaVersion: typeof version === 'number' ? version : SCHEMA_VERSION,
    createdAt: time(meta.get(META.createdAt)),
    summary: readText(meta.get(META.summary), LIMITS.summary),
    nextSteps: readText(meta.get(META.nextSteps), LIMITS.summary),
  };
}

/**
 * A validated plain snapshot of the board. Records that are not maps are skipped; fields of the
 * wrong type are repaired to safe defaults; links to cards that do not exist become null.
 * Never throws on document content.
 */
export function readBoard(doc: Y.Doc): BoardSnapshot {
  const maps = boardMaps(doc);
  const problems: Problem[] = records(maps.problems).map(([key, r]) => ({
    ...readBase(key, r),
    kind: 'problem',
  }));
  const themes: Theme[] = records(maps.themes).map(([key, r]) => {
    const base = readBase(key, r);
    return {
      id: base.id,
      title: base.title,
      order: base.order,
      createdAt: base.createdAt,
      author: base.author,
    };
  });
  const problemIds = new Set(problems.map((p) => p.id));
  const themeIds = new Set(themes.map((t) => t.id));
  const ideas: Idea[] = records(maps.ideas).map(([key, r]) => {
    const problemId = str(r.get(CARD.problemId));
    const themeId = str(r.get(CARD.themeId));
    const base = readBase(key, r);
    return {
      ...base,
      kind: 'idea',
      problemId: problemId !== undefined && problemIds.has(problemId) ? problemId : null,
      themeId: themeId !== undefined && themeIds.has(themeId) ? themeId : null,
      coAuthors: readCoAuthors(r.get(CARD.coAuthors), base.author),
    };
  });
  const ideaIds = new Set(ideas.map((i) => i.id));
  const notes: Note[] = records(maps.notes).map(([key, r]) => {
    const ideaId = str(r.get(CARD.ideaId));
    return {
      ...readBase(key, r),
      kind: 'note',
      ideaId: ideaId !== undefined && ideaIds.has(ideaId) ? ideaId : null,
    };
  });
  problems.sort(byOrder);
  ideas.sort(byOrder);
  notes.sort(byOrder);
  themes.sort(byOrder);
  return { meta: readMeta(doc), problems, ideas, notes, themes };
}

// ---------------------------------------------------------------------------------------------
// Writing

export class BoardWriteError extends Error {
  override name = 'BoardWriteError';
}

/** 96 random bits, URL-safe. Uses getRandomValues, which (unlike randomUUID) works on plain http. */
export function newId(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_');
}

function cleanTitle(title: string): string {
  return title.replace(/\s+/g, ' ').trim().slice(0, LIMITS.title);
}

function cleanAuthor(author: Author): Author {
  if (!SECTORS.includes(author.sector as Sector)) {
    throw new BoardWriteError(`author.sector must be one of: ${SECTORS.join(', ')}`);
  }
  return readAuthor(author);
}

/** Writes the board's meta; used once when a board is created. */
export function initBoard(
  doc: Y.Doc,
  meta: { title: string; challenge?: string; sponsor?: string; template?: Template; createdAt?: number },
  origin: BoardOrigin = SERVER_ORIGIN,
): void {
  doc.transact(() => {
    const m = boardMaps(doc).meta;
    m.set(META.title, meta.title.trim().slice(0, LIMITS.metaTitle));
    m.set(META.challenge, (meta.challenge ?? '').trim().slice(0, LIMITS.challenge));
    m.set(META.sponsor, (meta.sponsor ?? '').trim().slice(0, LIMITS.sponsor));
    m.set(META.template, meta.template ?? 'open');
    m.set(META.schemaVersion, SCHEMA_VERSION);
    m.set(META.createdAt, meta.createdAt ?? Date.now());
    // Created up front, like card bodies: two peers creating them lazily would race and one
    // peer's text would be lost.
    m.set(META.summary, new Y.Text());
    m.set(META.nextSteps, new Y.Text());
  }, origin);
}

/**
 * Who wrote a template's starter cards: nobody in the room. Its sector is deliberately none of
 * SECTORS (it reads back as 'unknown'), so a brief can leave it out of "who took part" with
 * `isTemplateAuthor`.
 */
export const TEMPLATE_AUTHOR: Author = {
  participantId: 'crossboard-template',
  name: 'Crossboard template',
  organisation: '',
  sector: 'unknown',
};

export function isTemplateAuthor(author: Pick<Author, 'participantId'>): boolean {
  return author.participantId === TEMPLATE_AUTHOR.participantId;
}

/**
 * Puts a template's starter cards on a new board, in one transaction. `starter` comes from
 * shared/session.ts. Bodies are Markdown, written by `writeBody` (shared/richtext's
 * writeMarkdownToBody) so this module stays free of the editor; without it bodies stay empty.
 */
export function applyTemplate(
  doc: Y.Doc,
  starter: ReadonlyArray<{ kind: 'problem'; title: string; body: string }>,
  origin: BoardOrigin = SERVER_ORIGIN,
  writeBody?: (doc: Y.Doc, body: Y.XmlText, markdown: string, origin: BoardOrigin) => void,
): void {
  if (starter.length === 0) return;
  doc.transact(() => {
    for (const card of starter) {
      const id = newId();
      const order = placeAmong(siblingOrders(doc, card.kind, () => true), {});
      // not through addProblem: cleanAuthor accepts real sectors only
      const record = newCardRecord(id, card.title, TEMPLATE_AUTHOR, order, false);
      laneMap(doc, card.kind).set(id, record);
      const body = cardBody(record);
      if (writeBody && body && card.body) writeBody(doc, body, card.body, origin);
    }
  }, origin);
}

/** The rich-text body of a card by id (for writing Markdown into it), or undefined. */
export function cardBodyById(doc: Y.Doc, id: string): Y.XmlText | undefined {
  const found = findCard(doc, id);
  return found ? cardBody(found.record) : undefined;
}

export function updateMeta(
  doc: Y.Doc,
  patch: Partial<Pick<BoardMeta, 'title' | 'challenge' | 'sponsor'>>,
  origin: BoardOrigin,
): void {
  doc.transact(() => {
    const m = boardMaps(doc).meta;
    if (patch.title !== undefined) m.set(META.title, patch.title.trim().slice(0, LIMITS.metaTitle));
    if (patch.challenge !== undefined) m.set(META.challenge, patch.challenge.slice(0, LIMITS.challenge));
    if (patch.sponsor !== undefined) m.set(META.sponsor, patch.sponsor.trim().slice(0, LIMITS.sponsor));
  }, origin);
}

/** Order keys of the siblings a new or moved card is placed among, sorted. */
function siblingOrders(
  doc: Y.Doc,
  kind: CardKind,
  sameGroup: (record: Y.Map<unknown>) => boolean,
  excludeId?: string,
): Array<{ id: string; order: string }> {
  const out: Array<{ id: string; order: string }> = [];
  for (const [id, record] of records(laneMap(doc, kind))) {
    if (id === excludeId || !sameGroup(record)) continue;
    const order = record.get(CARD.order);
    out.push({ id, order: isOrderKey(order) ? order : '' });
  }
  return out.sort(byOrder);
}

/**
 * Where to put a card among its siblings: right before `beforeId`, right after `afterId`, or at
 * the end. Unknown neighbours fall back to the end rather than failing a user's move.
 */
function placeAmong(
  siblings: Array<{ id: string; order: string }>,
  position: { beforeId?: string | null; afterId?: string | null },
): string {
  const last = siblings.at(-1)?.order || null;
  if (position.beforeId) {
    const i = siblings.findIndex((s) => s.id === position.beforeId);
    if (i >= 0) return keyBetween(siblings[i - 1]?.order || null, siblings[i]!.order || null);
  }
  if (position.afterId) {
    const i = siblings.findIndex((s) => s.id === position.afterId);
    if (i >= 0) return keyBetween(siblings[i]!.order || null, siblings[i + 1]?.order || null);
  }
  return keyAfter(last);
}

function groupOf(kind: CardKind, record: Y.Map<unknown>): string | null {
  if (kind === 'idea') return str(record.get(CARD.problemId)) ?? null;
  if (kind === 'note') return str(record.get(CARD.ideaId)) ?? null;
  return null;
}

function newCardRecord(id: string, title: string, author: Author, order: string, checkAuthor = true): Y.Map<unknown> {
  const now = Date.now();
  const record = new Y.Map<unknown>();
  const titleText = new Y.Text();
  titleText.insert(0, cleanTitle(title));
  record.set(CARD.id, id);
  record.set(CARD.title, titleText);
  record.set(CARD.body, createBody());
  record.set(CARD.author, checkAuthor ? cleanAuthor(author) : { ...author });
  record.set(CARD.createdAt, now);
  record.set(CARD.updatedAt, now);
  record.set(CARD.order, order);
  return record;
}

export type Placement = { beforeId?: string | null; afterId?: string | null };

const authoringHooks = new WeakMap<Y.Doc, (author: Author) => void>();

/**
 * Calls `hook` before each card or theme is written into `doc` with its author. Seeding a board
 * of many people's cards through one document uses it to give each author a Yjs client of their
 * own, so each person's cards can be sent by a connection joined as them (the server credits a
 * card to whoever adds it: e2e/seed.ts). Returns the function that removes the hook.
 */
export function onAuthoring(doc: Y.Doc, hook: (author: Author) => void): () => void {
  authoringHooks.set(doc, hook);
  return () => authoringHooks.delete(doc);
}

export function addProblem(
  doc: Y.Doc,
  input: { title: string; author: Author; id?: string } & Placement,
  origin: BoardOrigin,
): string {
  authoringHooks.get(doc)?.(input.author);
  const id = input.id ?? newId();
  doc.transact(() => {
    const order = placeAmong(siblingOrders(doc, 'problem', () => true), input);
    laneMap(doc, 'problem').set(id, newCardRecord(id, input.title, input.author, order));
  }, origin);
  return id;
}

export function addIdea(
  doc: Y.Doc,
  input: { title: string; author: Author; problemId: string | null; themeId?: string | null; id?: string } & Placement,
  origin: BoardOrigin,
): string {
  authoringHooks.get(doc)?.(input.author);
  const id = input.id ?? newId();
  doc.transact(() => {
    const siblings = siblingOrders(doc, 'idea', (r) => groupOf('idea', r) === input.problemId);
    const record = newCardRecord(id, input.title, input.author, placeAmong(siblings, input));
    record.set(CARD.problemId, input.problemId);
    record.set(CARD.themeId, input.themeId ?? null);
    // Created up front, like the body: two peers creating it lazily would race and lose a credit.
    record.set(CARD.coAuthors, new Y.Map<unknown>());
    laneMap(doc, 'idea').set(id, record);
  }, origin);
  return id;
}

export function addNote(
  doc: Y.Doc,
  input: { title: string; author: Author; ideaId: string | null; id?: string } & Placement,
  origin: BoardOrigin,
): string {
  authoringHooks.get(doc)?.(input.author);
  const id = input.id ?? newId();
  doc.transact(() => {
    const siblings = siblingOrders(doc, 'note', (r) => groupOf('note', r) === input.ideaId);
    const record = newCardRecord(id, input.title, input.author, placeAmong(siblings, input));
    record.set(CARD.ideaId, input.ideaId);
    laneMap(doc, 'note').set(id, record);
  }, origin);
  return id;
}

/** Adds a theme; `ideaIds` are grouped into it in the same transaction (one undo step). */
export function addTheme(
  doc: Y.Doc,
  input: { title: string; author: Author; id?: string; ideaIds?: readonly string[] },
  origin: BoardOrigin,
): string {
  authoringHooks.get(doc)?.(input.author);
  const id = input.id ?? newId();
  const ideas = (input.ideaIds ?? []).map((ideaId) => requireRecord(doc, ideaId, 'idea'));
  doc.transact(() => {
    const themes = boardMaps(doc).themes;
    const siblings = records(themes).map(([tid, r]) => {
      const order = r.get(CARD.order);
      return { id: tid, order: isOrderKey(order) ? order : '' };
    });
    const record = new Y.Map<unknown>();
    const title = new Y.Text();
    title.insert(0, cleanTitle(input.title));
    record.set(CARD.id, id);
    record.set(CARD.title, title);
    record.set(CARD.author, cleanAuthor(input.author));
    record.set(CARD.createdAt, Date.now());
    record.set(CARD.order, keyAfter(siblings.sort(byOrder).at(-1)?.order || null));
    themes.set(id, record);
    for (const idea of ideas) idea.set(CARD.themeId, id);
  }, origin);
  return id;
}

function requireRecord(doc: Y.Doc, id: string, kind?: CardKind): Y.Map<unknown> {
  const found = findCard(doc, id);
  if (!found || (kind && found.kind !== kind)) {
    throw new BoardWriteError(`no ${kind ?? 'card'} with id ${id}`);
  }
  return found.record;
}

/** A card's or theme's record by id, whatever the lane; undefined if there is none. */
export function findRecord(doc: Y.Doc, id: string): Y.Map<unknown> | undefined {
  const record = findCard(doc, id)?.record ?? boardMaps(doc).themes.get(id);
  return record instanceof Y.Map ? record : undefined;
}

/** Everyone a card or theme credits, as the document has them: its author, then its co-authors. */
export function recordCredits(record: Y.Map<unknown>): Author[] {
  const author = readAuthor(record.get(CARD.author));
  return [author, ...readCoAuthors(record.get(CARD.coAuthors), author)];
}

/** Whether an idea's co-authors are a map already (so a new one would replace what it holds). */
export function hasCoAuthorMap(record: Y.Map<unknown>): boolean {
  return record.get(CARD.coAuthors) instanceof Y.Map;
}

export function sameAuthor(a: Author, b: Author): boolean {
  return a.participantId === b.participantId && a.name === b.name && a.organisation === b.organisation && a.sector === b.sector;
}

/** Credits a card or theme to `author`: the server's correction when a client claimed someone else. */
export function setAuthor(doc: Y.Doc, id: string, author: Author, origin: BoardOrigin = SERVER_ORIGIN): void {
  const record = findRecord(doc, id);
  if (!record) return;
  doc.transact(() => {
    if (!sameAuthor(readAuthor(record.get(CARD.author)), readAuthor(author))) record.set(CARD.author, readAuthor(author));
  }, origin);
}

/**
 * Replaces a card's (or theme's) title with the smallest edit: common prefix and suffix are kept,
 * so two people fixing different words of one title at once both keep their change. `caret`, the
 * caret after the edit in the field it came from, places the edit where it was typed when the
 * title repeats letters around it (see textEdit).
 */
export function updateCardTitle(doc: Y.Doc, id: string, title: string, origin: BoardOrigin, caret?: number): void {
  const record = titleRecord(doc, id);
  if (!record) throw new BoardWriteError(`no card or theme with id ${id}`);
  const next = title.slice(0, LIMITS.title);
  doc.transact(() => {
    let text = record.get(CARD.title);
    if (!(text instanceof Y.Text)) {
      text = new Y.Text();
      record.set(CARD.title, text);
    }
    replaceText(text as Y.Text, next, caret);
    if (record.has(CARD.updatedAt)) record.set(CARD.updatedAt, Date.now());
  }, origin);
}

/**
 * The live Y.Text of a card's (or theme's) title, for a field that follows it character by
 * character (carets kept with relative positions), or null when there is none (yet).
 */
export function cardTitleText(doc: Y.Doc, id: string): Y.Text | null {
  const text = titleRecord(doc, id)?.get(CARD.title);
  return text instanceof Y.Text ? text : null;
}

function titleRecord(doc: Y.Doc, id: string): Y.Map<unknown> | null {
  const record = findCard(doc, id)?.record ?? boardMaps(doc).themes.get(id);
  return record instanceof Y.Map ? record : null;
}

/**
 * Turns `text` into `next` with the smallest edit: the common prefix and suffix are kept, so two
 * people changing different words at once both keep their change.
 */
function replaceText(text: Y.Text, next: string, caret?: number): void {
  const edit = textEdit(text.toString(), next, caret);
  if (!edit) return;
  if (edit.remove > 0) text.delete(edit.index, edit.remove);
  if (edit.insert) text.insert(edit.index, edit.insert);
}

/** Edits the brief's summary or next steps (collaboratively, like a title). */
export function updateBriefText(doc: Y.Doc, field: 'summary' | 'nextSteps', value: string, origin: BoardOrigin): void {
  doc.transact(() => {
    const meta = boardMaps(doc).meta;
    let text = meta.get(META[field]);
    if (!(text instanceof Y.Text)) {
      text = new Y.Text();
      meta.set(META[field], text);
    }
    replaceText(text as Y.Text, value.slice(0, LIMITS.summary));
  }, origin);
}

/** Marks a card as changed now (called when its body is edited). */
export function touchCard(doc: Y.Doc, id: string, origin: BoardOrigin): void {
  const record = findCard(doc, id)?.record;
  if (!record) return;
  doc.transact(() => record.set(CARD.updatedAt, Date.now()), origin);
}

/** Moves a card within its own group (problems: the lane; ideas: their problem; notes: their idea). */
export function reorderCard(doc: Y.Doc, id: string, placement: Placement, origin: BoardOrigin): void {
  const found = findCard(doc, id);
  if (!found) throw new BoardWriteError(`no card with id ${id}`);
  const group = groupOf(found.kind, found.record);
  doc.transact(() => {
    const siblings = siblingOrders(doc, found.kind, (r) => groupOf(found.kind, r) === group, id);
    found.record.set(CARD.order, placeAmong(siblings, placement));
  }, origin);
}

/** Moves an idea to another problem (or detaches it with null), optionally into a theme. */
export function moveIdea(
  doc: Y.Doc,
  ideaId: string,
  target: { problemId: string | null; themeId?: string | null } & Placement,
  origin: BoardOrigin,
): void {
  const record = requireRecord(doc, ideaId, 'idea');
  if (target.problemId !== null) requireRecord(doc, target.problemId, 'problem');
  if (target.themeId && !boardMaps(doc).themes.has(target.themeId)) {
    throw new BoardWriteError(`no theme with id ${target.themeId}`);
  }
  doc.transact(() => {
    const siblings = siblingOrders(doc, 'idea', (r) => groupOf('idea', r) === target.problemId, ideaId);
    record.set(CARD.problemId, target.problemId);
    if (target.themeId !== undefined) record.set(CARD.themeId, target.themeId);
    record.set(CARD.order, placeAmong(siblings, target));
  }, origin);
}

/** Moves a prototype note to another idea (or detaches it with null). */
export function moveNote(
  doc: Y.Doc,
  noteId: string,
  target: { ideaId: string | null } & Placement,
  origin: BoardOrigin,
): void {
  const record = requireRecord(doc, noteId, 'note');
  if (target.ideaId !== null) requireRecord(doc, target.ideaId, 'idea');
  doc.transact(() => {
    const siblings = siblingOrders(doc, 'note', (r) => groupOf('note', r) === target.ideaId, noteId);
    record.set(CARD.ideaId, target.ideaId);
    record.set(CARD.order, placeAmong(siblings, target));
  }, origin);
}

/** Puts an idea into a theme, or out of any theme with null. */
export function setIdeaTheme(doc: Y.Doc, ideaId: string, themeId: string | null, origin: BoardOrigin): void {
  const record = requireRecord(doc, ideaId, 'idea');
  if (themeId !== null && !boardMaps(doc).themes.has(themeId)) {
    throw new BoardWriteError(`no theme with id ${themeId}`);
  }
  doc.transact(() => record.set(CARD.themeId, themeId), origin);
}

/**
 * Merges a duplicate idea into another, in one transaction (so one undo restores both):
 * - the kept idea credits the merged idea's author and co-authors as co-authors;
 * - its body gains a paragraph "Merged from: <title>" and then the merged idea's blocks, copied
 *   as Yjs structure (what Lexical wrote, so formatting, lists and links survive as they were);
 * - the merged idea's prototype notes move to the kept idea, after its own;
 * - the merged idea is deleted.
 * The kept idea keeps its own problem, theme and title. Edits that peers make to the merged idea
 * while the merge travels land in a deleted record and are dropped, exactly as for a delete;
 * a note added to it concurrently is kept, detached (see `readBoard`).
 */
export function mergeIdeas(
  doc: Y.Doc,
  ids: { keepId: string; mergeId: string },
  origin: BoardOrigin,
): void {
  if (ids.keepId === ids.mergeId) throw new BoardWriteError('cannot merge an idea into itself');
  const keep = requireRecord(doc, ids.keepId, 'idea');
  const merged = requireRecord(doc, ids.mergeId, 'idea');
  const maps = boardMaps(doc);
  doc.transact(() => {
    const author = readAuthor(keep.get(CARD.author));
    const mergedAuthor = readAuthor(merged.get(CARD.author));
    const credits = [mergedAuthor, ...readCoAuthors(merged.get(CARD.coAuthors), mergedAuthor)];
    let coAuthors = keep.get(CARD.coAuthors);
    if (!(coAuthors instanceof Y.Map)) {
      // An idea from before co-authors existed, or a peer wrote junk: start a map, keep what was valid.
      const existing = readCoAuthors(coAuthors, author);
      coAuthors = new Y.Map<unknown>();
      keep.set(CARD.coAuthors, coAuthors);
      credits.push(...existing);
    }
    const map = coAuthors as Y.Map<unknown>;
    for (const credit of credits) {
      const id = credit.participantId;
      if (id === author.participantId || id === UNKNOWN_AUTHOR.participantId || isTemplateAuthor(credit) || map.has(id)) continue;
      map.set(id, { ...credit });
    }

    let body = cardBody(keep);
    if (!body) {
      body = createBody();
      keep.set(CARD.body, body);
    }
    appendMergedBody(body, cardBody(merged), readText(merged.get(CARD.title), LIMITS.title).trim() || 'Untitled idea');

    let last = siblingOrders(doc, 'note', (r) => groupOf('note', r) === ids.keepId).at(-1)?.order || null;
    for (const { id } of siblingOrders(doc, 'note', (r) => groupOf('note', r) === ids.mergeId)) {
      const note = maps.notes.get(id) as Y.Map<unknown>;
      last = keyAfter(last);
      note.set(CARD.ideaId, ids.keepId);
      note.set(CARD.order, last);
    }
    keep.set(CARD.updatedAt, Date.now());
    maps.ideas.delete(ids.mergeId);
  }, origin);
}

/**
 * Adds "Merged from: <title>" and copies of the source body's blocks to `target`, after its last
 * block with text in it: trailing empty paragraphs (a card nobody wrote in, or where someone's
 * caret waits on a new line) stay last, untouched, in case someone is typing in them.
 */
function appendMergedBody(target: Y.XmlText, source: Y.XmlText | undefined, title: string): void {
  const blocks = source ? bodyBlocks(source) : [];
  const copies = [createTextParagraph(`Merged from: ${title}`)];
  if (blocks.some((b) => !isEmptyBlock(b))) {
    for (const block of blocks) copies.push(copySharedType(block) as Y.XmlText);
  }
  let at = 0;
  let position = 0;
  for (const op of target.toDelta() as Array<{ insert?: unknown }>) {
    position += typeof op.insert === 'string' ? op.insert.length : 1;
    if (!(op.insert instanceof Y.XmlText) || !isEmptyBlock(op.insert)) at = position;
  }
  for (const copy of copies) target.insertEmbed(at++, copy);
}

/** The top-level blocks of a body (paragraphs, headings, lists, quotes): its embedded XmlTexts. */
function bodyBlocks(body: Y.XmlText): Y.XmlText[] {
  const out: Y.XmlText[] = [];
  for (const op of body.toDelta() as Array<{ insert?: unknown }>) {
    if (op.insert instanceof Y.XmlText) out.push(op.insert);
  }
  return out;
}

/** A block with no text anywhere in it (text lives in string runs; nested blocks are embeds). */
function isEmptyBlock(block: Y.XmlText): boolean {
  for (const op of block.toDelta() as Array<{ insert?: unknown }>) {
    if (typeof op.insert === 'string' && op.insert.length > 0) return false;
    if (op.insert instanceof Y.XmlText && !isEmptyBlock(op.insert)) return false;
  }
  return true;
}

/** What `copySharedType` returns for a shared type of a kind Lexical never writes. */
const LEFT_OUT = Symbol('left out');

/**
 * A deep, not yet integrated copy of a value found in a body, for the kinds Lexical writes
 * (XmlText elements, Y.Map text nodes and node state, XmlElement decorators, plain values); any
 * other shared type is LEFT_OUT. Not Yjs's `clone()`: `Text#clone` re-inserts the very embedded
 * types it copies, which would move them out of the source.
 */
function copySharedType(value: unknown): unknown {
  if (!(value instanceof Y.AbstractType)) return value;
  const copyAttributes = (from: Y.XmlText | Y.XmlElement, to: Y.XmlText | Y.XmlElement) => {
    for (const [key, attr] of Object.entries(from.getAttributes())) {
      const v = copySharedType(attr);
      if (v !== LEFT_OUT) to.setAttribute(key, v as never);
    }
  };
  if (value instanceof Y.XmlText) {
    const copy = new Y.XmlText();
    copyAttributes(value, copy);
    let index = 0;
    for (const op of value.toDelta() as Array<{ insert?: unknown; attributes?: Record<string, unknown> }>) {
      if (typeof op.insert === 'string') {
        copy.insert(index, op.insert, op.attributes);
        index += op.insert.length;
      } else if (op.insert instanceof Y.AbstractType) {
        const embed = copySharedType(op.insert);
        if (embed === LEFT_OUT) continue;
        copy.insertEmbed(index, embed as Y.AbstractType<unknown>, op.attributes);
        index += 1;
      }
    }
    return copy;
  }
  if (value instanceof Y.Map) {
    const copy = new Y.Map<unknown>();
    value.forEach((v, k) => {
      const c = copySharedType(v);
      if (c !== LEFT_OUT) copy.set(k, c);
    });
    return copy;
  }
  if (value instanceof Y.XmlElement) {
    const copy = new Y.XmlElement(value.nodeName);
    copyAttributes(value, copy);
    const children = value.toArray().map(copySharedType);
    copy.insert(0, children.filter((c): c is Y.XmlElement | Y.XmlText => c instanceof Y.XmlElement || c instanceof Y.XmlText));
    return copy;
  }
  return LEFT_OUT;
}

/**
 * Deletes a card or theme. Children are kept and detached (see the module comment), all in the
 * same transaction, so one undo restores the card and every link it had.
 */
export function deleteCard(doc: Y.Doc, id: string, origin: BoardOrigin): void {
  const maps = boardMaps(doc);
  const found = findCard(doc, id);
  const isTheme = !found && maps.themes.has(id);
  if (!found && !isTheme) throw new BoardWriteError(`no card or theme with id ${id}`);
  doc.transact(() => {
    const detach = (lane: Y.Map<unknown>, key: string) => {
      for (const [, record] of records(lane)) {
        if (record.get(key) === id) record.set(key, null);
      }
    };
    if (isTheme) {
      detach(maps.ideas, CARD.themeId);
      maps.themes.delete(id);
      return;
    }
    if (found!.kind === 'problem') detach(maps.ideas, CARD.problemId);
    if (found!.kind === 'idea') detach(maps.notes, CARD.ideaId);
    laneMap(doc, found!.kind).delete(id);
  }, origin);
}

export { CARD_KINDS };
