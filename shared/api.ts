/**
 * The JSON shapes of the HTTP API (server/api), shared so the client and the server cannot drift
 * apart: every response is here, as a zod schema and the type inferred from it, so the type the
 * code uses and the schema the OpenAPI description publishes (server/api/openapi.ts) are one
 * thing. Requests are validated on the server; these are what it answers. Like protocol.ts this is
 * a top-layer module: nothing else in shared/ imports it, and the client imports only its types.
 *
 * Each schema's `meta({ id })` names it in the OpenAPI document's components. The domain types an
 * answer carries (a vote round, a comparison, a comment) are declared below, where they are used;
 * their schemas here are checked against them at compile time (`sameShape`), so neither can
 * change without the other.
 */
import { z } from 'zod';
import type { BoardComparison } from './brief/compare.ts';
import { COMPARED_META_FIELDS } from './brief/metaFields.ts';
import { BRIEF_SECTION_IDS, type SponsorComment } from './brief/comments.ts';
import { CARD_KINDS, ROLES, SECTORS, TEMPLATES, type Role, type Sector } from './schema.ts';
import { VOTE_LANES, type VoteRoundResult } from './votes.ts';

/** Compiles only when `A` and `B` are assignable both ways: a schema that drifted from its type fails `tsc`. */
type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function sameShape<A, B>(_proof: SameShape<A, B>): void {}

const role = z.enum(ROLES);
/** ms since the epoch, on the server's clock */
const epochMs = z.number().int();
const isoTime = z.iso.datetime({ offset: true }).meta({ description: 'ISO 8601' });

/** One `value` for each role, every role present. */
function perRole<T extends z.ZodType>(value: T) {
  return z.object(Object.fromEntries(ROLES.map((r) => [r, value])) as Record<Role, T>);
}

function perSector<T extends z.ZodType>(value: T) {
  return z.object(Object.fromEntries(SECTORS.map((s) => [s, value])) as Record<Sector, T>);
}

// ---------------------------------------------------------------------------------------------
// Operations

/** `GET /api/health` → 200: the server is up, with how many boards it has loaded. */
export const healthResponse = z
  .object({ ok: z.literal(true), rooms: z.number().int().meta({ description: 'boards loaded in memory' }) })
  .meta({ id: 'HealthResponse', description: 'The process is up (liveness).' });
export type HealthResponse = z.infer<typeof healthResponse>;

/** Why `GET /api/ready` answers 503; `starting`: the port is open but storage and the app are still loading. */
export const NOT_READY_REASONS = ['starting', 'draining', 'storage unreachable', 'redis unreachable'] as const;

/**
 * `GET /api/ready` → 200 when storage (and in a cluster Redis) answers and the server has
 * started and is not draining; 503 with the reason otherwise.
 */
export const readyResponse = z
  .object({ ready: z.literal(true) })
  .meta({ id: 'ReadyResponse', description: 'Storage answers (and Redis, in a cluster), and the server is not shutting down.' });
export type ReadyResponse = z.infer<typeof readyResponse>;

export const notReadyResponse = z
  .object({ ready: z.literal(false), reason: z.enum(NOT_READY_REASONS) })
  .meta({ id: 'NotReadyResponse', description: 'Do not send new traffic here: the server is still starting, is shutting down, or cannot reach its storage or Redis.' });
export type NotReadyResponse = z.infer<typeof notReadyResponse>;

// ---------------------------------------------------------------------------------------------
// Boards and errors

/** `POST /api/boards` → 201 */
export const createBoardResponse = z
  .object({
    id: z.string(),
    title: z.string(),
    tokens: perRole(z.string()).meta({ description: 'the secret in each link; send it as a bearer token or ?token=' }),
    links: perRole(z.url()).meta({ description: 'the board page for each role, its token in the query' }),
  })
  .meta({ id: 'CreateBoardResponse', description: 'A new board and its three capability links.' });
export type CreateBoardResponse = z.infer<typeof createBoardResponse>;

/** `GET /api/boards/:id` with a token → 200 */
export const boardInfoResponse = z
  .object({
    id: z.string(),
    title: z.string(),
    challenge: z.string(),
    sponsor: z.string(),
    template: z.enum(TEMPLATES),
    role: role.meta({ description: "the role of the caller's token" }),
    createdAt: isoTime,
  })
  .meta({ id: 'BoardInfoResponse' });
export type BoardInfoResponse = z.infer<typeof boardInfoResponse>;

/**
 * `POST /api/boards` on a server with CREATE_BOARD_TOKEN set: 401 'create-token-required' without
 * `Authorization: Bearer <token>`, 403 'create-token-invalid' with the wrong one. 429
 * 'rate-limited' (with Retry-After, in seconds) when one address creates boards too fast.
 */
export const apiErrorCode = z.enum(['create-token-required', 'create-token-invalid', 'rate-limited']);
export type ApiErrorCode = z.infer<typeof apiErrorCode>;

/**
 * Every 4xx/5xx: a sentence a person can read, the offending field when there is one, and a code
 * when the client has something to do about it (see `ApiErrorCode`). Some answers add a field of
 * their own (the formats there are, the caller's role).
 */
export const apiError = z
  .object({
    error: z.string().meta({ description: 'what went wrong, in a sentence a person can read' }),
    field: z.string().optional().meta({ description: 'the request field that was refused, as a dotted path' }),
    code: apiErrorCode.optional(),
  })
  .meta({ id: 'ApiError' });
export type ApiError = z.infer<typeof apiError>;

// ---------------------------------------------------------------------------------------------
// Votes

