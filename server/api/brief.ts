/**
 * The brief API: exports of the live board or a saved version in every format, and the
 * saved versions themselves.
 *
 *   GET  /api/boards/:id/brief.{md,html,pdf,docx,json}[?version=&by=&names=0&inline=1]   any token
 *   GET  /api/boards/:id/versions                                                       any token
 *   POST /api/boards/:id/versions {name, by?}                                           facilitator
 *   GET  /api/boards/:id/versions/:vid                                                  any token
 *   GET  /api/boards/:id/versions/:vid/brief.<format>                                   any token
 *   GET  /api/boards/:id/versions/:vid/compare                                          any token
 *   GET  /api/boards/:id/versions/:vid/state        (application/octet-stream)          any token
 *   GET  /api/boards/:id/versions/:vid/votes        {rounds} saved with the version     any token
 *   POST /api/boards/:id/versions/:vid/copy {title?}                                    facilitator
 *
 * Exports are allowed at any moment, mid-session included: the brief model itself keeps hidden
 * vote counts out and withholds names when the board says so, whoever asks. Building and
 * rendering run in the render pool's worker threads, never on the event loop that carries the
 * boards' WebSockets.
 */
import { randomBytes } from 'node:crypto';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import * as Y from 'yjs';
import { readMeta, updateMeta } from '../../shared/board/index.ts';
import { BRIEF_FORMATS, briefFileName, isBriefFormat, type BriefFormat } from '../../shared/brief/formats.ts';
import { VERSION_NAME_MAX } from '../../shared/brief/versions.ts';
import { LIMITS, type Role } from '../../shared/schema.ts';
import {
  createBoardResponse,
  versionComparisonResponse,
  versionInfo as versionInfoSchema,
  versionListResponse,
  votesResponse,
  type VersionComparisonResponse,
  type VersionInfo,
  type VersionListResponse,
  type VotesResponse,
} from '../../shared/api.ts';
import type { BriefJob } from '../brief/job.ts';
import {
  RenderQueueFullError,
  RenderTimeoutError,
  sharedRenderPool,
  type BriefRenderer,
} from '../brief/pool.ts';
import {
  boardUrl,
  liveSource,
  namesShownByDefault,
  noVoteResults,
  savedVotes,
  versionSource,
  type BriefSource,
  type ShowNamesSetting,
  type VoteResultsSource,
} from '../brief/source.ts';
import type { Logger } from '../log.ts';
import type { Rooms } from '../rooms/rooms.ts';
import type { Storage, StoredVersion, VersionRecord } from '../storage/storage.ts';
import { readJsonBody } from './jsonBody.ts';
import { boardAuth, type BoardAuthEnv } from './boardAuth.ts';
import { boardParams, requiredText, storeNewBoard } from './boards.ts';
import { BOARD_AUTH_ERRORS, BOARD_TOKEN, describeRoute, errors, json, jsonBody } from './openapi.ts';

export type BriefApiDeps = {
  storage: Storage;
  rooms: Rooms;
  logger: Logger;
  publicUrl?: string;
  now?: () => number;
  /** the board's vote results, as anyone may see them; default: none (app.ts passes the session's) */
  voteResults?: VoteResultsSource;
  /** the board's "show names" setting (the facilitation session may hold it); default: shown */
  showNames?: ShowNamesSetting;
  /** where briefs are built and rendered; default: the process's worker pool */
  renderer?: BriefRenderer;
  /** most saved versions one board may have (each is a full copy of the document); default 100 */
  maxVersionsPerBoard?: number;
};

const FORMAT_LIST = Object.keys(BRIEF_FORMATS) as BriefFormat[];
/** `brief`, `brief.pdf`, `brief.whatever`: anything else under a board is another route */
const BRIEF_FILE = ':file{brief(?:\\.[^/]*)?}';
const VERSION_ID = /^[A-Za-z0-9_-]{1,64}$/;

const versionBody = z
  .object({
    name: requiredText(VERSION_NAME_MAX),
    by: z.string({ error: 'must be a string' }).optional().meta({ description: 'the name of who saves it, shown in the version list' }),
  })
  .meta({ id: 'SaveVersionRequest' });

const copyBody = z
  .object({ title: requiredText(LIMITS.metaTitle).optional().meta({ description: 'default: "Copy of <title>"' }) })
  .meta({ id: 'CopyVersionRequest' });

