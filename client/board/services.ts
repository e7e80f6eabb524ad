/**
 * What the board components get from the layers below, as plain values and callbacks: they never
 * see Yjs. BoardRoute builds this from a BoardConnection, createActions and the editor package.
 */
import { createContext, useContext, type ReactNode } from 'react';
import type { Card } from '../../shared/board/index.ts';
import type { CardKind } from '../../shared/schema.ts';
import type { BoardActions } from '../sync/actions.ts';
import type { PresenceUser } from '../sync/presence.ts';

export type EditorSlotProps = { cardId: string; label: string; autoFocus: boolean; onEscape: () => void };
export type TitleSlotProps = {
  cardId: string;
  placeholder: string;
  autoFocus: boolean;
  onKeyDown: (event: React.KeyboardEvent<HTMLInputElement>) => void;
};

export type BoardServices = {
  actions: BoardActions;
  me: PresenceUser;
  readOnly: boolean;
  renderBody: (cardId: string) => ReactNode;
  renderEditor: (props: EditorSlotProps) => ReactNode;
  /** the open card's title field, live: carets survive others' edits, others' carets shown */
  renderTitleInput: (props: TitleSlotProps) => ReactNode;
  /** focus the open card's body editor (caret at the end), as soon as it is ready */
  focusBody: (cardId: string) => void;
  announce: (message: string) => void;
  /** the facilitation session's say (phase rules, private drafts, votes); absent: everything allowed */
  facilitation?: FacilitationSlots;
};

/** What the session adds to the lanes (client/facilitation/layer.tsx builds it). */
export type FacilitationSlots = {
  /** how a new card of `kind` is added now: onto the board, as a private draft, or not at all (no Add button) */
  addMode: (kind: CardKind) => 'board' | 'draft' | 'blocked';
  /** start writing a private draft instead of adding a card */
  startDraft: (kind: CardKind, group: string | null) => void;
  /** at the top of a lane: your private drafts */
  renderLaneTop: (kind: CardKind) => ReactNode;
  /** at the foot of a card: your dots, the results */
  renderCardFooter: (card: Card) => ReactNode;
};

export const BoardServicesContext = createContext<BoardServices | null>(null);

export function useServices(): BoardServices {
  const services = useContext(BoardServicesContext);
  if (!services) throw new Error('BoardServicesContext is missing');
  return services;
}
