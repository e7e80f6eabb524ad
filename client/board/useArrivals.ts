/**
 * Cards others add while you watch: announced politely (one by one, or as a count when many come
 * at once, as on a first sync), and marked fresh for a moment so they glow.
 */
import { useEffect, useRef, useState } from 'react';
import { describeKind } from './layout.ts';
import type { BoardServices } from './services.ts';
import type { BoardSnapshot } from '../../shared/board/index.ts';

/** How long an arrival stays marked fresh. */
const FRESH_MS = 2500;

/** The ids of the cards others added just now (empty again after a moment). */
export function useArrivals(board: BoardSnapshot, participantId: string, services: Pick<BoardServices, 'announce'>): Set<string> {
  const [fresh, setFresh] = useState<Set<string>>(() => new Set());
  const known = useRef<Set<string> | null>(null);
  useEffect(() => {
    const all = [...board.problems, ...board.ideas, ...board.notes];
    const ids = new Set(all.map((c) => c.id));
    const prev = known.current;
    known.current = ids;
    if (!prev) return;
    const added = all.filter((c) => !prev.has(c.id) && c.author.participantId !== participantId);
    if (added.length === 0) return;
    if (added.length <= 5) {
      for (const c of added) {
        services.announce(`${c.author.name} added ${article(describeKind(c.kind))}${c.title ? `: ${c.title}` : ''}`);
      }
    } else {
      services.announce(`${added.length} cards were added by others`);
    }
    setFresh(new Set(added.map((c) => c.id)));
    const t = setTimeout(() => setFresh(new Set()), FRESH_MS);
    return () => clearTimeout(t);
  }, [board, participantId, services]);
  return fresh;
}

function article(noun: string): string {
  return /^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`;
}
