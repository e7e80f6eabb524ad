/**
 * The three lanes and everything you do in them with mouse or keyboard. Receives a plain board
 * snapshot and the people present; changes go through `services.actions`. No Yjs here. Its parts
 * beside it: the keys (useCardKeys.ts), roving focus (useRovingFocus.ts), others' arrivals
 * (useArrivals.ts) and drag and drop (dnd.tsx).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CardKind } from '../../shared/schema.ts';
import type { Peer } from '../sync/presence.ts';
import { CardView } from './CardView.tsx';
import { LANES, describeKind, findCardIn, layoutBoard, moveStep, type Group } from './layout.ts';
import { useServices } from './services.ts';
import { BoardDnd, DRAG_HELP, DRAG_HELP_ID, DropZone, DraggableCard, type DropResult } from './dnd.tsx';
import { IdeaTools, ThemesPanel, type MergeChoiceGroup } from './Themes.tsx';
import { useArrivals } from './useArrivals.ts';
import { useBoardKeys, useCardKeys } from './useCardKeys.ts';
import { useRovingFocus } from './useRovingFocus.ts';
import type { BoardSnapshot, Card } from '../../shared/board/index.ts';

type OpenState = { id: string; focus: 'title' | 'body' } | null;
type Toast = { message: string; undo: boolean; key: number } | null;

export function BoardView({ board, peers, onShowKeys }: { board: BoardSnapshot; peers: Peer[]; onShowKeys: () => void }) {
  const services = useServices();
  const { actions, readOnly, me } = services;
  const [collapsed, setCollapsed] = useState<Set<string>>(() => new Set());
  const layout = useMemo(() => layoutBoard(board, collapsed), [board, collapsed]);
  const { setActive, focusedId, setFocusedId, focusNow, onFocusCard, isTabbable } = useRovingFocus(board);
  const [open, setOpen] = useState<OpenState>(null);
  const [toast, setToast] = useState<Toast>(null);
  const [phoneLane, setPhoneLane] = useState<CardKind>('problem');
  /** a drag (mouse, touch or keyboard) is on: the cards' own keys stand aside */
  const dragging = useRef(false);
  const onDragging = useCallback((on: boolean) => {
    dragging.current = on;
  }, []);

  // -- who edits what, children counts, themes ---------------------------------------------------
  const editorsByCard = useMemo(() => {
    const out = new Map<string, Peer[]>();
    for (const p of peers) {
      if (p.isLocal || !p.editing) continue;
      const list = out.get(p.editing) ?? [];
      list.push(p);
      out.set(p.editing, list);
    }
    return out;
  }, [peers]);
  const childCounts = useMemo(() => {
    const out = new Map<string, number>();
    for (const i of board.ideas) if (i.problemId) out.set(i.problemId, (out.get(i.problemId) ?? 0) + 1);
    for (const n of board.notes) if (n.ideaId) out.set(n.ideaId, (out.get(n.ideaId) ?? 0) + 1);
    return out;
  }, [board]);

  // -- selection: a focused problem highlights its ideas and their notes -----------------------
  const highlighted = useMemo(() => {
    const set = new Set<string>();
    const card = focusedId ? findCardIn(board, focusedId) : undefined;
    if (!card) return set;
    const problemId = card.kind === 'problem' ? card.id : card.kind === 'idea' ? card.problemId : null;
    const ideaId = card.kind === 'note' ? card.ideaId : card.kind === 'idea' ? card.id : null;
    if (card.kind === 'problem' && problemId) {
      for (const i of board.ideas) if (i.problemId === problemId) set.add(i.id);
      for (const n of board.notes) if (n.ideaId && set.has(n.ideaId)) set.add(n.id);
    } else if (ideaId) {
      const idea = board.ideas.find((i) => i.id === ideaId);
      if (idea?.problemId) set.add(idea.problemId);
      set.add(ideaId);
      for (const n of board.notes) if (n.ideaId === ideaId) set.add(n.id);
    }
    set.delete(card.id);
    return set;
  }, [focusedId, board]);

  // -- remote additions: announce politely, glow briefly -----------------------------------------
  const fresh = useArrivals(board, me.participantId, services);

  // -- actions ---------------------------------------------------------------------------------
  const addTo = useCallback(
    (kind: CardKind, group: string | null, afterId?: string) => {
      const mode = services.facilitation?.addMode(kind) ?? 'board';
      if (readOnly || mode === 'blocked') return;
      if (mode === 'draft') return services.facilitation!.startDraft(kind, group);
      const id = actions.addCard(kind, group, afterId ? { afterId } : {});
      setOpen({ id, focus: 'title' });
      setActive((a) => ({ ...a, [kind]: id }));
      setFocusedId(id);
      if (kind === 'note' || kind === 'idea') setPhoneLane(kind);
    },
    // the setters are React's: stable
    [actions, readOnly, services.facilitation, setActive, setFocusedId],
  );
  // The phase decides which lanes take new cards (the server enforces it; this hides the buttons).
  const canAdd = (kind: CardKind) => !readOnly && (services.facilitation?.addMode(kind) ?? 'board') !== 'blocked';
  const onOpen = useCallback((id: string, focus: 'title' | 'body') => {
    setOpen((o) => (o?.id === id ? o : { id, focus }));
    setFocusedId(id);
  }, [setFocusedId]);
  const onClose = useCallback(
    (id: string) => {
      setOpen((o) => (o?.id === id ? null : o));
      actions.stopCapturing();
      focusNow(id);
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [actions],
  );
  const onDelete = useCallback(
    (id: string) => {
      const card = findCardIn(board, id);
      if (!card) return;
      // Focus moves to a neighbour so keyboard users keep their place.
      const order = layout[card.kind].order;
      const i = order.indexOf(id);
      const next = order[i + 1] ?? order[i - 1] ?? null;
      actions.remove(id);
      setOpen((o) => (o?.id === id ? null : o));
      setToast({ message: `${capitalise(describeKind(card.kind))} deleted.`, undo: true, key: Date.now() });
      services.announce(`${capitalise(describeKind(card.kind))} deleted. Press Ctrl+Z to undo.`);
      focusNow(next);
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [board, layout, actions, services],
  );
  const onStep = useCallback(
    (id: string, dir: -1 | 1) => {
      const step = moveStep(board, layout, id, dir);
      if (!step) return false;
      if (step.type === 'reorder') actions.reorder(id, step.placement);
      else if (step.type === 'moveIdea') actions.moveIdea(id, step.problemId, step.placement, step.themeId);
      else actions.moveNote(id, step.ideaId, step.placement);
      return true;
    },
    [board, layout, actions],
  );
  /** M-move mode's T: the idea's next theme (in the themes' order, then none). */
  const onCycleTheme = useCallback(
    (id: string): string | null | undefined => {
      const idea = board.ideas.find((i) => i.id === id);
      if (!idea || board.themes.length === 0) return undefined;
      const ring: Array<string | null> = [...board.themes.map((t) => t.id), null];
      const next = ring[(ring.indexOf(idea.themeId) + 1) % ring.length]!;
      actions.setTheme(id, next);
      return next;
    },
    [board, actions],
  );
  const onDrop = useCallback(
    ({ activeId, action, keyboard }: DropResult) => {
      try {
        if (action?.type === 'reorder') actions.reorder(action.id, action.placement);
        else if (action?.type === 'moveIdea') actions.moveIdea(action.id, action.problemId, action.placement, action.themeId);
        else if (action?.type === 'moveNote') actions.moveNote(action.id, action.ideaId, action.placement);
        else if (action?.type === 'setTheme') actions.setTheme(action.id, action.themeId);
      } catch (error) {
        // A concurrent delete took the target away: say so, change nothing.
        services.announce(`Could not move the card: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (action || keyboard) focusNow(activeId);
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [actions, services],
  );
  const onMerge = useCallback(
    (mergeId: string, keepId: string) => {
      const keep = board.ideas.find((i) => i.id === keepId);
      actions.merge(keepId, mergeId);
      setOpen(null);
      const title = keep?.title.trim() || 'Untitled idea';
      setToast({ message: `Idea merged into “${title}”.`, undo: true, key: Date.now() });
      services.announce(`Idea merged into ${title}. Press Ctrl+Z to undo.`);
      focusNow(keepId);
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [board, actions, services],
  );
  const onNewThemeFor = useCallback(
    (ideaId: string, title: string) => {
      actions.addTheme(title, [ideaId]);
      services.announce(`Idea grouped into the new theme ${title}.`);
    },
    [actions, services],
  );
  const onCreateTheme = useCallback(() => actions.addTheme(''), [actions]);
  const onRenameTheme = useCallback((id: string, title: string) => actions.setTitle(id, title), [actions]);
  const onDeleteTheme = useCallback(
    (id: string) => {
      actions.remove(id);
      setToast({ message: 'Theme deleted. Its ideas stay, without a theme.', undo: true, key: Date.now() });
      services.announce('Theme deleted. Its ideas stay, without a theme. Press Ctrl+Z to undo.');
    },
    [actions, services],
  );
  const onStepButton = useCallback((id: string, dir: -1 | 1) => void onStep(id, dir), [onStep]);
  const onReparent = useCallback(
    (id: string, parentId: string | null) => {
      const card = findCardIn(board, id);
      if (card?.kind === 'idea') actions.moveIdea(id, parentId);
      else if (card?.kind === 'note') actions.moveNote(id, parentId);
    },
    [board, actions],
  );
  const onSetTheme = useCallback((id: string, themeId: string | null) => actions.setTheme(id, themeId), [actions]);

  // Toast lifetime: 10 s.
  useEffect(() => {
    if (!toast) return;
    const t = setTimeout(() => setToast(null), 10_000);
    return () => clearTimeout(t);
  }, [toast]);

  // -- keyboard on a card ----------------------------------------------------------------------
  const { moving, onKeyDownCard } = useCardKeys({
    board,
    layout,
    readOnly,
    actions,
    services,
    dragging,
    focusNow,
    setPhoneLane,
    onStep,
    onCycleTheme,
    onOpen,
    addTo,
    onDelete,
  });
  useBoardKeys({ actions, onShowKeys, readOnly });

  // Closing the editor of a card deleted by someone else.
  useEffect(() => {
    if (open && !findCardIn(board, open.id)) setOpen(null);
  }, [board, open]);

  const problemChoices = useMemo(
    () => [
      ...board.problems.map((p) => ({ id: p.id as string | null, title: p.title || 'Untitled problem statement' })),
      { id: null, title: 'Not linked to a problem' },
    ],
    [board.problems],
  );
  const ideaChoices = useMemo(
    () => [
      ...layout.idea.groups.flatMap((g) => g.cards).map((i) => ({ id: i.id as string | null, title: i.title || 'Untitled idea' })),
      { id: null, title: 'Not linked to an idea' },
    ],
    [layout],
  );

  const openIdeaId = open && board.ideas.some((i) => i.id === open.id) ? open.id : null;
  const mergeGroups = useMemo<MergeChoiceGroup[]>(
    () =>
      openIdeaId === null
        ? []
        : layout.idea.groups
            .map((g) => ({
              label: g.title,
              ideas: g.cards.filter((c) => c.id !== openIdeaId).map((c) => ({ id: c.id, title: c.title.trim() || 'Untitled idea' })),
            }))
            .filter((g) => g.ideas.length > 0),
    [layout, openIdeaId],
  );
  const themeCounts = useMemo(() => {
    const out = new Map<string, number>();
    for (const i of board.ideas) if (i.themeId) out.set(i.themeId, (out.get(i.themeId) ?? 0) + 1);
    return out;
  }, [board.ideas]);

  const renderCard = (card: Card, laneOrder: string[]) => {
    const isOpen = open?.id === card.id;
    const tabbable = isTabbable(card, laneOrder);
    return (
      <DraggableCard key={card.id} id={card.id} kind={card.kind} disabled={readOnly || isOpen}>
        <CardView
          card={card}
          tabbable={tabbable}
          open={isOpen ? open!.focus : null}
          highlighted={highlighted.has(card.id)}
          moving={moving?.id === card.id}
          isNew={fresh.has(card.id)}
          editors={editorsByCard.get(card.id) ?? NO_PEERS}
          theme={null}
          childCount={childCounts.get(card.id) ?? 0}
          onFocusCard={onFocusCard}
          onKeyDownCard={onKeyDownCard}
          onOpen={onOpen}
          onClose={onClose}
          onDelete={onDelete}
          onStep={onStepButton}
          parentChoices={isOpen ? (card.kind === 'idea' ? problemChoices : card.kind === 'note' ? ideaChoices : null) : null}
          parentId={card.kind === 'idea' ? card.problemId : card.kind === 'note' ? card.ideaId : null}
          onReparent={onReparent}
          themeChoices={isOpen ? board.themes : NO_THEMES}
          onSetTheme={onSetTheme}
          ideaTools={
            isOpen && card.kind === 'idea' && !readOnly ? (
              <IdeaTools ideaId={card.id} mergeGroups={mergeGroups} onNewTheme={onNewThemeFor} onMerge={onMerge} />
            ) : null
          }
        />
      </DraggableCard>
    );
  };

  const renderGroup = (kind: CardKind, group: Group, laneOrder: string[]) => {
    const collapseKey = kind === 'note' ? `notes:${group.parentId}` : (group.parentId ?? '');
    const isCollapsed = group.parentId !== null && collapsed.has(collapseKey);
    const headingId = `group-${kind}-${group.parentId ?? 'none'}`;
    const toggle = () =>
      setCollapsed((c) => {
        const next = new Set(c);
        if (next.has(collapseKey)) next.delete(collapseKey);
        else next.add(collapseKey);
        return next;
      });
    return (
      <DropZone
        as="section"
        key={group.parentId ?? 'none'}
        id={`group:${kind}:${group.parentId ?? 'none'}`}
        target={kind === 'idea' ? { type: 'ideaGroup', problemId: group.parentId } : { type: 'noteGroup', ideaId: group.parentId }}
        disabled={readOnly}
        className="group"
        aria-labelledby={headingId}
      >
        <h3 className="group__title" id={headingId}>
          {group.parentId !== null ? (
            <button type="button" className="group__toggle" aria-expanded={!isCollapsed} onClick={toggle}>
              <span className="group__chevron" aria-hidden="true">
                {isCollapsed ? '▸' : '▾'}
              </span>
              <span className="visually-hidden">{kind === 'idea' ? 'Ideas for: ' : 'Notes for: '}</span>
              {group.title}
              <span className="group__count"> ({group.cards.length})</span>
            </button>
          ) : (
            <span className="group__static">{group.title}</span>
          )}
        </h3>
        {!isCollapsed && (
          <>
            {group.subgroups ? (
              group.subgroups.map((sub) => (
                <DropZone
                  key={sub.theme?.id ?? 'none'}
                  id={`sub:${group.parentId ?? 'none'}:${sub.theme?.id ?? 'none'}`}
                  target={{ type: 'ideaSub', problemId: group.parentId, themeId: sub.theme?.id ?? null }}
                  disabled={readOnly}
                  className={`subgroup${sub.theme ? ' subgroup--theme' : ''}`}
                  data-theme-id={sub.theme?.id ?? ''}
                >
                  <h4 className="subgroup__title">{sub.theme ? `Theme: ${sub.theme.title.trim() || 'Untitled theme'}` : 'No theme'}</h4>
                  <ul className="lane__list">{sub.cards.map((c) => renderCard(c, laneOrder))}</ul>
                </DropZone>
              ))
            ) : (
              <ul className="lane__list">{group.cards.map((c) => renderCard(c, laneOrder))}</ul>
            )}
            {canAdd(kind) && (kind === 'idea' || (kind === 'note' && group.parentId !== null)) && (
              <button type="button" className="add-button add-button--group" onClick={() => addTo(kind, group.parentId)}>
                + {kind === 'idea' ? 'Add idea here' : 'Add note to this idea'}
              </button>
            )}
          </>
        )}
      </DropZone>
    );
  };

  const focusedIdea = focusedId ? board.ideas.find((i) => i.id === focusedId) : undefined;
  const focusedNote = focusedId ? board.notes.find((n) => n.id === focusedId) : undefined;

  return (
    <>
      <nav className="lane-switcher" aria-label="Lanes">
        {LANES.map((lane) => (
          <button
            key={lane.kind}
            type="button"
            className="lane-switcher__button"
            aria-pressed={phoneLane === lane.kind}
            onClick={() => setPhoneLane(lane.kind)}
          >
            {lane.title}
          </button>
        ))}
      </nav>
      <p id="move-help" className="visually-hidden">
        Moving: use the up and down arrows{board.themes.length > 0 ? ', T to change an idea’s theme' : ''}, Enter to finish, Escape to cancel.
      </p>
      {!readOnly && (
        <p id={DRAG_HELP_ID} className="visually-hidden">
          {DRAG_HELP}
        </p>
      )}
      <BoardDnd board={board} readOnly={readOnly} onDrop={onDrop} onDragging={onDragging}>
      <div className="lanes">
        {LANES.map((lane) => {
          const l = layout[lane.kind];
          const count = lane.kind === 'problem' ? board.problems.length : lane.kind === 'idea' ? board.ideas.length : board.notes.length;
          const headingId = `lane-${lane.kind}`;
          // The lane's own Add: a problem at the end; an idea for the focused problem; a note on the focused idea.
          const focusedProblemId = focusedId && board.problems.some((p) => p.id === focusedId) ? focusedId : null;
          const addGroup =
            lane.kind === 'idea'
              ? (focusedProblemId ?? focusedIdea?.problemId ?? board.problems[0]?.id ?? null)
              : lane.kind === 'note'
                ? (focusedIdea?.id ?? focusedNote?.ideaId ?? board.ideas[0]?.id ?? null)
                : null;
          return (
            <section
              key={lane.kind}
              className={`lane lane--${lane.kind}`}
              aria-labelledby={headingId}
              data-lane={lane.kind}
              data-phone-active={phoneLane === lane.kind}
            >
              <div className="lane__head">
                <h2 className="lane__title" id={headingId}>
                  {lane.title} <span className="lane__count">({count})</span>
                </h2>
                <p className="lane__hint">{lane.hint}</p>
                {canAdd(lane.kind) && (
                  <button
                    type="button"
                    className="add-button"
                    onClick={() => addTo(lane.kind, addGroup)}
                    data-add-lane={lane.kind}
                    aria-keyshortcuts="N"
                  >
                    + {lane.addLabel}
                  </button>
                )}
              </div>
              <div className="lane__scroll">
                {services.facilitation?.renderLaneTop(lane.kind)}
                {lane.kind === 'idea' && (
                  <ThemesPanel
                    themes={board.themes}
                    counts={themeCounts}
                    unthemed={board.ideas.length - [...themeCounts.values()].reduce((a, b) => a + b, 0)}
                    readOnly={readOnly}
                    onCreate={onCreateTheme}
                    onRename={onRenameTheme}
                    onDelete={onDeleteTheme}
                  />
                )}
                {lane.kind === 'problem' ? (
                  <ul className="lane__list">{board.problems.map((c) => renderCard(c, l.order))}</ul>
                ) : (
                  l.groups.map((g) => renderGroup(lane.kind, g, l.order))
                )}
                {count === 0 && <p className="lane__empty">Nothing here yet.</p>}
              </div>
            </section>
          );
        })}
      </div>
      </BoardDnd>
      {toast && (
        <div className="toast" role="status" key={toast.key}>
          <span>{toast.message}</span>
          {toast.undo && (
            <button
              type="button"
              className="button button--small button--inverse"
              onClick={() => {
                actions.undo();
                setToast(null);
              }}
            >
              Undo
            </button>
          )}
        </div>
      )}
    </>
  );
}

const NO_PEERS: Peer[] = [];
const NO_THEMES: BoardSnapshot['themes'] = [];

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
