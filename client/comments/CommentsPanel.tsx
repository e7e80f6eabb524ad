/**
 * "Sponsor comments" on the board: what sponsors (and anyone else with a link) said about the
 * brief, grouped by the idea or section it is about, with a way to find the idea on the board.
 * The header button opens it; so does the comment count on an idea card, at that idea.
 */
import { useEffect, useRef } from 'react';
import type { BoardSnapshot } from '../../shared/board/index.ts';
import { BRIEF_SECTIONS, commentAuthorText, type SponsorComment } from '../../shared/brief/comments.ts';
import { CommentThread } from '../brief/BriefComments.tsx';
import './comments.css';

type Group = { key: string; title: string; note: string | null; cardId: string | null; comments: SponsorComment[] };

function groupsOf(comments: readonly SponsorComment[], board: BoardSnapshot): { ideas: Group[]; sections: Group[] } {
  const ideas = new Map<string, Group>();
  const sections = new Map<string, Group>();
  for (const c of comments) {
    if (c.target.kind === 'idea') {
      const cardId = c.target.cardId;
      let g = ideas.get(cardId);
      if (!g) {
        const idea = board.ideas.find((i) => i.id === cardId);
        g = {
          key: `idea:${cardId}`,
          title: (idea ? idea.title : c.targetTitle).trim() || 'Untitled idea',
          note: idea ? null : 'This idea has been deleted from the board.',
          cardId: idea ? cardId : null,
          comments: [],
        };
        ideas.set(cardId, g);
      }
      g.comments.push(c);
    } else {
      const id = c.target.id;
      let g = sections.get(id);
      if (!g) {
        g = { key: `section:${id}`, title: BRIEF_SECTIONS[id] ?? c.targetTitle, note: null, cardId: null, comments: [] };
        sections.set(id, g);
      }
      g.comments.push(c);
    }
  }
  // the group with the latest comment first: that is what the team wants to read
  const latest = (g: Group) => g.comments.at(-1)!.createdAt;
  const sorted = (m: Map<string, Group>) => [...m.values()].sort((a, b) => latest(b) - latest(a));
  return { ideas: sorted(ideas), sections: sorted(sections) };
}

export function CommentsButton({ count, onClick }: { count: number; onClick: () => void }) {
  return (
    <button
      type="button"
      className="button button--small button--secondary comments-button"
      onClick={onClick}
      data-testid="comments-button"
    >
      Sponsor comments <span className="comments-button__count">{count}</span>
    </button>
  );
}

export function CommentsPanel(props: {
  open: boolean;
  /** the idea whose comments to show first (from its card), or null */
  focusCardId: string | null;
  comments: readonly SponsorComment[];
  board: BoardSnapshot;
  briefHref: string;
  onClose: () => void;
  onShowCard: (cardId: string) => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  useEffect(() => {
    if (!props.open || !props.focusCardId) return;
    const group = ref.current?.querySelector<HTMLElement>(`[data-group="idea:${CSS.escape(props.focusCardId)}"]`);
    group?.scrollIntoView({ block: 'start' });
    group?.querySelector<HTMLElement>('h3')?.focus();
  }, [props.open, props.focusCardId]);

  const { ideas, sections } = groupsOf(props.comments, props.board);
  const renderGroup = (g: Group) => (
    <section key={g.key} className="comments-group" data-group={g.key} aria-labelledby={`${g.key}-title`}>
      <div className="comments-group__head">
        <h3 id={`${g.key}-title`} tabIndex={-1}>
          {g.title}
        </h3>
        {g.cardId && (
          <button
            type="button"
            className="button button--small button--secondary"
            aria-label={`Show on the board: ${g.title}`}
            onClick={() => props.onShowCard(g.cardId!)}
          >
            Show on the board
          </button>
        )}
      </div>
      {g.note && <p className="comments-group__note">{g.note}</p>}
      <CommentThread comments={g.comments} label={`Comments on “${g.title}”`} />
    </section>
  );

  return (
    <dialog ref={ref} className="dialog comments-panel" aria-labelledby="comments-title" onClose={props.onClose} data-testid="comments-panel">
      <div className="comments-panel__head">
        <h2 id="comments-title">Sponsor comments</h2>
        <button type="button" className="button button--small button--secondary" onClick={props.onClose}>
          Close
        </button>
      </div>
      <p className="comments-panel__intro">
        What readers of the <a href={props.briefHref}>challenge brief</a> said about it. New comments arrive here as they are
        left.
      </p>
      {props.comments.length === 0 ? (
        <p>No comments yet. Share the viewer link with your sponsor: it opens the brief, where they can comment.</p>
      ) : (
        <>
          {ideas.length > 0 && (
            <>
              <h2 className="comments-panel__part">On ideas</h2>
              {ideas.map(renderGroup)}
            </>
          )}
          {sections.length > 0 && (
            <>
              <h2 className="comments-panel__part">On the brief</h2>
              {sections.map(renderGroup)}
            </>
          )}
        </>
      )}
    </dialog>
  );
}

/** "New sponsor comment on “Text-message nudges” from Tom Whitfield, Leeds City Council." */
export function newCommentMessage(added: readonly SponsorComment[]): string {
  if (added.length !== 1) return `${added.length} new sponsor comments.`;
  const c = added[0]!;
  return `New sponsor comment on “${c.targetTitle || 'the brief'}” from ${commentAuthorText(c)}.`;
}
