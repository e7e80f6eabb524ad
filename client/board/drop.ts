/**
 * Drag and drop as pure data: what each drop target is, which cards it takes, and which model
 * change a drop makes. No React, no dnd-kit, no Yjs: unit-tested in drop.test.ts. The drag layer
 * (dnd.tsx) attaches a DropTarget to every droppable and calls `resolveDrop` on drop.
 */
import type { BoardSnapshot, Card, Placement } from '../../shared/board/index.ts';
import type { CardKind } from '../../shared/schema.ts';
import { describeKind, findCardIn } from './layout.ts';

export type DropTarget =
  /** a card: drop before or after it (same kind), or into it (an idea onto a problem, a note onto an idea) */
  | { type: 'card'; id: string; kind: CardKind }
  /** the ideas under one problem (null: not linked to a problem) */
  | { type: 'ideaGroup'; problemId: string | null }
  /** the ideas under one problem in one theme (null: no theme) */
  | { type: 'ideaSub'; problemId: string | null; themeId: string | null }
  /** the notes on one idea (null: not linked to an idea) */
  | { type: 'noteGroup'; ideaId: string | null }
  /** a theme in the Ideas lane's list of themes (null: "No theme") */
  | { type: 'theme'; themeId: string | null };

export type DropPosition = 'before' | 'after';

export type DropAction =
  | { type: 'reorder'; id: string; placement: Placement }
  | { type: 'moveIdea'; id: string; problemId: string | null; themeId?: string | null; placement: Placement }
  | { type: 'moveNote'; id: string; ideaId: string | null; placement: Placement }
  | { type: 'setTheme'; id: string; themeId: string | null };

/** Which lane a target sits in (for keyboard dragging between lanes). */
export function targetLane(target: DropTarget): CardKind {
  if (target.type === 'card') return target.kind;
  return target.type === 'noteGroup' ? 'note' : 'idea';
}

/** Whether a card of `kind` can be dropped on `target`. */
export function accepts(kind: CardKind, target: DropTarget): boolean {
  switch (kind) {
    case 'problem':
      return target.type === 'card' && target.kind === 'problem';
    case 'idea':
      return target.type === 'card' ? target.kind === 'idea' || target.kind === 'problem' : target.type !== 'noteGroup';
    case 'note':
      return target.type === 'card' ? target.kind === 'note' || target.kind === 'idea' : target.type === 'noteGroup';
  }
}

const beside = (id: string, position: DropPosition): Placement => (position === 'before' ? { beforeId: id } : { afterId: id });

/** The model change for dropping card `activeId` on `target`, or null when it changes nothing. */
export function resolveDrop(board: BoardSnapshot, activeId: string, target: DropTarget, position: DropPosition): DropAction | null {
  const card = findCardIn(board, activeId);
  if (!card || !accepts(card.kind, target)) return null;
  if (target.type === 'card' && target.id === activeId) return null;
  const over = target.type === 'card' ? findCardIn(board, target.id) : undefined;
  if (target.type === 'card' && !over) return null;

  if (card.kind === 'problem') return { type: 'reorder', id: card.id, placement: beside(over!.id, position) };

  if (card.kind === 'idea') {
    if (over?.kind === 'problem') {
      return card.problemId === over.id ? null : { type: 'moveIdea', id: card.id, problemId: over.id, placement: {} };
    }
    if (over?.kind === 'idea') {
      // Beside another idea: into its problem and its theme (the sub-group it is shown in).
      const themeId = board.themes.length > 0 ? over.themeId : card.themeId;
      if (over.problemId === card.problemId && themeId === card.themeId) {
        return { type: 'reorder', id: card.id, placement: beside(over.id, position) };
      }
      return { type: 'moveIdea', id: card.id, problemId: over.problemId, themeId, placement: beside(over.id, position) };
    }
    if (target.type === 'ideaGroup') {
      return target.problemId === card.problemId ? null : { type: 'moveIdea', id: card.id, problemId: target.problemId, placement: {} };
    }
    if (target.type === 'ideaSub') {
      if (target.problemId === card.problemId && target.themeId === card.themeId) return null;
      return { type: 'moveIdea', id: card.id, problemId: target.problemId, themeId: target.themeId, placement: {} };
    }
    if (target.type === 'theme') {
      return target.themeId === card.themeId ? null : { type: 'setTheme', id: card.id, themeId: target.themeId };
    }
    return null;
  }

  // a note
  if (over?.kind === 'idea') {
    return card.ideaId === over.id ? null : { type: 'moveNote', id: card.id, ideaId: over.id, placement: {} };
  }
  if (over?.kind === 'note') {
    if (over.ideaId === card.ideaId) return { type: 'reorder', id: card.id, placement: beside(over.id, position) };
    return { type: 'moveNote', id: card.id, ideaId: over.ideaId, placement: beside(over.id, position) };
  }
  if (target.type === 'noteGroup') {
    return target.ideaId === card.ideaId ? null : { type: 'moveNote', id: card.id, ideaId: target.ideaId, placement: {} };
  }
  return null;
}

