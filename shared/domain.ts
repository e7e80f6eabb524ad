/**
 * The board's vocabulary, with no Yjs: sectors, templates, card kinds, roles and the content
 * limits. schema.ts (the document's layout) re-exports all of it; a page that has no board, such
 * as the landing page, imports it from here, so that it does not load Yjs.
 */
export const SECTORS = [
  'public sector',
  'private sector',
  'academia',
  'voluntary and community',
  'citizen',
] as const;
export type Sector = (typeof SECTORS)[number];

export const TEMPLATES = ['open', 'design-sprint', 'hackathon', 'lightning-decision-jam'] as const;
export type Template = (typeof TEMPLATES)[number];

export const CARD_KINDS = ['problem', 'idea', 'note'] as const;
export type CardKind = (typeof CARD_KINDS)[number];

/** The role a board link gives (a person's standing may be higher: see shared/facilitation). */
export const ROLES = ['facilitator', 'contributor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Whether a role's document updates are applied and stored. */
export function canWrite(role: Role): boolean {
  return role !== 'viewer';
}

export const LIMITS = {
  title: 300,
  metaTitle: 200,
  challenge: 2000,
  sponsor: 200,
  name: 80,
  organisation: 120,
  summary: 5000,
  actionTitle: 300,
  /** actions a board keeps: more are not read */
  actions: 200,
} as const;
