/** The typed, validated shapes `readBoard` returns: plain data, no Yjs. */
import type { Sector, Template } from '../schema.ts';

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
};
