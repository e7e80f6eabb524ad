/**
 * GET /api/boards/:id/brief.<format>: a real server on port 0, real providers for live edits.
 */
import JSZip from 'jszip';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addIdea, addProblem, readBoard, type Author } from '../../shared/board/index.ts';
import type { ChallengeBriefJson } from '../../shared/brief/json.ts';
import { BRIEF_FORMATS, type BriefFormat } from '../../shared/brief/formats.ts';
import { DEFAULT_VOTE_CONFIG, tallyVotes, type VoteRoundResult } from '../../shared/votes.ts';
import { connectProvider, startServer, waitFor, whenSynced, type TestProvider, type TestServer } from '../test/harness.ts';
import { creditOf, person } from '../test/session.ts';
import { cleanPersonName, contentDisposition } from './brief.ts';
import type { CreateBoardResponse } from '../../shared/api.ts';

const FORMATS = Object.keys(BRIEF_FORMATS) as BriefFormat[];
const ORIGIN = { kind: 'local', participantId: 'p1' } as const;
const BEN = { name: 'Ben Okafor', organisation: 'Civic Data Co', sector: 'private sector' } as const;

let s: TestServer;
const providers: TestProvider[] = [];
afterEach(async () => {
  for (const p of providers.splice(0)) p.destroy();
  await s?.close();
});

function url(board: { id: string }, file: string, query: Record<string, string> = {}): string {
  const q = new URLSearchParams(query).toString();
  return `${s.url}/api/boards/${board.id}/${file}${q ? `?${q}` : ''}`;
}

async function getJson(board: CreateBoardResponse, query: Record<string, string> = {}): Promise<ChallengeBriefJson> {
  const res = await fetch(url(board, 'brief.json', { token: board.tokens.viewer, ...query }));
  expect(res.status).toBe(200);
  return (await res.json()) as ChallengeBriefJson;
}

