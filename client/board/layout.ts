/**
 * How a board snapshot is laid out on screen, as pure data: the three lanes, their groups, the
 * visual order of cards in each lane (for arrow keys), and where a card lands when moved one step
 * up or down (for the M key). No React, no Yjs: unit-tested in layout.test.ts.
 */
import type { BoardSnapshot, Card, Idea, Note, Placement, Problem, Theme } from '../../shared/board/index.ts';
import type { CardKind } from '../../shared/schema.ts';

export const LANES: ReadonlyArray<{ kind: CardKind; title: string; hint: string; addLabel: string; noun: string }> = [
  { kind: 'problem', title: 'Problem statements', hint: 'How might we …?', addLabel: 'Add problem', noun: 'problem statement' },
  { kind: 'idea', title: 'Ideas', hint: 'Each under the problem it answers', addLabel: 'Add idea', noun: 'idea' },
  { kind: 'note', title: 'Prototype notes', hint: 'Each attached to an idea', addLabel: 'Add note', noun: 'prototype note' },
];

export type Subgroup = { theme: Theme | null; cards: Card[] };
export type Group = {
  /** the parent's id (problem for ideas, idea for notes); null for the detached group and for problems */
  parentId: string | null;
  title: string;
  cards: Card[];
  /** ideas only: the group's cards split by theme, when the board has themes */
  subgroups?: Subgroup[];
};
export type LaneLayout = { kind: CardKind; groups: Group[]; order: string[] };
export type BoardLayout = Record<CardKind, LaneLayout>;

const untitled = (title: string, noun: string) => title.trim() || `Untitled ${noun}`;

export function layoutBoard(board: BoardSnapshot, collapsed: ReadonlySet<string> = new Set()): BoardLayout {
  const problems: LaneLayout = {
    kind: 'problem',
    groups: [{ parentId: null, title: '', cards: board.problems }],
    order: board.problems.map((p) => p.id),
  };

  const ideaGroups: Group[] = [];
  const byProblem = groupBy(board.ideas, (i) => i.problemId);
  const themeOrder = new Map(board.themes.map((t, i) => [t.id, i]));
  const withThemes = (cards: Idea[]): Subgroup[] | undefined => {
    if (board.themes.length === 0) return undefined;
    const subs: Subgroup[] = board.themes.map((theme) => ({ theme, cards: cards.filter((c) => c.themeId === theme.id) }));
    subs.push({ theme: null, cards: cards.filter((c) => c.themeId === null || !themeOrder.has(c.themeId)) });
    return subs.filter((s) => s.cards.length > 0);
  };
  for (const problem of board.problems) {
    const cards = byProblem.get(problem.id) ?? [];
    const subgroups = withThemes(cards);
    ideaGroups.push({
      parentId: problem.id,
      title: untitled(problem.title, 'problem statement'),
      cards: subgroups ? subgroups.flatMap((s) => s.cards) : cards,
      ...(subgroups ? { subgroups } : {}),
    });
  }
  const detachedIdeas = byProblem.get(null) ?? [];
  if (detachedIdeas.length > 0 || board.problems.length === 0) {
    const subgroups = withThemes(detachedIdeas);
    ideaGroups.push({
      parentId: null,
      title: board.problems.length === 0 ? 'Ideas' : 'Not linked to a problem',
      cards: subgroups ? subgroups.flatMap((s) => s.cards) : detachedIdeas,
      ...(subgroups ? { subgroups } : {}),
    });
  }
  const ideas: LaneLayout = {
    kind: 'idea',
    groups: ideaGroups,
    order: ideaGroups.flatMap((g) => (g.parentId && collapsed.has(g.parentId) ? [] : g.cards.map((c) => c.id))),
  };

  // Notes are grouped under their idea, in the ideas lane's order; ideas without notes get no group.
  const byIdea = groupBy(board.notes, (n) => n.ideaId);
  const ideasInOrder = ideaGroups.flatMap((g) => g.cards);
  const noteGroups: Group[] = [];
  for (const idea of ideasInOrder) {
    const cards = byIdea.get(idea.id);
    if (cards && cards.length > 0) noteGroups.push({ parentId: idea.id, title: untitled(idea.title, 'idea'), cards });
  }
  const detachedNotes = byIdea.get(null) ?? [];
  if (detachedNotes.length > 0) noteGroups.push({ parentId: null, title: 'Not linked to an idea', cards: detachedNotes });
  const notes: LaneLayout = {
    kind: 'note',
    groups: noteGroups,
    order: noteGroups.flatMap((g) => (g.parentId && collapsed.has(`notes:${g.parentId}`) ? [] : g.cards.map((c) => c.id))),
  };
  return { problem: problems, idea: ideas, note: notes };
}

function groupBy<T extends Card, K>(cards: T[], key: (c: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const c of cards) {
    const k = key(c);
    const list = out.get(k);
    if (list) list.push(c);
    else out.set(k, [c]);
  }
  return out;
}

