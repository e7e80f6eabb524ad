/**
 * Roving focus over the lanes: in each lane one card is in the tab order (the last one focused
 * there, else the first), and focus can be asked for a card that is not rendered yet (just added,
 * just moved): it moves there once the card shows and is not open.
 */
import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { CardKind } from '../../shared/schema.ts';
import { findCardIn } from './layout.ts';
import type { BoardSnapshot, Card } from '../../shared/board/index.ts';

export type ActiveCards = Record<CardKind, string | null>;

export function useRovingFocus(board: BoardSnapshot) {
  const [active, setActive] = useState<ActiveCards>({ problem: null, idea: null, note: null });
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const pendingFocus = useRef<string | null>(null);

  const focusCard = useCallback((id: string | null) => {
    if (!id) return;
    pendingFocus.current = id;
  }, []);
  useLayoutEffect(() => {
    const id = pendingFocus.current;
    if (!id) return;
    const el = document.querySelector<HTMLElement>(`[data-card-id="${CSS.escape(id)}"]`);
    if (el && !el.dataset.open) {
      pendingFocus.current = null;
      el.focus();
      el.scrollIntoView({ block: 'nearest' });
    }
  });
  const [, forceRender] = useState(0);
  /** Focus card `id` (null: nowhere) as soon as it can be, rendering again to get there. */
  const focusNow = (id: string | null) => {
    focusCard(id);
    forceRender((n) => n + 1);
  };

  /** A card got focus: it is the focused card, and its lane's card in the tab order. */
  const onFocusCard = useCallback(
    (id: string) => {
      setFocusedId(id);
      const card = findCardIn(board, id);
      if (card) setActive((a) => (a[card.kind] === id ? a : { ...a, [card.kind]: id }));
    },
    [board],
  );

  /** Whether `card` is its lane's one card in the tab order (`laneOrder`: the lane's cards in order). */
  const isTabbable = (card: Card, laneOrder: string[]) =>
    (active[card.kind] ?? laneOrder[0]) === card.id || (!laneOrder.includes(active[card.kind] ?? '') && laneOrder[0] === card.id);

  return { setActive, focusedId, setFocusedId, focusNow, onFocusCard, isTabbable };
}
