/**
 * What a link opens: the board's metadata and the caller's role, from the API when online and
 * from this device's memory when not. Shared by the board and the brief pages, which differ only
 * in what they call the thing the link opens ("board" or "brief").
 */
import { useEffect, useState } from 'react';
import { ApiError, fetchBoardMeta } from './api.ts';
import { loadBoardInfo, saveBoardInfo, type BoardInfo } from './storage.ts';

export type LinkProblem = { title: string; text: string };

export function useBoardInfo(
  boardId: string,
  token: string,
  noun: 'board' | 'brief',
): { info: BoardInfo | null; setInfo: (info: BoardInfo | null) => void; problem: LinkProblem | null } {
  const [info, setInfo] = useState<BoardInfo | null>(() => {
    const cached = loadBoardInfo(boardId);
    return cached && cached.token === token ? cached : null;
  });
  const [problem, setProblem] = useState<LinkProblem | null>(null);

  useEffect(() => {
    if (!token) {
      setProblem({ title: 'This link is incomplete', text: 'The link has no access token. Ask the person who shared it for the full link.' });
      return;
    }
    let cancelled = false;
    fetchBoardMeta(boardId, token)
      .then((meta) => {
        if (cancelled) return;
        const prev = loadBoardInfo(boardId);
        const next: BoardInfo = {
          id: boardId,
          title: meta.title,
          challenge: meta.challenge ?? '',
          sponsor: meta.sponsor ?? '',
          template: meta.template ?? 'open',
          role: meta.role,
          token,
          joined: prev?.token === token ? prev.joined : false,
          openedAt: Date.now(),
        };
        saveBoardInfo(next);
        setInfo(next);
      })
      .catch((error: unknown) => {
        if (cancelled) return;
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
          setProblem({ title: `This link does not open this ${noun}`, text: 'The link may have been mistyped or replaced. Ask the facilitator for a new link.' });
          // what this device remembers of the board no longer counts: the server said no to the link
          setInfo(null);
        } else if (error instanceof ApiError && error.status === 404) {
          setProblem({ title: noun === 'board' ? 'Board not found' : 'Brief not found', text: 'There is no board at this address. Check the link you were given.' });
        } else if (!loadBoardInfo(boardId)) {
          setProblem({
            title: 'You are offline',
            text: `This ${noun} has not been opened on this device before, so there is nothing saved here yet. Connect to the internet and try again.`,
          });
        }
        // Otherwise: offline with a remembered board — carry on with what this device knows.
      });
    return () => {
      cancelled = true;
    };
  }, [boardId, token, noun]);

  return { info, setInfo, problem };
}
