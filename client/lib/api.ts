/** The HTTP API the client uses (see server/api): create a board, read a board's metadata. */
import type { ApiErrorCode, BoardInfoResponse, CreateBoardResponse } from '../../shared/api.ts';


export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    /** what the client can do something about (e.g. ask for the creation token) */
    readonly code: ApiErrorCode | null = null,
  ) {
    super(message);
  }
}

/** A token no request can carry (a header allows bytes only): the link is mis-encoded. */
export class BadTokenError extends Error {
  override name = 'BadTokenError';
}

async function failure(res: Response): Promise<ApiError> {
  let message = `The server answered ${res.status}.`;
  let code: ApiErrorCode | null = null;
  try {
    const body = (await res.json()) as { error?: unknown; message?: unknown; code?: unknown };
    const text = body.message ?? body.error;
    if (typeof text === 'string' && text) message = text;
    if (typeof body.code === 'string') code = body.code as ApiErrorCode;
  } catch {
    // not JSON: keep the generic message
  }
  return new ApiError(res.status, message, code);
}

export async function createBoard(input: {
  title: string;
  challenge?: string;
  sponsor?: string;
  template?: string;
}, createToken?: string): Promise<CreateBoardResponse> {
  const res = await fetch('/api/boards', {
    method: 'POST',
    // a closed deployment's creation token (CREATE_BOARD_TOKEN), when the person gave one
    headers: { 'content-type': 'application/json', ...(createToken ? { authorization: `Bearer ${createToken}` } : {}) },
    body: JSON.stringify(input),
  });
  if (res.status !== 201 && res.status !== 200) throw await failure(res);
  return (await res.json()) as CreateBoardResponse;
}

export async function fetchBoardMeta(id: string, token: string): Promise<BoardInfoResponse> {
  let headers: Headers;
  try {
    headers = new Headers({ authorization: `Bearer ${token}` });
  } catch {
    // built before fetching, so that this is never mistaken for a network failure
    throw new BadTokenError('The token in this link cannot be sent.');
  }
  const res = await fetch(`/api/boards/${encodeURIComponent(id)}`, { headers });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as BoardInfoResponse;
}

/** The WebSocket base for this page's origin (`ws://host/ws` or `wss://host/ws`). */
export function wsBase(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/ws`;
}
