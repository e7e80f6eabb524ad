/**
 * The session's rules applied to one part of a client's update (see ./updateParts.ts): may this
 * person make this change to this card, theme or meta field now? The rules themselves live in
 * shared/facilitation/permissions.ts (`addRefusal`, `editRefusal`, `metaRefusal`), where the
 * client asks them too; what is added here is what only the server can check: who a card is
 * credited to, and what lies outside the board's layout.
 *
 * Credits. A new card's author must be the participant the server saw join on this connection;
 * one that names somebody else is kept and re-credited (`recredit`), so nobody's offline card is
 * lost over a stale name. After that nobody may change who a card credits, with two exceptions
 * that only move credits the server recorded: merging duplicates credits the merged idea's people
 * on the kept one (a co-author added in the same update that deletes an idea credited to them),
 * and undo brings a deleted card back with the credits it had when it was deleted (`removedCredits`,
 * which the write gate keeps: writeGate.ts) — and takes back the co-authors its merge had added.
 *
 * Merges. The dots placed on an idea count for the idea it was merged into, so a `merges` entry
 * moves votes, and only a real merge may write one (`judgeMerge`): the entry goes in with the
 * deletion of the idea it names, in the same update, into an idea that is on the board and stays
 * there; it comes out only with that idea coming back (undo). Nobody can move a live idea's votes,
 * nor take a merge's votes away while the idea stays merged. Actions are the brief's word, like
 * the meta: only those who run the session write them.
 */
import * as Y from 'yjs';
import type { RefusedChange, RefusedChangeCode } from '../../../shared/protocol.ts';
import { findCard, type Template } from '../../../shared/schema.ts';
import {
  addRefusal,
  editRefusal,
  metaRefusal,
  refusalSince,
  runsSession,
  type SessionState,
  type Standing,
} from '../../../shared/facilitation/index.ts';
import type { ParticipantRecord } from '../../storage/storage.ts';
import { plainValue, type UpdateAnalysis, type UpdatePart } from './updateParts.ts';
import {
  findRecord,
  hasCoAuthorMap,
  mergeTarget,
  readAuthor,
  recordCredits,
  sameAuthor,
  type Author,
} from '../../../shared/board/index.ts';

export type Refusal = { code: RefusedChangeCode; message: string };

export type Judged = { refusal: Refusal } | { refusal: null; recredit: boolean };

export type JudgeContext = {
  standing: Standing;
  participant: ParticipantRecord | null;
  /** everyone credited on the cards this update deletes: co-authors a merge may add */
  mergeCredits: Author[];
  /** who a card deleted earlier was credited to (author first), by its id */
  removedCredits: (id: string) => readonly Author[] | undefined;
  /** everyone credited on the deleted cards this update brings back: co-authors an undone merge may drop */
  restoredCredits: Author[];
};

const OUTSIDE: Refusal = {
  code: 'outside-board',
  message: 'This change writes outside the board’s layout, so it was not saved',
};
const UNCHECKED: Refusal = {
  code: 'unchecked',
  message: 'This change refers to something the server does not have, so it can’t be checked',
};
const CREDITS: Refusal = {
  code: 'credits',
  message: 'Who a card is credited to is recorded by the server and can’t be changed',
};
const MERGE: Refusal = {
  code: 'merge',
  message: 'A merge is recorded only when the merged idea is deleted with it, into an idea on the board, so votes can’t be moved this way',
};
const NOT_JOINED: Refusal = {
  code: 'not-joined',
  message: 'Join the board first: a card is credited to the person who adds it',
};

export function authorOf(participant: ParticipantRecord): Author {
  return { participantId: participant.id, name: participant.name, organisation: participant.organisation, sector: participant.sector };
}

/** Everyone credited on the cards an update deletes (for merges): read from the server's document. */
export function creditsOfRemoved(doc: Y.Doc, analysis: UpdateAnalysis): Author[] {
  const out: Author[] = [];
  for (const part of analysis.parts.values()) {
    if (!part.removes || part.target.kind !== 'card') continue;
    const record = findRecord(doc, part.target.id);
    if (record) out.push(...recordCredits(record));
  }
  return out;
}

/** Everyone credited on the deleted cards an update adds back (by id), as recorded when they went. */
export function creditsOfRestored(analysis: UpdateAnalysis, removedCredits: JudgeContext['removedCredits']): Author[] {
  const out: Author[] = [];
  for (const part of analysis.parts.values()) {
    if (part.adds && (part.target.kind === 'card' || part.target.kind === 'theme')) out.push(...(removedCredits(part.target.id) ?? []));
  }
  return out;
}

