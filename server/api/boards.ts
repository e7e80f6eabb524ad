/**
 * The JSON API: create a board (returns its three capability links) and read a board's metadata
 * with a token. (Liveness and readiness are health.ts.)
 *
 * Creating a board is the one thing anyone may do without a link, so it has limits of its own:
 * per address (boardsPerMinutePerAddress, boardCreationBurstPerAddress: 429 with Retry-After),
 * and, for closed deployments, a creation token (CREATE_BOARD_TOKEN) without which it is refused.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import * as Y from 'yjs';
import { applyTemplate, initBoard, readMeta } from '../../shared/board/index.ts';
import { LIMITS, TEMPLATES, ROLES, type Role } from '../../shared/schema.ts';
import { templateDefinition } from '../../shared/facilitation/index.ts';
import { bodyWriter } from '../bodyWriter.ts';
import { generateBoardId, generateToken, hashToken } from '../auth/tokens.ts';
import type { Limits } from '../config.ts';
import type { Logger } from '../log.ts';
import { KeyedRateLimiter, localRateCheck, remoteAddress, type RateCheck } from '../rateLimit.ts';
import type { Rooms } from '../rooms/rooms.ts';
import type { BoardRecord, Storage } from '../storage/storage.ts';
import { readJsonBody } from './jsonBody.ts';
import { boardAuth } from './boardAuth.ts';
import { BOARD_AUTH_ERRORS, BOARD_TOKEN, describeRoute, errors, json, jsonBody } from './openapi.ts';
import { boardInfoResponse, createBoardResponse, type ApiError, type BoardInfoResponse, type CreateBoardResponse } from '../../shared/api.ts';

export type ApiDeps = {
  storage: Storage;
  rooms: Rooms;
  limits: Limits;
  logger: Logger;
  /** origin used in links, e.g. https://crossboard.example; defaults to the request's own */
  publicUrl?: string;
  now?: () => number;
  /** when set, POST /api/boards needs it as `Authorization: Bearer <token>` */
  createBoardToken?: string;
  /** board creations per address; default: counted in this process */
  creations?: RateCheck;
};

export function requiredText(max: number) {
  const message = `must be a non-empty string of at most ${max} characters`;
  return z.string({ error: message }).trim().min(1, { error: message }).max(max, { error: message });
}

function optionalText(max: number) {
  const message = `must be a string of at most ${max} characters`;
  return z.string({ error: message }).trim().max(max, { error: message }).optional();
}

export const createBoardBody = z
  .object({
    title: requiredText(LIMITS.metaTitle),
    challenge: optionalText(LIMITS.challenge),
    sponsor: optionalText(LIMITS.sponsor),
    template: z.enum(TEMPLATES, { error: `must be one of ${TEMPLATES.join(', ')}` }).optional(),
  })
  .meta({ id: 'CreateBoardRequest' });

/** The `:id` of every route under a board. */
export const boardParams = z.object({ id: z.string().openapi({ param: { description: "the board's id" } }) });

/**
 * Stores a new board whose document is `doc` (its first snapshot), with fresh id and tokens, and
 * returns what POST /api/boards answers. Also used to copy a saved version into a new board.
 */
export async function storeNewBoard(
  c: Context,
  deps: Pick<ApiDeps, 'storage' | 'logger' | 'publicUrl'>,
  fields: Omit<BoardRecord, 'id' | 'tokenHashes'>,
  doc: Y.Doc,
): Promise<CreateBoardResponse> {
  const tokens = { facilitator: generateToken(), contributor: generateToken(), viewer: generateToken() };
  const board: BoardRecord = {
    ...fields,
    id: generateBoardId(),
    tokenHashes: {
      facilitator: hashToken(tokens.facilitator),
      contributor: hashToken(tokens.contributor),
      viewer: hashToken(tokens.viewer),
    },
  };
  await deps.storage.boards.createBoard(board, Y.encodeStateAsUpdate(doc));
  deps.logger.info('board created', { boardId: board.id });
  const origin = (deps.publicUrl ?? new URL(c.req.url).origin).replace(/\/+$/, '');
  const links = Object.fromEntries(
    ROLES.map((role) => [role, `${origin}/b/${board.id}?token=${tokens[role]}`]),
  ) as Record<Role, string>;
  return { id: board.id, title: board.title, tokens, links };
}

