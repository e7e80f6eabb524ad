/**
 * The brief of a Y.Doc, rebuilt as the document changes: `buildBrief` then `layoutBrief`, the same
 * two steps every export takes. Building reads every card body, so it is not done per keystroke:
 * after a change the brief is rebuilt once the board has been quiet for a moment, and at least
 * every `maxWait` while people keep typing (both stretched on a board so big that a build is slow).
 */
import { startTransition, useEffect, useRef, useState } from 'react';
import type * as Y from 'yjs';
// from their own modules, not the index: it also holds the export renderers, which the page never runs
import { buildBrief, type ChallengeBrief, type ExportRole } from '../../shared/brief/brief.ts';
import { layoutBrief, type BriefDocument } from '../../shared/brief/layout.ts';
import type { VoteRoundResult } from '../../shared/votes.ts';

export type BuiltBrief = { brief: ChallengeBrief; layout: BriefDocument; builtAt: number };

export type BriefInput = {
  boardId: string;
  rounds: readonly VoteRoundResult[];
  exportedBy: { name: string; role: ExportRole };
  showNames: boolean;
  version?: { id: string; name: string };
};

export function buildBriefFrom(doc: Y.Doc, input: BriefInput, now = Date.now()): BuiltBrief {
  const brief = buildBrief({
    boardId: input.boardId,
    doc,
    rounds: input.rounds,
    showNames: input.showNames,
    exportedBy: input.exportedBy,
    exportedAt: now,
    ...(input.version ? { version: input.version } : {}),
  });
  return { brief, layout: layoutBrief(brief), builtAt: now };
}

const QUIET_MS = 250;
const MAX_WAIT_MS = 1000;

/** The brief of `doc` (null until `ready`), kept current. */
export function useLiveBrief(doc: Y.Doc | null, ready: boolean, input: BriefInput): BuiltBrief | null {
  const [built, setBuilt] = useState<BuiltBrief | null>(null);
  const inputRef = useRef(input);
  inputRef.current = input;
  const scheduleRef = useRef<() => void>(() => {});

  useEffect(() => {
    if (!doc || !ready) return;
    let quiet: ReturnType<typeof setTimeout> | null = null;
    let firstChangeAt: number | null = null;
    let lastBuildMs = 0;
    let destroyed = false;

    const build = () => {
      if (quiet) clearTimeout(quiet);
      quiet = null;
      firstChangeAt = null;
      if (destroyed) return;
      const started = performance.now();
      try {
        const next = buildBriefFrom(doc, inputRef.current);
        // the whole document re-renders: in slices, so that typing and scrolling stay smooth
        startTransition(() => setBuilt(next));
      } catch (error) {
        // a board any peer can write to must not take the page down; the last good brief stays
        console.error('could not build the brief', error);
      }
      lastBuildMs = performance.now() - started;
    };

    const schedule = () => {
      const now = performance.now();
      firstChangeAt ??= now;
      const quietFor = Math.max(QUIET_MS, lastBuildMs * 2);
      const maxWait = Math.max(MAX_WAIT_MS, lastBuildMs * 4);
      const due = Math.min(now + quietFor, firstChangeAt + maxWait);
      if (quiet) clearTimeout(quiet);
      quiet = setTimeout(build, Math.max(0, due - now));
    };
    scheduleRef.current = schedule;

    build();
    doc.on('update', schedule);
    return () => {
      destroyed = true;
      if (quiet) clearTimeout(quiet);
      doc.off('update', schedule);
      scheduleRef.current = () => {};
    };
  }, [doc, ready]);

  // new vote results, a name or a role: rebuild on the same schedule as a document change
  const key = JSON.stringify([input.rounds, input.exportedBy, input.showNames, input.version ?? null]);
  const lastKey = useRef(key);
  useEffect(() => {
    if (lastKey.current === key) return;
    lastKey.current = key;
    scheduleRef.current();
  }, [key]);

  return built;
}
