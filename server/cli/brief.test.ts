/**
 * The brief CLI against a real data directory: the server runs, people edit, a version is saved,
 * the endpoint's downloads are kept; then the server stops and the CLI must produce the same
 * briefs from the files alone — JSON to the character, PDF to the byte, DOCX's document.xml.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addIdea, addNote, addProblem, initBoard, readBoard, updateBriefText, type Author } from '../../shared/board/index.ts';
import { writeBody } from '../../shared/brief/testing.ts';
import type { Sector } from '../../shared/schema.ts';
import { DEFAULT_VOTE_CONFIG } from '../../shared/votes.ts';
import { generateBoardId, hashToken } from '../auth/tokens.ts';
import { SqliteStorage } from '../storage/sqlite.ts';
import { connectProvider, startServer, waitFor, whenSynced, type TestProvider, type TestServer } from '../test/harness.ts';
import { ok } from '../test/session.ts';
import { runBriefCli, type BriefCliIo } from './brief.ts';
import type { VersionInfo, CreateBoardResponse } from '../../shared/api.ts';
import { initialSession } from '../../shared/facilitation/index.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const EXPORTED_AT = Date.UTC(2025, 10, 28, 9, 30);
/** where the server says it is served: the CLI is given the same, so briefs link cards alike */
const PUBLIC_URL = 'https://crossboard.example.org';
const ORIGIN = { kind: 'local', participantId: 'p1' } as const;
const AUTHOR: Author = { participantId: 'p1', name: 'Siân Evans', organisation: 'Leeds City Council', sector: 'public sector' };
const OTHER: Author = { participantId: 'p2', name: 'Ben Okafor', organisation: 'Civic Data Co', sector: 'private sector' };

let dir: string;
let dataDir: string;
let board: CreateBoardResponse;
let version: VersionInfo;
/** what the endpoint gave, by `${live|version}.${format}` */
const downloads = new Map<string, Uint8Array>();

/**
 * word/document.xml with the ids the docx package makes up per render numbered in order of
 * appearance: bookmark ids come from a counter shared by the whole process (so they depend on how
 * many documents it made before) and hyperlink relationship ids are random. Everything else must
 * be identical.
 */
async function documentXml(bytes: Uint8Array): Promise<string> {
  const xml = await (await JSZip.loadAsync(bytes)).file('word/document.xml')!.async('string');
  const renumber = (text: string, pattern: RegExp) => {
    const seen = new Map<string, number>();
    return text.replace(pattern, (_m, before: string, id: string, after: string) => {
      if (!seen.has(id)) seen.set(id, seen.size + 1);
      return `${before}${seen.get(id)}${after}`;
    });
  };
  const bookmarks = renumber(xml, /(<w:bookmark(?:Start|End)\b[^>]*?\bw:id=")(\d+)(")/g);
  return renumber(bookmarks, /(\br:id=")([^"]+)(")/g);
}

type Captured = { code: number; stdout: string; stderr: string; bytes: Uint8Array };

async function cli(argv: string[], io: Partial<BriefCliIo> = {}): Promise<Captured> {
  const out: Uint8Array[] = [];
  let stderr = '';
  const code = await runBriefCli(argv, {
    env: { SOURCE_DATE_EPOCH: String(EXPORTED_AT / 1000), INIT_CWD: dir, PUBLIC_URL },
    cwd: root,
    stdout: { write: (chunk) => out.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk) },
    stderr: { write: (chunk) => (stderr += chunk) },
    ...io,
  });
  const bytes = Buffer.concat(out);
  return { code, stdout: bytes.toString('utf8'), stderr, bytes };
}

