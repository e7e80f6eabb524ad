/**
 * What the board components get from the layers below, as plain values and callbacks: they never
 * see Yjs. BoardRoute builds this from a BoardConnection, createActions and the editor package.
 */
import { createContext, useContext, type ReactNode } from 'react';
import type { BoardActions } from '../sync/actions.ts';
import type { PresenceUser } from '../sync/presence.ts';

export type EditorSlotProps = { cardId: string; label: string; autoFocus: boolean; onEscape: () => void };

export type BoardServices = {
  actions: BoardActions;
  me: PresenceUser;
  readOnly: boolean;
  renderBody: (cardId: string) => ReactNode;
  renderEditor: (props: EditorSlotProps) => ReactNode;
  /** focus the open card's body editor (caret at the end), as soon as it is ready */
  focusBody: (cardId: string) => void;
  announce: (message: string) => void;
};

export const BoardServicesContext = createContext<BoardServices | null>(null);

export function useServices(): BoardServices {
  const services = useContext(BoardServicesContext);
  if (!services) throw new Error('BoardServicesContext is missing');
  return services;
}
