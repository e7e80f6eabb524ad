/**
 * E1–E3: the brief's PDF export, timed as a worker runs it (the board's state in, built through
 * Lexical, rendered by pdfkit, bytes out), for `npm run bench -- --only E1,E2,E3`.
 *
 *   E1  the 32-card fixture board, warm (the process has rendered before): median
 *   E2  a 300-card board with a vote round (a 200-row ranking table), warm: median; and its
 *       first render in a warm process, before the words on it have been shaped
 *   E3  the first PDF export after a start: on a worker warmed at start (what the server does)
 *       beside a worker started by the export (what it did before)
 *
 * "Before" is the PDF renderer as it was when issue 14 was filed, read from git (`BASELINE`)
 * into .scratch/baseline/ (ignored by git, lint and the type check) and run in this same process, interleaved with the current one, so both
 * see the same machine. Each cell is the wall time; the CPU time of this process beside it says
 * how much of that was waiting for a core on a shared machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as Y from 'yjs';
import { buildBrief, type ChallengeBrief } from '../shared/brief/brief.ts';
import { fixtureDoc, fixtureRound, EXPORTED_AT } from '../shared/brief/testing.ts';
import { seedLargeBoard } from '../shared/fixtures.ts';
import { DEFAULT_VOTE_CONFIG, tallyVotes, type Dot, type VoteRoundResult } from '../shared/votes.ts';
import type { BriefJob } from '../server/brief/job.ts';
import { renderPdf } from '../server/brief/pdf.ts';
import { WorkerRenderPool } from '../server/brief/pool.ts';
import { median, ms, ratio } from './stats.ts';

/** The commit issue 14 was filed against: its pdf.ts is the baseline. */
const BASELINE = '2f341911676c16659a0153d7c3236771275b3112';

type Render = (brief: ChallengeBrief) => Promise<Uint8Array>;
type Timing = { wallMs: number; cpuMs: number };

async function timed(run: () => Promise<unknown>): Promise<Timing> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