// ---------------------------------------------------------------------------------------------
// How the routes are described in the OpenAPI document (openapi.ts)

const versionParams = boardParams.extend({ vid: z.string().openapi({ param: { description: "the saved version's id" } }) });

/** `brief.pdf` and the like: the route takes any `brief.*` and answers 404 with the list for the rest. */
const fileParam = z.object({
  file: z.enum(FORMAT_LIST.map((f) => `brief.${f}`)).openapi({ param: { description: 'the brief, in the format its extension names' } }),
});

const exportQuery = z.object({
  by: z.string().optional().openapi({ param: { description: 'the name of who exports it, printed in the brief when names are shown' } }),
  names: z.literal('0').optional().openapi({ param: { description: "0: leave people's names out, even where the board shows them" } }),
  inline: z.literal('1').optional().openapi({ param: { description: '1 (HTML only): to show in the browser rather than download' } }),
});

/** The media types of the formats, without their parameters, and what each body is. */
const briefContent = Object.fromEntries(
  FORMAT_LIST.map((format) => {
    const mediaType = BRIEF_FORMATS[format].contentType.split(';')[0]!;
    const schema =
      format === 'json'
        ? { type: 'object' as const, description: 'the brief as data, documented field by field in docs/brief-json.md' }
        : format === 'md' || format === 'html'
          ? { type: 'string' as const }
          : { type: 'string' as const, contentMediaType: mediaType };
    return [mediaType, { schema }];
  }),
);

const briefHeaders = {
  'Content-Disposition': { description: 'attachment (inline for ?inline=1) with the file name made from the title', schema: { type: 'string' as const } },
  'X-Board-Version': { description: 'the board version (fingerprint) the brief was made from', schema: { type: 'string' as const } },
};

const exportErrors = errors({
  ...BOARD_AUTH_ERRORS,
  404: 'no board with this id, no such version, or not a format there is (`formats` lists them)',
  500: 'the brief could not be made',
  503: 'the server is busy making other briefs',
});

/**
 * A name someone typed, made safe to print in a document: control and formatting characters
 * (including bidirectional overrides) removed, white space collapsed, at most `LIMITS.name`.
 */
export function cleanPersonName(raw: string | undefined): string {
  if (!raw) return '';
  const cleaned = raw
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return Array.from(cleaned).slice(0, LIMITS.name).join('').trim();
}

/** The file name in the title's own script ("безопасные-улицы-brief.pdf"), for `filename*`. */
function unicodeFileName(title: string, format: BriefFormat): string {
  const slug = title
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  const cut = Array.from(slug).slice(0, 80).join('').replace(/-+$/g, '');
  return `${cut || 'board'}-brief.${format}`;
}

/**
 * `attachment; filename="ascii-name-brief.pdf"`, plus RFC 6266 `filename*` when the title has
 * letters the ASCII name had to drop or fold.
 */
export function contentDisposition(kind: 'attachment' | 'inline', title: string, format: BriefFormat): string {
  const ascii = briefFileName(title, format);
  const unicode = unicodeFileName(title, format);
  const extended = unicode !== ascii ? `; filename*=UTF-8''${encodeURIComponent(unicode)}` : '';
  return `${kind}; filename="${ascii}"${extended}`;
}

function versionInfo(v: VersionRecord): VersionInfo {
  return {
    id: v.id,
    name: v.name,
    createdAt: new Date(v.createdAt).toISOString(),
    createdBy: { role: v.createdBy.role, name: v.createdBy.name },
    boardVersion: v.boardVersion,
  };
}

function onlyFacilitators(c: Context, role: Role, what: string): Response | null {
  if (role === 'facilitator') return null;
  return c.json({ error: `only the facilitator can ${what}`, role }, 403);
}

