/**
 * "Not sent": changes the server refused (the board was locked, the phase moved on, ...) kept on
 * this device, in words — which card, what text, why — until the person copies them out, applies
 * them again once the rules allow, or lets them go.
 *
 * A refusal arrives as parts (shared/protocol.ts `RefusedMessage`); the text is read from this
 * page's own copy of the board at that moment, before the page drops the copy and syncs afresh.
 * Kept in IndexedDB (its own database, so clearing a board's offline copy leaves it alone).
 *
 * Framework-free: React reads it through `useNotSent`.
 */
import * as Y from 'yjs';
import {
  addIdea,
  addNote,
  addProblem,
  addTheme,
  deleteCard,
  findRecord,
  readBoard,
  readMeta,
  updateBriefText,
  updateCardTitle,
  updateMeta,
  type Author,
  type BoardSnapshot,
} from '../../shared/board/index.ts';
import type { RefusedChange, RefusedChangeCode, RefusedTarget } from '../../shared/protocol.ts';
import { bodyToPlainText } from '../../shared/richtext/readBody.ts';
import { copyXmlText } from '../../shared/richtext/yjsTree.ts';
import { cardBody, findCard, META, type CardKind } from '../../shared/schema.ts';
import type { BoardOrigin } from '../../shared/origins.ts';

export type NotSentEntry = {
  /** one entry per card, theme or meta field: a later refusal of the same one replaces it */
  id: string;
  boardId: string;
  target: RefusedTarget;
  change: RefusedChange['change'];
  code: RefusedChangeCode;
  /** the title (a card's, a theme's) or the meta field's text, as this device had it */
  title: string;
  /** a card's body as Markdown */
  body: string;
  /** the problem an idea answered, the idea a note was on: where to put it back */
  group: string | null;
  /** why, in the server's words */
  reason: string;
  /** server clock: since when the rule that refused it applied (the lock, the phase), if known */
  since: number | null;
  /** this device's clock: when it was refused */
  refusedAt: number;
};

function entryId(boardId: string, target: RefusedTarget): string {
  switch (target.kind) {
    case 'card':
    case 'theme':
      return `${boardId}/${target.kind}/${target.id}`;
    case 'meta':
      return `${boardId}/meta/${target.field}`;
    case 'other':
      return `${boardId}/other`;
  }
}

/**
 * What this page's copy of the board says of each refused part, read now: titles and meta text
 * at once, each card body as a copy taken at once and turned into Markdown when the Markdown
 * code has loaded (Lexical, which a page does not load until it needs it).
 */
export async function captureNotSent(doc: Y.Doc, boardId: string, changes: readonly RefusedChange[], now: number): Promise<NotSentEntry[]> {
  const board = readBoard(doc);
  const meta = readMeta(doc);
  const out = new Map<string, NotSentEntry>();
  const bodies = new Map<string, Y.XmlText>();
  // the copies live in a document of their own, so nothing done to the board reaches them
  const scratch = new Y.Doc();
  for (const change of changes) {
    const base = {
      id: entryId(boardId, change.target),
      boardId,
      target: change.target,
      change: change.change,
      code: change.code,
      reason: change.message,
      since: change.since,
      refusedAt: now,
      title: '',
      body: '',
      group: null as string | null,
    };
    const t = change.target;
    if (t.kind === 'card') {
      const card = cardOf(board, t.lane, t.id);
      const found = findCard(doc, t.id);
      const body = found ? cardBody(found.record) : undefined;
      base.title = card?.title ?? '';
      if (body) {
        const copy = copyXmlText(body);
        scratch.getArray<Y.XmlText>('bodies').push([copy]);
        bodies.set(base.id, copy);
      } else {
        bodies.delete(base.id);
      }
      base.group = card && 'problemId' in card ? card.problemId : card && 'ideaId' in card ? card.ideaId : null;
    } else if (t.kind === 'theme') {
      base.title = board.themes.find((x) => x.id === t.id)?.title ?? '';
    } else if (t.kind === 'meta') {
      base.title = metaValues(meta)[t.field] ?? '';
    }
    out.set(base.id, base);
  }
  if (bodies.size > 0) {
    // should the code not load (offline, before the service worker kept it), keep the words at least
    const toMarkdown = await loadBodyMarkdown().then((m) => m.bodyToMarkdown, () => bodyToPlainText);
    for (const [id, copy] of bodies) out.get(id)!.body = toMarkdown(copy);
  }
  scratch.destroy();
  return [...out.values()];
}

