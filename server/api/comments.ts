/**
 * Comments on the brief. Sponsors read the brief through the viewer link and cannot
 * write to the board's document, so what they say about it comes here:
 *
 *   POST /api/boards/:id/comments {target, text, author?}   any token, the viewer's included
 *   GET  /api/boards/:id/comments                           any token
 *
 * A stored comment is pushed at once to every connection of the board as a `comments` message
 * (shared/protocol.ts), so the team sees it on the board without asking. Comments are limited in
 * length, in number per board, and in rate per token (a viewer link may be forwarded widely).
 */
import { randomBytes } from 'node:crypto';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { readBoard } from '../../shared/board/index.ts';
import { BRIEF_SECTIONS, BRIEF_SECTION_IDS, COMMENT_LIMITS, type SponsorComment } from '../../shared/brief/comments.ts';
import { commentListResponse, sponsorComment, type CommentListResponse } from '../../shared/api.ts';
import type { ControlMessage } from '../../shared/protocol.ts';
import type { Logger } from '../log.ts';
import { KeyedRateLimiter, localRateCheck, type RateCheck } from '../rateLimit.ts';
import { controlFrame } from '../rooms/messages.ts';
import type { Rooms } from '../rooms/rooms.ts';
import type { Storage, StoredComment } from '../storage/storage.ts';
import { readJsonBody } from './jsonBody.ts';
import { boardAuth } from './boardAuth.ts';
import { boardParams } from './boards.ts';
import { BOARD_AUTH_ERRORS, BOARD_TOKEN, describeRoute, errors, json, jsonBody } from './openapi.ts';

export type CommentRate = {
  /** comments one token may leave per minute, on average */
  perMinute: number;
  /** how many it may leave at once */
  burst: number;
};

/** Enough for a sponsor working through a brief; not enough to flood a team's board. */
export const DEFAULT_COMMENT_RATE: CommentRate = { perMinute: 6, burst: 10 };

export type CommentsApiDeps = {
  storage: Storage;
  rooms: Rooms;
  logger: Logger;
  now?: () => number;
  rate?: CommentRate;
  /** comments one board keeps (default `COMMENT_LIMITS.perBoard`) */
  maxPerBoard?: number;
  /** sends a message to every connection of a board; default: the board's room, if it is loaded */
  publish?: (boardId: string, message: ControlMessage) => void;
  /** comments per link (key: board and token hash); default: counted in this process with `rate` */
  take?: RateCheck;
};

/** Sends `message` to every connection of a loaded board (none are open if it is not loaded). */
export function publishToBoard(rooms: Rooms, boardId: string, message: ControlMessage): void {
  const room = rooms.peek(boardId);
  if (!room) return;
  const frame = controlFrame(message);
  for (const conn of room.connectionList()) conn.send(frame);
}

const CARD_ID = /^[A-Za-z0-9_-]{1,100}$/;
/** bidirectional overrides and isolates: they could make a comment read backwards on screen */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/**
 * Text someone typed, made safe to keep and show: line breaks normalised, control characters
 * (other than line breaks and tabs) and bidirectional overrides removed, more than one blank
 * line in a row collapsed, surrounding white space trimmed.
 */
