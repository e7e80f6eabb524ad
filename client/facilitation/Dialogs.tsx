/** The facilitator bar's dialogs: start a vote, the people present, the three links, save a version. */
import { useId, useState } from 'react';
import type { RosterEntry, SessionMessage } from '../../shared/protocol.ts';
import { SECTORS, type Role } from '../../shared/schema.ts';
import { DEFAULT_VOTE_CONFIG, VOTE_LIMITS, type VoteConfig, type VoteLane } from '../../shared/votes.ts';
import { sectorStyle } from '../lib/sectors.ts';
import { useSession } from './useSession.ts';
import { useFacilitation } from './context.ts';
import { Modal } from './Modal.tsx';
import { useRun } from './useRun.ts';

const LANE_LABEL: Record<VoteLane, string> = { ideas: 'Ideas', problems: 'Problem statements' };

// ---------------------------------------------------------------------------------------------

export function VoteDialog({ s, onClose }: { s: SessionMessage; onClose: () => void }) {
  const { store } = useFacilitation();
  const { busy, error, run } = useRun();
  const lanes = s.phase.allows.vote;
  const [lane, setLane] = useState<VoteLane>(lanes[0] ?? 'ideas');
  const [perPerson, setPerPerson] = useState(String(DEFAULT_VOTE_CONFIG.votesPerPerson));
  const [perCard, setPerCard] = useState(String(DEFAULT_VOTE_CONFIG.maxPerCard));
  const [anonymous, setAnonymous] = useState(DEFAULT_VOTE_CONFIG.anonymous);
  const [hide, setHide] = useState(DEFAULT_VOTE_CONFIG.hideUntilReveal);
  const [weighting, setWeighting] = useState(DEFAULT_VOTE_CONFIG.sectorWeighting);
  const [facilitators, setFacilitators] = useState(DEFAULT_VOTE_CONFIG.facilitatorsVote);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const ids = { per: useId(), card: useId(), err: useId() };

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const votesPerPerson = Number(perPerson);
    const maxPerCard = Number(perCard);
    if (!Number.isInteger(votesPerPerson) || votesPerPerson < 1 || votesPerPerson > VOTE_LIMITS.maxVotesPerPerson) {
      setFieldError(`Dots per person must be a whole number from 1 to ${VOTE_LIMITS.maxVotesPerPerson}`);
      return;
    }
    if (!Number.isInteger(maxPerCard) || maxPerCard < 1 || maxPerCard > votesPerPerson) {
      setFieldError(`Most dots on one card must be a whole number from 1 to ${votesPerPerson}`);
      return;
    }
    setFieldError(null);
    const config: Partial<VoteConfig> = {
      lane,
      votesPerPerson,
      maxPerCard,
      anonymous,
      hideUntilReveal: hide,
      sectorWeighting: weighting,
      facilitatorsVote: facilitators,
    };
    void run('open', () => store.command('openVote', { config })).then((v) => {
      if (v) onClose();
    });
  };

  return (
    <Modal title="Start a vote" onClose={onClose} testId="vote-dialog">
      <form className="form fac-form" onSubmit={submit} noValidate>
        {(fieldError || error) && (
          <p className="fac-error" role="alert" id={ids.err}>
            {fieldError ?? error}
          </p>
        )}
        {lanes.length > 1 ? (
          <fieldset className="fieldset">
            <legend className="field__label">Vote on</legend>
            {lanes.map((l) => (
              <label key={l} className="fac-check">
                <input type="radio" name="lane" checked={lane === l} onChange={() => setLane(l)} /> {LANE_LABEL[l]}
              </label>
            ))}
          </fieldset>
        ) : (
          <p className="fac-form__fixed">
            Vote on: <strong>{LANE_LABEL[lane]}</strong> (what this phase votes on)
          </p>
        )}
        <div className="fac-form__row">
          <div className="field">
            <label className="field__label" htmlFor={ids.per}>
              Dots per person
            </label>
            <input id={ids.per} className="input fac-number" inputMode="numeric" value={perPerson} onChange={(e) => setPerPerson(e.target.value)} />
          </div>
          <div className="field">
            <label className="field__label" htmlFor={ids.card}>
              Most dots on one card
            </label>
            <input id={ids.card} className="input fac-number" inputMode="numeric" value={perCard} onChange={(e) => setPerCard(e.target.value)} />
          </div>
        </div>
        <label className="fac-check">
          <input type="checkbox" checked={hide} onChange={(e) => setHide(e.target.checked)} />
          <span>
            Hide results until I reveal them <span className="fac-hint">Nobody, you included, sees totals before the reveal.</span>
          </span>
        </label>
        <label className="fac-check">
          <input type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.target.checked)} />
          <span>
            Anonymous <span className="fac-hint">Results show totals by sector, never who voted.</span>
          </span>
        </label>
        <label className="fac-check">
          <input type="checkbox" checked={weighting} onChange={(e) => setWeighting(e.target.checked)} />
          <span>
            Weight each sector equally <span className="fac-hint">So a sector with many people present can’t outvote a small one. Off by default.</span>
          </span>
        </label>
        <label className="fac-check">
          <input type="checkbox" checked={facilitators} onChange={(e) => setFacilitators(e.target.checked)} />
          <span>
            Facilitators vote too <span className="fac-hint">Holders of the facilitator link get dots as well.</span>
          </span>
        </label>
        <div className="button-row">
          <button type="submit" className="button" disabled={busy !== null} data-testid="open-vote">
            Open the vote
          </button>
          <button type="button" className="button button--secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}

