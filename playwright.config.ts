import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/chromium.ts';

/**
 * End-to-end tests: Debian's Chromium (never `playwright install`), each user in a browser context
 * of their own, against a real server on its own port with a throwaway DATA_DIR.
 * The server is the one that ships: the built dist-server/main.js run by node, serving the built
 * client from dist/. `npm run test:e2e` builds both (npm run build) and then runs this; to run
 * one spec, run `npm run build` first after any change to the client or the server.
 *
 * The config is evaluated again in every worker; workers inherit the environment, so the data
 * directory is chosen once and passed down through it.
 */
const PORT = Number(process.env.E2E_PORT ?? 8790);
process.env.E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'crossboard-e2e-'));
export const BASE_URL = `http://localhost:${PORT}`;

export default defineConfig({
  testDir: 'e2e',
  // Generous: on 2 shared cores, a test with four browser contexts can take several times as long
  // as on a quiet machine. Each waits on signals, so a pass is never slower for the margin.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: Number(process.env.E2E_WORKERS ?? 2),
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: BASE_URL,
    viewport: { width: 1440, height: 900 },
    trace: 'retain-on-failure',
    // The app's service worker precaches the whole client in every new context: only the specs
    // about offline loading need it, and they allow it (test.use({ serviceWorkers: 'allow' })).
    serviceWorkers: 'block',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
  },
  webServer: {
    // what `npm run serve` runs, without npm around it
    command: 'node --enable-source-maps dist-server/main.js',
    // readiness, not liveness: the port opens (and /api/health answers) before the app has loaded
    url: `${BASE_URL}/api/ready`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(PORT),
      DATA_DIR: process.env.E2E_DATA_DIR,
      DIST_DIR: process.env.E2E_DIST_DIR ?? 'dist',
      // the suite creates boards from one address far faster than any facilitator does
      BOARD_CREATION_BURST_PER_ADDRESS: '100000',
    },
  },
});
