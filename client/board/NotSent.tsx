/**
 * The "Not sent" button and list: changes the server refused, kept on this device (see
 * ../sync/notSent.ts). Each says which card, what text and why, and offers Copy, Apply again
 * (once the rules allow: otherwise it says why not) and Discard.
 */
import { useState, useSyncExternalStore } from 'react';
import type { BoardSnapshot } from '../../shared/board/index.ts';
import { Modal } from '../facilitation/Modal.tsx';
import { canReapply, describeEntry, entryText, reasonText, type NotSentEntry, type NotSentStore } from '../sync/notSent.ts';

const TIME = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });
const formatTime = (ms: number) => TIME.format(new Date(ms));

export function useNotSent(store: NotSentStore): readonly NotSentEntry[] {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

export function NotSentButton({ count, onClick }: { count: number; onClick: () => void }) {
  if (count === 0) return null;
  return (
    <button type="button" className="button button--small not-sent-button" onClick={onClick} data-testid="not-sent-button">
      Not sent ({count})
    </button>
  );
}

export function NotSentPanel(props: {
  entries: readonly NotSentEntry[];
  board: BoardSnapshot;
  /** why this entry can't be applied now, or null when it can */
  whyNot: (entry: NotSentEntry) => string | null;
  onReapply: (entry: NotSentEntry) => Promise<void>;
  onDiscard: (entry: NotSentEntry) => void;
  onClose: () => void;
}) {
  return (
    <Modal title="Not sent" onClose={props.onClose} wide testId="not-sent">
      <p className="not-sent__intro">
        The server did not accept these changes, so nobody else has them. They are kept on this device until you apply them
        again or discard them.
      </p>
      {props.entries.length === 0 ? (
        <p>Nothing is waiting: every change you made was sent.</p>
      ) : (
        <ul className="not-sent__list">
          {props.entries.map((entry) => (
            <NotSentItem key={entry.id} entry={entry} {...props} />
          ))}
        </ul>
      )}
    </Modal>
  );
}

function NotSentItem({
  entry,
  board,
  whyNot,
  onReapply,
  onDiscard,
}: {
  entry: NotSentEntry;
  board: BoardSnapshot;
  whyNot: (entry: NotSentEntry) => string | null;
  onReapply: (entry: NotSentEntry) => Promise<void>;
  onDiscard: (entry: NotSentEntry) => void;
}) {
  const [copied, setCopied] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const blocked = canReapply(entry) ? whyNot(entry) : 'This change can’t be applied from here.';
  const text = entryText(entry);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      setError('Your browser would not copy: select the text above and copy it yourself.');
    }
  };
  const reapply = async () => {
    setBusy(true);
    setError(null);
    try {
      await onReapply(entry);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'It could not be applied. Copy the text instead.');
      setBusy(false);
    }
  };
  const label = describeEntry(entry, board);
  return (
    <li className="not-sent__item" data-testid="not-sent-item" data-change={entry.change}>
      <h3 className="not-sent__what">{label}</h3>
      <p className="not-sent__why">{reasonText(entry, formatTime)}</p>
      {entry.change !== 'remove' && (
        <textarea className="not-sent__text" readOnly value={text} rows={Math.min(8, text.split('\n').length + 1)} aria-label={`Text of ${label}`} />
      )}
      <div className="not-sent__actions">
        {entry.change !== 'remove' && (
          <button type="button" className="button button--small button--secondary" onClick={() => void copy()}>
            {copied ? 'Copied' : 'Copy text'}
          </button>
        )}
        <button type="button" className="button button--small" onClick={() => void reapply()} disabled={busy || blocked !== null} aria-describedby={blocked ? `${entry.id}-blocked` : undefined}>
          Apply again
        </button>
        <button type="button" className="button button--small button--secondary" onClick={() => onDiscard(entry)}>
          Discard
        </button>
      </div>
      {blocked && (
        <p className="not-sent__blocked" id={`${entry.id}-blocked`}>
          Can’t apply it now: {blocked.replace(/[.!]?$/, '.')}
        </p>
      )}
      {error && (
        <p className="not-sent__error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