/** Card bodies as Markdown, both ways: Lexical's converters, loaded the first time they are needed. */
async function loadBodyMarkdown() {
  const [{ bodyToMarkdown }, { writeMarkdownToBody }] = await Promise.all([
    import('../../shared/richtext/readThroughLexical.ts'),
    import('../../shared/richtext/writeMarkdownToBody.ts'),
  ]);
  return { bodyToMarkdown, writeMarkdownToBody };
}

/** The meta fields a person writes, by their key in the document. */
function metaValues(meta: BoardSnapshot['meta']): Record<string, string> {
  return {
    [META.title]: meta.title,
    [META.challenge]: meta.challenge,
    [META.sponsor]: meta.sponsor,
    [META.summary]: meta.summary,
    [META.nextSteps]: meta.nextSteps,
  };
}

function cardOf(board: BoardSnapshot, lane: CardKind, id: string) {
  const list = lane === 'problem' ? board.problems : lane === 'idea' ? board.ideas : board.notes;
  return list.find((c) => c.id === id);
}

/** Names of what an entry is about, in words: "Idea “Text nudges”", "The board’s title". */
export function describeEntry(entry: NotSentEntry, board: BoardSnapshot): string {
  const t = entry.target;
  const quoted = (title: string) => (title.trim() ? `“${title.trim()}”` : 'without a title');
  if (t.kind === 'card') {
    const kind = t.lane === 'problem' ? 'Problem statement' : t.lane === 'idea' ? 'Idea' : 'Prototype note';
    const title = entry.change === 'remove' ? (cardOf(board, t.lane, t.id)?.title ?? entry.title) : entry.title;
    const what = entry.change === 'add' ? 'new' : entry.change === 'remove' ? 'deleted' : 'edited';
    return `${kind} ${quoted(title)} (${what})`;
  }
  if (t.kind === 'theme') return `Theme ${quoted(entry.title)}`;
  if (t.kind === 'meta') return `The board’s ${META_LABEL[t.field] ?? t.field}`;
  return 'A change outside the board';
}

const META_LABEL: Record<string, string> = {
  [META.title]: 'title',
  [META.challenge]: 'challenge',
  [META.sponsor]: 'sponsor',
  [META.summary]: 'summary',
  [META.nextSteps]: 'next steps',
};

/** Why, in words, with the time of the rule when the server gave it: "The facilitator locked the board at 14:32." */
export function reasonText(entry: NotSentEntry, formatTime: (ms: number) => string): string {
  const reason = entry.reason.trim().replace(/[.!]$/, '');
  if (entry.since === null) return `${reason}.`;
  if (entry.code === 'locked') return `The facilitator locked the board at ${formatTime(entry.since)}.`;
  if (entry.code === 'wrong-phase') return `${reason} (the phase changed at ${formatTime(entry.since)}).`;
  return `${reason}.`;
}

/** The text to copy out: title, then body. */
export function entryText(entry: NotSentEntry): string {
  return entry.body.trim() ? `${entry.title}\n\n${entry.body.trim()}\n` : `${entry.title}\n`;
}

/** Whether an entry can be applied at all (something outside the board cannot). */
export function canReapply(entry: NotSentEntry): boolean {
  return entry.target.kind !== 'other';
}

/**
 * Makes the change again on `doc` as this person: a card is added back (or its title and body set
 * to what was refused, if it is still on the board), a deletion made again, a meta field set.
 */
