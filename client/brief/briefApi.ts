/**
 * The HTTP calls the sponsor's page makes (server/api/brief.ts, comments.ts, session.ts): saved
 * versions, their state and votes, a comparison with now, vote results, comments, and the export
 * links. The token goes as a bearer header; only download links carry it in the URL (a link
 * cannot carry a header), and the server sends those with `Referrer-Policy: no-referrer`.
 */
import type { NewComment, SponsorComment } from '../../shared/brief/comments.ts';
import type { BriefFormat } from '../../shared/brief/formats.ts';
import type { VoteRoundResult } from '../../shared/votes.ts';
import type {
  CommentListResponse,
  VersionComparisonResponse,
  VersionInfo,
  VersionListResponse,
  VotesResponse,
} from '../../shared/api.ts';
import { ApiError } from '../lib/api.ts';

async function failure(res: Response): Promise<ApiError> {
  let message = `The server answered ${res.status}.`;
  try {
    const body = (await res.json()) as { error?: unknown };
    if (typeof body.error === 'string' && body.error) message = body.error;
  } catch {
    // not JSON: keep the generic message
  }
  return new ApiError(res.status, message);
}

function boardPath(boardId: string, rest: string): string {
  return `/api/boards/${encodeURIComponent(boardId)}/${rest}`;
}

async function getJson<T>(boardId: string, token: string, rest: string): Promise<T> {
  const res = await fetch(boardPath(boardId, rest), { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

export async function fetchVersions(boardId: string, token: string): Promise<VersionInfo[]> {
  return (await getJson<VersionListResponse>(boardId, token, 'versions')).versions;
}

export async function fetchVersionState(boardId: string, token: string, versionId: string): Promise<Uint8Array> {
  const res = await fetch(boardPath(boardId, `versions/${encodeURIComponent(versionId)}/state`), {
    headers: { authorization: `Bearer ${token}` },
    cache: 'no-store',
  });
  if (!res.ok) throw await failure(res);
  return new Uint8Array(await res.arrayBuffer());
}

export async function fetchVersionVotes(boardId: string, token: string, versionId: string): Promise<VoteRoundResult[]> {
  return (await getJson<VotesResponse>(boardId, token, `versions/${encodeURIComponent(versionId)}/votes`)).rounds;
}

export async function fetchComparison(boardId: string, token: string, versionId: string): Promise<VersionComparisonResponse> {
  return getJson<VersionComparisonResponse>(boardId, token, `versions/${encodeURIComponent(versionId)}/compare`);
}

/** Every round, as anyone may see it: rounds whose results are hidden come with no tallies. */
export async function fetchVoteResults(boardId: string, token: string): Promise<VoteRoundResult[]> {
  return (await getJson<VotesResponse>(boardId, token, 'votes')).rounds;
}

export async function fetchComments(boardId: string, token: string): Promise<SponsorComment[]> {
  return (await getJson<CommentListResponse>(boardId, token, 'comments')).comments;
}

export async function postComment(boardId: string, token: string, comment: NewComment): Promise<SponsorComment> {
  const res = await fetch(boardPath(boardId, 'comments'), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(comment),
  });
  if (res.status !== 201) throw await failure(res);
  return (await res.json()) as SponsorComment;
}

/** The export of the live board, or of a saved version, in one format. */
export function briefDownloadUrl(
  boardId: string,
  token: string,
  format: BriefFormat,
  options: { versionId?: string | null; by?: string } = {},
): string {
  const query = new URLSearchParams({ token });
  if (options.by) query.set('by', options.by);
  const file = `brief.${format}`;
  const path = options.versionId ? `versions/${encodeURIComponent(options.versionId)}/${file}` : file;
  return `${boardPath(boardId, path)}?${query}`;
}

/** The sponsor's page of a board, for links from the board. */
export function briefPageUrl(boardId: string, token: string): string {
  return `/b/${encodeURIComponent(boardId)}/brief?token=${encodeURIComponent(token)}`;
}

/** The board itself; `view=board` keeps a viewer on the board instead of sending them to the brief. */
export function boardPageUrl(boardId: string, token: string, role: string): string {
  const view = role === 'viewer' ? '&view=board' : '';
  return `/b/${encodeURIComponent(boardId)}?token=${encodeURIComponent(token)}${view}`;
}