export function judgePart(doc: Y.Doc, state: SessionState, template: Template, ctx: JudgeContext, part: UpdatePart): Judged {
  const target = part.target;
  if (target.kind === 'outside') return { refusal: OUTSIDE };
  if (target.kind === 'unresolved') return { refusal: UNCHECKED };
  if (target.kind === 'meta' || target.kind === 'action') {
    const refusal = metaRefusal(ctx.standing);
    return refusal ? { refusal } : { refusal: null, recredit: false };
  }
  // judged by judgeMerge once the cards of the same update are
  if (target.kind === 'merge') return { refusal: MERGE };

  // the session's rules first: a locked board says so, whoever is asking
  if (!runsSession(ctx.standing)) {
    if (target.kind === 'card' && part.adds) {
      const refusal = addRefusal(state, template, ctx.standing, target.lane);
      if (refusal) return { refusal };
    }
    if (part.edits || part.removes || (target.kind === 'theme' && part.adds)) {
      const refusal = editRefusal(state, template, ctx.standing);
      if (refusal) return { refusal };
    }
  }

  const existing = findRecord(doc, target.id);
  let recredit = false;
  if (part.adds && !ctx.participant) return { refusal: NOT_JOINED };
  if (!part.removes) {
    // only a co-author that an undone merge had added may go
    for (const gone of part.creditDeletes) {
      const dropped = gone.field === 'coAuthors' && gone.depth === 2 ? readAuthor(plainValue(gone.item)) : null;
      if (!dropped || !ctx.restoredCredits.some((a) => sameAuthor(a, dropped))) return { refusal: CREDITS };
    }
  }
  const before = ctx.removedCredits(target.id) ?? [];
  let authorWritten = false;
  for (const credit of part.credits) {
    if (credit.field === 'author') {
      if (!credit.fresh || credit.depth !== 1) return { refusal: CREDITS };
      authorWritten = true;
      const claimed = readAuthor(plainValue(credit.item));
      // the person adding it, or (undo) who it was credited to when it was deleted
      const recorded = before[0] !== undefined && sameAuthor(before[0], claimed);
      if (!recorded && !sameAuthor(claimed, authorOf(ctx.participant!))) recredit = true;
      continue;
    }
    // co-authors: the map itself, created with the idea (or where a malformed one stood) ...
    if (credit.depth === 1) {
      if (!credit.fresh && existing && hasCoAuthorMap(existing)) return { refusal: CREDITS };
      continue;
    }
    // ... and entries in it, which only a merge adds: people credited on an idea this update deletes
    if (credit.depth !== 2) return { refusal: CREDITS };
    const claimed = readAuthor(plainValue(credit.item));
    const known = [...ctx.mergeCredits, ...(existing ? recordCredits(existing) : []), ...before];
    if (!known.some((a) => sameAuthor(a, claimed))) return { refusal: CREDITS };
  }
  // a new entry with no author at all is credited too
  if (part.adds && !authorWritten) recredit = true;
  return { refusal: null, recredit };
}

/** The ideas an update deletes and adds (brings back), counting only its parts that were accepted. */
export type IdeaChanges = { removed: ReadonlySet<string>; added: ReadonlySet<string> };

export function ideaChanges(accepted: Iterable<UpdatePart>): IdeaChanges {
  const removed = new Set<string>();
  const added = new Set<string>();
  for (const part of accepted) {
    if (part.target.kind !== 'card' || part.target.lane !== 'idea') continue;
    if (part.removes) removed.add(part.target.id);
    if (part.adds) added.add(part.target.id);
  }
  return { removed, added };
}

/**
 * A change to the record of where a merged idea went, judged against what the rest of the same
 * update does to ideas (`changes`: its accepted parts). Whoever writes it, the same rule:
 * - written: one plain entry naming an idea the server has, while this update deletes the merged
 *   idea and keeps the other; never over an entry that stands (its votes went there already);
 * - taken out: only while this update brings the merged idea back (an undone merge).
 */
export function judgeMerge(doc: Y.Doc, part: UpdatePart, changes: IdeaChanges): Judged {
  const target = part.target;
  if (target.kind !== 'merge') return { refusal: MERGE };
  const mergedId = target.ideaId;
  if (part.edits) return { refusal: MERGE };
  if (part.adds) {
    if (part.removes || part.items.length !== 1) return { refusal: MERGE };
    const into = mergeTarget(plainValue(part.items[0]!));
    if (into === null || into === mergedId || !changes.removed.has(mergedId)) return { refusal: MERGE };
    if (findCard(doc, into)?.kind !== 'idea' || changes.removed.has(into)) return { refusal: MERGE };
    return { refusal: null, recredit: false };
  }
  if (part.removes && !changes.added.has(mergedId)) return { refusal: MERGE };
  return { refusal: null, recredit: false };
}

/** A refused part as the sender is told of it. */
export function refusedChange(part: UpdatePart, refusal: Refusal, state: SessionState): RefusedChange {
  const t = part.target;
  return {
    // a merge record or an action has no entry of its own in a person's not-sent list
    target:
      t.kind === 'card' || t.kind === 'theme' || t.kind === 'meta' ? t : { kind: 'other' },
    change: part.adds ? 'add' : part.removes ? 'remove' : 'edit',
    code: refusal.code,
    message: refusal.message,
    since: refusalSince(state, refusal),
  };
}
