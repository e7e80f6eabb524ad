/** `/`: what Crossboard is, "Start a board", the three links once created, and recent boards. */
import { useEffect, useId, useRef, useState } from 'react';
import { TEMPLATES, type Role } from '../../shared/domain.ts';
import { ApiError, createBoard } from '../lib/api.ts';
import type { CreateBoardResponse } from '../../shared/api.ts';
import { loadRecentBoards, saveBoardInfo, type BoardInfo } from '../lib/storage.ts';

const TEMPLATE_LABEL: Record<string, string> = {
  open: 'Open board — one phase, everything allowed',
  'design-sprint': 'Design sprint — understand, sketch, decide, prototype, test',
  hackathon: 'Hackathon — frame, ideate, vote, build, pitch',
  'lightning-decision-jam': 'Lightning decision jam — problems, vote, reframe, solutions, actions',
};

const LINKS: Array<{ role: Role; title: string; explain: string }> = [
  { role: 'facilitator', title: 'Facilitator', explain: 'Runs the session; keep it to yourself.' },
  { role: 'contributor', title: 'Contributor', explain: 'Share with the team.' },
  { role: 'viewer', title: 'Viewer', explain: 'For sponsors and observers: opens the live challenge brief, where they can comment.' },
];

export function LandingPage() {
  const [created, setCreated] = useState<CreateBoardResponse | null>(null);
  const [recent] = useState<BoardInfo[]>(() => loadRecentBoards());
  useEffect(() => {
    document.title = created ? `Board created — Crossboard` : 'Crossboard — live ideation boards for mixed teams';
  }, [created]);

  return (
    <div className="landing">
      <header className="site-header">
        <a className="brand" href="/">
          Crossboard
        </a>
      </header>
      <main className="page" id="main">
        {created ? (
          <CreatedLinks board={created} />
        ) : (
          <>
            <h1 className="page__title">Work on a public challenge together, live</h1>
            <p className="lead">
              Crossboard is a shared board where civil servants, companies, charities, universities and citizens frame problems,
              add ideas and prototype notes at the same time, and leave with a brief a sponsor can act on.
            </p>
            <StartForm onCreated={setCreated} />
          </>
        )}
        <RecentBoards boards={recent} />
      </main>
    </div>
  );
}

function StartForm({ onCreated }: { onCreated: (b: CreateBoardResponse) => void }) {
  const ids = { title: useId(), challenge: useId(), sponsor: useId(), template: useId(), token: useId() };
  const [title, setTitle] = useState('');
  const [challenge, setChallenge] = useState('');
  const [sponsor, setSponsor] = useState('');
  const [template, setTemplate] = useState<string>('open');
  // shown once the server says it needs a creation token (a closed deployment)
  const [tokenNeeded, setTokenNeeded] = useState(false);
  const [createToken, setCreateToken] = useState('');
  const tokenRef = useRef<HTMLInputElement>(null);
  const [tokenAsked, setTokenAsked] = useState(0);
  useEffect(() => {
    if (tokenAsked > 0) tokenRef.current?.focus();
  }, [tokenAsked]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errorRef = useRef<HTMLDivElement>(null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!title.trim()) {
      setError('Enter a title for the board');
      requestAnimationFrame(() => errorRef.current?.focus());
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const board = await createBoard({
        title: title.trim(),
        ...(challenge.trim() ? { challenge: challenge.trim() } : {}),
        ...(sponsor.trim() ? { sponsor: sponsor.trim() } : {}),
        template,
      }, createToken.trim() || undefined);
      saveBoardInfo({
        id: board.id,
        title: board.title,
        challenge: challenge.trim(),
        sponsor: sponsor.trim(),
        template,
        role: 'facilitator',
        token: board.tokens.facilitator,
        joined: false,
        openedAt: Date.now(),
      });
      onCreated(board);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'The board could not be created. Try again.');
      if (err instanceof ApiError && (err.code === 'create-token-required' || err.code === 'create-token-invalid')) {
        setTokenNeeded(true);
        // focused once the field is rendered (see the effect on tokenAsked)
        setTokenAsked((n) => n + 1);
        return;
      }
      requestAnimationFrame(() => errorRef.current?.focus());
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="start-title" className="panel">
      <h2 id="start-title">Start a board</h2>
      {error && (
        <div className="error-summary" tabIndex={-1} ref={errorRef} role="alert">
          <h3 className="error-summary__title">There is a problem</h3>
          <p>
            {error === 'Enter a title for the board' ? (
              <a href={`#${ids.title}`}>{error}</a>
            ) : tokenNeeded ? (
              <a href={`#${ids.token}`}>{error}</a>
            ) : (
              error
            )}
          </p>
        </div>
      )}
      <form className="form" onSubmit={submit} noValidate aria-label="Start a board">
        <div className={`field ${error === 'Enter a title for the board' ? 'field--error' : ''}`}>
          <label className="field__label" htmlFor={ids.title}>
            Board title
          </label>
          <p className="field__hint" id={`${ids.title}-hint`}>
            For example, “Tech Connect cohort 2: preventing homelessness”.
          </p>
          <input
            id={ids.title}
            name="title"
            className="input"
            value={title}
            maxLength={200}
            onChange={(e) => setTitle(e.target.value)}
            aria-describedby={`${ids.title}-hint`}
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={ids.challenge}>
            Challenge <span className="field__optional">(optional)</span>
          </label>
          <p className="field__hint" id={`${ids.challenge}-hint`}>
            The question the board is for, such as “How might we prevent homelessness before it starts?”
          </p>
          <textarea
            id={ids.challenge}
            name="challenge"
            className="input textarea"
            rows={3}
            maxLength={2000}
            value={challenge}
            onChange={(e) => setChallenge(e.target.value)}
            aria-describedby={`${ids.challenge}-hint`}
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={ids.sponsor}>
            Sponsor <span className="field__optional">(optional)</span>
          </label>
          <input
            id={ids.sponsor}
            name="sponsor"
            className="input"
            value={sponsor}
            maxLength={200}
            onChange={(e) => setSponsor(e.target.value)}
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={ids.template}>
            Template
          </label>
          <select id={ids.template} name="template" className="select" value={template} onChange={(e) => setTemplate(e.target.value)}>
            {TEMPLATES.map((t) => (
              <option key={t} value={t}>
                {TEMPLATE_LABEL[t] ?? t}
              </option>
            ))}
          </select>
        </div>
        {tokenNeeded && (
          <div className="field field--error">
            <label className="field__label" htmlFor={ids.token}>
              Board creation token
            </label>
            <p className="field__hint" id={`${ids.token}-hint`}>
              This server only lets people with its creation token start boards. Whoever runs it can give you the token.
            </p>
            <input
              id={ids.token}
              ref={tokenRef}
              name="createToken"
              type="password"
              autoComplete="off"
              className="input"
              value={createToken}
              onChange={(e) => setCreateToken(e.target.value)}
              aria-describedby={`${ids.token}-hint`}
            />
          </div>
        )}
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Creating…' : 'Start a board'}
        </button>
      </form>
    </section>
  );
}

