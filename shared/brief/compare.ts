/**
 * What changed between two states of a board — a saved version and now, usually: cards added,
 * removed and changed (title or body text), the brief's own texts, its actions, and votes. A pure function of
 * two documents and their vote results, like `buildBrief`.
 *
 * "Changed" means the words changed: a body is compared by its plain text (through Lexical, as the
 * brief reads it), so turning a paragraph into a heading is not a change, and moving a card is
 * not one either. Bodies whose Yjs content is identical are not read through Lexical at all, so
 * comparing two large, mostly equal boards stays cheap.
 *
 * Votes follow the brief's rule: counts of a round whose results are hidden (hide until reveal,
 * not yet revealed) are never included, on either side.
 */
import * as Y from 'yjs';
import { readBoard, type Action, type BoardMeta, type BoardSnapshot } from '../board/index.ts';
import { bodyToPlainText } from '../richtext/readBody.ts';
import { cardBody, laneMap, type CardKind } from '../schema.ts';
import type { VoteLane, VoteRoundResult, VoteRoundStatus } from '../votes.ts';
import { COMPARED_META_FIELDS, type MetaField } from './metaFields.ts';
import { boardVersion } from './version.ts';

export type CompareSide = { doc: Y.Doc; rounds: readonly VoteRoundResult[] };

export type CardRef = { id: string; kind: CardKind; title: string };

export type CardText = { title: string; body: string };

export type CardChange = CardRef & {
  /** what changed, in this order */
  changed: Array<'title' | 'body'>;
  before: CardText;
  after: CardText;
};

export { COMPARED_META_FIELDS, type MetaField };

export type MetaChange = { field: MetaField; before: string; after: string };

/** An action added, removed, or changed in any of its fields (moving it in the list is not a change). */
export type ActionChange = { id: string; title: string; change: 'added' | 'removed' | 'changed' };

export type RoundState = { status: VoteRoundStatus; resultsVisible: boolean };

export type CardVoteChange = { cardId: string; title: string; before: number; after: number };

export type RoundChange = {
  round: number;
  lane: VoteLane;
  /** null when the round did not exist yet (or no longer exists) on that side */
  before: RoundState | null;
  after: RoundState | null;
  /**
   * Cards whose number of dots differs, most dots now first. Empty unless the results are
   * visible on both sides: hidden counts are never compared.
   */
  cards: CardVoteChange[];
};

export type BoardComparison = {
  before: { boardVersion: string };
  after: { boardVersion: string };
  /** same document content and no vote changes */
  unchanged: boolean;
  cards: {
    /** in the later board's order: problems, ideas, notes */
    added: CardRef[];
    /** in the earlier board's order */
    removed: CardRef[];
    /** in the later board's order */
    changed: CardChange[];
  };
  meta: MetaChange[];
  /** in the later board's order, then those removed in the earlier board's */
  actions: ActionChange[];
  /** rounds that started, ended, were revealed or whose counts changed, in round order */
  votes: RoundChange[];
};

type Side = { board: BoardSnapshot; doc: Y.Doc };

function cardsOf(board: BoardSnapshot): CardRef[] {
  return [
    ...board.problems.map((c) => ({ id: c.id, kind: 'problem' as const, title: c.title })),
    ...board.ideas.map((c) => ({ id: c.id, kind: 'idea' as const, title: c.title })),
    ...board.notes.map((c) => ({ id: c.id, kind: 'note' as const, title: c.title })),
  ];
}

function bodyOf(doc: Y.Doc, card: CardRef): Y.XmlText | undefined {
  const record = laneMap(doc, card.kind).get(card.id);
  return record instanceof Y.Map ? cardBody(record) : undefined;
}

/**
 * Everything a body's reading depends on — text, formatting, element attributes, nesting — as one
 * string. Equal fingerprints mean equal bodies, so their plain text need not be computed.
 */
function fingerprint(body: Y.XmlText): string {
  const walk = (text: Y.XmlText): unknown => [
    text.getAttributes(),
    text.toDelta().map((op: { insert?: unknown; attributes?: unknown }) => [
      op.insert instanceof Y.XmlText ? walk(op.insert) : typeof op.insert === 'string' ? op.insert : String(op.insert),
      op.attributes ?? null,
    ]),
  ];
  return JSON.stringify(walk(body));
}

function bodyText(body: Y.XmlText | undefined): string {
  return body ? bodyToPlainText(body) : '';
}

function resultsVisible(round: VoteRoundResult): boolean {
  return round.status === 'revealed' || !round.config.hideUntilReveal;
}

function roundState(round: VoteRoundResult | undefined): RoundState | null {
  return round ? { status: round.status, resultsVisible: resultsVisible(round) } : null;
}

