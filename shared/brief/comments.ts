/**
 * Comments on the brief: what a sponsor (or anyone holding a link) says about a section of the
 * brief or one idea in it. Viewers cannot write to the board's document, so comments go through
 * the API (`POST /api/boards/:id/comments`), are stored server-side, and reach every connection
 * of the board as a `comments` message (shared/protocol.ts).
 */
import { LIMITS, type Role } from '../schema.ts';
import { SECTION_TITLES } from './words.ts';

/** The sections of the brief a comment may be about: the ids of its level-2 headings (layout.ts). */
export const BRIEF_SECTIONS = {
  challenge: SECTION_TITLES.challenge,
  summary: SECTION_TITLES.summary,
  'what-we-propose': SECTION_TITLES.propose,
  'next-steps': SECTION_TITLES.nextSteps,
  'voting-rounds': SECTION_TITLES.rounds,
  themes: SECTION_TITLES.themes,
  problems: SECTION_TITLES.problems,
  'other-notes': SECTION_TITLES.otherNotes,
  'who-took-part': SECTION_TITLES.people,
  about: SECTION_TITLES.about,
} as const;

export type BriefSectionId = keyof typeof BRIEF_SECTIONS;
export const BRIEF_SECTION_IDS = Object.keys(BRIEF_SECTIONS) as BriefSectionId[];

export function isBriefSectionId(value: unknown): value is BriefSectionId {
  return typeof value === 'string' && Object.hasOwn(BRIEF_SECTIONS, value);
}

export const COMMENT_LIMITS = {
  /** characters of one comment */
  text: 2000,
  name: LIMITS.name,
  organisation: LIMITS.organisation,
  /** comments one board keeps; more are refused (409) */
  perBoard: 1000,
} as const;

export type CommentTarget = { kind: 'section'; id: BriefSectionId } | { kind: 'idea'; cardId: string };

export type SponsorComment = {
  id: string;
  target: CommentTarget;
  /**
   * The section's title, or the idea's title when the comment was left: an idea may be renamed
   * or deleted later, and the comment should still say what it was about.
   */
  targetTitle: string;
  /** plain text; paragraphs separated by blank lines */
  text: string;
  /** as the commenter gave it; null when they gave neither name nor organisation */
  author: { name: string; organisation: string } | null;
  /** the role of the link the comment came through */
  role: Role;
  /** ms since the epoch, on the server's clock */
  createdAt: number;
};

/** `POST /api/boards/:id/comments` body. */
export type NewComment = {
  target: CommentTarget;
  text: string;
  author?: { name?: string; organisation?: string };
};

/** One string per target, for grouping: "section:summary", "idea:<cardId>". */
export function commentTargetKey(target: CommentTarget): string {
  return target.kind === 'section' ? `section:${target.id}` : `idea:${target.cardId}`;
}

/** "Amira Khan, Leeds City Council", "Leeds City Council", or "Someone with the viewer link". */
export function commentAuthorText(comment: Pick<SponsorComment, 'author' | 'role'>): string {
  const { author } = comment;
  const parts = [author?.name ?? '', author?.organisation ?? ''].filter((p) => p !== '');
  if (parts.length > 0) return parts.join(', ');
  return `Someone with the ${comment.role} link`;
}
