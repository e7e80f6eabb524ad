/**
 * Drag and drop over the lanes (@dnd-kit): with the mouse, by touch (press and hold), and with
 * the keyboard (Space picks the focused card up, arrow keys move it between the places it can
 * go, Space or Enter drops, Escape cancels), with screen-reader announcements of where it is
 * and what dropping would do. What a drop means is decided in drop.ts; BoardView applies it.
 *
 * Cheap on big boards: cards are never displaced while dragging (the sortable strategy is a
 * no-op); the dragged card is drawn once in an overlay and the drop point is a line on one card,
 * published through a tiny store so that only the cards it enters and leaves re-render.
 */
import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  MouseSensor,
  TouchSensor,
  pointerWithin,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type Collision,
  type CollisionDetection,
  type DragEndEvent,
  type DragMoveEvent,
  type DragStartEvent,
  type KeyboardCoordinateGetter,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import { SortableContext, useSortable, type SortingStrategy } from '@dnd-kit/sortable';
import {
  createContext,
  useCallback,
  useContext,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type ElementType,
  type KeyboardEvent as ReactKeyboardEvent,
  type ReactNode,
} from 'react';
import type { BoardSnapshot } from '../../shared/board.ts';
import type { CardKind } from '../../shared/schema.ts';
import { accepts, describeTarget, explain, resolveDrop, targetLane, type DropAction, type DropPosition, type DropTarget } from './drop.ts';
import { describeKind, findCardIn } from './layout.ts';
import './clustering.css';

/** The id of the hidden text that tells keyboard users how to drag (cards point to it). */
export const DRAG_HELP_ID = 'drag-help';
export const DRAG_HELP =
  'Press Space to pick this card up, then the arrow keys to move it, Space or Enter to drop it, Escape to cancel. Or press M to move it one step at a time.';

type Indicator = { overId: UniqueIdentifier; position: DropPosition | 'into' } | null;

