/**
 * The first pages in Lighthouse: the landing page, the Tech Connect board (as a returning
 * contributor) and its brief (as the sponsor, from the viewer link), mobile and desktop, median of
 * `LH_RUNS` (3) runs — this build beside the client built from a baseline commit, measured in the
 * same run, interleaved (A B A B …) so that the machine's load falls on both alike.
 *
 * Both builds are served by this checkout's built server (precompressed brotli, as it ships), so
 * the comparison is of the client alone.
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seedBoardFromFixture, type BoardFixture } from '../shared/fixtures.ts';
import techConnect from '../shared/fixtures/tech-connect-board.json' with { type: 'json' };
import { seedThroughServer, type CreatedBoard } from '../e2e/seed.ts';
import { castRevealedVote, type Voter } from '../e2e/votes.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH, ROOT, startServer, stopServer, type Served } from './builtServer.ts';
import { runLighthouse, type FormFactor, type LighthouseFigures, type LighthousePage } from './lighthouse.ts';
import { median } from './stats.ts';

/** Measure this build alone unless a baseline commit is named (`--baseline 5b24a34`, the last commit before the first page was code-split). */
export const DEFAULT_BASELINE = 'none';

const RUNS = Number(process.env.LH_RUNS ?? 3);
const PAGES = (process.env.LH_PAGES ?? 'landing,board,brief').split(',') as PageName[];
const FORM_FACTORS = (process.env.LH_PROFILES ?? 'mobile,desktop').split(',') as FormFactor[];
const fixture = techConnect as BoardFixture;

const PAGE_NAMES = ['landing', 'board', 'brief'] as const;
export type PageName = (typeof PAGE_NAMES)[number];
export type Site = { name: string; served: Served; pages: Record<PageName, LighthousePage> };

/**
 * The client as it was at `ref`, built once into a folder named after the commit (reused by later
 * runs): the commit's client/, shared/ and Vite config, with this checkout's node_modules.
 */
export function buildClientAt(ref: string): string {
  const commit = execSync(`git rev-parse --verify ${JSON.stringify(`${ref}^{commit}`)}`, { encoding: 'utf8', cwd: ROOT }).trim();
  const root = path.join(os.tmpdir(), `crossboard-client-${commit.slice(0, 12)}`);
  const dist = path.join(root, 'dist');
  if (fs.existsSync(path.join(dist, 'index.html'))) return dist;
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  console.log(`building the baseline client (${ref}, ${commit.slice(0, 12)}) in ${root}…`);
  execSync(`git archive ${commit} client shared package.json tsconfig.json vite.config.ts | tar -x -C ${JSON.stringify(root)}`, { cwd: ROOT });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));
  execSync('npx vite build --logLevel warn', { cwd: root, stdio: 'inherit' });
  return dist;
}

/** Votes as the fixture states them, one voter per participant. */
function voters(): Voter[] {
  const people = new Map(fixture.participants.map((p) => [p.id, p]));
  const byPerson = new Map<string, string[]>();
  for (const v of fixture.voting?.votes ?? []) byPerson.set(v.participantId, [...(byPerson.get(v.participantId) ?? []), v.cardId]);
  return [...byPerson].map(([id, cardIds]) => {
    const p = people.get(id)!;
    return { name: p.name, organisation: p.organisation, sector: p.sector, cardIds };
  });
}

