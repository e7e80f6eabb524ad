/**
 * The brief's own texts that a comparison of two board states reports on (compare.ts). Apart
 * from compare.ts because shared/api.ts names them in its schema, and compare.ts reads bodies
 * through Lexical: the server loads api.ts at start, and Lexical only when a brief needs it.
 */
export type MetaField = 'title' | 'challenge' | 'sponsor' | 'summary' | 'nextSteps';
export const COMPARED_META_FIELDS: readonly MetaField[] = ['title', 'challenge', 'sponsor', 'summary', 'nextSteps'];