function compareRounds(before: Side & CompareSide, after: Side & CompareSide): RoundChange[] {
  const numbers = [...new Set([...before.rounds, ...after.rounds].map((r) => r.round))].sort((a, b) => a - b);
  const titles = new Map<string, string>();
  for (const side of [before, after]) {
    for (const card of cardsOf(side.board)) titles.set(card.id, card.title);
  }
  const out: RoundChange[] = [];
  for (const n of numbers) {
    const a = before.rounds.find((r) => r.round === n);
    const b = after.rounds.find((r) => r.round === n);
    const cards: CardVoteChange[] = [];
    if (a && b && resultsVisible(a) && resultsVisible(b)) {
      const totals = (r: VoteRoundResult) => new Map(r.tallies.map((t) => [t.cardId, t.total]));
      const was = totals(a);
      const now = totals(b);
      for (const cardId of new Set([...was.keys(), ...now.keys()])) {
        const x = was.get(cardId) ?? 0;
        const y = now.get(cardId) ?? 0;
        if (x !== y) cards.push({ cardId, title: titles.get(cardId) ?? '', before: x, after: y });
      }
      cards.sort((p, q) => q.after - p.after || q.before - p.before || (p.cardId < q.cardId ? -1 : 1));
    }
    const stateBefore = roundState(a);
    const stateAfter = roundState(b);
    const sameState =
      stateBefore !== null &&
      stateAfter !== null &&
      stateBefore.status === stateAfter.status &&
      stateBefore.resultsVisible === stateAfter.resultsVisible;
    if (sameState && cards.length === 0) continue;
    out.push({ round: n, lane: (b ?? a)!.config.lane, before: stateBefore, after: stateAfter, cards });
  }
  return out;
}

function compareActions(before: BoardSnapshot, after: BoardSnapshot): ActionChange[] {
  const fields = (x: Action) => JSON.stringify([x.title, x.owner, x.due, x.status, x.ideaId]);
  const was = new Map(before.actions.map((x) => [x.id, x]));
  const now = new Set(after.actions.map((x) => x.id));
  const out: ActionChange[] = [];
  for (const x of after.actions) {
    const old = was.get(x.id);
    if (!old) out.push({ id: x.id, title: x.title, change: 'added' });
    else if (fields(old) !== fields(x)) out.push({ id: x.id, title: x.title, change: 'changed' });
  }
  for (const x of before.actions) if (!now.has(x.id)) out.push({ id: x.id, title: x.title, change: 'removed' });
  return out;
}

/** Compares an earlier state of a board (`before`) with a later one (`after`). Pure. */
export function compareBoards(before: CompareSide, after: CompareSide): BoardComparison {
  const a = { ...before, board: readBoard(before.doc) };
  const b = { ...after, board: readBoard(after.doc) };
  const versions = { before: boardVersion(before.doc), after: boardVersion(after.doc) };

  const cardsBefore = cardsOf(a.board);
  const cardsAfter = cardsOf(b.board);
  const beforeById = new Map(cardsBefore.map((c) => [c.id, c]));
  const afterIds = new Set(cardsAfter.map((c) => c.id));

  const added: CardRef[] = [];
  const changed: CardChange[] = [];
  if (versions.before !== versions.after) {
    for (const card of cardsAfter) {
      const old = beforeById.get(card.id);
      if (!old) {
        added.push(card);
        continue;
      }
      const oldBody = bodyOf(a.doc, old);
      const newBody = bodyOf(b.doc, card);
      const sameBody =
        oldBody === undefined || newBody === undefined
          ? oldBody === newBody
          : fingerprint(oldBody) === fingerprint(newBody);
      const texts = {
        before: { title: old.title, body: sameBody ? '' : bodyText(oldBody) },
        after: { title: card.title, body: sameBody ? '' : bodyText(newBody) },
      };
      const what: CardChange['changed'] = [];
      if (texts.before.title !== texts.after.title) what.push('title');
      if (texts.before.body !== texts.after.body) what.push('body');
      if (what.length === 0) continue;
      // bodies that did not change are read now, only for the cards shown as changed
      if (sameBody) {
        texts.before.body = texts.after.body = bodyText(newBody);
      }
      changed.push({ ...card, changed: what, ...texts });
    }
  }
  const removed = versions.before === versions.after ? [] : cardsBefore.filter((c) => !afterIds.has(c.id));

  const meta: MetaChange[] = [];
  for (const field of COMPARED_META_FIELDS) {
    const x = a.board.meta[field as keyof BoardMeta] as string;
    const y = b.board.meta[field as keyof BoardMeta] as string;
    if (x !== y) meta.push({ field, before: x, after: y });
  }

  const votes = compareRounds(a, b);
  return {
    before: { boardVersion: versions.before },
    after: { boardVersion: versions.after },
    unchanged: versions.before === versions.after && votes.length === 0,
    cards: { added, removed, changed },
    meta,
    actions: compareActions(a.board, b.board),
    votes,
  };
}