/** Where the drop line is: a value with subscribers, so a card re-renders only when it is involved. */
function createIndicatorStore() {
  let value: Indicator = null;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set(next: Indicator) {
      if (next?.overId === value?.overId && next?.position === value?.position) return;
      value = next;
      for (const l of listeners) l();
    },
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
type IndicatorStore = ReturnType<typeof createIndicatorStore>;
const IndicatorContext = createContext<IndicatorStore | null>(null);

type DropData = { target: DropTarget };
const targetOf = (data: unknown): DropTarget | undefined => (data as DropData | undefined)?.target;

const LANE_INDEX: Record<CardKind, number> = { problem: 0, idea: 1, note: 2 };
/** Innermost first: a card, then a theme sub-group, then a whole group. */
const PRIORITY: Record<DropTarget['type'], number> = { card: 0, theme: 0, ideaSub: 1, ideaGroup: 2, noteGroup: 2 };

/** Cards are never displaced while dragging: the drop point is shown as a line instead. */
const noDisplacement: SortingStrategy = () => null;

const isKeyboard = (event: Event | null) => typeof KeyboardEvent !== 'undefined' && event instanceof KeyboardEvent;

export type DropResult = { activeId: string; action: DropAction | null; keyboard: boolean };

export function BoardDnd({
  board,
  readOnly,
  onDrop,
  onDragging,
  children,
}: {
  board: BoardSnapshot;
  readOnly: boolean;
  onDrop: (result: DropResult) => void;
  /** while a drag is on, the card's own keys (arrows, Enter) must leave the keyboard to it */
  onDragging: (dragging: boolean) => void;
  children: ReactNode;
}) {
  const store = useMemo(createIndicatorStore, []);
  const boardRef = useRef(board);
  boardRef.current = board;
  const [active, setActive] = useState<{ id: string; kind: CardKind } | null>(null);
  const kindRef = useRef<CardKind | null>(null);
  // Keyboard dragging goes from target to target: the current one and the way we came.
  const keyboardOver = useRef<UniqueIdentifier | null>(null);
  const keyboardPosition = useRef<DropPosition>('after');
  const position = useRef<DropPosition>('after');

  const coordinateGetter: KeyboardCoordinateGetter = useCallback((event, { context }) => {
    const { active: dragged, droppableRects, droppableContainers, collisionRect } = context;
    const kind = kindRef.current;
    const step = { ArrowDown: 1, ArrowUp: -1, ArrowRight: 2, ArrowLeft: -2 }[event.code];
    if (!dragged || !collisionRect || !kind || step === undefined) return undefined;
    event.preventDefault();
    const currentId = keyboardOver.current ?? dragged.id;
    const current = droppableRects.get(currentId) ?? collisionRect;
    const currentTarget = targetOf(droppableContainers.get(currentId)?.data.current);
    const lane = currentTarget ? targetLane(currentTarget) : kind;
    const candidates: Array<{ id: UniqueIdentifier; lane: CardKind; top: number; height: number; left: number }> = [];
    for (const container of droppableContainers.getEnabled()) {
      const target = targetOf(container.data.current);
      const rect = droppableRects.get(container.id);
      if (!target || !rect || !accepts(kind, target)) continue;
      candidates.push({ id: container.id, lane: targetLane(target), top: rect.top, height: rect.height, left: rect.left });
    }
    let pick: (typeof candidates)[number] | undefined;
    if (Math.abs(step) === 1) {
      // Up and down: the previous or next place in the lane in reading order (top to bottom, left
      // to right, a group before the cards in it), so a row of themes is walked one by one.
      const inLane = candidates
        .filter((c) => c.lane === lane || c.id === currentId)
        .sort((a, b) => a.top - b.top || a.left - b.left || b.height - a.height);
      const at = inLane.findIndex((c) => c.id === currentId);
      if (at >= 0) pick = inLane[at + step];
      else pick = step > 0 ? inLane.find((c) => c.top > current.top) : inLane.findLast((c) => c.top < current.top);
      keyboardPosition.current = step > 0 ? 'after' : 'before';
    } else {
      // Left and right: the nearest place in the next lane that takes this card.
      const lanes = [...new Set(candidates.map((c) => c.lane))].sort((a, b) => LANE_INDEX[a] - LANE_INDEX[b]);
      const next = lanes.filter((l) => (step > 0 ? LANE_INDEX[l] > LANE_INDEX[lane] : LANE_INDEX[l] < LANE_INDEX[lane]));
      const toLane = step > 0 ? next[0] : next.at(-1);
      for (const c of candidates) {
        if (c.lane !== toLane) continue;
        const better = !pick || Math.abs(c.top - current.top) < Math.abs(pick.top - current.top) || (c.top === pick.top && c.height < pick.height);
        if (better) pick = c;
      }
      keyboardPosition.current = 'before';
    }
    if (!pick) return undefined;
    keyboardOver.current = pick.id;
    return { x: pick.left, y: pick.top };
  }, []);

  const collisionDetection: CollisionDetection = useCallback((args) => {
    const kind = kindRef.current;
    if (!kind) return [];
    if (keyboardOver.current !== null) {
      const container = args.droppableContainers.find((c) => c.id === keyboardOver.current);
      return container ? [{ id: container.id, data: { droppableContainer: container, value: 0 } }] : [];
    }
    const accepted = args.droppableContainers.filter((c) => {
      const target = targetOf(c.data.current);
      return target !== undefined && accepts(kind, target);
    });
    const hits = pointerWithin({ ...args, droppableContainers: accepted });
    const rank = (c: Collision) => PRIORITY[targetOf(c.data?.droppableContainer?.data.current)?.type ?? 'ideaGroup'];
    return hits.sort((a, b) => rank(a) - rank(b)).slice(0, 1);
  }, []);

  const mouse = useSensor(MouseSensor, { activationConstraint: { distance: 6 } });
  const touch = useSensor(TouchSensor, { activationConstraint: { delay: 250, tolerance: 8 } });
  const keyboard = useSensor(KeyboardSensor, {
    coordinateGetter,
    keyboardCodes: { start: ['Space'], cancel: ['Escape'], end: ['Space', 'Enter'] },
    scrollBehavior: prefersReducedMotion() ? 'auto' : 'smooth',
  });
  const sensors = useSensors(...(readOnly ? [] : [mouse, touch, keyboard]));

  const updateIndicator = (event: DragMoveEvent) => {
    const over = event.over;
    const target = targetOf(over?.data.current);
    if (!over || !target || over.id === event.active.id) return store.set(null);
    if (keyboardOver.current !== null) {
      position.current = keyboardPosition.current;
    } else {
      const dragged = event.active.rect.current.translated;
      const middle = over.rect.top + over.rect.height / 2;
      position.current = dragged && dragged.top + dragged.height / 2 > middle ? 'after' : 'before';
    }
    const into = target.type !== 'card' || target.kind !== kindRef.current;
    store.set({ overId: over.id, position: into ? 'into' : position.current });
  };

  const start = (event: DragStartEvent) => {
    const target = targetOf(event.active.data.current);
    if (!target || target.type !== 'card') return;
    kindRef.current = target.kind;
    keyboardOver.current = isKeyboard(event.activatorEvent) ? event.active.id : null;
    keyboardPosition.current = 'after';
    setActive({ id: target.id, kind: target.kind });
    onDragging(true);
  };

  const finish = (event: DragEndEvent | null) => {
    const keyboardDrag = keyboardOver.current !== null;
    const target = targetOf(event?.over?.data.current);
    const activeId = event ? String(event.active.id) : null;
    kindRef.current = null;
    keyboardOver.current = null;
    store.set(null);
    setActive(null);
    onDragging(false);
    if (!event || !activeId) return;
    const action = target ? resolveDrop(boardRef.current, activeId, target, position.current) : null;
    onDrop({ activeId, action, keyboard: keyboardDrag });
  };

  const name = (id: UniqueIdentifier) => {
    const card = findCardIn(boardRef.current, String(id));
    return card ? `${describeKind(card.kind)} “${card.title.trim() || 'untitled'}”` : 'card';
  };
  const announcements: Announcements = {
    onDragStart: ({ active: a }) => `Picked up ${name(a.id)}. Use the arrow keys to move it, Space or Enter to drop it, Escape to cancel.`,
    onDragOver: ({ active: a, over }) => {
      const target = targetOf(over?.data.current);
      if (!over || !target) return `${capitalise(name(a.id))} is not over a place it can go.`;
      return describeTarget(boardRef.current, String(a.id), target, position.current);
    },
    onDragEnd: ({ active: a, over }) => {
      const target = targetOf(over?.data.current);
      const action = target ? resolveDrop(boardRef.current, String(a.id), target, position.current) : null;
      return action ? `Dropped. ${capitalise(explain(boardRef.current, action).replace(/^(\w+) it/, `$1 ${name(a.id)}`))}.` : `Dropped. ${capitalise(name(a.id))} stays where it was.`;
    },
    onDragCancel: ({ active: a }) => `Move cancelled. ${capitalise(name(a.id))} is back where it was.`,
  };

  const activeCard = active ? findCardIn(board, active.id) : undefined;
  return (
    <IndicatorContext.Provider value={store}>
      <DndContext
        sensors={sensors}
        collisionDetection={collisionDetection}
        accessibility={{ announcements, restoreFocus: false, screenReaderInstructions: { draggable: DRAG_HELP } }}
        onDragStart={start}
        onDragMove={updateIndicator}
        onDragOver={updateIndicator}
        onDragEnd={finish}
        onDragCancel={() => finish(null)}
      >
        {children}
        <DragOverlay dropAnimation={null}>
          {activeCard ? (
            <div className={`drag-preview drag-preview--${activeCard.kind}`} aria-hidden="true">
              <span className="drag-preview__kind">{capitalise(describeKind(activeCard.kind))}</span>
              {activeCard.title.trim() || 'Untitled'}
            </div>
          ) : null}
        </DragOverlay>
      </DndContext>
    </IndicatorContext.Provider>
  );
}

/** A list of cards that can be reordered (one per group or sub-group). */
export function SortableList({ id, items, children }: { id: string; items: string[]; children: ReactNode }) {
  return (
    <SortableContext id={id} items={items} strategy={noDisplacement}>
      {children}
    </SortableContext>
  );
}

/**
 * The list item around a card: what is dragged and what is dropped on. Drags start from the card
 * itself (not from buttons or fields inside it), never from an open card.
 */
export function SortableCard({ id, kind, disabled, children }: { id: string; kind: CardKind; disabled: boolean; children: ReactNode }) {
  const data = useMemo<DropData>(() => ({ target: { type: 'card', id, kind } }), [id, kind]);
  const { setNodeRef, listeners, isDragging } = useSortable({ id, data, disabled });
  const store = useContext(IndicatorContext);
  const indicator = useSyncExternalStore(
    store?.subscribe ?? noSubscribe,
    () => {
      const value = store?.get();
      return value && value.overId === id ? value.position : null;
    },
  );
  const handlers = useMemo(() => {
    if (!listeners) return undefined;
    const { onKeyDown, ...pointer } = listeners;
    return {
      ...pointer,
      onKeyDown: (event: ReactKeyboardEvent<HTMLElement>) => {
        // Only from the card itself, and not when the card already used the key (M-move mode).
        if (event.defaultPrevented || event.target !== event.currentTarget.firstElementChild) return;
        onKeyDown?.(event);
      },
    };
  }, [listeners]);
  const className = ['lane__item', isDragging ? 'lane__item--dragging' : '', indicator ? `lane__item--drop-${indicator}` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <li ref={setNodeRef} className={className} {...handlers}>
      {children}
    </li>
  );
}

/** An area cards can be dropped into: a group, a theme sub-group, a theme. */
export function DropZone({
  id,
  target,
  disabled,
  as: Tag = 'div',
  className,
  children,
  ...rest
}: {
  id: string;
  target: DropTarget;
  disabled: boolean;
  as?: ElementType;
  className?: string;
  children?: ReactNode;
} & Record<string, unknown>) {
  const data = useMemo<DropData>(() => ({ target }), [target]);
  const { setNodeRef, isOver } = useDroppable({ id, data, disabled });
  return (
    <Tag ref={setNodeRef} className={[className, isOver ? 'drop-zone--over' : ''].filter(Boolean).join(' ')} {...rest}>
      {children}
    </Tag>
  );
}

const noSubscribe = () => () => {};

function prefersReducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