export function cleanCommentText(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\p{Cc}]/gu, (c) => (c === '\n' || c === '\t' ? c : ''))
    .replace(BIDI_CONTROLS, '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const text = z
  .string({ error: `must be a string of 1 to ${COMMENT_LIMITS.text} characters` })
  .transform(cleanCommentText)
  .pipe(
    z
      .string()
      .min(1, { error: 'must not be empty' })
      .max(COMMENT_LIMITS.text, { error: `must be at most ${COMMENT_LIMITS.text} characters` }),
  );

/** One line someone typed (a name): control and formatting characters removed, white space collapsed. */
function cleanLine(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function personField(max: number) {
  const message = `must be a string of at most ${max} characters`;
  return z
    .string({ error: message })
    .transform(cleanLine)
    .pipe(z.string().max(max, { error: message }))
    .optional();
}

export const newCommentBody = z
  .object({
    target: z.discriminatedUnion(
      'kind',
      [
        z.object({
          kind: z.literal('section'),
          id: z.enum(BRIEF_SECTION_IDS as [string, ...string[]], {
            error: `must be one of ${BRIEF_SECTION_IDS.join(', ')}`,
          }),
        }),
        z.object({ kind: z.literal('idea'), cardId: z.string({ error: 'must be a card id' }).regex(CARD_ID, { error: 'must be a card id' }) }),
      ],
      { error: 'must be {kind: "section", id} or {kind: "idea", cardId}' },
    ),
    text,
    author: z
      .object(
        { name: personField(COMMENT_LIMITS.name), organisation: personField(COMMENT_LIMITS.organisation) },
        { error: 'must be an object with name and organisation' },
      )
      .optional(),
  })
  .meta({ id: 'NewCommentRequest' });

/** The comment as clients see it: without the board id the route already names. */
function published(comment: StoredComment): SponsorComment {
  const { boardId: _boardId, ...rest } = comment;
  return rest;
}

export function createCommentsApi(deps: CommentsApiDeps): OpenAPIHono {
  const { storage, rooms, logger } = deps;
  const now = deps.now ?? Date.now;
  const rate = deps.rate ?? DEFAULT_COMMENT_RATE;
  const maxPerBoard = deps.maxPerBoard ?? COMMENT_LIMITS.perBoard;
  const take = deps.take ?? localRateCheck(new KeyedRateLimiter(rate.perMinute / 60, rate.burst, now));
  const publish = deps.publish ?? ((boardId, message) => publishToBoard(rooms, boardId, message));
  const api = new OpenAPIHono();

  const auth = boardAuth(storage);

  describeRoute(api, {
    method: 'get',
    path: '/boards/{id}/comments',
    summary: 'Comments on the brief',
    tags: ['comments'],
    security: BOARD_TOKEN,
    request: { params: boardParams },
    responses: { 200: json(commentListResponse, 'every comment, oldest first'), ...errors(BOARD_AUTH_ERRORS) },
  });
  api.get('/boards/:id/comments', auth, async (c) => {
    const id = c.req.param('id');
    const body: CommentListResponse = { comments: (await storage.comments.listComments(id)).map(published) };
    c.header('Cache-Control', 'no-store');
    return c.json(body);
  });

  describeRoute(api, {
    method: 'post',
    path: '/boards/{id}/comments',
    summary: 'Comment on a section of the brief or on one idea',
    description: "Any of the board's tokens, the viewer's included. The comment is pushed at once to every connection of the board.",
    tags: ['comments'],
    security: BOARD_TOKEN,
    request: { params: boardParams, body: jsonBody(newCommentBody) },
    responses: {
      201: json(sponsorComment, 'the comment as stored'),
      ...errors({
        400: 'the body was refused, or the idea is not on the board',
        ...BOARD_AUTH_ERRORS,
        409: 'the board already holds as many comments as it keeps',
        413: true,
        429: 'too many comments from this link just now',
      }),
    },
  });
  api.post('/boards/:id/comments', auth, async (c) => {
    const id = c.req.param('id');
    const { role } = c.var;
    // per link, not per address: a whole venue may share one address, a forwarded link may not
    const key = `${id}:${Buffer.from(c.var.tokenHash).toString('hex')}`;
    if ((await take(key)) > 0) {
      c.header('Retry-After', String(Math.ceil(60 / rate.perMinute)));
      return c.json({ error: 'too many comments from this link just now; wait a few seconds and send it again' }, 429);
    }
    const parsed = await readJsonBody(c, newCommentBody);
    if (!parsed.ok) return parsed.response;
    const input = parsed.value;

    const existing = await storage.comments.listComments(id);
    if (existing.length >= maxPerBoard) {
      return c.json({ error: `this board already has ${existing.length} comments, the most it can keep` }, 409);
    }

    let targetTitle: string;
    if (input.target.kind === 'section') {
      targetTitle = BRIEF_SECTIONS[input.target.id as keyof typeof BRIEF_SECTIONS];
    } else {
      // the idea must be on the board now: read the live document (stored, where another process serves it)
      const doc = await rooms.readDoc(id);
      const cardId = input.target.cardId;
      const idea = readBoard(doc).ideas.find((i) => i.id === cardId);
      if (!idea) return c.json({ error: 'target.cardId: there is no idea with that id on this board', field: 'target.cardId' }, 400);
      targetTitle = idea.title;
    }

    const name = input.author?.name ?? '';
    const organisation = input.author?.organisation ?? '';
    const comment: StoredComment = {
      id: randomBytes(12).toString('base64url'),
      boardId: id,
      target:
        input.target.kind === 'section'
          ? { kind: 'section', id: input.target.id as keyof typeof BRIEF_SECTIONS }
          : { kind: 'idea', cardId: input.target.cardId },
      targetTitle,
      text: input.text,
      author: name || organisation ? { name, organisation } : null,
      role,
      createdAt: now(),
    };
    await storage.comments.addComment(comment);
    logger.info('comment added', { boardId: id, commentId: comment.id, target: comment.target.kind, role });
    const body = published(comment);
    publish(id, { type: 'comments', comments: [body] });
    return c.json(body, 201);
  });

  return api;
}
