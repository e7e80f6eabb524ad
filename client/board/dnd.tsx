/**
 * Drag and drop over the lanes (@dnd-kit): with the mouse, by touch (press and hold), and with
 * the keyboard (Space picks the focused card up, arrow keys move it between the places it can
 * go, Space or Enter drops, Escape cancels), with screen-reader announcements of where it is
 * and what dropping would do. What a drop means is decided in drop.ts, where the pointer or the
 * keyboard is in dndGeometry.ts (both pure); BoardView applies the drop.
 *
 * Cheap on big boards: cards are never displaced while dragging (so no sortable strategy runs
 * and nothing re-lays out); the dragged card is drawn once in an overlay and the drop point is a
 * line on one card, published through a tiny store so that only the cards it enters and leaves
 * re-render; cards use dnd-kit's core hooks, which re-render only when the drop target changes.
 */
import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  MouseSensor,
  TouchSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type CollisionDetection,
  type DroppableContainer,
  type Modifier,
  type DragEndEvent,
  type DragMoveEvent,
  type DragStartEvent,
  type KeyboardCoordinateGetter,
  type KeyboardSensorProps,
  type SensorInstance,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import {
  createContext,
  startTransition,
  useCallback,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type ElementType,
  type KeyboardEvent as ReactKeyboardEvent,
  type MouseEvent as ReactMouseEvent,
  type ReactNode,
  type RefObject,
  type TouchEvent as ReactTouchEvent,
} from 'react';
import type { BoardSnapshot } from '../../shared/board/index.ts';
import type { CardKind } from '../../shared/schema.ts';
import { accepts, describeTarget, explain, resolveDrop, targetLane, type DropAction, type DropPosition, type DropTarget } from './drop.ts';
import {
  besidePointer as besidePoint,
  halfUnderPointer,
  keyboardStep,
  nextKeyboardPlace,
  placeUnderPointer,
  type KeyboardCandidate,
  type PlaceBox,
} from './dndGeometry.ts';
import { describeKind, findCardIn } from './layout.ts';
import './clustering.css';

/** The id of the hidden text that tells keyboard users how to drag (cards point to it). */
export const DRAG_HELP_ID = 'drag-help';
export const DRAG_HELP =
  'Press Space to pick this card up, then the arrow keys to move it, Space or Enter to drop it, Escape to cancel. Or press M to move it one step at a time.';

type Indicator = { activeId: UniqueIdentifier | null; overId: UniqueIdentifier | null; position: DropPosition | 'into' };
const NO_INDICATOR: Indicator = { activeId: null, overId: null, position: 'after' };

/**
 * Which card is being dragged and where the drop line is: a value with subscribers, so a card
 * re-renders only when it is involved.
 */