export function findCardIn(board: BoardSnapshot, id: string): Card | undefined {
  return board.problems.find((c) => c.id === id) ?? board.ideas.find((c) => c.id === id) ?? board.notes.find((c) => c.id === id);
}

/** The card to focus when pressing left/right on `card`: a related card in the next lane if any. */
export function neighbourAcross(board: BoardSnapshot, layout: BoardLayout, card: Card, dir: -1 | 1): string | null {
  if (card.kind === 'problem') {
    if (dir < 0) return null;
    return layout.idea.groups.find((g) => g.parentId === card.id)?.cards[0]?.id ?? layout.idea.order[0] ?? null;
  }
  if (card.kind === 'idea') {
    if (dir < 0) return card.problemId ?? layout.problem.order[0] ?? null;
    return board.notes.find((n) => n.ideaId === card.id)?.id ?? layout.note.order[0] ?? null;
  }
  if (dir > 0) return null;
  return (card as Note).ideaId ?? layout.idea.order[0] ?? null;
}

export type MoveStep =
  | { type: 'reorder'; placement: Placement }
  | { type: 'moveIdea'; problemId: string | null; placement: Placement; themeId?: string | null }
  | { type: 'moveNote'; ideaId: string | null; placement: Placement };

/**
 * One step of keyboard moving: up/down within the card's group, and past the group's edge into
 * the previous or next group (another problem for an idea, another idea for a note). An idea in
 * a problem shown by theme first steps through that problem's theme sub-groups (changing theme).
 */
export function moveStep(board: BoardSnapshot, layout: BoardLayout, id: string, dir: -1 | 1): MoveStep | null {
  const card = findCardIn(board, id);
  if (!card) return null;
  if (card.kind === 'problem') {
    const list = board.problems;
    const i = list.findIndex((c) => c.id === id);
    const other = list[i + dir];
    if (!other) return null;
    return { type: 'reorder', placement: dir < 0 ? { beforeId: other.id } : { afterId: other.id } };
  }
  if (card.kind === 'idea') {
    const groups = layout.idea.groups;
    const gi = groups.findIndex((g) => g.cards.some((c) => c.id === id));
    const group = groups[gi];
    if (!group) return null;
    const subgroup = group.subgroups?.find((s) => s.cards.some((c) => c.id === id));
    const list = subgroup ? subgroup.cards : group.cards;
    const i = list.findIndex((c) => c.id === id);
    const other = list[i + dir];
    if (other) return { type: 'reorder', placement: dir < 0 ? { beforeId: other.id } : { afterId: other.id } };
    // Past a theme sub-group's edge: into the neighbouring sub-group of the same problem.
    const subs = group.subgroups ?? [];
    const nextSub = subgroup ? subs[subs.indexOf(subgroup) + dir] : undefined;
    if (nextSub) {
      const edge = dir < 0 ? nextSub.cards.at(-1) : nextSub.cards[0];
      const placement: Placement = edge ? (dir < 0 ? { afterId: edge.id } : { beforeId: edge.id }) : {};
      return { type: 'moveIdea', problemId: (card as Idea).problemId, themeId: nextSub.theme?.id ?? null, placement };
    }
    // Past the edge: into the neighbouring problem's group (problems in order, detached last).
    const parents: Array<string | null> = [...board.problems.map((p) => p.id)];
    if (groups.some((g) => g.parentId === null)) parents.push(null);
    const pi = parents.indexOf((card as Idea).problemId);
    if (pi + dir < 0 || pi + dir >= parents.length) return null;
    const target = parents[pi + dir]!;
    const targetCards = groups.find((g) => g.parentId === target)?.cards ?? [];
    const placement: Placement = dir < 0 ? {} : targetCards[0] ? { beforeId: targetCards[0].id } : {};
    return { type: 'moveIdea', problemId: target, placement };
  }
  const note = card as Note;
  const siblings = board.notes.filter((n) => n.ideaId === note.ideaId);
  const i = siblings.findIndex((c) => c.id === id);
  const other = siblings[i + dir];
  if (other) return { type: 'reorder', placement: dir < 0 ? { beforeId: other.id } : { afterId: other.id } };
  const ideaOrder = layout.idea.groups.flatMap((g) => g.cards.map((c) => c.id as string | null));
  if (board.notes.some((n) => n.ideaId === null)) ideaOrder.push(null);
  const pi = ideaOrder.indexOf(note.ideaId);
  if (pi < 0 || pi + dir < 0 || pi + dir >= ideaOrder.length) return null;
  const target = ideaOrder[pi + dir]!;
  const targetCards = board.notes.filter((n) => n.ideaId === target);
  const placement: Placement = dir < 0 ? {} : targetCards[0] ? { beforeId: targetCards[0].id } : {};
  return { type: 'moveNote', ideaId: target, placement };
}

export function describeKind(kind: CardKind): string {
  return LANES.find((l) => l.kind === kind)!.noun;
}

export type { Problem, Idea, Note };
