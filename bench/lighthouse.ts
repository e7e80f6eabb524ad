/**
 * Lighthouse (12.2.3, the last line that runs on Node 20) through its Node API, on Debian's
 * Chromium started by chrome-launcher with the same flags as the rest of the client benchmark.
 *
 * Every run gets a browser of its own (chrome-launcher's fresh temporary profile), so nothing
 * carries over between runs: no HTTP cache, no service worker, no IndexedDB copy of the board.
 * A page that needs this device to remember something (the board page opens as a returning
 * participant, not on the join form) gets it written into localStorage first, from a same-origin
 * page that is not the app, through a CDP connection Playwright opens and closes again.
 *
 * Throttling is Lighthouse's own simulation (its defaults: a slow 4G network and a 4x slower CPU
 * for mobile; a fast wired link and no CPU slowdown for desktop), which keeps runs on a shared
 * machine comparable; figures are still quoted as medians.
 */
import * as chromeLauncher from 'chrome-launcher';
import lighthouse, { desktopConfig } from 'lighthouse';
import { chromium } from '@playwright/test';

export type FormFactor = 'mobile' | 'desktop';

/** What one run measured. Times in milliseconds; score 0-100. */
export type LighthouseFigures = { score: number; fcp: number; lcp: number; tbt: number; cls: number; si: number; jsKiB: number };

export type LighthousePage = {
  url: string;
  /** localStorage entries to write on the page's origin before the run */
  localStorage?: Record<string, string>;
};

export async function runLighthouse(
  page: LighthousePage,
  formFactor: FormFactor,
  chromeFlags: readonly string[],
  chromePath: string,
  keep?: (lhr: unknown) => void,
): Promise<LighthouseFigures> {
  const chrome = await chromeLauncher.launch({ chromePath, chromeFlags: [...chromeFlags, '--headless=new'], logLevel: 'error' });
  try {
    if (page.localStorage) await writeLocalStorage(chrome.port, new URL(page.url).origin, page.localStorage);
    const result = await lighthouse(
      page.url,
      {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance'],
        // the profile is fresh; resetting storage would also wipe the localStorage written above
        disableStorageReset: true,
      },
      formFactor === 'desktop' ? desktopConfig : undefined,
    );
    if (!result) throw new Error(`Lighthouse returned nothing for ${page.url}`);
    const { lhr } = result;
    keep?.(lhr);
    if (lhr.runtimeError) throw new Error(`Lighthouse could not load ${page.url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    const value = (id: string): number => {
      const audit = lhr.audits[id];
      if (audit?.numericValue === undefined) throw new Error(`Lighthouse gave no ${id} for ${page.url}: ${audit?.errorMessage ?? 'missing'}`);
      return audit.numericValue;
    };
    const score = lhr.categories.performance?.score;
    if (score === null || score === undefined) throw new Error(`Lighthouse gave no performance score for ${page.url}`);
    return {
      score: Math.round(score * 100),
      fcp: value('first-contentful-paint'),
      lcp: value('largest-contentful-paint'),
      tbt: value('total-blocking-time'),
      cls: value('cumulative-layout-shift'),
      si: value('speed-index'),
      jsKiB: scriptKiB(lhr.audits['network-requests']?.details),
    };
  } finally {
    chrome.kill();
  }
}

/** Bytes of JavaScript the page transferred (as sent: compressed when the server compresses). */
function scriptKiB(details: unknown): number {
  const items = (details as { items?: Array<{ resourceType?: string; transferSize?: number }> } | undefined)?.items ?? [];
  return items.filter((i) => i.resourceType === 'Script').reduce((sum, i) => sum + (i.transferSize ?? 0), 0) / 1024;
}

async function writeLocalStorage(port: number, origin: string, entries: Record<string, string>): Promise<void> {
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  try {
    const page = await browser.contexts()[0]!.newPage();
    // a JSON answer on the app's origin: localStorage is per origin, and the app itself must not
    // run here (it would register its service worker and keep a copy of the board)
    await page.goto(`${origin}/api/health`);
    await page.evaluate((e) => {
      for (const [k, v] of Object.entries(e)) localStorage.setItem(k, v);
    }, entries);
    await page.close();
  } finally {
    // disconnects; the browser chrome-launcher started stays up for Lighthouse
    await browser.close();
  }
}
