/**
 * The facilitator's editor for the brief's next steps as actions: a list in which each action is a
 * group of fields — what, who (a participant of the board, or a name typed in), by when (a date),
 * and how far it has got — with buttons to move it up or down and to delete it, and one to add an
 * action. (A group per action rather than a table row: five fields side by side do not fit the
 * brief's reading width, and each group says which action its fields are.) Every change is
 * written to the board at once (shared/board/actions.ts), so readers see it in the brief as it is
 * made; the server keeps anyone but a facilitator from writing them.
 */
import { useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import type * as Y from 'yjs';
import {
  BoardWriteError,
  addAction,
  deleteAction,
  isTemplateAuthor,
  moveAction,
  updateAction,
  type Action,
  type ActionInput,
  type ActionOwner,
  type Author,
  type BoardSnapshot,
} from '../../shared/board/index.ts';
import { actionStatusName } from '../../shared/brief/words.ts';
import { ACTION_STATUSES, LIMITS, type ActionStatus } from '../../shared/schema.ts';
import type { BoardOrigin } from '../../shared/origins.ts';

/** Everyone credited on the board (authors and co-authors of cards and themes): who an action may name. */
export function boardPeople(board: BoardSnapshot): Author[] {
  const byId = new Map<string, Author>();
  const add = (a: Author) => {
    if (a.participantId === 'unknown' || isTemplateAuthor(a) || byId.has(a.participantId)) return;
    byId.set(a.participantId, a);
  };
  for (const card of [...board.problems, ...board.ideas, ...board.notes, ...board.themes]) add(card.author);
  for (const idea of board.ideas) idea.coAuthors.forEach(add);
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name, 'en-GB') || (a.participantId < b.participantId ? -1 : 1));
}

const NOBODY = '';
const SOMEONE_ELSE = 'name';
const personValue = (participantId: string) => `p:${participantId}`;

export function ActionsEditor(props: { doc: Y.Doc; origin: BoardOrigin; board: BoardSnapshot }) {
  const { doc, origin, board } = props;
  const people = useMemo(() => boardPeople(board), [board]);
  const [error, setError] = useState<string | null>(null);
  // the row whose title field takes focus once it is drawn (a new action)
  const [focusId, setFocusId] = useState<string | null>(null);
  const addRef = useRef<HTMLButtonElement>(null);

  const attempt = (write: () => void) => {
    try {
      write();
      setError(null);
    } catch (e) {
      if (!(e instanceof BoardWriteError)) throw e;
      setError(e.message.charAt(0).toUpperCase() + e.message.slice(1) + '.');
    }
  };
  const update = (id: string, patch: Partial<ActionInput>) => attempt(() => updateAction(doc, id, patch, origin));
  const actions = board.actions;

  return (
    <div className="actions-editor" data-testid="actions-editor">
      <h3 className="actions-editor__title">Actions</h3>
      <p className="field__hint">
        Each next step as an action: what, who, by when and how far it has got. The brief shows them as a table, in this
        order.
      </p>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      {actions.length > 0 && (
        <ol className="actions-editor__list">
          {actions.map((action, i) => (
            <ActionRow
              key={action.id}
              action={action}
              index={i}
              people={people}
              focusTitle={focusId === action.id}
              onFocused={() => setFocusId(null)}
              update={(patch) => update(action.id, patch)}
              moveUp={i > 0 ? () => attempt(() => moveAction(doc, action.id, { beforeId: actions[i - 1]!.id }, origin)) : null}
              moveDown={
                i < actions.length - 1 ? () => attempt(() => moveAction(doc, action.id, { afterId: actions[i + 1]!.id }, origin)) : null
              }
              remove={() => {
                attempt(() => deleteAction(doc, action.id, origin));
                addRef.current?.focus();
              }}
            />
          ))}
        </ol>
      )}
      <button
        ref={addRef}
        type="button"
        className="button button--small button--secondary"
        data-testid="add-action"
        onClick={() =>
          attempt(() => {
            setFocusId(addAction(doc, {}, origin));
          })
        }
      >
        Add an action
      </button>
    </div>
  );
}