export async function reapplyEntry(doc: Y.Doc, entry: NotSentEntry, author: Author, origin: BoardOrigin): Promise<void> {
  const t = entry.target;
  if (t.kind === 'meta') {
    if (t.field === META.summary || t.field === META.nextSteps) {
      updateBriefText(doc, t.field === META.summary ? 'summary' : 'nextSteps', entry.title, origin);
    } else if (t.field === META.title || t.field === META.challenge || t.field === META.sponsor) {
      updateMeta(doc, { [t.field]: entry.title }, origin);
    }
    return;
  }
  if (t.kind === 'theme') {
    if (findRecord(doc, t.id)) updateCardTitle(doc, t.id, entry.title, origin);
    else addTheme(doc, { title: entry.title, author }, origin);
    return;
  }
  if (t.kind !== 'card') return;
  // the Markdown code first: everything below reads and writes the board in one go
  const markdown = entry.change !== 'remove' && entry.body.trim() ? await loadBodyMarkdown() : null;
  const existing = findCard(doc, t.id);
  if (entry.change === 'remove') {
    if (existing) deleteCard(doc, t.id, origin);
    return;
  }
  let id = t.id;
  if (!existing) {
    const group = entry.group && findCard(doc, entry.group) ? entry.group : null;
    if (t.lane === 'problem') id = addProblem(doc, { title: entry.title, author }, origin);
    else if (t.lane === 'idea') id = addIdea(doc, { title: entry.title, author, problemId: group }, origin);
    else id = addNote(doc, { title: entry.title, author, ideaId: group }, origin);
  } else {
    updateCardTitle(doc, id, entry.title, origin);
  }
  const record = findCard(doc, id)?.record;
  const body = record ? cardBody(record) : undefined;
  if (body && markdown && markdown.bodyToMarkdown(body).trim() !== entry.body.trim()) markdown.writeMarkdownToBody(doc, body, entry.body, origin);
}

// ---------------------------------------------------------------------------------------------
// Keeping them: IndexedDB, one database for every board

const DB_NAME = 'crossboard-not-sent';
const STORE = 'entries';

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: 'id' }).createIndex('boardId', 'boardId');
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function done(tr: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tr.oncomplete = () => resolve();
    tr.onerror = () => reject(tr.error);
    tr.onabort = () => reject(tr.error);
  });
}

function isEntry(value: unknown): value is NotSentEntry {
  const v = value as Partial<NotSentEntry> | null;
  return typeof v === 'object' && v !== null && typeof v.id === 'string' && typeof v.title === 'string' && typeof v.target === 'object';
}

/** The "Not sent" list of one board on this device. */
export class NotSentStore {
  private entries: readonly NotSentEntry[] = [];
  private listeners = new Set<() => void>();
  private db: Promise<IDBDatabase> | null = null;
  readonly loaded: Promise<void>;

  constructor(readonly boardId: string) {
    this.loaded = this.load().catch(() => {
      // IndexedDB unavailable (private window): the list lives only as long as the page
    });
  }

  private open(): Promise<IDBDatabase> {
    this.db ??= openDb();
    return this.db;
  }

  private async load(): Promise<void> {
    const db = await this.open();
    const tr = db.transaction(STORE, 'readonly');
    const request = tr.objectStore(STORE).index('boardId').getAll(this.boardId);
    await done(tr);
    const stored = (request.result as unknown[]).filter(isEntry);
    const ids = new Set(this.entries.map((e) => e.id));
    this.set([...stored.filter((e) => !ids.has(e.id)), ...this.entries]);
  }

  getSnapshot = (): readonly NotSentEntry[] => this.entries;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(entries: readonly NotSentEntry[]): void {
    this.entries = [...entries].sort((a, b) => a.refusedAt - b.refusedAt);
    for (const l of this.listeners) l();
  }

  /** Keeps `entries` (replacing any about the same card), and resolves once they are stored. */
  async add(entries: readonly NotSentEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const ids = new Set(entries.map((e) => e.id));
    this.set([...this.entries.filter((e) => !ids.has(e.id)), ...entries]);
    try {
      const db = await this.open();
      const tr = db.transaction(STORE, 'readwrite');
      for (const entry of entries) tr.objectStore(STORE).put(entry);
      await done(tr);
    } catch {
      // kept in memory for this page at least
    }
  }

  async remove(id: string): Promise<void> {
    this.set(this.entries.filter((e) => e.id !== id));
    try {
      const db = await this.open();
      const tr = db.transaction(STORE, 'readwrite');
      tr.objectStore(STORE).delete(id);
      await done(tr);
    } catch {
      // gone from the page; IndexedDB unavailable
    }
  }

  destroy(): void {
    this.listeners.clear();
    void this.db?.then((db) => db.close()).catch(() => {});
  }
}
