/**
 * Offline: B goes offline, edits two cards, reloads with no network at all (service worker shell
 * + IndexedDB board), still sees the edits and says it is offline; back online, the status goes
 * to synced and A sees both edits.
 */
import { expect, test } from '@playwright/test';
import { addProblem } from '../shared/board/index.ts';
import { PEOPLE, bodyEditor, cardById, cardByTitle, createBoard, openAs, seedThroughServer, waitReady } from './helpers.ts';

// these load the app with the network gone: the service worker must be there to serve it
test.use({ serviceWorkers: 'allow' });

const AUTHOR = { participantId: 'seed', name: 'Tom Whitfield', organisation: 'Leeds City Council', sector: 'public sector' as const };

test('edits made offline survive an offline reload and merge when the connection returns', async ({ browser, request, baseURL }) => {
  const board = await createBoard(request, { title: 'Offline board' });
  await seedThroughServer(baseURL!, board, (doc) => {
    addProblem(doc, { title: 'First card', author: AUTHOR, id: 'card-one' }, { kind: 'seed' });
    addProblem(doc, { title: 'Second card', author: AUTHOR, id: 'card-two' }, { kind: 'seed' });
  });
  const A = await openAs(browser, board, 'contributor', PEOPLE.amira);
  const B = await openAs(browser, board, 'contributor', PEOPLE.rhys);

  // The app shell must be cached and the page controlled before the network goes away.
  await B.page.waitForFunction(async () => {
    await navigator.serviceWorker.ready;
    return navigator.serviceWorker.controller !== null;
  });
  // Record every status the board root shows from now on.
  const trackStatuses = () =>
    B.page.evaluate(() => {
      const w = window as unknown as { __statuses: string[] };
      w.__statuses = [document.querySelector('.board')!.getAttribute('data-sync-status')!];
      new MutationObserver(() => {
        const s = document.querySelector('.board')?.getAttribute('data-sync-status');
        if (s && w.__statuses.at(-1) !== s) w.__statuses.push(s);
      }).observe(document.body, { attributes: true, subtree: true, attributeFilter: ['data-sync-status'] });
    });
  await trackStatuses();

  await B.context.setOffline(true);
  await expect(B.page.locator('.board')).toHaveAttribute('data-sync-status', 'offline');
  await expect(B.page.getByTestId('sync-indicator')).toHaveText(/Offline — changes kept on this device/);

  // Edit 1: the first card's title. Edit 2: the second card's body.
  await cardById(B.page, 'card-one').locator('.card__title').click();
  await B.page.getByRole('textbox', { name: 'Title' }).fill('First card, renamed offline');
  await B.page.getByRole('textbox', { name: 'Title' }).press('Escape');
  await cardById(B.page, 'card-two').locator('.card__title').click();
  await B.page.getByRole('textbox', { name: 'Title' }).press('Enter');
  await expect(bodyEditor(B.page, 'card-two')).toBeFocused();
  await B.page.keyboard.type('Body written without a network.');
  await B.page.keyboard.press('Escape');
  await expect(cardById(B.page, 'card-two')).toContainText('Body written without a network.');

  // A sees nothing yet.
  await expect(cardByTitle(A.page, 'renamed offline')).toHaveCount(0);

  // Reload with no network: the shell comes from the service worker, the board from IndexedDB.
  // First wait until the edits are on disk (a reload aborts IndexedDB writes still in flight).
  await B.page.evaluate(() => (window as unknown as { __crossboard: { whenPersisted(): Promise<void> } }).__crossboard.whenPersisted());
  await B.page.reload();
  await waitReady(B.page, 'offline');
  await expect(cardByTitle(B.page, 'First card, renamed offline')).toBeVisible();
  await expect(cardById(B.page, 'card-two')).toContainText('Body written without a network.');
  await trackStatuses();

  await B.context.setOffline(false);
  await expect(B.page.locator('.board')).toHaveAttribute('data-sync-status', 'synced', { timeout: 20_000 });
  const statuses = await B.page.evaluate(() => (window as unknown as { __statuses: string[] }).__statuses);
  expect(statuses[0]).toBe('offline');
  expect(statuses.at(-1)).toBe('synced');

  await expect(cardByTitle(A.page, 'First card, renamed offline')).toBeVisible();
  await expect(cardById(A.page, 'card-two')).toContainText('Body written without a network.');
  await A.context.close();
  await B.context.close();
});
