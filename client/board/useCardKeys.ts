/**
 * The keyboard on the board. On a card (roving focus, see useRovingFocus.ts): arrows move focus
 * within a lane and across lanes, Home and End to its ends, Enter opens, N adds a card after it,
 * Delete deletes, and M starts moving it a step at a time (arrows; T for an idea's theme; Enter to
 * finish, Escape to undo the steps). Board-wide, outside text fields: ? shows the keys, Ctrl+Z,
 * Ctrl+Shift+Z and Ctrl+Y undo and redo. A drag in progress has the keys to itself.
 */
import { useCallback, useEffect, useState, type KeyboardEvent as ReactKeyboardEvent, type RefObject } from 'react';
import type { CardKind } from '../../shared/schema.ts';
import type { BoardActions } from '../sync/actions.ts';
import { describeKind, findCardIn, neighbourAcross, type BoardLayout } from './layout.ts';
import type { BoardServices } from './services.ts';
import type { BoardSnapshot } from '../../shared/board/index.ts';

/** M-move mode: the card being moved, and how many steps (to undo on Escape). */
export type MoveState = { id: string; steps: number } | null;

const isTyping = (el: EventTarget | null) =>
  el instanceof HTMLElement && (el.isContentEditable || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT');

export type CardKeysDeps = {
  board: BoardSnapshot;
  layout: BoardLayout;
  readOnly: boolean;
  actions: BoardActions;
  services: BoardServices;
  /** a drag (mouse, touch or keyboard) is on: the cards' own keys stand aside */
  dragging: RefObject<boolean>;
  focusNow: (id: string | null) => void;
  setPhoneLane: (kind: CardKind) => void;
  /** one step up or down in M-move mode; false when the card cannot go further */
  onStep: (id: string, dir: -1 | 1) => boolean;
  /** M-move mode's T: the idea's next theme (undefined: none to cycle through) */
  onCycleTheme: (id: string) => string | null | undefined;
  onOpen: (id: string, focus: 'title' | 'body') => void;
  addTo: (kind: CardKind, group: string | null, afterId?: string) => void;
  onDelete: (id: string) => void;
};

/** The keys on a focused card, and the M-move mode they drive. */
export function useCardKeys(deps: CardKeysDeps): { moving: MoveState; onKeyDownCard: (e: ReactKeyboardEvent, id: string) => void } {
  const { board, layout, readOnly, actions, services, dragging, focusNow, setPhoneLane, onStep, onCycleTheme, onOpen, addTo, onDelete } = deps;
  const [moving, setMoving] = useState<MoveState>(null);
  const kindOf = (id: string): CardKind | null => findCardIn(board, id)?.kind ?? null;

  const onKeyDownCard = useCallback(
    (e: ReactKeyboardEvent, id: string) => {
      if (e.target !== e.currentTarget || dragging.current) return;
      const card = findCardIn(board, id);
      if (!card) return;
      const order = layout[card.kind].order;
      const i = order.indexOf(id);
      const key = e.key;
      const plain = !e.ctrlKey && !e.metaKey && !e.altKey;

      if (moving && moving.id === id) {
        e.preventDefault();
        if (key === 'ArrowUp' || key === 'ArrowDown') {
          if (onStep(id, key === 'ArrowUp' ? -1 : 1)) {
            setMoving({ id, steps: moving.steps + 1 });
            focusNow(id);
          }
        } else if ((key === 't' || key === 'T') && card.kind === 'idea') {
          const theme = onCycleTheme(id);
          if (theme !== undefined) {
            setMoving({ id, steps: moving.steps + 1 });
            const title = theme ? board.themes.find((t) => t.id === theme)?.title.trim() || 'Untitled theme' : null;
            services.announce(title ? `Theme: ${title}.` : 'No theme.');
            focusNow(id);
          }
        } else if (key === 'Enter' || key === ' ') {
          setMoving(null);
          services.announce('Moved.');
        } else if (key === 'Escape') {
          for (let s = 0; s < moving.steps; s++) actions.undo();
          setMoving(null);
          services.announce('Move cancelled.');
          focusNow(id);
        }
        return;
      }

      if (key === 'ArrowDown' || key === 'ArrowUp') {
        e.preventDefault();
        const next = order[i + (key === 'ArrowDown' ? 1 : -1)];
        if (next) focusNow(next);
      } else if ((key === 'ArrowLeft' || key === 'ArrowRight') && plain) {
        e.preventDefault();
        const target = neighbourAcross(board, layout, card, key === 'ArrowLeft' ? -1 : 1);
        if (target) {
          const k = kindOf(target);
          if (k) setPhoneLane(k);
          focusNow(target);
        }
      } else if (key === 'Home' || key === 'End') {
        e.preventDefault();
        focusNow(key === 'Home' ? (order[0] ?? null) : (order.at(-1) ?? null));
      } else if (readOnly) {
        return;
      } else if (key === 'Enter' && plain) {
        e.preventDefault();
        onOpen(id, 'title');
      } else if ((key === 'n' || key === 'N') && plain) {
        e.preventDefault();
        const group = card.kind === 'idea' ? card.problemId : card.kind === 'note' ? card.ideaId : null;
        addTo(card.kind, group, id);
      } else if ((key === 'm' || key === 'M') && plain) {
        e.preventDefault();
        setMoving({ id, steps: 0 });
        const themes = card.kind === 'idea' && board.themes.length > 0 ? ', T to change its theme' : '';
        services.announce(`Moving ${describeKind(card.kind)} ${card.title || 'untitled'}. Use the up and down arrows${themes}, Enter to finish, Escape to cancel.`);
      } else if ((key === 'Delete' || key === 'Backspace') && plain) {
        e.preventDefault();
        onDelete(id);
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [board, layout, moving, readOnly, onStep, onCycleTheme, onOpen, addTo, onDelete, actions, services],
  );

  return { moving, onKeyDownCard };
}

/** Board-wide keys: ? for the keys, undo and redo outside text fields. */
export function useBoardKeys({ actions, onShowKeys, readOnly }: { actions: BoardActions; onShowKeys: () => void; readOnly: boolean }): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || isTyping(e.target)) return;
      const mod = e.ctrlKey || e.metaKey;
      if (e.key === '?' && !mod) {
        e.preventDefault();
        onShowKeys();
      } else if (mod && !readOnly && e.key.toLowerCase() === 'z') {
        e.preventDefault();
        if (e.shiftKey) actions.redo();
        else actions.undo();
      } else if (mod && !readOnly && e.key.toLowerCase() === 'y') {
        e.preventDefault();
        actions.redo();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [actions, onShowKeys, readOnly]);
}