const quote = (title: string, fallback: string) => `“${title.trim() || fallback}”`;

function cardName(card: Card): string {
  return `${describeKind(card.kind)} ${quote(card.title, 'untitled')}`;
}

function problemName(board: BoardSnapshot, problemId: string | null): string {
  if (problemId === null) return 'ideas not linked to a problem';
  const p = board.problems.find((x) => x.id === problemId);
  return `problem ${quote(p?.title ?? '', 'untitled')}`;
}

function themeName(board: BoardSnapshot, themeId: string | null): string {
  if (themeId === null) return 'no theme';
  const t = board.themes.find((x) => x.id === themeId);
  return `theme ${quote(t?.title ?? '', 'Untitled theme')}`;
}

/** What dropping there would do, in words, for the screen-reader announcements. */
export function describeTarget(board: BoardSnapshot, activeId: string, target: DropTarget, position: DropPosition): string {
  const card = findCardIn(board, activeId);
  if (!card) return '';
  if (target.type === 'card' && target.id === activeId) return `${capitalise(cardName(card))} is back where it was.`;
  const action = resolveDrop(board, activeId, target, position);
  const over = target.type === 'card' ? findCardIn(board, target.id) : undefined;
  const where = over
    ? over.kind !== card.kind
      ? `on ${cardName(over)}`
      : `${position} ${cardName(over)}`
    : target.type === 'ideaGroup'
      ? `over the ideas for ${problemName(board, target.problemId)}`
      : target.type === 'ideaSub'
        ? `over ${themeName(board, target.themeId)} under ${problemName(board, target.problemId)}`
        : target.type === 'noteGroup'
          ? `over the notes of ${target.ideaId ? cardName(findCardIn(board, target.ideaId) ?? card) : 'no idea'}`
          : target.type === 'theme'
            ? `over ${themeName(board, target.themeId)}`
            : 'somewhere';
  return `${capitalise(cardName(card))} is ${where}. ${action ? `Dropping ${explain(board, action)}.` : 'Dropping here changes nothing.'}`;
}

/** What a drop did (or would do), in words: "moves it to problem “…”". */
export function explain(board: BoardSnapshot, action: DropAction): string {
  switch (action.type) {
    case 'reorder':
      return 'puts it here';
    case 'moveIdea': {
      const theme = action.themeId !== undefined ? ` and ${themeName(board, action.themeId)}` : '';
      return `moves it to ${problemName(board, action.problemId)}${theme}`;
    }
    case 'moveNote': {
      const idea = action.ideaId ? findCardIn(board, action.ideaId) : undefined;
      return `moves it to ${idea ? cardName(idea) : 'notes not linked to an idea'}`;
    }
    case 'setTheme':
      return action.themeId ? `puts it in ${themeName(board, action.themeId)}` : 'takes it out of its theme';
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