function ActionRow(props: {
  action: Action;
  index: number;
  people: Author[];
  focusTitle: boolean;
  onFocused: () => void;
  update: (patch: Partial<ActionInput>) => void;
  moveUp: (() => void) | null;
  moveDown: (() => void) | null;
  remove: () => void;
}) {
  const { action, index, people, update } = props;
  const n = index + 1;
  const owner = action.owner;
  // "Someone else" chosen, and no name typed yet: the name field shows until one is
  const [typingName, setTypingName] = useState(false);
  // (a participant picked meanwhile, here or by another facilitator, ends it)
  const freeName = owner?.kind === 'name' || (typingName && owner === null);
  const titleRef = useRef<HTMLInputElement>(null);
  const { focusTitle, onFocused } = props;
  useEffect(() => {
    if (!focusTitle) return;
    titleRef.current?.focus();
    onFocused();
  }, [focusTitle, onFocused]);

  // an owner picked on another board (a copy) is still offered, so the field shows who it is
  const listed = owner?.kind === 'participant' && !people.some((p) => p.participantId === owner.participantId);
  const choices: Array<{ value: string; label: string; owner: ActionOwner }> = [
    ...(listed && owner?.kind === 'participant' ? [owner] : []),
    ...people.map((p): ActionOwner => ({ kind: 'participant', ...p })),
  ].map((o) => {
    const p = o as Extract<ActionOwner, { kind: 'participant' }>;
    return { value: personValue(p.participantId), label: p.organisation ? `${p.name} (${p.organisation})` : p.name, owner: o };
  });
  const selected = freeName ? SOMEONE_ELSE : owner?.kind === 'participant' ? personValue(owner.participantId) : NOBODY;
  const id = (field: string) => `action-${action.id}-${field}`;

  // each field's name says which action it is of: "Owner (action 2)"
  const which = <span className="visually-hidden"> (action {n})</span>;
  return (
    <li className="actions-editor__item" data-testid="action-row" data-action-id={action.id}>
      <fieldset className="actions-editor__action">
        <legend className="actions-editor__legend">Action {n}</legend>
        <div className="actions-editor__field actions-editor__field--title">
          <label className="actions-editor__label" htmlFor={id('title')}>
            What will be done{which}
          </label>
          <TypedInput
            inputRef={titleRef}
            id={id('title')}
            maxLength={LIMITS.actionTitle}
            value={action.title}
            onChange={(title) => update({ title })}
          />
        </div>
        <div className="actions-editor__fields">
          <div className="actions-editor__field">
            <label className="actions-editor__label" htmlFor={id('owner')}>
              Owner{which}
            </label>
            <select
              id={id('owner')}
              className="select"
              value={selected}
              onChange={(e) => {
                const value = e.target.value;
                if (value === SOMEONE_ELSE) {
                  setTypingName(true);
                  return;
                }
                setTypingName(false);
                update({ owner: choices.find((c) => c.value === value)?.owner ?? null });
              }}
            >
              <option value={NOBODY}>Nobody yet</option>
              {choices.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
              <option value={SOMEONE_ELSE}>Someone else…</option>
            </select>
          </div>
          {freeName && (
            <div className="actions-editor__field">
              <label className="actions-editor__label" htmlFor={id('name')}>
                Their name, or a team{which}
              </label>
              <TypedInput
                id={id('name')}
                maxLength={LIMITS.name}
                value={owner?.kind === 'name' ? owner.name : ''}
                onChange={(name) => {
                  setTypingName(true);
                  update({ owner: name.trim() ? { kind: 'name', name } : null });
                }}
              />
            </div>
          )}
          <div className="actions-editor__field">
            <label className="actions-editor__label" htmlFor={id('due')}>
              Due date{which}
            </label>
            <input id={id('due')} type="date" className="input actions-editor__date" value={action.due} onChange={(e) => update({ due: e.target.value })} />
          </div>
          <div className="actions-editor__field">
            <label className="actions-editor__label" htmlFor={id('status')}>
              Status{which}
            </label>
            <select id={id('status')} className="select" value={action.status} onChange={(e) => update({ status: e.target.value as ActionStatus })}>
              {ACTION_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {actionStatusName(s)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="actions-editor__buttons">
          {/* aria-disabled, not disabled: a button that moved to the top keeps the focus */}
          <button
            type="button"
            className="button button--small button--secondary"
            aria-label={`Move action ${n} up`}
            aria-disabled={!props.moveUp}
            onClick={() => props.moveUp?.()}
          >
            Up
          </button>
          <button
            type="button"
            className="button button--small button--secondary"
            aria-label={`Move action ${n} down`}
            aria-disabled={!props.moveDown}
            onClick={() => props.moveDown?.()}
          >
            Down
          </button>
          <button type="button" className="button button--small button--warning" onClick={props.remove}>
            Delete<span className="visually-hidden"> action {n}</span>
          </button>
        </div>
      </fieldset>
    </li>
  );
}

/**
 * A text field written to the board as it is typed. The board keeps text tidied (trimmed, spaces
 * collapsed), so while the field has focus it shows what was typed — a space at the end included —
 * and the board's value again once it loses focus.
 */
function TypedInput(props: {
  id: string;
  value: string;
  maxLength: number;
  className?: string;
  inputRef?: RefObject<HTMLInputElement | null>;
  onChange: (value: string) => void;
}) {
  const [typed, setTyped] = useState<string | null>(null);
  return (
    <input
      ref={props.inputRef}
      id={props.id}
      className={`input${props.className ? ` ${props.className}` : ''}`}
      maxLength={props.maxLength}
      value={typed ?? props.value}
      onChange={(e) => {
        setTyped(e.target.value);
        props.onChange(e.target.value);
      }}
      onBlur={() => setTyped(null)}
    />
  );
}