/** `npm run brief -- ...` as a user types it, from `cwd`. */
function npmRunBrief(args: string[], cwd: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('npm', ['run', '--silent', '--prefix', root, 'brief', '--', ...args], {
      cwd,
      env: { ...process.env, SOURCE_DATE_EPOCH: String(EXPORTED_AT / 1000), PUBLIC_URL, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A contributor's provider on `board`, joined again as `who` (a participant already stored, with secret `secret-<id>`). */
async function joinedAs(s: TestServer, who: Author): Promise<TestProvider> {
  const p = connectProvider(s, board.id, board.tokens.contributor);
  await whenSynced(p);
  await ok(p, 'join', { participantId: who.participantId, secret: `secret-${who.participantId}`, name: who.name, organisation: who.organisation, sector: who.sector });
  return p;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'crossboard-cli-'));
  dataDir = path.join(dir, 'data');
  const storage = SqliteStorage.open(dataDir);
  // the server's own vote results: the stored session's (no override), so the CLI must find the same
  const s = await startServer({ storage, now: () => EXPORTED_AT, publicUrl: PUBLIC_URL });
  const providers: TestProvider[] = [];
  try {
    board = await s.createBoard({ title: 'Safer “Streets” / Día 2', sponsor: 'Police and crime commissioner' });
    // a closed, revealed vote, as the facilitator's session stores it (before the room loads it)
    const config = { ...DEFAULT_VOTE_CONFIG, hideUntilReveal: true };
    const vote = { round: 1, config, status: 'revealed' as const, openedAt: 1, closedAt: 2, revealedAt: 3 };
    storage.sessions.saveSession(board.id, { ...initialSession('open'), vote, votesOpened: 1 }, 0);
    for (const [person, cards] of [[AUTHOR, ['i1']], [OTHER, ['i1', 'i2']]] as const) {
      storage.sessions.putParticipant({
        boardId: board.id,
        id: person.participantId,
        secretHash: hashToken(`secret-${person.participantId}`),
        name: person.name,
        organisation: person.organisation,
        sector: person.sector as Sector,
        role: 'contributor',
        removed: false,
        joinedAt: 1,
      });
      for (const cardId of cards) storage.sessions.setBallot({ boardId: board.id, round: 1, participantId: person.participantId, cardId, count: 1 });
    }
    // a card is credited to the joined participant who adds it: each author joins as the
    // participant stored above; the summary is the facilitator's to write
    const [sian, ben] = await Promise.all([joinedAs(s, AUTHOR), joinedAs(s, OTHER)]);
    const chair = connectProvider(s, board.id, board.tokens.facilitator);
    providers.push(sian, ben, chair);
    await whenSynced(chair);
    const pb = addProblem(sian.doc, { id: 'pb1', title: 'How might we reach people sooner?', author: AUTHOR }, ORIGIN);
    addIdea(sian.doc, { id: 'i1', title: 'Text-message nudges', author: AUTHOR, problemId: pb }, ORIGIN);
    writeBody(sian.doc, 'i1', '## Why\n\nPeople *miss* letters.\n\n- plain English\n- [GOV.UK Notify](https://www.notifications.service.gov.uk/)');
    // Ben places his cards after Siân's, as he would on the page
    await waitFor(() => readBoard(ben.doc).ideas.length === 1, 5000, 'Siân’s idea at Ben');
    addIdea(ben.doc, { id: 'i2', title: 'Help points in GP surgeries', author: OTHER, problemId: pb }, ORIGIN);
    addNote(ben.doc, { id: 'n1', title: 'Paper test with five people', author: OTHER, ideaId: 'i1' }, ORIGIN);
    updateBriefText(chair.doc, 'summary', 'Two ideas stood out.', ORIGIN);
    await waitFor(() => {
      const room = s.rooms.peek(board.id);
      return room !== undefined && readBoard(room.doc).notes.length === 1 && readBoard(room.doc).meta.summary !== '';
    });
    const saved = await fetch(`${s.url}/api/boards/${board.id}/versions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${board.tokens.facilitator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'End of day 1' }),
    });
    version = (await saved.json()) as VersionInfo;
    addIdea(ben.doc, { id: 'i3', title: 'Weekend outreach', author: OTHER, problemId: pb }, ORIGIN);
    await waitFor(() => readBoard(s.rooms.peek(board.id)!.doc).ideas.length === 3);

    for (const format of ['json', 'pdf', 'docx', 'md']) {
      for (const [which, file] of [['live', `brief.${format}`], ['version', `versions/${version.id}/brief.${format}`]]) {
        const res = await fetch(`${s.url}/api/boards/${board.id}/${file}?token=${board.tokens.viewer}&by=Amira%20Khan`);
        expect(res.status).toBe(200);
        downloads.set(`${which}.${format}`, new Uint8Array(await res.arrayBuffer()));
      }
    }
  } finally {
    for (const p of providers) p.destroy();
    await s.close();
    storage.close();
  }
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('brief CLI: the same brief as the endpoint, from the data directory with the server stopped', () => {
  const asViewer = { exportedBy: { name: 'Amira Khan', role: 'viewer' as const } };

  it('JSON, character for character — live board and saved version', async () => {
    for (const which of ['live', 'version'] as const) {
      const args = [board.id, '--format', 'json', '--out', '-', '--data-dir', dataDir];
      if (which === 'version') args.push('--version', version.id);
      const run = await cli(args, asViewer);
      expect(run.stderr).toMatch(/JSON brief of “Safer “Streets” \/ Día 2” written to standard output/);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(new TextDecoder().decode(downloads.get(`${which}.json`)));
    }
    const live = JSON.parse(new TextDecoder().decode(downloads.get('live.json'))) as { ideas: { title: string; votes: { total: number } | null }[] };
    expect(live.ideas.map((i) => i.title)).toContain('Weekend outreach');
    // the stored vote made it into both
    expect(live.ideas.slice(0, 2).map((i) => [i.title, i.votes?.total])).toEqual([['Text-message nudges', 2], ['Help points in GP surgeries', 1]]);
    const saved = JSON.parse(new TextDecoder().decode(downloads.get('version.json'))) as { ideas: { title: string }[]; provenance: { savedVersion: unknown } };
    expect(saved.ideas.map((i) => i.title)).not.toContain('Weekend outreach');
    expect(saved.provenance.savedVersion).toEqual({ id: version.id, name: 'End of day 1' });
  });

  it('PDF and DOCX, byte for byte; Markdown too', async () => {
    for (const which of ['live', 'version'] as const) {
      const extra = which === 'version' ? ['--version', version.id] : [];
      const pdf = await cli([board.id, '--format', 'pdf', '--out', '-', '--data-dir', dataDir, ...extra], asViewer);
      expect(pdf.code).toBe(0);
      expect(Buffer.from(pdf.bytes).equals(Buffer.from(downloads.get(`${which}.pdf`)!))).toBe(true);
      const docx = await cli([board.id, '--format', 'docx', '--out', '-', '--data-dir', dataDir, ...extra], asViewer);
      // rendered here and in the server's worker: docx's ids and dates are the document's own
      expect(Buffer.from(docx.bytes).equals(Buffer.from(downloads.get(`${which}.docx`)!))).toBe(true);
      const md = await cli([board.id, '--out', '-', '--format', 'md', '--data-dir', dataDir, ...extra], asViewer);
      expect(md.stdout).toBe(new TextDecoder().decode(downloads.get(`${which}.md`)));
    }
  });

  it('writes the file where --out says (relative to where the command was typed) and says where', async () => {
    const run = await cli([board.id, '--out', 'out/brief.docx', '--data-dir', 'data'], {});
    expect(run.code).toBe(1); // out/ does not exist yet
    expect(run.stderr).toBe(`brief: cannot write ${path.join(dir, 'out', 'brief.docx')}: no directory ${path.join(dir, 'out')}\n`);
    mkdirSync(path.join(dir, 'out'));
    const ok = await cli([board.id, '--out', 'out/brief.docx', '--data-dir', 'data'], {});
    expect(ok.code).toBe(0);
    const file = path.join(dir, 'out', 'brief.docx');
    expect(ok.stdout).toBe(`Wrote the Word brief of “Safer “Streets” / Día 2” (the live board, ${readFileSync(file).byteLength} bytes) to ${file}\n`);
    expect(await documentXml(readFileSync(file))).toContain('Exported by');
    // without --out: the endpoint's file name, in the current directory
    const named = await cli([board.id, '--format', 'md', '--data-dir', 'data']);
    expect(named.code).toBe(0);
    expect(existsSync(path.join(dir, 'safer-streets-dia-2-brief.md'))).toBe(true);
  });

  it('exits 1 with a clear message: unknown board, version or format, no data, unwritable path, bad arguments', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['nope', '--format', 'md', '--data-dir', dataDir], /^brief: unknown board nope in .*crossboard\.sqlite\n$/],
      [[board.id, '--format', 'txt', '--data-dir', dataDir], /^brief: unknown format "txt": use one of md, html, pdf, docx, json\n$/],
      [[board.id, '--out', 'brief.txt', '--data-dir', dataDir], /^brief: no format given: use --format md\|html\|pdf\|docx\|json/],
      [[board.id, '--format', 'md', '--version', 'nope', '--data-dir', dataDir], /^brief: unknown version nope of board /],
      [[board.id, '--format', 'md', '--data-dir', path.join(dir, 'empty')], /^brief: no Crossboard data in .*empty \(no crossboard\.sqlite there\)/],
      [[board.id, '--format', 'md', '--out', path.join(dir, 'missing', 'x.md'), '--data-dir', dataDir], /^brief: cannot write .*x\.md: no directory /],
      [[board.id, '--format', 'md', '--out', dir, '--data-dir', dataDir], /^brief: cannot write .*: it is a directory\n$/],
      [['--format', 'md'], /^brief: no board id given\nUsage: npm run brief -- <boardId>/],
      [[board.id, '--colour', 'red'], /^brief: Unknown option '--colour'/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(args);
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.stderr, args.join(' ')).toMatch(message);
      expect(run.stdout).toBe('');
    }
  });

  it('never writes to the data: a log left by a crash is read, not compacted', async () => {
    // a board of its own, as a crashed server leaves it: a snapshot plus updates nobody compacted
    const storage = SqliteStorage.open(dataDir);
    const crashed = new Y.Doc();
    initBoard(crashed, { title: 'Crashed board', createdAt: 0 });
    const id = generateBoardId();
    await storage.boards.createBoard(
      { id, title: 'Crashed board', challenge: '', sponsor: '', template: 'open', createdAt: 0, tokenHashes: { facilitator: hashToken('f'), contributor: hashToken('c'), viewer: hashToken('v') } },
      Y.encodeStateAsUpdate(crashed),
    );
    let update: Uint8Array | null = null;
    crashed.on('update', (u: Uint8Array) => (update = u));
    addIdea(crashed, { id: 'crash', title: 'Written just before a crash', author: AUTHOR, problemId: null }, ORIGIN);
    await storage.documents.appendUpdate(id, update!);
    const before = await storage.documents.loadDocument(id);
    storage.close();

    const run = await cli([id, '--format', 'json', '--out', '-', '--data-dir', dataDir]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { ideas: { title: string }[] }).ideas.map((i) => i.title)).toEqual(['Written just before a crash']);

    const reopened = SqliteStorage.open(dataDir);
    const after = await reopened.documents.loadDocument(id);
    reopened.close();
    expect(after.lastSeq).toBe(before.lastSeq);
    expect(after.updates.length).toBe(1);
    expect(Buffer.from(after.snapshot!).equals(Buffer.from(before.snapshot!))).toBe(true);
  });

  it('`npm run brief` as a user types it: writes the file, exit 0; the same brief but for who exported it', async () => {
    const run = await npmRunBrief([board.id, '--format', 'json', '--out', 'cli.json', '--data-dir', 'data', '--by', 'Amira Khan'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Wrote the JSON brief of “Safer “Streets” \/ Día 2” \(the live board, \d+ bytes\) to .*cli\.json\n$/);
    const fromCli = JSON.parse(readFileSync(path.join(dir, 'cli.json'), 'utf8')) as { provenance: Record<string, unknown> };
    const fromEndpoint = JSON.parse(new TextDecoder().decode(downloads.get('live.json'))) as { provenance: Record<string, unknown> };
    expect(fromCli.provenance.exportedBy).toEqual({ name: 'Amira Khan', role: 'cli' });
    fromCli.provenance.exportedBy = fromEndpoint.provenance.exportedBy;
    // everything else — votes from the stored session included — is the endpoint's brief
    expect(fromCli).toEqual(fromEndpoint);

    const failed = await npmRunBrief(['nope', '--format', 'md', '--data-dir', 'data'], dir);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^brief: unknown board nope in /);
  }, 30_000);
});