/** The baseline renderer, or null (with the reason printed) when git or the old file cannot give it. */
async function baselineRenderer(): Promise<Render | null> {
  try {
    const source = execFileSync('git', ['show', `${BASELINE}:server/brief/pdf.ts`], { cwd: new URL('..', import.meta.url), encoding: 'utf8' });
    // .scratch/baseline/ sits as deep as server/brief/, so the file's relative imports still resolve
    const dir = new URL('../.scratch/baseline/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const file = new URL('pdf.ts', dir);
    writeFileSync(file, source);
    const mod = (await import(file.href)) as { renderPdf: Render };
    return mod.renderPdf;
  } catch (error) {
    console.log(`E: no baseline renderer (${(error as Error).message.split('\n')[0]}); "before" is left empty`);
    return null;
  }
}

/** A board of `cards` cards and a round in which 40 people placed 3 dots each on its ideas. */
function largeBoard(cards: number): { doc: Y.Doc; rounds: VoteRoundResult[] } {
  const doc = new Y.Doc();
  const ids = seedLargeBoard(doc, { cards });
  const sectors = ['public sector', 'private sector', 'academia', 'voluntary and community', 'citizen'] as const;
  const dots: Dot[] = [];
  for (let p = 0; p < 40; p++) {
    for (let d = 0; d < 3; d++) {
      dots.push({ participantId: `p${p}`, name: `Person ${p}`, sector: sectors[p % sectors.length]!, cardId: ids.ideas[(p * 7 + d * 13) % ids.ideas.length]! });
    }
  }
  const config = { ...DEFAULT_VOTE_CONFIG, votesPerPerson: 3 };
  return { doc, rounds: [{ round: 1, config, status: 'revealed', openedAt: 0, closedAt: 1, voterCount: 40, tallies: tallyVotes(dots, config) }] };
}

function briefOf(doc: Y.Doc, rounds: VoteRoundResult[]): ChallengeBrief {
  return buildBrief({ boardId: 'bench', doc, rounds, showNames: true, exportedBy: { name: 'Bench', role: 'facilitator' }, exportedAt: EXPORTED_AT });
}

/** Build and render, `repeats` times, the current and the baseline renderer in turn. */
async function warmMedians(board: { doc: Y.Doc; rounds: VoteRoundResult[] }, repeats: number, before: Render | null) {
  const now: Timing[] = [];
  const old: Timing[] = [];
  for (let i = 0; i < repeats; i++) {
    now.push(await timed(() => renderPdf(briefOf(board.doc, board.rounds))));
    if (before) old.push(await timed(() => before(briefOf(board.doc, board.rounds))));
  }
  const med = (runs: Timing[], pick: (t: Timing) => number) => (runs.length ? median(runs.map(pick)) : NaN);
  return {
    now: { wallMs: med(now, (t) => t.wallMs), cpuMs: med(now, (t) => t.cpuMs) },
    before: { wallMs: med(old, (t) => t.wallMs), cpuMs: med(old, (t) => t.cpuMs) },
  };
}

function job(doc: Y.Doc, rounds: VoteRoundResult[]): BriefJob {
  return { format: 'pdf', boardId: 'bench', state: Y.encodeStateAsUpdate(doc), rounds, showNames: true, exportedBy: { name: 'Bench', role: 'facilitator' }, exportedAt: EXPORTED_AT };
}

/** A fresh pool's first PDF export: on a worker warmed first (`warm`), or on one the export starts. */
async function firstExport(warm: boolean): Promise<{ exportMs: number; warmUpMs: number }> {
  const pool = new WorkerRenderPool({ size: 1, keepWarm: warm ? 1 : 0 });
  try {
    const started = performance.now();
    if (warm) await pool.warm();
    const warmUpMs = performance.now() - started;
    const request = job(fixtureDoc(), [fixtureRound()]);
    const asked = performance.now();
    await pool.render(request);
    return { exportMs: performance.now() - asked, warmUpMs: warm ? warmUpMs : NaN };
  } finally {
    await pool.close();
  }
}

export type BriefBenchResult = { rows: string[][]; results: Record<string, unknown> };

export async function briefExports({ quick, wanted }: { quick: boolean; wanted: (id: string) => boolean }): Promise<BriefBenchResult> {
  const rows: string[][] = [];
  const results: Record<string, unknown> = {};
  const cell = (t: Timing) => (Number.isFinite(t.wallMs) ? `${ms(t.wallMs)} (CPU ${ms(t.cpuMs)})` : 'n/a');
  const before = wanted('E1') || wanted('E2') ? await baselineRenderer() : null;
  // warm both renderers (and Lexical) once, so that E1 and E2 time warm renders
  const fixture = { doc: fixtureDoc(), rounds: [fixtureRound()] };
  if (wanted('E1') || wanted('E2')) await warmMedians(fixture, 1, before);

  if (wanted('E2')) {
    // first, before E1's repeats have shaped any more words: this board's words are new here
    const board = largeBoard(300);
    const first = await warmMedians(board, 1, null);
    const r = await warmMedians(board, quick ? 2 : 5, before);
    results.E2 = { first, ...r };
    console.log(`E2: ${JSON.stringify(results.E2)}`);
    rows.push(['E2', `300-card board, PDF warm (median of ${quick ? 2 : 5}; build + render)`, cell(r.now), cell(r.before), '≤ 1 s', ratio(r.now.wallMs, r.before.wallMs)]);
    rows.push(['E2', '  the same, its first render in a warm process (words not yet shaped)', cell(first.now), '', '', '']);
  }

  if (wanted('E1')) {
    const repeats = quick ? 3 : 9;
    const r = await warmMedians(fixture, repeats, before);
    results.E1 = r;
    console.log(`E1: ${JSON.stringify(r)}`);
    rows.push(['E1', `32-card fixture board, PDF warm (median of ${repeats}; build + render)`, cell(r.now), cell(r.before), '≤ 300 ms', ratio(r.now.wallMs, r.before.wallMs)]);
  }

  if (wanted('E3')) {
    const repeats = quick ? 1 : 3;
    const warmed: Array<{ exportMs: number; warmUpMs: number }> = [];
    const onDemand: Array<{ exportMs: number }> = [];
    for (let i = 0; i < repeats; i++) {
      warmed.push(await firstExport(true));
      onDemand.push(await firstExport(false));
    }
    results.E3 = { warmed, onDemand };
    console.log(`E3: ${JSON.stringify(results.E3)}`);
    const warmMs = median(warmed.map((w) => w.exportMs));
    const demandMs = median(onDemand.map((w) => w.exportMs));
    rows.push(['E3', `first PDF export after start, fixture board (median of ${repeats}): worker warmed at start, vs one the export starts`, ms(warmMs), ms(demandMs), '≤ 1.5 s', ratio(warmMs, demandMs)]);
    rows.push(['E3', '  warming that worker at start (off the request path)', ms(median(warmed.map((w) => w.warmUpMs))), '', '', '']);
  }
  return { rows, results };
}
