/**
 * Presence after a reconnect: when a contributor's network comes back, the others see her present
 * again within a second. (Playwright's setOffline does not close an open WebSocket: its frames are
 * held until the network returns, so the server keeps the old connection meanwhile.)
 */
import { expect, test } from '@playwright/test';
import { PEOPLE, createBoard, openAs } from './helpers.ts';

test('a contributor back online is present again for the others within 1 s', async ({ browser, request }) => {
  test.setTimeout(120_000);
  const board = await createBoard(request, { title: 'Presence board' });
  const A = await openAs(browser, board, 'contributor', PEOPLE.amira);
  const B = await openAs(browser, board, 'contributor', PEOPLE.rhys);
  await expect(B.page.getByTestId('presence-count')).toHaveText('2 here');

  await A.context.setOffline(true);
  await expect(A.page.locator('.board')).toHaveAttribute('data-sync-status', 'offline');
  // long enough for the room to give her up (awareness times out after 30 s without a sign of life)
  await expect(B.page.getByTestId('presence-count')).toHaveText('1 here', { timeout: 60_000 });

  await A.context.setOffline(false);
  const back = Date.now();
  await expect(B.page.getByTestId('presence-count')).toHaveText('2 here', { timeout: 1_000 });
  console.log(`present again after ${Date.now() - back} ms`);
  await expect(A.page.locator('.board')).toHaveAttribute('data-sync-status', 'synced');
  await A.context.close();
  await B.context.close();
});
