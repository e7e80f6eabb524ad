/**
 * Comments on the sponsor's page: a "Comment" button beside each section and idea heading, a
 * small form under it, and the comments already left there. Comments go to the server (viewers
 * cannot write to the board), which shows them to the team on the board at once.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import {
  COMMENT_LIMITS,
  commentAuthorText,
  commentTargetKey,
  type CommentTarget,
  type NewComment,
  type SponsorComment,
} from '../../shared/brief/comments.ts';
import { loadCommenter, saveCommenter, type Commenter } from './commenter.ts';

export type SendComment = (comment: NewComment) => Promise<void>;

const TIME = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' });

export function commentTime(ms: number): string {
  return TIME.format(new Date(ms));
}

export function CommentThread({ comments, label }: { comments: readonly SponsorComment[]; label: string }) {
  if (comments.length === 0) return null;
  return (
    <aside className="brief-comments" aria-label={label}>
      <p className="brief-comments__count">{comments.length === 1 ? '1 comment' : `${comments.length} comments`}</p>
      <ul className="brief-comments__list">
        {comments.map((c) => (
          <li key={c.id} className="brief-comment" data-comment-id={c.id}>
            <p className="brief-comment__by">
              <strong>{commentAuthorText(c)}</strong> <span className="brief-comment__time">{commentTime(c.createdAt)}</span>
            </p>
            {c.text.split(/\n\s*\n/).map((para, i) => (
              <p key={i} className="brief-comment__text">
                {para}
              </p>
            ))}
          </li>
        ))}
      </ul>
    </aside>
  );
}

/** The heading, its comment button, the form when open, and the comments left on it. */
export function CommentableHeading(props: {
  target: CommentTarget;
  title: string;
  heading: ReactNode;
  comments: readonly SponsorComment[];
  send: SendComment;
  announce: (message: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const formId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const count = props.comments.length;
  return (
    <>
      <div className="brief-heading">
        {props.heading}
        <button
          ref={buttonRef}
          type="button"
          className="brief-comment-button"
          aria-expanded={open}
          aria-controls={open ? formId : undefined}
          onClick={() => setOpen((o) => !o)}
          data-comment-target={commentTargetKey(props.target)}
        >
          Comment<span className="visually-hidden"> on “{props.title}”</span>
          {count > 0 && <span className="brief-comment-button__count"> ({count})</span>}
        </button>
      </div>
      {open && (
        <CommentForm
          id={formId}
          target={props.target}
          title={props.title}
          send={props.send}
          onDone={(sent) => {
            setOpen(false);
            buttonRef.current?.focus();
            if (sent) props.announce(`Your comment on “${props.title}” was sent to the team.`);
          }}
        />
      )}
      <CommentThread comments={props.comments} label={`Comments on “${props.title}”`} />
    </>
  );
}

function CommentForm(props: {
  id: string;
  target: CommentTarget;
  title: string;
  send: SendComment;
  onDone: (sent: boolean) => void;
}) {
  const ids = { text: useId(), name: useId(), org: useId(), error: useId() };
  const [text, setText] = useState('');
  const [who, setWho] = useState<Commenter>(() => loadCommenter());
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);
  useEffect(() => textRef.current?.focus(), []);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (text.trim() === '') {
      setError('Write your comment first.');
      textRef.current?.focus();
      return;
    }
    setSending(true);
    setError(null);
    try {
      saveCommenter(who);
      await props.send({ target: props.target, text, author: { name: who.name.trim(), organisation: who.organisation.trim() } });
      props.onDone(true);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'The comment could not be sent. Try again.');
      setSending(false);
    }
  };

  return (
    <form
      id={props.id}
      className="brief-comment-form"
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          props.onDone(false);
        }
      }}
      noValidate
    >
      <div className={`field${error ? ' field--error' : ''}`}>
        <label className="field__label" htmlFor={ids.text}>
          Your comment on “{props.title}”
        </label>
        <p className="field__hint">The team sees it on their board straight away.</p>
        {error && (
          <p className="field__error" id={ids.error} role="alert">
            {error}
          </p>
        )}
        <textarea
          ref={textRef}
          id={ids.text}
          className="input textarea"
          rows={4}
          maxLength={COMMENT_LIMITS.text}
          value={text}
          aria-describedby={error ? ids.error : undefined}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      <div className="brief-comment-form__who">
        <div className="field">
          <label className="field__label" htmlFor={ids.name}>
            Your name <span className="field__optional">(optional)</span>
          </label>
          <input
            id={ids.name}
            className="input"
            autoComplete="name"
            maxLength={COMMENT_LIMITS.name}
            value={who.name}
            onChange={(e) => setWho({ ...who, name: e.target.value })}
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={ids.org}>
            Organisation <span className="field__optional">(optional)</span>
          </label>
          <input
            id={ids.org}
            className="input"
            autoComplete="organization"
            maxLength={COMMENT_LIMITS.organisation}
            value={who.organisation}
            onChange={(e) => setWho({ ...who, organisation: e.target.value })}
          />
        </div>
      </div>
      <div className="button-row">
        <button type="submit" className="button button--small" disabled={sending}>
          {sending ? 'Sending…' : 'Send comment'}
        </button>
        <button type="button" className="button button--small button--secondary" onClick={() => props.onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
