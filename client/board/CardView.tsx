/** One card: the static face (title, author chip, body preview, footer) or, when open, the editor. */
import { memo, type ReactNode } from 'react';
import type { Author, Card, Theme } from '../../shared/board/index.ts';
import type { Peer } from '../sync/presence.ts';
import { describeKind } from './layout.ts';
import { useServices } from './services.ts';
import { AuthorChip, PersonBadge } from './Chips.tsx';
import { DRAG_HELP_ID } from './dnd.tsx';
import { useIdeaComments } from '../comments/hooks.ts';

export type CardViewProps = {
  card: Card;
  tabbable: boolean;
  open: null | 'title' | 'body';
  highlighted: boolean;
  moving: boolean;
  isNew: boolean;
  editors: Peer[];
  theme: Theme | null;
  childCount: number;
  onFocusCard: (id: string) => void;
  onKeyDownCard: (e: React.KeyboardEvent, id: string) => void;
  onOpen: (id: string, focus: 'title' | 'body') => void;
  onClose: (id: string) => void;
  onDelete: (id: string) => void;
  onStep: (id: string, dir: -1 | 1) => void;
  /** open-card controls to re-parent the card (problem for an idea, idea for a note) */
  parentChoices: Array<{ id: string | null; title: string }> | null;
  parentId: string | null;
  onReparent: (id: string, parentId: string | null) => void;
  themeChoices: Theme[];
  onSetTheme: (id: string, themeId: string | null) => void;
  /** open ideas: grouping into a new theme and merging (client/board/Themes.tsx), else null */
  ideaTools: ReactNode;
};

function childLabel(card: Card, n: number): string | null {
  if (card.kind === 'problem') return n === 1 ? '1 idea' : `${n} ideas`;
  if (card.kind === 'idea') return n === 1 ? '1 note' : `${n} notes`;
  return null;
}

export const CardView = memo(function CardView(props: CardViewProps) {
  const { card, open } = props;
  const services = useServices();
  const noun = describeKind(card.kind);
  const title = card.title.trim() || `Untitled ${noun}`;
  const titleId = `card-title-${card.id}`;
  const comments = useIdeaComments(card.id);

  if (open && !services.readOnly) return <OpenCard {...props} noun={noun} />;

  const className = [
    'card',
    props.highlighted ? 'card--highlighted' : '',
    props.moving ? 'card--moving' : '',
    props.isNew ? 'card--new' : '',
    props.editors.length > 0 ? 'card--busy' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const children = childLabel(card, props.childCount);
  return (
    <article
      className={className}
      data-card-id={card.id}
      data-kind={card.kind}
      tabIndex={props.tabbable ? 0 : -1}
      aria-labelledby={titleId}
      aria-describedby={props.moving ? 'move-help' : services.readOnly ? undefined : DRAG_HELP_ID}
      onFocus={(e) => {
        if (e.target === e.currentTarget) props.onFocusCard(card.id);
      }}
      onKeyDown={(e) => props.onKeyDownCard(e, card.id)}
      onClick={(e) => {
        if (services.readOnly) return;
        const target = e.target as HTMLElement;
        if (target.closest('a,button')) return;
        props.onOpen(card.id, target.closest('.card__body') ? 'body' : 'title');
      }}
    >
      <h3 className="card__title" id={titleId}>
        <span className="visually-hidden">{noun}: </span>
        {title}
      </h3>
      <div className="card__meta">
        <AuthorChip author={card.author} coAuthors={card.kind === 'idea' ? card.coAuthors : undefined} />
        {children && <span className="card__count">{children}</span>}
        {props.theme && <span className="card__theme">Theme: {props.theme.title || 'Untitled theme'}</span>}
        {comments && comments.count > 0 && (
          <button type="button" className="card__comments" onClick={comments.open} data-testid="card-comments">
            {comments.count === 1 ? '1 sponsor comment' : `${comments.count} sponsor comments`}
          </button>
        )}
      </div>
      <div className="card__body">{services.renderBody(card.id)}</div>
      {services.facilitation?.renderCardFooter(card)}
      {props.editors.length > 0 && (
        <p className="card__editing">
          {props.editors.map((p) => (
            <PersonBadge key={p.clientId} peer={p} suffix="is editing" />
          ))}
        </p>
      )}
    </article>
  );
}, sameProps);

function OpenCard(props: CardViewProps & { noun: string }) {
  const { card, noun } = props;
  const services = useServices();
  const titleId = `card-title-${card.id}`;

  const onTitleKey = (e: React.KeyboardEvent<HTMLInputElement>) => {
    const mod = e.ctrlKey || e.metaKey;
    if (e.key === 'Escape') {
      e.preventDefault();
      props.onClose(card.id);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      services.focusBody(card.id);
    } else if (mod && e.key.toLowerCase() === 'z') {
      e.preventDefault();
      if (e.shiftKey) services.actions.redo();
      else services.actions.undo();
    } else if (mod && e.key.toLowerCase() === 'y') {
      e.preventDefault();
      services.actions.redo();
    }
  };

  return (
    <article
      className="card card--open"
      data-card-id={card.id}
      data-kind={card.kind}
      data-open="true"
      aria-labelledby={titleId}
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && e.target === e.currentTarget) props.onClose(card.id);
      }}
    >
      <h3 className="visually-hidden" id={titleId}>
        Editing {noun}: {card.title || 'untitled'}
      </h3>
      <label className="field field--compact">
        <span className="field__label">Title</span>
        {services.renderTitleInput({
          cardId: card.id,
          placeholder: card.kind === 'problem' ? 'How might we …?' : `Name this ${noun}`,
          // Only when opening: later renders must not steal focus from the body.
          autoFocus: props.open === 'title',
          onKeyDown: onTitleKey,
        })}
      </label>
      <div className="field field--compact">
        <span className="field__label" aria-hidden="true">
          Details
        </span>
        {services.renderEditor({
          cardId: card.id,
          label: `Details of ${noun}`,
          autoFocus: props.open === 'body',
          onEscape: () => props.onClose(card.id),
        })}
      </div>
      {props.parentChoices && (
        <label className="field field--compact field--inline">
          <span className="field__label">{card.kind === 'idea' ? 'Answers problem' : 'Belongs to idea'}</span>
          <select
            className="select"
            value={props.parentId ?? ''}
            onChange={(e) => props.onReparent(card.id, e.target.value || null)}
          >
            {props.parentChoices.map((c) => (
              <option key={c.id ?? ''} value={c.id ?? ''}>
                {c.title}
              </option>
            ))}
          </select>
        </label>
      )}
      {card.kind === 'idea' && props.themeChoices.length > 0 && (
        <label className="field field--compact field--inline">
          <span className="field__label">Theme</span>
          <select
            className="select"
            value={card.themeId ?? ''}
            onChange={(e) => props.onSetTheme(card.id, e.target.value || null)}
          >
            <option value="">No theme</option>
            {props.themeChoices.map((t) => (
              <option key={t.id} value={t.id}>
                {t.title || 'Untitled theme'}
              </option>
            ))}
          </select>
        </label>
      )}
      {props.ideaTools}
      <div className="card__actions">
        <button type="button" className="button button--small" onClick={() => props.onClose(card.id)}>
          Done
        </button>
        <button type="button" className="button button--small button--secondary" onClick={() => props.onStep(card.id, -1)}>
          Move up
        </button>
        <button type="button" className="button button--small button--secondary" onClick={() => props.onStep(card.id, 1)}>
          Move down
        </button>
        <button type="button" className="button button--small button--warning" onClick={() => props.onDelete(card.id)}>
          Delete
        </button>
      </div>
    </article>
  );
}