async function errorOf(res: Response): Promise<{ status: number; body: Record<string, unknown> }> {
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function provider(board: CreateBoardResponse, role: 'facilitator' | 'contributor' | 'viewer' = 'contributor') {
  const p = connectProvider(s, board.id, board.tokens[role]);
  providers.push(p);
  await whenSynced(p);
  return p;
}

/** A contributor joined as Ben Okafor, and who the server credits their cards to (they must join to add any). */
async function joinedWriter(board: CreateBoardResponse): Promise<{ doc: Y.Doc; author: Author }> {
  const ben = await person(s, board, 'contributor', BEN.name, { organisation: BEN.organisation, sector: BEN.sector });
  providers.push(ben.provider);
  return { doc: ben.provider.doc, author: creditOf(ben) };
}

describe('brief export: formats', () => {
  it('every format: 200, its media type, an attachment named after the board, the board version', async () => {
    s = await startServer();
    const board = await s.createBoard({ title: 'Prevent homelessness', sponsor: 'City council' });
    const magic: Record<BriefFormat, string> = { md: '# Prevent', html: '<!doctype', json: '{\n  "$sc', pdf: '%PDF-1.7', docx: 'PK\u0003\u0004' };
    const versions = new Set<string>();
    for (const format of FORMATS) {
      const res = await fetch(url(board, `brief.${format}`, { token: board.tokens.viewer }));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(BRIEF_FORMATS[format].contentType);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="prevent-homelessness-brief.${format}"`);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('server-timing')).toMatch(/^queue;dur=[\d.]+, render;dur=[\d.]+$/);
      versions.add(res.headers.get('x-board-version')!);
      const body = new Uint8Array(await res.arrayBuffer());
      expect(new TextDecoder().decode(body.slice(0, 9)).startsWith(magic[format])).toBe(true);
    }
    // nothing changed between the exports: one board version for all five
    expect(versions.size).toBe(1);
    expect([...versions][0]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the token may come as a bearer header or ?token=, for every role', async () => {
    s = await startServer();
    const board = await s.createBoard();
    for (const role of ['facilitator', 'contributor', 'viewer'] as const) {
      const bearer = await fetch(url(board, 'brief.md'), { headers: { authorization: `Bearer ${board.tokens[role]}` } });
      expect(bearer.status).toBe(200);
      const query = await fetch(url(board, 'brief.json', { token: board.tokens[role] }));
      const json = (await query.json()) as ChallengeBriefJson;
      expect(json.provenance.exportedBy).toEqual({ name: '', role });
      // no name given: the brief names the role alone
      expect(await bearer.text()).toContain(`- **Exported by:** ${role.charAt(0).toUpperCase()}${role.slice(1)}\n`);
    }
  });

  it('file names from titles with quotes, slashes, accents and other scripts', async () => {
    s = await startServer();
    const cases: Array<[string, string, string | null]> = [
      ['Siân’s "Safer/Streets" \\ Día 2', 'sian-s-safer-streets-dia-2-brief.pdf', 'siân-s-safer-streets-día-2-brief.pdf'],
      ['Безопасные улицы', 'board-brief.pdf', 'безопасные-улицы-brief.pdf'],
      ['"; filename="evil.exe', 'filename-evil-exe-brief.pdf', null],
    ];
    for (const [title, ascii, unicode] of cases) {
      const board = await s.createBoard({ title });
      const res = await fetch(url(board, 'brief.pdf', { token: board.tokens.viewer }));
      expect(res.status).toBe(200);
      const header = res.headers.get('content-disposition')!;
      const match = header.match(/^attachment; filename="([^"]*)"(?:; filename\*=UTF-8''(\S+))?$/);
      expect(match, header).not.toBeNull();
      expect(match![1]).toBe(ascii);
      expect(match![2] === undefined ? null : decodeURIComponent(match![2])).toBe(unicode);
    }
  });

  it('html opens inline with ?inline=1, under a policy that runs no script; other formats stay attachments', async () => {
    s = await startServer();
    const board = await s.createBoard({ title: 'Inline' });
    const html = await fetch(url(board, 'brief.html', { token: board.tokens.viewer, inline: '1' }));
    expect(html.headers.get('content-disposition')).toBe('inline; filename="inline-brief.html"');
    expect(html.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(html.headers.get('content-security-policy')).not.toMatch(/script-src/);
    const attached = await fetch(url(board, 'brief.html', { token: board.tokens.viewer }));
    expect(attached.headers.get('content-disposition')).toBe('attachment; filename="inline-brief.html"');
    const pdf = await fetch(url(board, 'brief.pdf', { token: board.tokens.viewer, inline: '1' }));
    expect(pdf.headers.get('content-disposition')).toBe('attachment; filename="inline-brief.pdf"');
  });

  it('contentDisposition never lets a title break out of the quoted file name', () => {
    for (const title of ['a"b', 'a\\b', 'a\r\nSet-Cookie: x=1', '\u202Eexe.pdf']) {
      const header = contentDisposition('attachment', title, 'pdf');
      expect(header).toMatch(/^attachment; filename="[a-z0-9-]+\.pdf"(; filename\*=UTF-8''[A-Za-z0-9%._~-]+)?$/);
    }
  });
});

describe('brief export: refusals', () => {
  it('401 without a token or with a wrong one, 404 for an unknown board, each with a JSON error', async () => {
    s = await startServer();
    const board = await s.createBoard();
    const other = await s.createBoard();
    expect(await errorOf(await fetch(url(board, 'brief.pdf')))).toEqual({ status: 401, body: { error: 'missing token' } });
    expect(await errorOf(await fetch(url(board, 'brief.pdf', { token: 'x'.repeat(300) })))).toEqual({
      status: 401,
      body: { error: 'missing token' },
    });
    expect(await errorOf(await fetch(url(board, 'brief.pdf', { token: 'not-a-real-token' })))).toEqual({
      status: 401,
      body: { error: 'invalid token' },
    });
    // a real token, of another board
    expect(await errorOf(await fetch(url(board, 'brief.md', { token: other.tokens.facilitator })))).toEqual({
      status: 401,
      body: { error: 'invalid token' },
    });
    expect(await errorOf(await fetch(url({ id: 'no-such-board' }, 'brief.md', { token: board.tokens.viewer })))).toEqual({
      status: 404,
      body: { error: 'unknown board' },
    });
  });

  it('404 for an unknown format, listing the formats there are', async () => {
    s = await startServer();
    const board = await s.createBoard();
    for (const file of ['brief.txt', 'brief.PDF', 'brief.', 'brief.pdf.exe', 'brief']) {
      const { status, body } = await errorOf(await fetch(url(board, file, { token: board.tokens.viewer })));
      expect(status, file).toBe(404);
      expect(body.error).toMatch(/^(unknown format "[^"]*"|no format given): use one of brief\.md, brief\.html, brief\.pdf, brief\.docx, brief\.json$/);
      expect(body.formats).toEqual(['md', 'html', 'pdf', 'docx', 'json']);
    }
  });

  it('404 for an unknown version, or a version of another board', async () => {
    s = await startServer();
    const board = await s.createBoard();
    const other = await s.createBoard();
    const saved = await fetch(url(other, 'versions'), {
      method: 'POST',
      headers: { authorization: `Bearer ${other.tokens.facilitator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Other board' }),
    });
    const otherVersion = ((await saved.json()) as { id: string }).id;
    for (const version of ['nope', otherVersion, '../../etc', 'x'.repeat(100)]) {
      expect(await errorOf(await fetch(url(board, 'brief.json', { token: board.tokens.viewer, version })))).toEqual({
        status: 404,
        body: { error: 'unknown version' },
      });
    }
    expect((await fetch(url(board, `versions/${otherVersion}/brief.md`, { token: board.tokens.viewer }))).status).toBe(404);
  });
});

describe('brief export: what it contains', () => {
  it('includes a card a provider added a moment ago (export mid-session)', async () => {
    s = await startServer();
    const board = await s.createBoard({ title: 'Live board' });
    const writer = await joinedWriter(board);
    const watcher = await provider(board, 'viewer');
    const problem = addProblem(writer.doc, { title: 'How might we reach people sooner?', author: writer.author }, ORIGIN);
    addIdea(writer.doc, { title: 'Text-message nudges in plain English', author: writer.author, problemId: problem }, ORIGIN);
    // the server broadcasts only what it has stored and applied: once another client sees it, an export has it
    await waitFor(() => readBoard(watcher.doc).ideas.length === 1, 5000, 'the idea to reach the viewer');
    const json = await getJson(board);
    expect(json.ideas.map((i) => i.title)).toEqual(['Text-message nudges in plain English']);
    expect(json.problems.map((p) => p.title)).toEqual(['How might we reach people sooner?']);
    const md = await (await fetch(url(board, 'brief.md', { token: board.tokens.viewer }))).text();
    expect(md).toContain('Text-message nudges in plain English');

    // and the very next edit is in the very next export
    addIdea(writer.doc, { title: 'Help points in GP surgeries', author: writer.author, problemId: problem }, ORIGIN);
    await waitFor(() => readBoard(watcher.doc).ideas.length === 2, 5000, 'the second idea');
    expect((await getJson(board)).ideas).toHaveLength(2);
  });

  it('exportedBy is the token’s role and a cleaned ?by= name; ?names=0 withholds every name, the exporter’s too', async () => {
    s = await startServer();
    const board = await s.createBoard();
    const writer = await joinedWriter(board);
    addProblem(writer.doc, { title: 'A problem', author: writer.author }, ORIGIN);
    await waitFor(() => s.rooms.peek(board.id) !== undefined && readBoard(s.rooms.peek(board.id)!.doc).problems.length === 1);
    const named = await getJson(board, { by: '  Amira\u202E\u0000  Khan\n' });
    expect(named.provenance.exportedBy).toEqual({ name: 'Amira Khan', role: 'viewer' });
    expect(named.problems[0]!.author.name).toBe('Ben Okafor');
    const long = await getJson(board, { by: 'é'.repeat(500) });
    expect(long.provenance.exportedBy.name).toBe('é'.repeat(80));
    const withheld = await getJson(board, { by: 'Amira Khan', names: '0' });
    expect(withheld.provenance.namesShown).toBe(false);
    expect(withheld.provenance.exportedBy).toEqual({ name: '', role: 'viewer' });
    expect(JSON.stringify(withheld)).not.toContain('Ben Okafor');
    expect(JSON.stringify(withheld)).not.toContain('Amira');
  });

  it('a board that withholds names cannot be made to show them by the request', async () => {
    s = await startServer({ brief: { showNames: () => false } });
    const board = await s.createBoard();
    const writer = await joinedWriter(board);
    addProblem(writer.doc, { title: 'A problem', author: writer.author }, ORIGIN);
    await waitFor(() => readBoard(s.rooms.peek(board.id)!.doc).problems.length === 1);
    for (const names of ['1', 'true', '']) {
      const json = await getJson(board, { names, by: 'Amira Khan' });
      expect(json.provenance.namesShown).toBe(false);
      expect(JSON.stringify(json)).not.toMatch(/Ben Okafor|Amira Khan/);
    }
  });

  it('nothing secret leaves: no token in any format, no hidden vote count for any role', async () => {
    const hidden: VoteRoundResult[] = [];
    s = await startServer({ brief: { voteResults: () => hidden } });
    const board = await s.createBoard({ title: 'Secrets' });
    const writer = await joinedWriter(board);
    const problem = addProblem(writer.doc, { title: 'P', author: writer.author }, ORIGIN);
    const idea = addIdea(writer.doc, { title: 'Idea with dots', author: writer.author, problemId: problem }, ORIGIN);
    await waitFor(() => readBoard(s.rooms.peek(board.id)!.doc).ideas.length === 1);
    const dots = Array.from({ length: 7 }, (_, i) => ({
      participantId: `v${i}`,
      name: `Voter ${i}`,
      sector: 'citizen' as const,
      cardId: idea,
    }));
    const config = { ...DEFAULT_VOTE_CONFIG, hideUntilReveal: true };
    hidden.push({ round: 1, config, status: 'closed', openedAt: 1, closedAt: 2, voterCount: 7, tallies: tallyVotes(dots, config) });

    const tokens = Object.values(board.tokens);
    for (const role of ['facilitator', 'contributor', 'viewer'] as const) {
      for (const format of ['md', 'html', 'json', 'docx'] as const) {
        const res = await fetch(url(board, `brief.${format}`, { token: board.tokens[role], by: 'Amira' }));
        expect(res.status).toBe(200);
        let text: string;
        if (format === 'docx') {
          const zip = await JSZip.loadAsync(await res.arrayBuffer());
          text = (await Promise.all(Object.values(zip.files).map((f) => f.async('string')))).join('\n');
        } else {
          text = await res.text();
        }
        for (const token of tokens) expect(text, `${role} ${format}`).not.toContain(token);
        expect(text, `${role} ${format}`).not.toMatch(/Voter \d/);
        expect(text, `${role} ${format}`).not.toMatch(/\b7 votes\b/);
        for (const [name, value] of res.headers) {
          for (const token of tokens) expect(`${name}: ${value}`).not.toContain(token);
        }
      }
      const json = (await (await fetch(url(board, 'brief.json', { token: board.tokens[role] }))).json()) as ChallengeBriefJson;
      expect(json.rounds[0]).toMatchObject({ round: 1, resultsVisible: false, voterCount: 0, dotsCast: 0, ranking: [] });
      expect(json.ideas[0]!.votes).toBeNull();
    }
  });

  it('revealed results are in the brief: the vote results hook is read at export time', async () => {
    const rounds: VoteRoundResult[] = [];
    s = await startServer({ brief: { voteResults: (id) => (id ? rounds : []) } });
    const board = await s.createBoard();
    const writer = await joinedWriter(board);
    const idea = addIdea(writer.doc, { title: 'Voted idea', author: writer.author, problemId: null }, ORIGIN);
    await waitFor(() => readBoard(s.rooms.peek(board.id)!.doc).ideas.length === 1);
    expect((await getJson(board)).rounds).toEqual([]);
    const config = { ...DEFAULT_VOTE_CONFIG, hideUntilReveal: false };
    const dots = [{ participantId: 'a', name: 'A', sector: 'academia' as const, cardId: idea }];
    rounds.push({ round: 1, config, status: 'open', openedAt: 1, closedAt: null, voterCount: 1, tallies: tallyVotes(dots, config) });
    const json = await getJson(board);
    expect(json.ideas[0]!.votes).toMatchObject({ round: 1, total: 1, rank: 1 });
  });
});

describe('cleanPersonName', () => {
  it('removes control and format characters, collapses space, keeps 80 characters', () => {
    expect(cleanPersonName(undefined)).toBe('');
    expect(cleanPersonName(' \u0007Siân \t Evans\u200B ')).toBe('Siân Evans');
    expect(cleanPersonName('\u202Egnp.exe')).toBe('gnp.exe');
    expect(Array.from(cleanPersonName('😀'.repeat(100)))).toHaveLength(80);
  });
});

