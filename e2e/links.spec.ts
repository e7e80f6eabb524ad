/**
 * Links that are broken on the way to the page: a malformed `%` in the path, a mis-encoded or
 * truncated token. Each gets a page that says what is wrong with the link, never a blank page and
 * never "You are offline" while the network is there.
 */
import { expect, test, type Page } from '@playwright/test';
import { createBoard } from './helpers.ts';

// these load the app with the network gone: the service worker must be there to serve it
test.use({ serviceWorkers: 'allow' });

async function expectBadLink(page: Page, noun: 'board' | 'brief') {
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`This link does not open this ${noun}`);
  await expect(page.getByText('The link may have been mistyped or replaced')).toBeVisible();
  await expect(page.getByText('You are offline')).toHaveCount(0);
}

test('a malformed % in the path shows the bad-link page, for the board and the brief', async ({ page, request }) => {
  const board = await createBoard(request, { title: 'Percent board' });
  const token = encodeURIComponent(board.tokens.contributor);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  for (const path of [`/b/${board.id}%2?token=${token}`, `/b/%E0%A4%A?token=x`, `/b/${board.id}%2/brief?token=${token}`, `/b/%/brief`]) {
    await page.goto(path);
    await expectBadLink(page, path.includes('/brief') ? 'brief' : 'board');
  }
  expect(errors).toEqual([]);
});

test('a mis-encoded or truncated token, online, is a bad link and not "offline"', async ({ page, request }) => {
  const board = await createBoard(request, { title: 'Token board' });
  const good = board.tokens.contributor;
  const tokens = ['%ZZ', encodeURIComponent(good.slice(0, 10)), '%E2%82%AC', '%0Abad', `${encodeURIComponent(good)}%`, '%'];
  for (const token of tokens) {
    await page.goto(`/b/${board.id}?token=${token}`);
    await expectBadLink(page, 'board');
    await page.goto(`/b/${board.id}/brief?token=${token}`);
    await expectBadLink(page, 'brief');
  }
});

test('a link never opened on this device, with the network really gone, still says offline', async ({ page, request }) => {
  const board = await createBoard(request, { title: 'Never opened here' });
  await page.goto('/');
  // the app shell must be cached and the page controlled before the network goes away
  await page.waitForFunction(async () => {
    await navigator.serviceWorker.ready;
    return navigator.serviceWorker.controller !== null;
  });
  await page.context().setOffline(true);
  await page.goto(`/b/${board.id}?token=${encodeURIComponent(board.tokens.contributor)}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You are offline');
  await expect(page.getByText('This board has not been opened on this device before')).toBeVisible();
});
