/**
 * Reading a board: typed snapshots from its Y.Doc. Anything in the document may have been written
 * by any peer, so everything is validated on read: records that are not maps are skipped, fields
 * of the wrong type are repaired to safe defaults, and links to cards that do not exist become
 * null (a card added to a problem someone else deleted reads as detached, as a delete leaves it).
 */
import * as Y from 'yjs';
import { ACTION, ACTION_STATUSES, CARD, LIMITS, MERGE, META, SCHEMA_VERSION, SECTORS, TEMPLATES, boardMaps, type ActionStatus } from '../schema.ts';
import { isOrderKey } from '../order.ts';
import type { Action, ActionOwner, Author, BoardMeta, BoardSnapshot, CardBase, Idea, Note, Problem, Theme } from './types.ts';

export const UNKNOWN_AUTHOR: Author = {
  participantId: 'unknown',
  name: 'Unknown participant',
  organisation: '',
  sector: 'unknown',
};

export function str(value: unknown, max = Infinity): string | undefined {
  return typeof value === 'string' ? value.slice(0, max) : undefined;
}

function time(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

export function readText(value: unknown, max: number): string {
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
export function readCoAuthors(value: unknown, author: Author): Author[] {
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

export function byOrder(a: { order: string; id: string }, b: { order: string; id: string }): number {
  if (a.order !== b.order) return a.order < b.order ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function records(map: Y.Map<unknown>): Array<[string, Y.Map<unknown>]> {
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
  return { meta: readMeta(doc), problems, ideas, notes, themes, actions: readActions(doc, ideaIds, readMerges(doc)) };
}

// ---------------------------------------------------------------------------------------------
// Where merged ideas went (written by mergeIdeas, merge.ts)

/** The id of the idea a `merges` entry says its idea went into, or null when it says nothing valid. */
export function mergeTarget(entry: unknown): string | null {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return null;
  const into = (entry as Record<string, unknown>)[MERGE.into];
  return typeof into === 'string' && into !== '' ? into : null;
}

/**
 * Where each merged idea went: merged idea id -> the idea it counts for now, chains followed (an
 * idea merged into one that was merged in turn counts for the last). An entry whose idea is on the
 * board again (a merge undone while another device still had the record) counts for nothing, so a
 * live idea's votes never move.
 */
export function readMerges(doc: Y.Doc): Map<string, string> {
  const maps = boardMaps(doc);
  const direct = new Map<string, string>();
  maps.merges.forEach((entry, mergedId) => {
    const into = mergeTarget(entry);
    if (into !== null && into !== mergedId && !(maps.ideas.get(mergedId) instanceof Y.Map)) direct.set(mergedId, into);
  });
  const out = new Map<string, string>();
  for (const mergedId of direct.keys()) {
    let at = mergedId;
    const seen = new Set([at]);
    // a cycle (only a hostile or broken document has one) stops where it would repeat
    while (direct.has(at) && !seen.has(direct.get(at)!)) {
      at = direct.get(at)!;
      seen.add(at);
    }
    if (at !== mergedId) out.set(mergedId, at);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The brief's actions (written by shared/board/actions.ts)

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `value` is a real calendar date written 'YYYY-MM-DD' (2025-02-30 is not). */
export function isDueDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

export function isActionStatus(value: unknown): value is ActionStatus {
  return ACTION_STATUSES.includes(value as ActionStatus);
}

/** An owner as stored, validated; null when it is missing or names nobody. */
export function readOwner(value: unknown): ActionOwner | null {
  if (typeof value !== 'object' || value === null) return null;
  const raw = value as Record<string, unknown>;
  const name = str(raw.name, LIMITS.name)?.trim() ?? '';
  if (name === '') return null;
  const participantId = str(raw.participantId, 100);
  if (!participantId) return { kind: 'name', name };
  return {
    kind: 'participant',
    participantId,
    name,
    organisation: str(raw.organisation, LIMITS.organisation)?.trim() ?? '',
    sector: SECTORS.find((s) => s === raw.sector) ?? 'unknown',
  };
}

/**
 * The board's actions in their order (at most LIMITS.actions), each validated on read. `ideaIds`:
 * the ideas on the board, so an action of an idea deleted since reads as carrying none forward;
 * `merges` (readMerges): one of an idea merged since carries forward the idea it went into.
 */
export function readActions(doc: Y.Doc, ideaIds?: ReadonlySet<string>, merges?: ReadonlyMap<string, string>): Action[] {
  const ideaNow = (id: string | null): string | null => {
    if (id === null || !ideaIds || ideaIds.has(id)) return id;
    const into = merges?.get(id);
    return into !== undefined && ideaIds.has(into) ? into : null;
  };
  const out: Action[] = records(boardMaps(doc).actions).map(([key, r]) => {
    const order = r.get(ACTION.order);
    const status = r.get(ACTION.status);
    const due = r.get(ACTION.due);
    const ideaId = str(r.get(ACTION.ideaId)) ?? null;
    return {
      id: key,
      title: (str(r.get(ACTION.title), LIMITS.actionTitle) ?? '').trim(),
      owner: readOwner(r.get(ACTION.owner)),
      due: isDueDate(due) ? due : '',
      status: isActionStatus(status) ? status : 'open',
      ideaId: ideaNow(ideaId),
      order: isOrderKey(order) ? order : '',
      createdAt: time(r.get(ACTION.createdAt)),
      updatedAt: time(r.get(ACTION.updatedAt)),
    };
  });
  return out.sort(byOrder).slice(0, LIMITS.actions);
}
