/**
 * Clustering in the Ideas lane: the list of themes (create, rename in place, delete — the ideas
 * stay, without a theme), each a place to drop ideas on; and, on an open idea, "Group into new
 * theme…" and "Merge into…".
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { Theme } from '../../shared/board/index.ts';
import { DropZone } from './dnd.tsx';

const themeTitle = (t: Pick<Theme, 'title'>) => t.title.trim() || 'Untitled theme';
const ideasLabel = (n: number) => (n === 1 ? '1 idea' : `${n} ideas`);

export function ThemesPanel({
  themes,
  counts,
  unthemed,
  readOnly,
  onCreate,
  onRename,
  onDelete,
}: {
  themes: Theme[];
  /** ideas per theme id */
  counts: Map<string, number>;
  /** ideas in no theme */
  unthemed: number;
  readOnly: boolean;
  /** creates an untitled theme and returns its id (it opens for naming) */
  onCreate: () => string;
  onRename: (id: string, title: string) => void;
  onDelete: (id: string) => void;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  if (themes.length === 0 && readOnly) return null;
  return (
    <section className="themes" aria-labelledby="themes-title" data-testid="themes">
      <div className="themes__head">
        <h3 className="themes__title" id="themes-title">
          Themes
        </h3>
        {!readOnly && (
          <button type="button" className="add-button add-button--small" onClick={() => setEditing(onCreate())}>
            + New theme
          </button>
        )}
      </div>
      {themes.length === 0 ? (
        <p className="themes__empty">Group similar ideas: make a theme, then drag ideas onto it.</p>
      ) : (
        <ul className="themes__list">
          {themes.map((theme) => (
            <DropZone
              key={theme.id}
              as="li"
              id={`theme:${theme.id}`}
              target={{ type: 'theme', themeId: theme.id }}
              disabled={readOnly}
              className="theme-chip"
              data-theme-id={theme.id}
            >
              {editing === theme.id ? (
                <ThemeNameInput theme={theme} onRename={onRename} onDone={() => setEditing(null)} />
              ) : (
                <>
                  <span className="theme-chip__title">{themeTitle(theme)}</span>
                  <span className="theme-chip__count">{ideasLabel(counts.get(theme.id) ?? 0)}</span>
                  {!readOnly && (
                    <span className="theme-chip__actions">
                      <button
                        type="button"
                        className="link-button"
                        aria-label={`Rename theme ${themeTitle(theme)}`}
                        onClick={() => setEditing(theme.id)}
                        data-rename-theme={theme.id}
                      >
                        Rename
                      </button>
                      <button
                        type="button"
                        className="link-button link-button--warning"
                        aria-label={`Delete theme ${themeTitle(theme)}`}
                        onClick={() => onDelete(theme.id)}
                      >
                        Delete
                      </button>
                    </span>
                  )}
                </>
              )}
            </DropZone>
          ))}
          <DropZone as="li" id="theme:none" target={{ type: 'theme', themeId: null }} disabled={readOnly} className="theme-chip theme-chip--none">
            <span className="theme-chip__title">No theme</span>
            <span className="theme-chip__count">{ideasLabel(unthemed)}</span>
          </DropZone>
        </ul>
      )}
    </section>
  );
}

