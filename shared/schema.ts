/**
 * The layout of a board's Y.Doc — the only module that knows Yjs key strings.
 *
 * One board = one Y.Doc:
 *   meta      Y.Map   title, challenge, sponsor, template, schemaVersion, createdAt
 *   problems  Y.Map<id, Y.Map>   problem statements ("How might we ...?")
 *   ideas     Y.Map<id, Y.Map>   each linked to a problem, optionally to a theme
 *   notes     Y.Map<id, Y.Map>   prototype notes, each linked to an idea
 *   themes    Y.Map<id, Y.Map>   clusters of ideas
 *   merges    Y.Map<id, object>  ideas merged into another: the merged idea's id -> where it went
 *   actions   Y.Map<id, Y.Map>   the brief's next steps as actions (owner, due date, status)
 *
 * A card record is a Y.Map with the fields in `CARD`; its title is a Y.Text (so concurrent edits
 * to one title merge character by character) and its body a Y.XmlText bound to a Lexical editor.
 *
 * Anything in the document may have been written by any peer, so nothing here is trusted:
 * `readBoard` validates on read. Trusted state (votes, phase, timer, lock, roles) never lives in
 * this document. What the server lets in only from certain people or with certain changes (the
 * meta and actions: those who run the session; a `merges` entry: with the merged idea's deletion)
 * is judged part by part before it is stored (server/facilitation/writes/).
 */
import * as Y from 'yjs';
import { CARD_KINDS, type CardKind } from './domain.ts';

/** Bump when the layout changes incompatibly; `readBoard` reports it so clients can refuse. */
export const SCHEMA_VERSION = 1;

// The board's vocabulary, which pages without a board (the landing page) use too; it lives in a
// module with no Yjs so that they do not load Yjs for it.
export { CARD_KINDS, LIMITS, ROLES, SECTORS, TEMPLATES, canWrite, type CardKind, type Role, type Sector, type Template } from './domain.ts';

/** Top-level shared types of the document. */
export const ROOT = {
  meta: 'meta',
  problems: 'problems',
  ideas: 'ideas',
  notes: 'notes',
  themes: 'themes',
  merges: 'merges',
  actions: 'actions',
} as const;

/** Keys of the `meta` map. */
export const META = {
  title: 'title',
  challenge: 'challenge',
  sponsor: 'sponsor',
  template: 'template',
  schemaVersion: 'schemaVersion',
  createdAt: 'createdAt',
  /** Y.Text: the facilitator's summary for the brief */
  summary: 'summary',
  /** Y.Text: the next steps the brief proposes */
  nextSteps: 'nextSteps',
} as const;

/** Keys of a card or theme record. */
export const CARD = {
  id: 'id',
  title: 'title',
  body: 'body',
  author: 'author',
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
  order: 'order',
  /** ideas: the problem the idea answers (null when detached) */
  problemId: 'problemId',
  /** ideas: the theme the idea is clustered in (null when none) */
  themeId: 'themeId',
  /** notes: the idea the note belongs to (null when detached) */
  ideaId: 'ideaId',
  /**
   * ideas: people credited beside the author (the authors of duplicates merged into it), a
   * Y.Map from participantId to author, created with the idea so concurrent merges both count
   */
  coAuthors: 'coAuthors',
} as const;

/**
 * Keys of a `merges` entry: a plain object written by `mergeIdeas` in the transaction that deletes
 * the merged idea. The server lets one in only with that deletion (see
 * server/facilitation/writes/judgeUpdate.ts), so votes cast on the merged idea can follow it.
 */
export const MERGE = {
  /** the id of the idea it was merged into */
  into: 'into',
  /** when (ms since the epoch, the merging device's clock) */
  at: 'at',
} as const;

/** Keys of an action record (a Y.Map in `actions`). Only those who run the session may write them. */
export const ACTION = {
  id: 'id',
  title: 'title',
  /** a plain object: `{ participantId, name, organisation, sector }` of a participant, or `{ name }` */
  owner: 'owner',
  /** 'YYYY-MM-DD', or '' when there is none */
  due: 'due',
  /** one of ACTION_STATUSES */
  status: 'status',
  order: 'order',
  /** the idea the action carries forward (null when none) */
  ideaId: 'ideaId',
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
} as const;