/** A server for `distDir` holding the Tech Connect board, its vote revealed, and the three pages. */
export async function openSite(name: string, distDir: string): Promise<Site> {
  const served = await startServer(distDir);
  const base = served.url;
  const res = await fetch(`${served.url}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: fixture.title, challenge: fixture.challenge, sponsor: fixture.sponsor, template: fixture.template }),
  });
  if (!res.ok) throw new Error(`creating the board: ${res.status} ${await res.text()}`);
  const board = (await res.json()) as CreatedBoard;
  await seedThroughServer(served.url, board, (doc) => seedBoardFromFixture(doc, fixture));
  const voting = fixture.voting!;
  await castRevealedVote(served.url, board, voters(), {
    phaseId: 'vote',
    config: { votesPerPerson: voting.votesPerPerson, maxPerCard: voting.maxPerCard, anonymous: voting.anonymous },
  });
  const person = fixture.participants[1]!;
  // a contributor who joined on this device before: the board opens on the board, not the join form
  const returning = {
    'crossboard.identity.v1': JSON.stringify({ participantId: person.id, name: person.name, organisation: person.organisation, sector: person.sector }),
    [`crossboard.board.v1.${board.id}`]: JSON.stringify({
      id: board.id,
      title: board.title,
      challenge: fixture.challenge,
      sponsor: fixture.sponsor,
      template: fixture.template,
      role: 'contributor',
      token: board.tokens.contributor,
      joined: true,
      openedAt: Date.now(),
    }),
  };
  return {
    name,
    served,
    pages: {
      landing: { url: `${base}/` },
      board: { url: `${base}/b/${board.id}?token=${board.tokens.contributor}`, localStorage: returning },
      brief: { url: `${base}/b/${board.id}/brief?token=${board.tokens.viewer}` },
    },
  };
}


const cell = {
  score: (v: number) => v.toFixed(0),
  fcp: (v: number) => `${(v / 1000).toFixed(2)} s`,
  lcp: (v: number) => `${(v / 1000).toFixed(2)} s`,
  tbt: (v: number) => `${v.toFixed(0)} ms`,
  cls: (v: number) => v.toFixed(3),
  si: (v: number) => `${(v / 1000).toFixed(2)} s`,
  jsKiB: (v: number) => `${v.toFixed(0)} KiB`,
} satisfies Record<keyof LighthouseFigures, (v: number) => string>;

/** `baselineRef` "none" measures this build alone. */
export async function firstPages(distDir: string, baselineRef = DEFAULT_BASELINE): Promise<void> {
  for (const page of PAGES) if (!PAGE_NAMES.includes(page)) throw new Error(`LH_PAGES: no page "${page}" (${PAGE_NAMES.join(', ')})`);
  for (const ff of FORM_FACTORS) if (ff !== 'mobile' && ff !== 'desktop') throw new Error(`LH_PROFILES: no profile "${ff}" (mobile, desktop)`);
  const sites: Site[] = [];
  if (baselineRef !== 'none') sites.push(await openSite(`baseline (${baselineRef})`, buildClientAt(baselineRef)));
  sites.push(await openSite('this build', distDir));
  const figures = new Map<string, LighthouseFigures[]>();
  const key = (site: Site, page: PageName, ff: FormFactor) => `${site.name}|${page}|${ff}`;
  const load = os.loadavg()[0]!;
  try {
    for (let run = 1; run <= RUNS; run++) {
      for (const page of PAGES) {
        for (const ff of FORM_FACTORS) {
          for (const site of sites) {
            const f = await runLighthouse(site.pages[page], ff, CHROMIUM_ARGS, CHROMIUM_PATH);
            figures.set(key(site, page, ff), [...(figures.get(key(site, page, ff)) ?? []), f]);
            console.log(`run ${run}/${RUNS} ${page} ${ff} ${site.name}: score ${f.score}, LCP ${cell.lcp(f.lcp)}, TBT ${cell.tbt(f.tbt)}, CLS ${cell.cls(f.cls)}`);
          }
        }
      }
    }
  } finally {
    for (const site of sites) await stopServer(site.served);
  }

  const columns = Object.keys(cell) as Array<keyof LighthouseFigures>;
  const header = ['page', 'profile', 'build', 'score', 'FCP', 'LCP', 'TBT', 'CLS', 'Speed Index', 'JS sent'];
  const rows: string[][] = [];
  for (const page of PAGES) {
    for (const ff of FORM_FACTORS) {
      for (const site of sites) {
        const runs = figures.get(key(site, page, ff)) ?? [];
        rows.push([page, ff, site.name, ...columns.map((c) => cell[c](median(runs.map((r) => r[c]))))]);
      }
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(
    `\nFirst pages — Lighthouse 12.2.3, headless Chromium, median of ${RUNS} runs each; ${os.cpus().length} cores, ` +
      `load average ${load.toFixed(1)} at the start, ${os.loadavg()[0]!.toFixed(1)} at the end`,
  );
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}
