/**
 * What a link opens: the board's metadata and the caller's role, from the API when online and
 * from this device's memory when not. Shared by the board and the brief pages, which differ only
 * in what they call the thing the link opens ("board" or "brief").
 */
import { useEffect, useState } from 'react';
import { ApiError, BadTokenError, fetchBoardMeta } from './api.ts';
import { loadBoardInfo, saveBoardInfo, type BoardInfo } from './storage.ts';

export type LinkProblem = { title: string; text: string };

export type LinkNoun = 'board' | 'brief';

/** The link itself is wrong: mistyped, cut short, mis-encoded, or replaced since. */
export function badLinkProblem(noun: LinkNoun): LinkProblem {
  return { title: `This link does not open this ${noun}`, text: 'The link may have been mistyped or replaced. Ask the facilitator for a new link.' };
}

/**
 * Why opening a link failed, in words, or null to carry on with what this device remembers.
 * Only a request that never got an answer, on a device that knows it is offline, is "offline":
 * any answer from the server, and a token no request could carry, say what is wrong instead.
 */
export function linkProblemOf(error: unknown, noun: LinkNoun, remembered: boolean, online: boolean): LinkProblem | null {
  if (error instanceof ApiError) {
    if (error.status === 404) {
      return { title: noun === 'board' ? 'Board not found' : 'Brief not found', text: 'There is no board at this address. Check the link you were given.' };
    }
    if (error.status >= 400 && error.status < 500) return badLinkProblem(noun);
    if (remembered) return null;
    return { title: `Crossboard could not open this ${noun}`, text: 'The server had a problem. Try again in a minute.' };
  }
  if (error instanceof BadTokenError) return badLinkProblem(noun);
  if (remembered) return null;
  if (!online) {
    return {
      title: 'You are offline',
      text: `This ${noun} has not been opened on this device before, so there is nothing saved here yet. Connect to the internet and try again.`,
    };
  }
  return { title: 'Crossboard cannot be reached', text: 'The server did not answer. Check your connection and try again.' };
}

export function useBoardInfo(
  boardId: string,
  token: string,
  noun: LinkNoun,
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
        const remembered = loadBoardInfo(boardId)?.token === token;
        const found = linkProblemOf(error, noun, remembered, navigator.onLine);
        // null: offline (or the server briefly down) with a remembered board — carry on with what this device knows
        if (!found) return;
        setProblem(found);
        // what this device remembers of the board no longer counts: the server said no to the link
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) setInfo(null);
      });
    return () => {
      cancelled = true;
    };
  }, [boardId, token, noun]);

  return { info, setInfo, problem };
}