function CreatedLinks({ board }: { board: CreateBoardResponse }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [copied, setCopied] = useState<Role | null>(null);
  useEffect(() => headingRef.current?.focus(), []);

  const copy = async (role: Role) => {
    const link = board.links[role];
    try {
      await navigator.clipboard.writeText(link);
    } catch {
      // Clipboard refused (no permission, plain http): select the text so Ctrl+C works.
      const input = document.getElementById(`link-${role}`) as HTMLInputElement | null;
      input?.select();
    }
    setCopied(role);
  };

  return (
    <section aria-labelledby="created-title">
      <h1 className="page__title" id="created-title" tabIndex={-1} ref={headingRef}>
        Your board is ready: {board.title}
      </h1>
      <p className="lead">Three links open it, each with different rights. Anyone with a link can use it, so share each one only with the people it is for.</p>
      <ul className="links">
        {LINKS.map(({ role, title, explain }) => (
          <li key={role} className="link-row" data-role={role}>
            <div className="link-row__text">
              <h2 className="link-row__title">{title}</h2>
              <p className="link-row__explain">{explain}</p>
              <label className="visually-hidden" htmlFor={`link-${role}`}>
                {title} link
              </label>
              <input id={`link-${role}`} className="input input--mono" readOnly value={board.links[role]} onFocus={(e) => e.target.select()} />
            </div>
            <button type="button" className="button button--secondary" onClick={() => void copy(role)} aria-describedby={`link-${role}`}>
              {copied === role ? 'Copied' : `Copy ${title.toLowerCase()} link`}
            </button>
          </li>
        ))}
      </ul>
      <p role="status" className="visually-hidden">
        {copied ? `${copied} link copied` : ''}
      </p>
      <a className="button button--start" href={relative(board.links.facilitator)} data-testid="open-board">
        Open the board as facilitator
      </a>
    </section>
  );
}

/** The links carry the server's idea of its origin; open them on this page's origin. */
function relative(link: string): string {
  try {
    const url = new URL(link, window.location.href);
    return url.pathname + url.search;
  } catch {
    return link;
  }
}

function RecentBoards({ boards }: { boards: BoardInfo[] }) {
  return (
    <section aria-labelledby="recent-title" className="recent">
      <h2 id="recent-title">Boards on this device</h2>
      {boards.length === 0 ? (
        <p className="muted">Boards you open on this device will be listed here.</p>
      ) : (
        <ul className="recent__list">
          {boards.map((b) => (
            <li key={b.id}>
              <a href={`/b/${encodeURIComponent(b.id)}?token=${encodeURIComponent(b.token)}`}>{b.title}</a>
              <span className="muted"> — {b.role}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