function sameAuthors(a: Author[], b: Author[]): boolean {
  return a.length === b.length && a.every((x, i) => x.participantId === b[i]!.participantId && x.name === b[i]!.name && x.organisation === b[i]!.organisation && x.sector === b[i]!.sector);
}

function sameCard(a: Card, b: Card): boolean {
  if (a === b) return true;
  return (
    a.id === b.id &&
    a.title === b.title &&
    a.updatedAt === b.updatedAt &&
    a.order === b.order &&
    a.author.participantId === b.author.participantId &&
    a.author.name === b.author.name &&
    a.author.organisation === b.author.organisation &&
    a.author.sector === b.author.sector &&
    (a.kind !== 'idea' ||
      b.kind !== 'idea' ||
      (a.problemId === b.problemId && a.themeId === b.themeId && sameAuthors(a.coAuthors, b.coAuthors))) &&
    (a.kind !== 'note' || b.kind !== 'note' || a.ideaId === b.ideaId)
  );
}

function sameProps(a: CardViewProps, b: CardViewProps): boolean {
  for (const key of Object.keys(a) as Array<keyof CardViewProps>) {
    if (key === 'card') {
      if (!sameCard(a.card, b.card)) return false;
    } else if (key === 'editors') {
      if (a.editors.map((p) => p.clientId).join() !== b.editors.map((p) => p.clientId).join()) return false;
    } else if (key === 'theme') {
      if (a.theme?.id !== b.theme?.id || a.theme?.title !== b.theme?.title) return false;
    } else if (key === 'parentChoices') {
      if (JSON.stringify(a.parentChoices) !== JSON.stringify(b.parentChoices)) return false;
    } else if (key === 'themeChoices') {
      if (a.themeChoices.map((t) => t.id + t.title).join() !== b.themeChoices.map((t) => t.id + t.title).join()) return false;
    } else if (a[key] !== b[key]) return false;
  }
  return true;
}
