/**
 * Client benchmark, against the production build (`npm run build`: the client in dist/, the
 * server in dist-server/) served by `node dist-server/main.js` on a free port, in headless
 * Chromium (Debian's).
 *
 *   npm run bench:client                       both parts below
 *   npm run bench:client -- --only load        only the 300-card board
 *   npm run bench:client -- --only lighthouse  only the first pages
 *   npm run bench:client -- --baseline <ref>   the first pages beside the client built from commit <ref>
 *
 * The 300-card board reports, as medians over several cold loads (fresh browser context each: no
 * cache, no IndexedDB, no service worker):
 *   - time from navigation start to data-sync-status="synced"
 *   - time to interactive: every card rendered (data-ready, 300 articles) and then an editor
 *     opened on a card with its first keystroke visible
 * and, between two contexts with the same card open, keystroke-to-remote-render latency
 * (keydown in A to the character in B's DOM; both pages share the machine's clock), and the
 * main-thread cost of a mouse drag over the lane.
 *
 * The first pages (bench/firstPages.ts): Lighthouse on the landing page, the Tech Connect board and
 * its brief, mobile and desktop, this build beside the client built from `--baseline`.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from '@playwright/test';
import { seedLargeBoard } from '../shared/fixtures.ts';
import { seedThroughServer, type CreatedBoard } from '../e2e/seed.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH, ROOT, ensureBuilt, startServer, stopServer } from './builtServer.ts';
import { firstPages } from './firstPages.ts';

const CARDS = Number(process.env.BENCH_CARDS ?? 300);
const LOADS = Number(process.env.BENCH_LOADS ?? 5);
const KEYSTROKES = Number(process.env.BENCH_KEYSTROKES ?? 50);

const median = (xs: number[]) => quantile(xs, 0.5);
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return s[lo]! + (s[hi]! - s[lo]!) * (i - lo);
}

/** Makes the page open as a returning participant (joined on this device), skipping the join form. */
function rememberedDevice(board: CreatedBoard, name: string) {
  return {
    identity: { participantId: `bench-${name}`, name, organisation: 'Bench', sector: 'private sector' },
    info: {
      id: board.id,
      title: board.title,
      challenge: '',
      sponsor: '',
      template: 'open',
      role: 'contributor',
      token: board.tokens.contributor,
      joined: true,
      openedAt: Date.now(),
    },
  };
}

async function openBoard(browser: Browser, baseURL: string, board: CreatedBoard, name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, serviceWorkers: 'block' });
  const device = rememberedDevice(board, name);
  await context.addInitScript(
    ({ device, id }) => {
      localStorage.setItem('crossboard.identity.v1', JSON.stringify(device.identity));
      localStorage.setItem(`crossboard.board.v1.${id}`, JSON.stringify(device.info));
      // Timestamps of the board root's first "synced" and first "ready", relative to navigation.
      const marks: Record<string, number> = {};
      (window as unknown as { __marks: typeof marks }).__marks = marks;
      new MutationObserver(() => {
        const root = document.querySelector('.board');
        if (!root) return;
        if (!marks.synced && root.getAttribute('data-sync-status') === 'synced') marks.synced = performance.now();
        if (!marks.ready && root.getAttribute('data-ready') === 'true') marks.ready = performance.now();
      }).observe(document, { subtree: true, childList: true, attributes: true });
    },
    { device, id: board.id },
  );
  const page = await context.newPage();
  await page.goto(`${baseURL}/b/${board.id}?token=${board.tokens.contributor}`);
  return page;
}

async function coldLoad(browser: Browser, baseURL: string, board: CreatedBoard, cardId: string) {
  const page = await openBoard(browser, baseURL, board, `Loader ${Math.random().toString(36).slice(2, 6)}`);
  await page.waitForFunction((n) => document.querySelectorAll('article.card').length >= n, CARDS, { timeout: 60_000 });
  const rendered = await page.evaluate(() => performance.now());
  await page.waitForFunction(() => (window as unknown as { __marks: { synced?: number } }).__marks.synced !== undefined, null, {
    timeout: 30_000,
  });
  const marks = await page.evaluate(() => (window as unknown as { __marks: { synced: number; ready: number } }).__marks);
  // Interactive: open a card and type; time until the character is on screen.
  const t0 = await page.evaluate(() => performance.now());
  await page.locator(`article.card[data-card-id="${cardId}"] .card__title`).click();
  const body = page.locator(`[data-card-body="${cardId}"]`);
  await body.waitFor();
  await body.click();
  await page.keyboard.type('x');
  await page.waitForFunction((id) => document.querySelector(`[data-card-body="${id}"]`)?.textContent?.includes('x'), cardId);
  const t1 = await page.evaluate(() => performance.now());
  await page.context().close();
  return { synced: marks.synced, rendered, firstKeystroke: t1 - t0, interactive: rendered + (t1 - t0) };
}