export const ACTION_STATUSES = ['open', 'in-progress', 'done'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/**
 * The attributes Lexical 0.52 gives the XmlText of an empty paragraph, so that bodies written
 * here (`createBody`, `createTextParagraph`) are shaped exactly as an editor would write them.
 */
export const EMPTY_PARAGRAPH_ATTRIBUTES = {
  __type: 'paragraph',
  __format: 0,
  __style: '',
  __indent: 0,
  __dir: null,
  __textFormat: 0,
  __textStyle: '',
} as const;

const LANE_ROOT: Record<CardKind, (typeof ROOT)[keyof typeof ROOT]> = {
  problem: ROOT.problems,
  idea: ROOT.ideas,
  note: ROOT.notes,
};

/**
 * What a top-level name of the document holds, so the server can tell what a client's update
 * touches without knowing any key string: a lane of cards, the themes, the board's meta — or
 * null for a name that is not part of the board (any peer may write anything; it counts for
 * nothing).
 */
export type RootRole =
  | { kind: 'lane'; lane: CardKind }
  | { kind: 'themes' }
  | { kind: 'meta' }
  /** where merged ideas went: votes follow them, so the server judges each entry */
  | { kind: 'merges' }
  /** the brief's actions: written only by those who run the session, like the meta */
  | { kind: 'actions' };

export function rootRole(name: string): RootRole | null {
  switch (name) {
    case ROOT.problems:
      return { kind: 'lane', lane: 'problem' };
    case ROOT.ideas:
      return { kind: 'lane', lane: 'idea' };
    case ROOT.notes:
      return { kind: 'lane', lane: 'note' };
    case ROOT.themes:
      return { kind: 'themes' };
    case ROOT.meta:
      return { kind: 'meta' };
    case ROOT.merges:
      return { kind: 'merges' };
    case ROOT.actions:
      return { kind: 'actions' };
    default:
      return null;
  }
}

/**
 * Which credit a record field holds: who wrote the card (`author`) or who is credited beside
 * them (`coAuthors`). The server checks writes to these against who it saw write them.
 */
export type CreditField = 'author' | 'coAuthors';

export function creditField(key: string | null | undefined): CreditField | null {
  if (key === CARD.author) return 'author';
  if (key === CARD.coAuthors) return 'coAuthors';
  return null;
}

export type BoardMaps = {
  meta: Y.Map<unknown>;
  problems: Y.Map<unknown>;
  ideas: Y.Map<unknown>;
  notes: Y.Map<unknown>;
  themes: Y.Map<unknown>;
  merges: Y.Map<unknown>;
  actions: Y.Map<unknown>;
};

/** The top-level shared types of a board document (created on first access, as Yjs does). */
export function boardMaps(doc: Y.Doc): BoardMaps {
  return {
    meta: doc.getMap(ROOT.meta),
    problems: doc.getMap(ROOT.problems),
    ideas: doc.getMap(ROOT.ideas),
    notes: doc.getMap(ROOT.notes),
    themes: doc.getMap(ROOT.themes),
    merges: doc.getMap(ROOT.merges),
    actions: doc.getMap(ROOT.actions),
  };
}

export function laneMap(doc: Y.Doc, kind: CardKind): Y.Map<unknown> {
  return doc.getMap(LANE_ROOT[kind]);
}

/** Finds which lane holds a card id, with its record, or undefined. */
export function findCard(
  doc: Y.Doc,
  id: string,
): { kind: CardKind; record: Y.Map<unknown> } | undefined {
  for (const kind of CARD_KINDS) {
    const record = laneMap(doc, kind).get(id);
    if (record instanceof Y.Map) return { kind, record };
  }
  return undefined;
}

/** The nested rich-text body of a card, if it is well formed. */
export function cardBody(record: Y.Map<unknown>): Y.XmlText | undefined {
  const body = record.get(CARD.body);
  return body instanceof Y.XmlText ? body : undefined;
}

/** The properties Lexical 0.52 gives a plain text node (a Y.Map embedded before its text). */
export const PLAIN_TEXT_NODE_ATTRIBUTES = {
  __type: 'text',
  __format: 0,
  __style: '',
  __mode: 0,
  __detail: 0,
} as const;

/** A paragraph of plain text shaped exactly as Lexical writes it, to embed in a body. */
export function createTextParagraph(text: string): Y.XmlText {
  const paragraph = new Y.XmlText();
  for (const [key, value] of Object.entries(EMPTY_PARAGRAPH_ATTRIBUTES)) {
    paragraph.setAttribute(key, value as never);
  }
  if (text) {
    const node = new Y.Map<unknown>();
    for (const [key, value] of Object.entries(PLAIN_TEXT_NODE_ATTRIBUTES)) node.set(key, value);
    paragraph.insertEmbed(0, node);
    paragraph.insert(1, text);
  }
  return paragraph;
}

/** A fresh body: one empty paragraph shaped exactly as Lexical writes it, so no editor bootstraps. */
export function createBody(): Y.XmlText {
  const body = new Y.XmlText();
  const paragraph = new Y.XmlText();
  for (const [key, value] of Object.entries(EMPTY_PARAGRAPH_ATTRIBUTES)) {
    paragraph.setAttribute(key, value as never);
  }
  body.insertEmbed(0, paragraph);
  return body;
}
