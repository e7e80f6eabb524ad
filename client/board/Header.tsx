/** The board header: title, challenge, your role, presence, sync status and the keys button. */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { SECTORS, type Role } from '../../shared/schema.ts';
import type { Peer } from '../sync/presence.ts';
import type { SyncStatus } from '../sync/syncStatus.ts';
import { sectorStyle } from '../lib/sectors.ts';
import { Avatar, SectorTag } from './Chips.tsx';

export const STATUS_TEXT: Record<SyncStatus, string> = {
  connecting: 'Connecting…',
  synced: 'All changes saved',
  offline: 'Offline — changes kept on this device',
  reconnecting: 'Reconnecting…',
  stopped: 'Disconnected — changes kept on this device; reload to reconnect',
};

const ROLE_TEXT: Record<Role, string> = {
  facilitator: 'Facilitator',
  contributor: 'Contributor',
  viewer: 'Viewer — read only',
};

/** What the indicator says when the server stopped the connection because the board is full. */
export const BOARD_FULL_STATUS = 'Board full — nothing more is saved';

export function SyncIndicator({ status, boardFull = false }: { status: SyncStatus; boardFull?: boolean }) {
  return (
    <p className={`sync sync--${status}`} role="status" data-testid="sync-indicator">
      <span className="sync__dot" aria-hidden="true" />
      {boardFull && status === 'stopped' ? BOARD_FULL_STATUS : STATUS_TEXT[status]}
    </p>
  );
}

export function Presence({ peers, onChangeDetails }: { peers: Peer[]; onChangeDetails: () => void }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const shown = peers.slice(0, 8);
  const extra = peers.length - shown.length;
  const counts = SECTORS.map((s) => ({ sector: s, n: peers.filter((p) => p.user.sector === s).length })).filter((c) => c.n > 0);

  useEffect(() => {
    if (!open) return;
    const onDoc = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDoc);
    return () => document.removeEventListener('mousedown', onDoc);
  }, [open]);

  return (
    <div className="presence" ref={ref}>
      <button
        type="button"
        className="presence__button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        data-testid="presence-button"
      >
        <span className="presence__avatars">
          {shown.map((p) => (
            <Avatar key={p.clientId} peer={p} showSector />
          ))}
          {extra > 0 && (
            <span className="avatar avatar--more" aria-hidden="true">
              +{extra}
            </span>
          )}
        </span>
        <span className="presence__count" data-testid="presence-count">
          {peers.length} here
        </span>
      </button>
      {open && (
        <div
          className="presence__panel"
          id={panelId}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              setOpen(false);
              ref.current?.querySelector<HTMLButtonElement>('.presence__button')?.focus();
            }
          }}
        >
          <h2 className="presence__heading">On this board now</h2>
          <ul className="presence__counts" aria-label="People by sector">
            {counts.map((c) => (
              <li key={c.sector}>
                <span className="presence__swatch" style={{ background: sectorStyle(c.sector).colour }} aria-hidden="true" />
                {sectorStyle(c.sector).label}: {c.n}
              </li>
            ))}
          </ul>
          <ul className="presence__list">
            {peers.map((p) => (
              <li key={p.clientId}>
                <Avatar peer={p} size="small" />
                <span>
                  <strong>{p.user.name}</strong>
                  {p.isLocal ? ' (you)' : ''}
                  {p.user.organisation ? `, ${p.user.organisation}` : ''}
                </span>
                <SectorTag sector={p.user.sector} />
                {p.editing && <span className="presence__editing">editing a card</span>}
              </li>
            ))}
          </ul>
          <button type="button" className="button button--small button--secondary" onClick={onChangeDetails}>
            Change your details
          </button>
        </div>
      )}
    </div>
  );
}

export function Header(props: {
  title: string;
  challenge: string;
  role: Role;
  status: SyncStatus;
  peers: Peer[];
  readOnlyMessage: string | null;
  /** why the server stopped this connection for good, when it is something to tell (a full board); stays */
  stoppedMessage?: string | null;
  onShowKeys: () => void;
  onChangeDetails: () => void;
  /** more header buttons (the brief, sponsor comments), before Keys */
  actions?: ReactNode;
  /** the facilitation session: phase, timer, lock, your dots (a full-width row) */
  session?: ReactNode;
}) {
  return (
    <header className="board-header">
      <div className="board-header__main">
        <a className="brand brand--small" href="/">
          Crossboard
        </a>
        <div className="board-header__titles">
          <h1 className="board-header__title">{props.title}</h1>
          {props.challenge && <p className="board-header__challenge">{props.challenge}</p>}
        </div>
      </div>
      <div className="board-header__side">
        <p className={`role role--${props.role}`} data-testid="role">
          <span className="visually-hidden">Your role: </span>
          {ROLE_TEXT[props.role]}
        </p>
        <SyncIndicator status={props.status} boardFull={Boolean(props.stoppedMessage)} />
        <Presence peers={props.peers} onChangeDetails={props.onChangeDetails} />
        {props.actions}
        <button type="button" className="button button--small button--secondary" onClick={props.onShowKeys} aria-keyshortcuts="?">
          Keys
        </button>
      </div>
      {props.session}
      {props.stoppedMessage && (
        <p className="banner banner--alert" role="alert" data-testid="board-full">
          {props.stoppedMessage}
        </p>
      )}
      {props.readOnlyMessage && (
        <p className="banner banner--info" data-testid="viewer-banner">
          {props.readOnlyMessage}
        </p>
      )}
    </header>
  );
}

export function KeyboardHelp({ open, onClose }: { open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  const rows: Array<[string, string]> = [
    ['Tab / Shift+Tab', 'Move between header, lanes and cards'],
    ['↑ / ↓', 'Previous / next card in the lane'],
    ['← / →', 'The related card in the lane to the left / right'],
    ['Enter', 'Open the focused card to edit it'],
    ['Escape', 'Close the card'],
    ['N', 'Add a card to the focused lane'],
    ['V / Shift+V', 'During a vote: place a dot on the focused card / take one back'],
    ['M', 'Move the focused card: then ↑ / ↓ (T: an idea’s next theme), Enter to finish, Escape to cancel'],
    ['Space', 'Pick the focused card up and drag it: arrow keys, then Space or Enter to drop, Escape to cancel'],
    ['Delete', 'Delete the focused card (you can undo)'],
    ['Ctrl+Z / Ctrl+Shift+Z', 'Undo / redo your own changes'],
    ['?', 'Show these keys'],
  ];
  return (
    <dialog ref={ref} className="dialog" aria-labelledby="keys-title" onClose={onClose}>
      <h2 id="keys-title">Keyboard</h2>
      <table className="keys">
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Does</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([k, d]) => (
            <tr key={k}>
              <td>
                <kbd>{k}</kbd>
              </td>
              <td>{d}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="button" onClick={onClose} autoFocus>
        Close
      </button>
    </dialog>
  );
}
