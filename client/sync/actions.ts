/**
 * The board actions the UI may call, bound to one connection and one author. They use only the
 * model's named write functions (shared/board/) with this person's origin, so each is one
 * transaction and one undo step. Components receive this object and never see Yjs.
 */
import {
  addIdea,
  addNote,
  addProblem,
  addTheme,
  deleteCard,
  mergeIdeas,
  moveIdea,
  moveNote,
  reorderCard,
  setIdeaTheme,
  updateCardTitle,
  type Author,
  type Placement,
} from '../../shared/board/index.ts';
import type { CardKind } from '../../shared/schema.ts';
import type { BoardConnection } from './boardConnection.ts';

export type BoardActions = ReturnType<typeof createActions>;

export function createActions(conn: BoardConnection, author: Author) {
  const { doc, origin } = conn;
  /** one user action = one undo step, never merged with typing before or after it */
  const step = <T>(fn: () => T): T => {
    conn.stopCapturing();
    const out = fn();
    conn.stopCapturing();
    return out;
  };
  return {
    addCard(kind: CardKind, group: string | null, placement: Placement = {}, title = ''): string {
      return step(() => {
        if (kind === 'problem') return addProblem(doc, { title, author, ...placement }, origin);
        if (kind === 'idea') return addIdea(doc, { title, author, problemId: group, ...placement }, origin);
        return addNote(doc, { title, author, ideaId: group, ...placement }, origin);
      });
    },
    /** `caret`, the caret after the edit, places it where it was typed (see shared/textEdit.ts) */
    setTitle(id: string, title: string, caret?: number): void {
      updateCardTitle(doc, id, title, origin, caret);
    },
    reorder(id: string, placement: Placement): void {
      step(() => reorderCard(doc, id, placement, origin));
    },
    /** `themeId` undefined keeps the idea's theme */
    moveIdea(id: string, problemId: string | null, placement: Placement = {}, themeId?: string | null): void {
      step(() => moveIdea(doc, id, { problemId, ...placement, ...(themeId !== undefined ? { themeId } : {}) }, origin));
    },
    moveNote(id: string, ideaId: string | null, placement: Placement = {}): void {
      step(() => moveNote(doc, id, { ideaId, ...placement }, origin));
    },
    setTheme(id: string, themeId: string | null): void {
      step(() => setIdeaTheme(doc, id, themeId, origin));
    },
    /** a new theme, with `ideaIds` grouped into it, as one undo step; returns its id */
    addTheme(title: string, ideaIds: string[] = []): string {
      return step(() => addTheme(doc, { title, author, ideaIds }, origin));
    },
    /** `mergeId` goes into `keepId` (see mergeIdeas), as one undo step */
    merge(keepId: string, mergeId: string): void {
      step(() => mergeIdeas(doc, { keepId, mergeId }, origin));
    },
    remove(id: string): void {
      step(() => deleteCard(doc, id, origin));
    },
    undo: () => conn.undo(),
    redo: () => conn.redo(),
    stopCapturing: () => conn.stopCapturing(),
  };
}