export function createBriefApi(deps: BriefApiDeps): OpenAPIHono {
  const { storage, rooms, logger } = deps;
  const now = deps.now ?? Date.now;
  const voteResults = deps.voteResults ?? noVoteResults;
  const showNamesSetting = deps.showNames ?? namesShownByDefault;
  const renderer = deps.renderer ?? sharedRenderPool();
  const maxVersions = deps.maxVersionsPerBoard ?? 100;
  const api = new OpenAPIHono();

  const auth = boardAuth(storage);

  /** The answer when the render pool could not do a job: 503 when busy (try again), else 500. */
  function refused(c: Context, error: unknown, fields: Record<string, unknown>): Response {
    if (error instanceof RenderQueueFullError || error instanceof RenderTimeoutError) {
      logger.warn('brief job refused', { ...fields, error: String(error) });
      c.header('Retry-After', '10');
      return c.json({ error: 'the server is busy making other briefs; try again in a few seconds' }, 503);
    }
    logger.error('brief job failed', { ...fields, error: String(error) });
    return c.json({ error: 'the brief could not be made' }, 500);
  }

  /** The saved version `vid` of board `id`, or the 404. */
  async function findVersion(c: Context, id: string, vid: string | undefined): Promise<StoredVersion | Response> {
    const version = vid && VERSION_ID.test(vid) ? await storage.versions.getVersion(id, vid) : null;
    return version ?? c.json({ error: 'unknown version' }, 404);
  }

  async function exportBrief(c: Context<BoardAuthEnv>, versionId: string | undefined): Promise<Response> {
    const id = c.req.param('id')!;
    const { role } = c.var;
    const file = c.req.param('file') ?? '';
    const format = file.startsWith('brief.') ? file.slice('brief.'.length) : '';
    if (!isBriefFormat(format)) {
      const asked = format ? `unknown format "${format.slice(0, 20)}"` : 'no format given';
      return c.json(
        { error: `${asked}: use one of ${FORMAT_LIST.map((f) => `brief.${f}`).join(', ')}`, formats: FORMAT_LIST },
        404,
      );
    }
    let source: BriefSource;
    if (versionId) {
      const version = await findVersion(c, id, versionId);
      if (version instanceof Response) return version;
      source = versionSource(version);
    } else {
      source = await liveSource(rooms, voteResults, id);
    }
    // a request may withhold names on a board that shows them, never reveal them on one that doesn't
    const showNames = (await showNamesSetting(id)) && c.req.query('names') !== '0';
    const job: BriefJob = {
      format,
      boardId: id,
      state: source.state,
      rounds: source.rounds,
      showNames,
      exportedBy: { name: showNames ? cleanPersonName(c.req.query('by')) : '', role },
      exportedAt: now(),
      ...(source.version ? { version: source.version } : {}),
      // the address the board's links are made with (board creation's): the brief links cards to it
      boardUrl: boardUrl(deps.publicUrl ?? new URL(c.req.url).origin, id),
    };
    let outcome;
    try {
      outcome = await renderer.render(job);
    } catch (error) {
      return refused(c, error, { boardId: id, task: `brief.${format}`, version: source.version?.id ?? null });
    }
    logger.info('brief exported', {
      boardId: id,
      format,
      version: source.version?.id ?? null,
      role,
      bytes: outcome.body.byteLength,
      waitedMs: Math.round(outcome.waitedMs),
      renderMs: Math.round(outcome.ranMs),
    });
    const inline = format === 'html' && c.req.query('inline') === '1';
    const headers: Record<string, string> = {
      'Content-Type': outcome.contentType,
      'Content-Disposition': contentDisposition(inline ? 'inline' : 'attachment', outcome.title, format),
      // a brief is for the link's holders only, and changes with the board
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      // the URL carries the token: links followed from the brief must not send it on
      'Referrer-Policy': 'no-referrer',
      'X-Board-Version': outcome.boardVersion,
      'Server-Timing': `queue;dur=${outcome.waitedMs.toFixed(1)}, render;dur=${outcome.ranMs.toFixed(1)}`,
    };
    if (format === 'html') {
      // the brief has no scripts and needs none; anything a board smuggled in stays inert
      headers['Content-Security-Policy'] =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";
    }
    return c.body(outcome.body as Uint8Array<ArrayBuffer>, 200, headers);
  }

  describeRoute(api, {
    method: 'get',
    path: '/boards/{id}/{file}',
    summary: 'The brief of the live board, or of a saved version (?version=)',
    description: 'Any token. Hidden vote counts are never in it, and names only where the board shows them.',
    tags: ['brief'],
    security: BOARD_TOKEN,
    request: {
      params: boardParams.extend(fileParam.shape),
      query: exportQuery.extend({ version: z.string().optional().openapi({ param: { description: 'a saved version instead of the live board' } }) }),
    },
    responses: { 200: { description: 'the brief as a file', headers: briefHeaders, content: briefContent }, ...exportErrors },
  });
  api.get(`/boards/:id/${BRIEF_FILE}`, auth, (c) => exportBrief(c, c.req.query('version') || undefined));

  describeRoute(api, {
    method: 'get',
    path: '/boards/{id}/versions/{vid}/{file}',
    summary: 'The brief of a saved version',
    tags: ['brief'],
    security: BOARD_TOKEN,
    request: { params: versionParams.extend(fileParam.shape), query: exportQuery },
    responses: { 200: { description: 'the brief as a file', headers: briefHeaders, content: briefContent }, ...exportErrors },
  });
  api.get(`/boards/:id/versions/:vid/${BRIEF_FILE}`, auth, async (c) => {
    // the version is checked after the token, like every other route under a board
    return exportBrief(c, c.req.param('vid'));
  });

  describeRoute(api, {
    method: 'get',
    path: '/boards/{id}/versions',
    summary: 'Saved versions, newest first',
    tags: ['brief'],
    security: BOARD_TOKEN,
    request: { params: boardParams },
    responses: { 200: json(versionListResponse, 'the versions'), ...errors(BOARD_AUTH_ERRORS) },
  });
  api.get('/boards/:id/versions', auth, async (c) => {
    const id = c.req.param('id');
    const versions = (await storage.versions.listVersions(id)).map(versionInfo).reverse();
    const body: VersionListResponse = { versions };
    c.header('Cache-Control', 'no-store');
    return c.json(body);
  });

  describeRoute(api, {
    method: 'post',
    path: '/boards/{id}/versions',
    summary: 'Save the board as it is now, as a named version',
    description: 'Facilitator token only. The version keeps the document and the vote results anyone could see.',
    tags: ['brief'],
    security: BOARD_TOKEN,
    request: { params: boardParams, body: jsonBody(versionBody) },
    responses: {
      201: json(versionInfoSchema, 'the saved version'),
      ...errors({ 400: true, ...BOARD_AUTH_ERRORS, 403: 'only the facilitator can save a version', 409: true, 413: true }),
    },
  });
  api.post('/boards/:id/versions', auth, async (c) => {
    const id = c.req.param('id');
    const refused = onlyFacilitators(c, c.var.role, 'save a version');
    if (refused) return refused;
    const parsed = await readJsonBody(c, versionBody);
    if (!parsed.ok) return parsed.response;
    const existing = await storage.versions.listVersions(id);
    if (existing.length >= maxVersions) {
      return c.json({ error: `this board already has ${existing.length} saved versions, the most it can keep` }, 409);
    }
    const live = await liveSource(rooms, voteResults, id);
    const version: StoredVersion = {
      id: randomBytes(12).toString('base64url'),
      boardId: id,
      name: parsed.value.name,
      createdAt: now(),
      createdBy: { role: c.var.role, name: cleanPersonName(parsed.value.by) },
      boardVersion: live.boardVersion,
      state: live.state,
      votes: JSON.stringify(live.rounds),
    };
    await storage.versions.saveVersion(version);
    logger.info('version saved', { boardId: id, versionId: version.id, bytes: version.state.byteLength });
    return c.json(versionInfo(version), 201);
  });

  const versionErrors = errors({ ...BOARD_AUTH_ERRORS, 404: 'no board with this id, or no such version' });

  describeRoute(api, {
    method: 'get',
    path: '/boards/{id}/versions/{vid}',
    summary: 'One saved version',
    tags: ['brief'],
    security: BOARD_TOKEN,
    request: { params: versionParams },
    responses: { 200: json(versionInfoSchema, 'the version'), ...versionErrors },
  });
  api.get('/boards/:id/versions/:vid', auth, async (c) => {
    const id = c.req.param('id');
    const version = await findVersion(c, id, c.req.param('vid'));
    if (version instanceof Response) return version;
    return c.json(versionInfo(version));
  });

  describeRoute(api, {
    method: 'get',
    path: '/boards/{id}/versions/{vid}/state',
    summary: "A saved version's document",
    description: 'The Yjs document as one update (Y.encodeStateAsUpdate): apply it to an empty Y.Doc to read the version.',
    tags: ['brief'],
    security: BOARD_TOKEN,
    request: { params: versionParams },
    responses: {
      200: {
        description: 'the document, binary',
        headers: { 'X-Board-Version': briefHeaders['X-Board-Version'] },
        content: { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
      },
      ...versionErrors,
    },
  });
  api.get('/boards/:id/versions/:vid/state', auth, async (c) => {
    const id = c.req.param('id');
    const version = await findVersion(c, id, c.req.param('vid'));
    if (version instanceof Response) return version;
    return c.body(version.state as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': 'application/octet-stream',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Board-Version': version.boardVersion,
    });
  });

  // the vote results saved with a version: with the state, a client builds the version's brief
  // itself (the sponsor's page). Only results that could be seen were ever saved.
  describeRoute(api, {
    method: 'get',
    path: '/boards/{id}/versions/{vid}/votes',
    summary: 'The vote results saved with a version',
    tags: ['brief'],
    security: BOARD_TOKEN,
    request: { params: versionParams },
    responses: { 200: json(votesResponse, 'the rounds as they could be seen when the version was saved'), ...versionErrors },
  });
  api.get('/boards/:id/versions/:vid/votes', auth, async (c) => {
    const id = c.req.param('id');
    const version = await findVersion(c, id, c.req.param('vid'));
    if (version instanceof Response) return version;
    c.header('Cache-Control', 'no-store');
    const body: VotesResponse = { rounds: savedVotes(version) };
    return c.json(body);
  });

  describeRoute(api, {
    method: 'get',
    path: '/boards/{id}/versions/{vid}/compare',
    summary: 'What changed between a saved version and the live board',
    tags: ['brief'],
    security: BOARD_TOKEN,
    request: { params: versionParams },
    responses: {
      200: json(versionComparisonResponse, 'the version (before) against the live board (after)'),
      ...versionErrors,
      ...errors({ 500: 'the comparison could not be made', 503: 'the server is busy making briefs' }),
    },
  });
  api.get('/boards/:id/versions/:vid/compare', auth, async (c) => {
    const id = c.req.param('id');
    const version = await findVersion(c, id, c.req.param('vid'));
    if (version instanceof Response) return version;
    const live = await liveSource(rooms, voteResults, id);
    let comparison;
    try {
      // card bodies are read through Lexical on both sides: CPU work, so the workers do it
      comparison = await renderer.compare({
        before: { state: version.state, rounds: savedVotes(version) },
        after: { state: live.state, rounds: live.rounds },
      });
    } catch (error) {
      return refused(c, error, { boardId: id, task: 'compare', version: version.id });
    }
    const body: VersionComparisonResponse = {
      version: versionInfo(version),
      comparedAt: new Date(now()).toISOString(),
      comparison,
    };
    c.header('Cache-Control', 'no-store');
    return c.json(body);
  });

  describeRoute(api, {
    method: 'post',
    path: '/boards/{id}/versions/{vid}/copy',
    summary: 'A new board from a saved version',
    description: 'Facilitator token only. The new board has fresh links and no votes; an empty body is allowed.',
    tags: ['brief'],
    security: BOARD_TOKEN,
    request: { params: versionParams, body: { ...jsonBody(copyBody), required: false } },
    responses: {
      201: json(createBoardResponse, 'the new board, with its tokens and links'),
      ...errors({ 400: true, ...BOARD_AUTH_ERRORS, 403: 'only the facilitator can copy a version into a new board', 413: true }),
      ...versionErrors,
    },
  });
  api.post('/boards/:id/versions/:vid/copy', auth, async (c) => {
    const id = c.req.param('id');
    const refused = onlyFacilitators(c, c.var.role, 'copy a version into a new board');
    if (refused) return refused;
    const version = await findVersion(c, id, c.req.param('vid'));
    if (version instanceof Response) return version;
    const parsed = await readJsonBody(c, copyBody, { emptyOk: true });
    if (!parsed.ok) return parsed.response;

    const doc = new Y.Doc();
    Y.applyUpdate(doc, version.state);
    const meta = readMeta(doc);
    const title = parsed.value.title ?? Array.from(`Copy of ${meta.title}`).slice(0, LIMITS.metaTitle).join('');
    updateMeta(doc, { title }, { kind: 'server' });
    const copied = readMeta(doc);
    // the copy's votes start empty: votes are the original board's session, not its document
    const body = await storeNewBoard(
      c,
      { storage, logger, publicUrl: deps.publicUrl },
      { title: copied.title, challenge: copied.challenge, sponsor: copied.sponsor, template: copied.template, createdAt: now() },
      doc,
    );
    doc.destroy();
    logger.info('version copied into a new board', { boardId: id, versionId: version.id, newBoardId: body.id });
    return c.json(body, 201);
  });

  return api;
}
