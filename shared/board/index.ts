/**
 * The board model: typed snapshots read from a board's Y.Doc (read.ts, shapes in types.ts), the
 * named write functions that change it (write.ts), merging duplicate ideas (merge.ts) and writing
 * the brief's actions (actions.ts). The document's layout and key strings are in shared/schema.ts;
 * transaction origins in shared/origins.ts.
 */
export type { Action, ActionInput, ActionOwner, Author, BoardMeta, BoardSnapshot, Card, Idea, Note, Problem, Theme } from './types.ts';
export { isDueDate, mergeTarget, readActions, readAuthor, readBoard, readMerges, readMeta, readOwner } from './read.ts';
export {
  BoardWriteError,
  TEMPLATE_AUTHOR,
  addIdea,
  addNote,
  addProblem,
  addTheme,
  applyTemplate,
  cardBodyById,
  cardTitleText,
  deleteCard,
  findRecord,
  hasCoAuthorMap,
  initBoard,
  isTemplateAuthor,
  moveIdea,
  moveNote,
  newId,
  onAuthoring,
  recordCredits,
  reorderCard,
  sameAuthor,
  setAuthor,
  setIdeaTheme,
  touchCard,
  updateBriefText,
  updateCardTitle,
  updateMeta,
  type Placement,
} from './write.ts';
export { mergeIdeas } from './merge.ts';
export { addAction, deleteAction, moveAction, updateAction } from './actions.ts';