function createIndicatorStore() {
  let value: Indicator = NO_INDICATOR;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set(patch: Partial<Indicator>) {
      const next = { ...value, ...patch };
      if (next.activeId === value.activeId && next.overId === value.overId && next.position === value.position) return;
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
/** whether cards have registered with dnd-kit yet (see DraggableCard) */
const EnabledContext = createContext(false);

type DropData = { target: DropTarget };
const targetOf = (data: unknown): DropTarget | undefined => (data as DropData | undefined)?.target;

type Place = PlaceBox & {
  container: DroppableContainer;
  /** the lane that scrolls it, and its scroll position when measured, and the page's (phones scroll the page) */
  scroller: Element | null;
  scrollTop: number;
  pageScrollY: number;
};

/** The droppables a card of `kind` can go to, with their client rects now. */
function measurePlaces(containers: DroppableContainer[], kind: CardKind): Place[] {
  const places: Place[] = [];
  for (const container of containers) {
    const target = targetOf(container.data.current);
    const node = container.node.current;
    if (!target || !node || !accepts(kind, target)) continue;
    const rect = node.getBoundingClientRect();
    const scroller = node.closest('.lane__scroll');
    places.push({
      container,
      type: target.type,
      left: rect.left,
      right: rect.right,
      top: rect.top,
      height: rect.height,
      scroller,
      scrollTop: scroller?.scrollTop ?? 0,
      pageScrollY: window.scrollY,
    });
  }
  return places;
}

/**
 * The dragged card's stand-in sits below and to the right of the pointer (or of the place a
 * keyboard drag is over), so it never hides where it would land.
 */
const besidePointer: Modifier = ({ transform, activatorEvent, draggingNodeRect }) => {
  if (!draggingNodeRect || !activatorEvent) return transform;
  if (isKeyboard(activatorEvent)) return besidePoint(transform, { keyboard: true }, draggingNodeRect);
  const point = 'touches' in activatorEvent ? (activatorEvent as TouchEvent).touches[0] : (activatorEvent as MouseEvent);
  return besidePoint(transform, { keyboard: false, point }, draggingNodeRect);
};
const OVERLAY_BESIDE_POINTER = [besidePointer];

const isKeyboard = (event: Event | null) => typeof KeyboardEvent !== 'undefined' && event instanceof KeyboardEvent;

/** The parts of dnd-kit's KeyboardSensor (6.3.1, pinned) that ListeningKeyboardSensor builds on. */
type KeyboardSensorParts = SensorInstance & {
  props: KeyboardSensorProps;
  listeners: { add(eventName: string, handler: (event: Event) => void): void };
  windowListeners: { add(eventName: string, handler: (event: Event) => void): void };
  handleStart(): void;
  handleKeyDown(event: Event): void;
  handleCancel(event: Event): void;
};
const StockKeyboardSensor = KeyboardSensor as unknown as new (props: KeyboardSensorProps) => KeyboardSensorParts;

/**
 * dnd-kit's keyboard sensor, but listening for the drag's keys from the moment of the pick-up.
 * The stock one starts listening in a setTimeout, so as not to hear the Space that picked the
 * card up; but browsers run key presses before timers, so on a busy page the keys pressed just
 * after a pick-up (an arrow, Escape) reached nobody: the card stayed picked up and Escape did
 * not cancel. This one listens at once and skips the pick-up's own key press instead.
 * Guarded by "keys pressed at once after a keyboard pick-up" in e2e/clustering.spec.ts.
 */
class ListeningKeyboardSensor extends StockKeyboardSensor {
  static activators = KeyboardSensor.activators;

  // called by dnd-kit's constructor in place of its own attach
  attach(): void {
    this.handleStart();
    this.windowListeners.add('resize', this.handleCancel);
    this.windowListeners.add('visibilitychange', this.handleCancel);
    const pickUp = this.props.event;
    this.listeners.add('keydown', (event) => {
      if (event !== pickUp) this.handleKeyDown(event);
    });
  }
}

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
  /** where the current drag can go, measured when it starts (see collisionDetection) */
  const placesRef = useRef<Place[] | null>(null);
  // The board changed under a drag (someone else's edit): measure the places again.
  if (boardRef.current !== board) placesRef.current = null;
  boardRef.current = board;
  const [active, setActive] = useState<{ id: string; kind: CardKind } | null>(null);
  // Cards register with dnd-kit after they first show, in a low-priority update: at first, and
  // again whenever many arrive at once (the first sync of a big board), so that registering
  // hundreds of cards never delays showing them.
  const [enabled, setEnabled] = useState(false);
  const cardCount = board.problems.length + board.ideas.length + board.notes.length;
  const registered = useRef(0);
  if (enabled && cardCount - registered.current > 40) setEnabled(false);
  else if (enabled && cardCount < registered.current) registered.current = cardCount;
  const countRef = useRef(cardCount);
  countRef.current = cardCount;
  useEffect(() => {
    if (readOnly || enabled) return;
    const timer = setTimeout(
      () =>
        startTransition(() => {
          registered.current = countRef.current;
          setEnabled(true);
        }),
      0,
    );
    return () => clearTimeout(timer);
  }, [readOnly, enabled]);
  const kindRef = useRef<CardKind | null>(null);
  // Keyboard dragging goes from target to target: the current one and the way we came.
  const keyboardOver = useRef<UniqueIdentifier | null>(null);
  const keyboardPosition = useRef<DropPosition>('after');
  const position = useRef<DropPosition>('after');
  /** where the pointer was at the last collision check (client coordinates) */
  const lastPointer = useRef<{ x: number; y: number } | null>(null);
  /** what was last announced as "over", so that the pick-up is not drowned by "over itself" */
  const announced = useRef<string | null>(null);

  const coordinateGetter: KeyboardCoordinateGetter = useCallback((event, { context }) => {
    const { active: dragged, droppableRects, droppableContainers, collisionRect } = context;
    const kind = kindRef.current;
    const step = keyboardStep(event.code);
    if (!dragged || !collisionRect || !kind || step === undefined) return undefined;
    event.preventDefault();
    const currentId = keyboardOver.current ?? dragged.id;
    const current = droppableRects.get(currentId) ?? collisionRect;
    const currentTarget = targetOf(droppableContainers.get(currentId)?.data.current);
    const lane = currentTarget ? targetLane(currentTarget) : kind;
    const candidates: KeyboardCandidate<UniqueIdentifier>[] = [];
    for (const container of droppableContainers.getEnabled()) {
      const target = targetOf(container.data.current);
      const rect = droppableRects.get(container.id);
      if (!target || !rect || !accepts(kind, target)) continue;
      candidates.push({ id: container.id, lane: targetLane(target), top: rect.top, height: rect.height, left: rect.left });
    }
    const { pick, position: side } = nextKeyboardPlace(candidates, currentId, current, lane, step);
    keyboardPosition.current = side;
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
    const pointer = args.pointerCoordinates;
    if (!pointer) return [];
    lastPointer.current = pointer;
    // Not dnd-kit's pointerWithin: its rects re-read the scroll position of every scrolling
    // ancestor on each side of each rect, some 2,600 reads per pointer move on a 300-card board.
    // Here the places this card can go are measured once per drag, then shifted by how far
    // their lane has scrolled since, read once per lane per move.
    const places = (placesRef.current ??= measurePlaces(args.droppableContainers, kind));
    const pageShift = window.scrollY - (places[0]?.pageScrollY ?? 0);
    const scrolled = new Map<Element | null, number>();
    const best = placeUnderPointer(places, pointer, (place) => {
      let shift = scrolled.get(place.scroller);
      if (shift === undefined) {
        shift = (place.scroller?.scrollTop ?? 0) - place.scrollTop + pageShift;
        scrolled.set(place.scroller, shift);
      }
      return shift;
    });
    return best ? [{ id: best.container.id, data: { droppableContainer: best.container, value: 0 } }] : [];
  }, []);

  const mouse = useSensor(MouseSensor, { activationConstraint: { distance: 6 } });
  const touch = useSensor(TouchSensor, { activationConstraint: { delay: 250, tolerance: 8 } });
  const keyboard = useSensor(ListeningKeyboardSensor, {
    coordinateGetter,
    keyboardCodes: { start: ['Space'], cancel: ['Escape'], end: ['Space', 'Enter'] },
    scrollBehavior: prefersReducedMotion() ? 'auto' : 'smooth',
  });
  const sensors = useSensors(...(readOnly ? [] : [mouse, touch, keyboard]));

  const updateIndicator = (event: DragMoveEvent) => {
    const over = event.over;
    const target = targetOf(over?.data.current);
    if (!over || !target || over.id === event.active.id) return store.set({ overId: null });
    if (keyboardOver.current !== null) {
      position.current = keyboardPosition.current;
    } else if (lastPointer.current) {
      position.current = halfUnderPointer(lastPointer.current.y, over.rect);
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
    announced.current = `${String(event.active.id)}:after`;
    store.set({ activeId: event.active.id, overId: null });
    setActive({ id: target.id, kind: target.kind });
    onDragging(true);
  };

  const finish = (event: DragEndEvent | null) => {
    const keyboardDrag = keyboardOver.current !== null;
    const target = targetOf(event?.over?.data.current);
    const activeId = event ? String(event.active.id) : null;
    kindRef.current = null;
    keyboardOver.current = null;
    placesRef.current = null;
    store.set(NO_INDICATOR);
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
      const key = `${String(over?.id ?? '')}:${over?.id === a.id ? 'after' : position.current}`;
      if (key === announced.current) return undefined;
      announced.current = key;
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
      <EnabledContext.Provider value={enabled && !readOnly}>
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
        <DragOverlay dropAnimation={null} modifiers={OVERLAY_BESIDE_POINTER}>
          {activeCard ? (
            <div className={`drag-preview drag-preview--${activeCard.kind}`} aria-hidden="true">
              <span className="drag-preview__kind">{capitalise(describeKind(activeCard.kind))}</span>
              {activeCard.title.trim() || 'Untitled'}
            </div>
          ) : null}
        </DragOverlay>
      </DndContext>
      </EnabledContext.Provider>
    </IndicatorContext.Provider>
  );
}

type Listeners = NonNullable<ReturnType<typeof useDraggable>['listeners']>;
/** The list item's element, and the registration's setter for it, whichever arrives first. */
type NodeSlot = { element: HTMLLIElement | null; register: ((element: HTMLElement | null) => void) | null };

/**
 * The list item around a card: what is dragged and what is dropped on. Drags start from the card
 * itself (not from buttons or fields inside it), never from an open card.
 *
 * The item renders and stays the same element whether or not drag and drop is on yet: its
 * registration with dnd-kit lives in a child that renders nothing (CardRegistration), mounted in
 * a low-priority update after the board first shows. On a 300-card board that keeps some 80 ms
 * of hook work and a second render pass out of the time to first render.
 */
export function DraggableCard({ id, kind, disabled, children }: { id: string; kind: CardKind; disabled: boolean; children: ReactNode }) {
  const enabled = useContext(EnabledContext);
  const store = useContext(IndicatorContext);
  const slot = useRef<NodeSlot>({ element: null, register: null }).current;
  const ref = useCallback(
    (element: HTMLLIElement | null) => {
      slot.element = element;
      slot.register?.(element);
    },
    [slot],
  );
  const listeners = useRef<Listeners | undefined>(undefined);
  const state = useSyncExternalStore(store?.subscribe ?? noSubscribe, () => {
    const value = store?.get();
    if (!value) return null;
    return value.activeId === id ? 'dragging' : value.overId === id ? value.position : null;
  });
  const handlers = useMemo(
    () => ({
      onMouseDown: (event: ReactMouseEvent<HTMLElement>) => listeners.current?.onMouseDown?.(event),
      onTouchStart: (event: ReactTouchEvent<HTMLElement>) => listeners.current?.onTouchStart?.(event),
      onKeyDown: (event: ReactKeyboardEvent<HTMLElement>) => {
        // Only from the card itself, and not when the card already used the key (M-move mode).
        if (event.defaultPrevented || event.target !== event.currentTarget.firstElementChild) return;
        listeners.current?.onKeyDown?.(event);
      },
    }),
    [],
  );
  const className = ['lane__item', state ? `lane__item--${state === 'dragging' ? 'dragging' : `drop-${state}`}` : ''].filter(Boolean).join(' ');
  return (
    <li ref={ref} className={className} {...handlers}>
      {children}
      {enabled && <CardRegistration id={id} kind={kind} disabled={disabled} node={slot} listeners={listeners} />}
    </li>
  );
}

/** A card's registration as draggable and droppable, and its sensors' listeners. Renders nothing. */
function CardRegistration({
  id,
  kind,
  disabled,
  node,
  listeners,
}: {
  id: string;
  kind: CardKind;
  disabled: boolean;
  node: NodeSlot;
  listeners: RefObject<Listeners | undefined>;
}) {
  const data = useMemo<DropData>(() => ({ target: { type: 'card', id, kind } }), [id, kind]);
  // The core hooks, not useSortable: that one reads the public drag context, which changes on
  // every pointer move, and would re-render every card 60 times a second during a drag.
  const draggable = useDraggable({ id, data, disabled });
  const droppable = useDroppable({ id, data, disabled });
  const setDragNode = draggable.setNodeRef;
  const setDropNode = droppable.setNodeRef;
  const setNodeRef = useCallback(
    (element: HTMLElement | null) => {
      setDragNode(element);
      setDropNode(element);
    },
    [setDragNode, setDropNode],
  );
  listeners.current = draggable.listeners;
  // The item may mount in the same commit, its ref attached after this child's layout effects:
  // then its ref callback hands the element over (see DraggableCard).
  useLayoutEffect(() => {
    node.register = setNodeRef;
    if (node.element) setNodeRef(node.element);
    return () => {
      node.register = null;
    };
  }, [setNodeRef, node]);
  useLayoutEffect(
    () => () => {
      listeners.current = undefined;
    },
    [listeners],
  );
  return null;
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