/** The theme's title as a live field: every keystroke is a collaborative title edit. */
function ThemeNameInput({ theme, onRename, onDone }: { theme: Theme; onRename: (id: string, title: string) => void; onDone: () => void }) {
  const ref = useRef<HTMLInputElement>(null);
  const finish = () => {
    onDone();
    // Back to the Rename button of this theme, so keyboard users keep their place.
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-rename-theme="${CSS.escape(theme.id)}"]`)?.focus());
  };
  useEffect(() => ref.current?.focus(), []);
  return (
    <input
      ref={ref}
      className="input theme-chip__input"
      aria-label="Theme name"
      placeholder="Name this theme"
      maxLength={300}
      value={theme.title}
      onChange={(e) => onRename(theme.id, e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          finish();
        }
      }}
      onBlur={onDone}
    />
  );
}

export type MergeChoiceGroup = { label: string; ideas: Array<{ id: string; title: string }> };

/** On an open idea: group it into a new theme, or merge it into another idea. */
export function IdeaTools({
  ideaId,
  mergeGroups,
  onNewTheme,
  onMerge,
}: {
  ideaId: string;
  mergeGroups: MergeChoiceGroup[];
  onNewTheme: (ideaId: string, title: string) => void;
  /** merges `mergeId` (this idea) into `keepId` */
  onMerge: (mergeId: string, keepId: string) => void;
}) {
  const [mode, setMode] = useState<'none' | 'theme' | 'merge'>('none');
  const id = useId();
  const [name, setName] = useState('');
  const firstChoice = mergeGroups[0]?.ideas[0]?.id ?? '';
  const [keepId, setKeepId] = useState(firstChoice);
  const opener = useRef<'theme' | 'merge'>('theme');

  const cancel = () => {
    setMode('none');
    requestAnimationFrame(() => document.getElementById(`${id}-${opener.current}`)?.focus());
  };
  const onEscape = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      cancel();
    }
  };

  if (mode === 'theme') {
    const submit = (e: FormEvent) => {
      e.preventDefault();
      if (!name.trim()) return;
      onNewTheme(ideaId, name.trim());
      setName('');
      setMode('none');
    };
    return (
      <form className="idea-tools idea-tools--form" onSubmit={submit} onKeyDown={onEscape}>
        <label className="field field--compact field--inline">
          <span className="field__label">New theme</span>
          <input className="input input--compact" value={name} onChange={(e) => setName(e.target.value)} maxLength={300} autoFocus placeholder="Name the theme" />
        </label>
        <div className="card__actions">
          <button type="submit" className="button button--small" disabled={!name.trim()}>
            Create theme
          </button>
          <button type="button" className="button button--small button--secondary" onClick={cancel}>
            Cancel
          </button>
        </div>
      </form>
    );
  }

  if (mode === 'merge') {
    const target = mergeGroups.flatMap((g) => g.ideas).find((i) => i.id === keepId);
    const submit = (e: FormEvent) => {
      e.preventDefault();
      if (target) onMerge(ideaId, target.id);
    };
    return (
      <form className="idea-tools idea-tools--form" onSubmit={submit} onKeyDown={onEscape}>
        <label className="field field--compact field--inline">
          <span className="field__label">Merge this idea into</span>
          <select className="select" value={keepId} onChange={(e) => setKeepId(e.target.value)} autoFocus>
            {mergeGroups.map((g) => (
              <optgroup key={g.label} label={g.label}>
                {g.ideas.map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.title}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        <p className="field__hint idea-tools__hint">
          This idea goes; its text, prototype notes and author are added to the idea you choose. You can undo it.
        </p>
        <div className="card__actions">
          <button type="submit" className="button button--small button--warning" disabled={!target}>
            Merge
          </button>
          <button type="button" className="button button--small button--secondary" onClick={cancel}>
            Cancel
          </button>
        </div>
      </form>
    );
  }

  return (
    <div className="idea-tools">
      <button
        type="button"
        id={`${id}-theme`}
        className="button button--small button--secondary"
        onClick={() => {
          opener.current = 'theme';
          setMode('theme');
        }}
      >
        Group into new theme…
      </button>
      {mergeGroups.length > 0 && (
        <button
          type="button"
          id={`${id}-merge`}
          className="button button--small button--secondary"
          onClick={() => {
            opener.current = 'merge';
            setKeepId((k) => (mergeGroups.some((g) => g.ideas.some((i) => i.id === k)) ? k : firstChoice));
            setMode('merge');
          }}
        >
          Merge into…
        </button>
      )}
    </div>
  );
}
