/** A viewer sees the board live and has no way to change it; a forced write changes nothing. */
import { expect, test } from '@playwright/test';
import { addProblem } from '../shared/board/index.ts';
import { PEOPLE, cardById, cardByTitle, createBoard, openAs, seedThroughServer } from './helpers.ts';

const AUTHOR = { participantId: 'seed', name: 'Tom Whitfield', organisation: 'Leeds City Council', sector: 'public sector' as const };

test('a viewer has no editing affordances, and the server ignores its writes', async ({ browser, request, baseURL }) => {
  const board = await createBoard(request, { title: 'Viewer board' });
  await seedThroughServer(baseURL!, board, (doc) => addProblem(doc, { title: 'Seeded problem', author: AUTHOR, id: 'p1' }, { kind: 'seed' }));
  const V = await openAs(browser, board, 'viewer', PEOPLE.sam);
  const C = await openAs(browser, board, 'contributor', PEOPLE.amira);

  await expect(V.page.getByTestId('role')).toContainText('Viewer');
  await expect(V.page.getByTestId('viewer-banner')).toBeVisible();
  await expect(V.page.getByRole('button', { name: /^\+ Add/ })).toHaveCount(0);
  // (a device preference such as the end-of-timer sound is not an editing affordance)
  await expect(V.page.locator('[contenteditable="true"], input:not([data-preference]), textarea, select')).toHaveCount(0);

  // Clicking, Enter, N, M and Delete on a card do nothing.
  const card = cardById(V.page, 'p1');
  await card.click();
  await card.focus();
  for (const key of ['Enter', 'n', 'm', 'Delete']) await V.page.keyboard.press(key);
  await expect(V.page.locator('article.card--open')).toHaveCount(0);
  await expect(V.page.locator('article.card')).toHaveCount(1);
  await expect(V.page.locator('[contenteditable="true"], input:not([data-preference]), textarea')).toHaveCount(0);

  // Live: a contributor's new card appears for the viewer.
  await C.page.getByRole('button', { name: '+ Add problem', exact: true }).click();
  await C.page.getByRole('textbox', { name: 'Title' }).fill('Added while the sponsor watches');
  await expect(cardByTitle(V.page, 'Added while the sponsor watches')).toBeVisible();

  // Even a write forced into the viewer's document never reaches anyone else.
  await V.page.evaluate(() => {
    const conn = (window as unknown as { __crossboard: { doc: { getMap(n: string): { set(k: string, v: unknown): void } } } }).__crossboard;
    conn.doc.getMap('meta').set('title', 'Hacked by a viewer');
  });
  await C.page.getByRole('textbox', { name: 'Title' }).fill('Added while the sponsor watches, again');
  await expect(cardByTitle(V.page, 'again')).toBeVisible();
  await expect(C.page.getByRole('heading', { level: 1 })).toHaveText('Viewer board');
  await V.context.close();
  await C.context.close();
});
