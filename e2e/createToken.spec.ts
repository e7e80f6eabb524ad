/**
 * A closed deployment: a server started with CREATE_BOARD_TOKEN refuses to create boards without
 * it. The start form says so in words, asks for the token, says when it is wrong, and creates the
 * board once it is right. This spec runs its own server process (the suite's has no token): the
 * built one, as the suite's is.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startServerProcess } from '../server/test/process.ts';

const TOKEN = 'tables-only-2026';

test('with CREATE_BOARD_TOKEN set, the start form asks for the token and creates the board once it is right', async ({ page }) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'crossboard-token-'));
  const server = await startServerProcess(dataDir, {
    args: ['--enable-source-maps', path.resolve('dist-server/main.js')],
    env: { DIST_DIR: path.resolve(process.env.E2E_DIST_DIR ?? 'dist'), CREATE_BOARD_TOKEN: TOKEN },
  });
  try {
    await page.goto(`${server.url}/`);
    await page.getByLabel('Board title').fill('Closed deployment board');
    await page.getByRole('button', { name: 'Start a board' }).click();
    const problem = page.getByRole('alert');
    await expect(problem).toContainText('This server needs a board creation token to start a board.');
    const token = page.getByLabel('Board creation token');
    await expect(token).toBeFocused();

    await token.fill('not-the-token');
    await page.getByRole('button', { name: 'Start a board' }).click();
    await expect(problem).toContainText('That board creation token is not the right one.');

    await token.fill(TOKEN);
    await page.getByRole('button', { name: 'Start a board' }).click();
    await expect(page.getByRole('heading', { name: 'Your board is ready: Closed deployment board' })).toBeVisible();
    await expect(page.locator('#link-facilitator')).toHaveValue(new RegExp(`^${server.url}/b/`));
  } finally {
    await server.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
