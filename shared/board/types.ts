/** The typed, validated shapes `readBoard` returns: plain data, no Yjs. */
import type { ActionStatus, Sector, Template } from '../schema.ts';

export type Author = {
  participantId: string;
  name: string;
  organisation: string;
  /** 'unknown' only when a malformed record had to be repaired on read */
  sector: Sector | 'unknown';
};

export type CardBase = {
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
  /** the brief's actions in their order (ideaId null unless the idea is on the board) */
  actions: Action[];
};

/** Who will do an action: a participant of the board (as they were when picked), or a name typed in. */
export type ActionOwner =
  | { kind: 'participant'; participantId: string; name: string; organisation: string; sector: Sector | 'unknown' }
  | { kind: 'name'; name: string };

/** One of the brief's next steps as an action (shared/board/actions.ts writes them). */
export type Action = {
  id: string;
  title: string;
  /** null when nobody is named yet */
  owner: ActionOwner | null;
  /** a calendar date, 'YYYY-MM-DD' (no time, no zone); '' when there is none */
  due: string;
  status: ActionStatus;
  /** the idea it carries forward, if it is still on the board */
  ideaId: string | null;
  order: string;
  createdAt: number;
  updatedAt: number;
};

/** What a facilitator gives for a new action or a change to one. */
export type ActionInput = {
  title: string;
  owner: ActionOwner | null;
  due: string;
  status: ActionStatus;
  ideaId: string | null;
};