const voteConfig = z.object({
  lane: z.enum(VOTE_LANES),
  votesPerPerson: z.number().int(),
  maxPerCard: z.number().int(),
  anonymous: z.boolean(),
  hideUntilReveal: z.boolean(),
  sectorWeighting: z.boolean(),
  facilitatorsVote: z.boolean(),
});

const voteRoundStatus = z.enum(['open', 'closed', 'revealed']);

const cardTally = z.object({
  cardId: z.string(),
  total: z.number().int(),
  score: z.number(),
  bySector: perSector(z.number().int()),
  otherSectors: z.number().int().optional(),
  voters: z.array(z.string()).optional(),
});

export const voteRoundResult = z
  .object({
    round: z.number().int(),
    config: voteConfig,
    status: voteRoundStatus,
    openedAt: epochMs,
    closedAt: epochMs.nullable(),
    voterCount: z.number().int(),
    tallies: z.array(cardTally).meta({ description: 'empty while the results are hidden' }),
    sectorPrivacy: z.object({ minVoters: z.number().int(), sectorsShown: z.array(z.enum(SECTORS)) }).optional(),
  })
  .meta({ id: 'VoteRoundResult' });
sameShape<z.infer<typeof voteRoundResult>, VoteRoundResult>(true);

/**
 * `GET /api/boards/:id/votes` → 200: every round as anyone may see it (hidden results carry no
 * tallies). `GET /api/boards/:id/versions/:vid/votes` answers the same shape: the rounds saved
 * with the version (its state itself is `GET /api/boards/:id/versions/:vid/state`, binary).
 */
export const votesResponse = z.object({ rounds: z.array(voteRoundResult) }).meta({ id: 'VotesResponse' });
export type VotesResponse = z.infer<typeof votesResponse>;

/** `POST /api/boards/:id/links/:role/rotate` → 200: the role's new token, and a link carrying it. */
export const rotateLinkResponse = z.object({ role, token: z.string(), link: z.url() }).meta({ id: 'RotateLinkResponse' });
export type RotateLinkResponse = z.infer<typeof rotateLinkResponse>;

// ---------------------------------------------------------------------------------------------
// Saved versions

/** A saved version of a board (`POST /api/boards/:id/versions` → 201 answers one). */
export const versionInfo = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: isoTime,
    createdBy: z
      .object({ role, name: z.string() })
      .meta({ description: "who saved it: always a facilitator; name as they gave it ('' when not given)" }),
    boardVersion: z.string().meta({ description: 'the board version (fingerprint) of the saved state, as a brief made from it shows' }),
  })
  .meta({ id: 'VersionInfo' });
export type VersionInfo = z.infer<typeof versionInfo>;

/** `GET /api/boards/:id/versions` → 200, newest first. */
export const versionListResponse = z.object({ versions: z.array(versionInfo) }).meta({ id: 'VersionListResponse' });
export type VersionListResponse = z.infer<typeof versionListResponse>;

const cardRef = z.object({ id: z.string(), kind: z.enum(CARD_KINDS), title: z.string() });
const cardText = z.object({ title: z.string(), body: z.string() });
const roundState = z.object({ status: voteRoundStatus, resultsVisible: z.boolean() });

export const boardComparison = z
  .object({
    before: z.object({ boardVersion: z.string() }),
    after: z.object({ boardVersion: z.string() }),
    unchanged: z.boolean(),
    cards: z.object({
      added: z.array(cardRef),
      removed: z.array(cardRef),
      changed: z.array(cardRef.extend({ changed: z.array(z.enum(['title', 'body'])), before: cardText, after: cardText })),
    }),
    meta: z.array(z.object({ field: z.enum(COMPARED_META_FIELDS), before: z.string(), after: z.string() })),
    actions: z.array(z.object({ id: z.string(), title: z.string(), change: z.enum(['added', 'removed', 'changed']) })),
    votes: z.array(
      z.object({
        round: z.number().int(),
        lane: z.enum(VOTE_LANES),
        before: roundState.nullable(),
        after: roundState.nullable(),
        cards: z.array(z.object({ cardId: z.string(), title: z.string(), before: z.number().int(), after: z.number().int() })),
      }),
    ),
  })
  .meta({ id: 'BoardComparison' });
sameShape<z.infer<typeof boardComparison>, BoardComparison>(true);

/** `GET /api/boards/:id/versions/:vid/compare` → 200: the version (before) against the live board (after). */
export const versionComparisonResponse = z
  .object({ version: versionInfo, comparedAt: isoTime.meta({ description: 'when "now" was read' }), comparison: boardComparison })
  .meta({ id: 'VersionComparisonResponse' });
export type VersionComparisonResponse = z.infer<typeof versionComparisonResponse>;

// ---------------------------------------------------------------------------------------------
// Comments on the brief

export const sponsorComment = z
  .object({
    id: z.string(),
    target: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('section'), id: z.enum(BRIEF_SECTION_IDS) }),
      z.object({ kind: z.literal('idea'), cardId: z.string() }),
    ]),
    targetTitle: z.string().meta({ description: "the section's or idea's title when the comment was left" }),
    text: z.string(),
    author: z.object({ name: z.string(), organisation: z.string() }).nullable(),
    role: role.meta({ description: 'the role of the link the comment came through' }),
    createdAt: epochMs,
  })
  .meta({ id: 'SponsorComment' });
sameShape<z.infer<typeof sponsorComment>, SponsorComment>(true);

/** `GET /api/boards/:id/comments` → 200, oldest first. `POST` answers 201 with one `SponsorComment`. */
export const commentListResponse = z.object({ comments: z.array(sponsorComment) }).meta({ id: 'CommentListResponse' });
export type CommentListResponse = z.infer<typeof commentListResponse>;