/**
 * The refusal for a board creation without the deployment's creation token, or null when there
 * is no token to check or it matches. Hashes first so the comparison takes the same time whatever
 * was sent.
 */
function creationTokenRefusal(c: Context, expected: string | undefined): Response | null {
  if (!expected) return null;
  const sent = c.req.header('authorization')?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  if (!sent) {
    const body: ApiError = {
      error: 'This server needs a board creation token to start a board. Ask whoever runs it for the token.',
      code: 'create-token-required',
    };
    return c.json(body, 401);
  }
  const sha = (text: string) => createHash('sha256').update(text).digest();
  if (!timingSafeEqual(sha(sent), sha(expected))) {
    const body: ApiError = { error: 'That board creation token is not the right one.', code: 'create-token-invalid' };
    return c.json(body, 403);
  }
  return null;
}

export function createApi(deps: ApiDeps): OpenAPIHono {
  const { storage, rooms, limits, logger } = deps;
  const now = deps.now ?? Date.now;
  const api = new OpenAPIHono();
  const creations =
    deps.creations ?? localRateCheck(new KeyedRateLimiter(limits.boardsPerMinutePerAddress / 60, limits.boardCreationBurstPerAddress));

  describeRoute(api, {
    method: 'post',
    path: '/boards',
    summary: 'Start a board',
    description:
      'Anyone may start a board, unless the server was started with CREATE_BOARD_TOKEN: then that token is needed as a bearer token. ' +
      'The answer carries the three links (facilitator, contributor, viewer); their tokens are shown only here.',
    tags: ['boards'],
    security: [{}, { createBoardToken: [] }],
    request: { body: jsonBody(createBoardBody) },
    responses: {
      201: json(createBoardResponse, 'the board, with its tokens and links'),
      ...errors({
        400: true,
        401: "code 'create-token-required': this server needs its creation token",
        403: "code 'create-token-invalid': not this server's creation token",
        413: true,
        429: "code 'rate-limited': too many boards from this address",
      }),
    },
  });
  api.post('/boards', async (c) => {
    const refused = creationTokenRefusal(c, deps.createBoardToken);
    if (refused) return refused;
    const parsed = await readJsonBody(c, createBoardBody);
    if (!parsed.ok) return parsed.response;
    // counted once the request would create a board: a typo in the form costs nothing
    const address = remoteAddress(c);
    const waitMs = await creations(address);
    if (waitMs > 0) {
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      logger.warn('refused board creation: too many from one address', { address });
      c.header('Retry-After', String(seconds));
      const body: ApiError = { error: `Too many boards started from this address. Try again in ${seconds} s.`, code: 'rate-limited' };
      return c.json(body, 429);
    }
    const input = parsed.value;
    const fields = {
      title: input.title,
      challenge: input.challenge ?? '',
      sponsor: input.sponsor ?? '',
      template: input.template ?? 'open',
      createdAt: now(),
    };
    const doc = new Y.Doc();
    initBoard(doc, fields);
    // the template's starter cards (e.g. a hackathon's first "How might we …?")
    const starter = templateDefinition(fields.template).starter;
    if (starter.length > 0) applyTemplate(doc, starter, { kind: 'server' }, await bodyWriter());
    const body = await storeNewBoard(c, deps, fields, doc);
    doc.destroy();
    return c.json(body, 201);
  });

  describeRoute(api, {
    method: 'get',
    path: '/boards/{id}',
    summary: "A board's title, challenge and the caller's role",
    tags: ['boards'],
    security: BOARD_TOKEN,
    request: { params: boardParams },
    responses: { 200: json(boardInfoResponse, 'the board as the token sees it'), ...errors(BOARD_AUTH_ERRORS) },
  });
  api.get('/boards/:id', boardAuth(storage), async (c) => {
    const id = c.req.param('id');
    const { board, role } = c.var;
    // The document is the source of truth (the title can be edited on the board). Loading it
    // here also warms the room for the WebSocket that usually follows this request.
    // On another process's board, its stored state (storage holds all that anyone has seen).
    const meta = readMeta(await rooms.readDoc(id));
    const body: BoardInfoResponse = {
      id,
      title: meta.title,
      challenge: meta.challenge,
      sponsor: meta.sponsor,
      template: meta.template,
      role,
      createdAt: new Date(board.createdAt).toISOString(),
    };
    return c.json(body);
  });

  api.all('*', (c) => c.json({ error: 'not found' }, 404));
  return api;
}