// ---------------------------------------------------------------------------------------------

const STANDING_TEXT = {
  facilitator: 'Facilitator',
  'co-facilitator': 'Co-facilitator',
  contributor: 'Contributor',
  viewer: 'Viewer',
} as const;

export function PeopleDialog({ s, onClose }: { s: SessionMessage; onClose: () => void }) {
  const { store } = useFacilitation();
  const snap = useSession(store);
  const myId = snap.me?.participantId;
  const standing = store.standing();
  const { busy, error, run } = useRun();
  const [confirming, setConfirming] = useState<string | null>(null);
  const people = s.participants;
  const counts = SECTORS.map((sector) => ({ sector, n: people.filter((p) => p.sector === sector).length })).filter((c) => c.n > 0);

  const canRemove = (p: RosterEntry) => p.participantId !== myId && (standing === 'facilitator' || p.role !== 'facilitator');

  return (
    <Modal title={`Participants (${people.length})`} onClose={onClose} wide testId="people-dialog">
      <p className="fac-hint">Everyone on the board now. Removing someone disconnects them and deletes their drafts and open-vote dots; to keep them out, replace their link as well.</p>
      {counts.length > 0 && (
        <p className="fac-counts">
          {counts.map((c) => (
            <span key={c.sector}>
              {sectorStyle(c.sector).label}: {c.n}
            </span>
          ))}
        </p>
      )}
      {error && (
        <p className="fac-error" role="alert">
          {error}
        </p>
      )}
      <table className="fac-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Organisation</th>
            <th scope="col">Sector</th>
            <th scope="col">Role</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {people.map((p) => (
            <tr key={p.participantId} data-testid="participant-row">
              <th scope="row">
                {p.name}
                {p.participantId === myId ? ' (you)' : ''}
              </th>
              <td>{p.organisation || '—'}</td>
              <td>
                <span className="fac-sector">
                  <span className="sector-tag" style={{ background: sectorStyle(p.sector).colour }} aria-hidden="true">
                    {sectorStyle(p.sector).short}
                  </span>
                  {sectorStyle(p.sector).label}
                </span>
              </td>
              <td>{STANDING_TEXT[p.standing]}</td>
              <td className="fac-table__actions">
                <div>
                  {confirming === p.participantId ? (
                    <span className="fac-confirm" role="group" aria-label={`Remove ${p.name}?`}>
                      <span>Remove {p.name}?</span>
                      <button
                        type="button"
                        className="button button--small button--warning"
                        disabled={busy !== null}
                        onClick={() =>
                          void run('remove', () => store.command('removeParticipant', { participantId: p.participantId }), { done: `${p.name} was removed from the board.` }).then(() =>
                            setConfirming(null),
                          )
                        }
                      >
                        Yes, remove
                      </button>
                      <button type="button" className="button button--small button--secondary" onClick={() => setConfirming(null)}>
                        Cancel
                      </button>
                    </span>
                  ) : (
                    <>
                      {(p.standing === 'contributor' || p.standing === 'co-facilitator') && (
                        <button
                          type="button"
                          className="button button--small button--secondary"
                          disabled={busy !== null}
                          onClick={() =>
                            void run('co', () =>
                              store.command('makeCoFacilitator', { participantId: p.participantId, on: p.standing === 'contributor' }),
                            )
                          }
                        >
                          {p.standing === 'contributor' ? 'Make co-facilitator' : 'Make contributor'}
                          <span className="visually-hidden"> {p.name}</span>
                        </button>
                      )}
                      {canRemove(p) && (
                        <button type="button" className="button button--small button--warning" onClick={() => setConfirming(p.participantId)}>
                          Remove<span className="visually-hidden"> {p.name}</span>
                        </button>
                      )}
                    </>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}

// ---------------------------------------------------------------------------------------------

const LINKS: Array<{ role: Role; title: string; explain: string }> = [
  { role: 'facilitator', title: 'Facilitator', explain: 'Runs the session; keep it to yourself.' },
  { role: 'contributor', title: 'Contributor', explain: 'Share with the team.' },
  { role: 'viewer', title: 'Viewer', explain: 'For sponsors and observers: read only.' },
];

const NEW_LINKS_KEY = (boardId: string) => `crossboard.newLinks.v1.${boardId}`;

function loadNewLinks(boardId: string): Partial<Record<Role, string>> {
  try {
    return JSON.parse(sessionStorage.getItem(NEW_LINKS_KEY(boardId)) ?? '{}') as Partial<Record<Role, string>>;
  } catch {
    return {};
  }
}

export function linkFor(boardId: string, token: string): string {
  return `${window.location.origin}/b/${encodeURIComponent(boardId)}?token=${encodeURIComponent(token)}`;
}

export function LinksDialog({ onClose }: { onClose: () => void }) {
  const { store, boardId } = useFacilitation();
  const { busy, error, run } = useRun();
  const [confirming, setConfirming] = useState<Role | null>(null);
  const [links, setLinks] = useState<Partial<Record<Role, string>>>(() => loadNewLinks(boardId));
  const [copied, setCopied] = useState<Role | null>(null);

  const rotate = async (role: Role) => {
    const value = await run('rotate', () => store.rotateLink(role));
    setConfirming(null);
    if (!value) return;
    const next = { ...links, [role]: linkFor(boardId, value.token) };
    setLinks(next);
    try {
      sessionStorage.setItem(NEW_LINKS_KEY(boardId), JSON.stringify(next));
    } catch {
      // shown now, not remembered
    }
  };
  const copy = async (role: Role) => {
    const link = links[role];
    if (!link) return;
    try {
      await navigator.clipboard.writeText(link);
    } catch {
      (document.getElementById(`new-link-${role}`) as HTMLInputElement | null)?.select();
    }
    setCopied(role);
  };

  return (
    <Modal title="Links" onClose={onClose} wide testId="links-dialog">
      <p className="fac-hint">
        Each link opens the board with its own rights. Replacing a link stops the old one at once and disconnects everyone using it; they
        need the new link to come back.
      </p>
      {error && (
        <p className="fac-error" role="alert">
          {error}
        </p>
      )}
      <ul className="links fac-links">
        {LINKS.map(({ role, title, explain }) => (
          <li key={role} className="link-row" data-role={role} data-testid={`link-row-${role}`}>
            <div className="link-row__text">
              <h3 className="link-row__title">{title}</h3>
              <p className="link-row__explain">{explain}</p>
              {links[role] && (
                <>
                  <label className="field__label fac-newlink" htmlFor={`new-link-${role}`}>
                    New {title.toLowerCase()} link
                  </label>
                  <input id={`new-link-${role}`} className="input input--mono" readOnly value={links[role]} onFocus={(e) => e.target.select()} />
                </>
              )}
              {confirming === role && (
                <p className="fac-confirm-text" id={`confirm-${role}`}>
                  {role === 'facilitator'
                    ? 'The old facilitator link stops working at once, in every tab that uses it. This page reopens with the new link.'
                    : `Everyone using the old ${title.toLowerCase()} link is disconnected at once and needs the new link to come back.`}
                </p>
              )}
            </div>
            <div className="fac-link-actions">
              {confirming === role ? (
                <>
                  <button
                    type="button"
                    className="button button--small button--warning"
                    disabled={busy !== null}
                    aria-describedby={`confirm-${role}`}
                    onClick={() => void rotate(role)}
                    data-testid={`confirm-rotate-${role}`}
                  >
                    Replace the {title.toLowerCase()} link
                  </button>
                  <button type="button" className="button button--small button--secondary" onClick={() => setConfirming(null)}>
                    Cancel
                  </button>
                </>
              ) : (
                <button type="button" className="button button--small button--secondary" onClick={() => setConfirming(role)} data-testid={`rotate-${role}`}>
                  Replace link…<span className="visually-hidden"> ({title})</span>
                </button>
              )}
              {links[role] && confirming !== role && (
                <button type="button" className="button button--small" onClick={() => void copy(role)}>
                  {copied === role ? 'Copied' : `Copy new ${title.toLowerCase()} link`}
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
      <p role="status" className="visually-hidden">
        {copied ? `New ${copied} link copied` : ''}
      </p>
    </Modal>
  );
}

// ---------------------------------------------------------------------------------------------

export function SaveVersionDialog({ s, onClose }: { s: SessionMessage; onClose: () => void }) {
  const { store, boardId, token } = useFacilitation();
  const snap = useSession(store);
  const [name, setName] = useState(`After ${s.phase.name}`);
  const { busy, error, run } = useRun();
  const id = useId();
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const clean = name.trim();
    if (!clean) {
      store.banner('Enter a name for the version', 'warning');
      return;
    }
    void run(
      'save',
      async () => {
        const res = await fetch(`/api/boards/${encodeURIComponent(boardId)}/versions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ name: clean, ...(snap.me?.name ? { by: snap.me.name } : {}) }),
        });
        if (!res.ok) {
          let message = `The version could not be saved (the server answered ${res.status}).`;
          try {
            const body = (await res.json()) as { error?: unknown };
            if (typeof body.error === 'string') message = `The version could not be saved: ${body.error}.`;
          } catch {
            // keep the generic message
          }
          throw new Error(message);
        }
        return clean;
      },
      { done: (n) => `Version saved: “${n}”. The brief can show it from now on.` },
    ).then((v) => {
      if (v) onClose();
    });
  };
  return (
    <Modal title="Save a version" onClose={onClose} testId="version-dialog">
      <form className="form fac-form" onSubmit={submit} noValidate>
        <p className="fac-hint">A saved version keeps the board and its vote results as they are now, for the brief and for comparing later.</p>
        {error && (
          <p className="fac-error" role="alert">
            {error}
          </p>
        )}
        <div className="field">
          <label className="field__label" htmlFor={id}>
            Version name
          </label>
          <input id={id} className="input" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="button-row">
          <button type="submit" className="button" disabled={busy !== null} data-testid="save-version">
            Save version
          </button>
          <button type="button" className="button button--secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