async function keystrokeLatency(browser: Browser, baseURL: string, board: CreatedBoard, cardId: string): Promise<number[]> {
  const A = await openBoard(browser, baseURL, board, 'Typist A');
  const B = await openBoard(browser, baseURL, board, 'Reader B');
  for (const p of [A, B]) {
    await p.waitForFunction(() => document.querySelector('.board')?.getAttribute('data-sync-status') === 'synced', null, { timeout: 60_000 });
    await p.locator(`article.card[data-card-id="${cardId}"] .card__title`).click();
    await p.locator(`[data-card-body="${cardId}"]`).click();
    await p.keyboard.press('Control+End');
  }
  await A.keyboard.press('Enter');
  // B records when each new character lands in its editor; A records each keydown.
  await B.evaluate((id) => {
    const el = document.querySelector(`[data-card-body="${id}"]`)!;
    const w = window as unknown as { __seen: Array<[number, number]> };
    w.__seen = [];
    const base = (el.textContent ?? '').length;
    new MutationObserver(() => {
      const n = (el.textContent ?? '').length - base;
      if (n > (w.__seen.at(-1)?.[0] ?? 0)) w.__seen.push([n, performance.timeOrigin + performance.now()]);
    }).observe(el, { subtree: true, childList: true, characterData: true });
  }, cardId);
  await A.evaluate(() => {
    const w = window as unknown as { __keys: number[] };
    w.__keys = [];
    document.addEventListener('keydown', () => w.__keys.push(performance.timeOrigin + performance.now()), true);
  });
  for (let i = 1; i <= KEYSTROKES; i++) {
    await A.keyboard.press(String.fromCharCode(97 + (i % 26)));
    await B.waitForFunction((n) => ((window as unknown as { __seen: Array<[number, number]> }).__seen.at(-1)?.[0] ?? 0) >= n, i);
  }
  const keys = await A.evaluate(() => (window as unknown as { __keys: number[] }).__keys);
  const seen = await B.evaluate(() => (window as unknown as { __seen: Array<[number, number]> }).__seen);
  const latencies: number[] = [];
  for (let i = 1; i <= KEYSTROKES; i++) {
    const at = seen.find(([n]) => n >= i)?.[1];
    const sent = keys[i - 1];
    if (at !== undefined && sent !== undefined) latencies.push(at - sent);
  }
  await A.context().close();
  await B.context().close();
  return latencies;
}

/**
 * Dragging a card with the mouse down the Ideas lane, 40 pointer moves of 12 px (it passes over a
 * card every few moves, and the lane scrolls): main-thread task time per move, from Chromium's
 * own counters. Median of `rounds` drags, each in a fresh context once the board has settled.
 */
async function dragCost(browser: Browser, baseURL: string, board: CreatedBoard, rounds = 3): Promise<number> {
  const perMove: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const page = await openBoard(browser, baseURL, board, `Dragger ${r}`);
    await page.waitForFunction((n) => document.querySelectorAll('article.card').length >= n, CARDS, { timeout: 60_000 });
    await page.waitForTimeout(1_500);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const taskTime = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')!.value * 1000;
    const card = page.locator('[data-lane="idea"] article.card').nth(1);
    const box = (await card.boundingBox())!;
    await page.mouse.move(box.x + 50, box.y + 10);
    await page.mouse.down();
    await page.mouse.move(box.x + 50, box.y + 20, { steps: 2 });
    const before = await taskTime();
    for (let k = 0; k < 40; k++) await page.mouse.move(box.x + 50, box.y + 20 + k * 12);
    perMove.push((await taskTime()) - before);
    await page.keyboard.press('Escape');
    await page.mouse.up();
    await page.context().close();
  }
  return median(perMove) / 40;
}

async function boardLoad(distDir: string): Promise<void> {
  const server = await startServer(distDir);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const res = await fetch(`${server.url}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: `Bench board (${CARDS} cards)` }),
    });
    const board = (await res.json()) as CreatedBoard;
    let cardId = '';
    await seedThroughServer(server.url, board, (doc) => {
      cardId = seedLargeBoard(doc, { cards: CARDS, seed: 3 }).ideas[0]!;
    });

    const loads = [];
    for (let i = 0; i < LOADS; i++) loads.push(await coldLoad(browser, server.url, board, cardId));
    const latencies = await keystrokeLatency(browser, server.url, board, cardId);
    const dragMs = await dragCost(browser, server.url, board);

    const rows: Array<[string, string]> = [
      ['board size', `${CARDS} cards`],
      [`cold load → synced (median of ${LOADS})`, `${median(loads.map((l) => l.synced)).toFixed(0)} ms`],
      [`cold load → all cards rendered (median)`, `${median(loads.map((l) => l.rendered)).toFixed(0)} ms`],
      [`open a card → first keystroke visible (median)`, `${median(loads.map((l) => l.firstKeystroke)).toFixed(0)} ms`],
      [`time to interactive: rendered + first keystroke (median)`, `${median(loads.map((l) => l.interactive)).toFixed(0)} ms`],
      [`keystroke → remote render, median (${latencies.length} keys)`, `${median(latencies).toFixed(1)} ms`],
      [`keystroke → remote render, p95`, `${quantile(latencies, 0.95).toFixed(1)} ms`],
      [`keystroke → remote render, max`, `${Math.max(...latencies).toFixed(1)} ms`],
      [`mouse drag: main-thread time per pointer move (median of 3)`, `${dragMs.toFixed(1)} ms`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log(`\nCrossboard client benchmark — headless Chromium, ${os.cpus().length} cores, Node ${process.version}`);
    console.log(`${'measure'.padEnd(width)} | value`);
    console.log(`${'-'.repeat(width)}-|-${'-'.repeat(10)}`);
    for (const [k, v] of rows) console.log(`${k.padEnd(width)} | ${v}`);
  } finally {
    await browser.close();
    await stopServer(server);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      baseline: { type: 'string' },
    },
  });
  if (values.only !== undefined && values.only !== 'load' && values.only !== 'lighthouse') {
    throw new Error(`--only takes "load" or "lighthouse", not "${values.only}"`);
  }
  const distDir = path.resolve(ROOT, process.env.DIST_DIR ?? 'dist');
  ensureBuilt(distDir);
  if (values.only !== 'lighthouse') await boardLoad(distDir);
  if (values.only !== 'load') await firstPages(distDir, values.baseline);
}

// Exit once the figures are out: after the Lighthouse part, something keeps the event loop
// open (not yet tracked down; the servers and browsers are closed by then), and the run would
// otherwise never return.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
