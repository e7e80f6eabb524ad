/**
 * Live collaboration: a board created in the page, opened by two
 * people in separate browser contexts, each page on ONE WebSocket; same-card body editing with
 * both carets visible and labelled, and no caret leaking into another card.
 */
import { expect, test } from '@playwright/test';
import { PEOPLE, bodyEditor, cardById, cardByTitle, createBoard, join, openAs, waitReady } from './helpers.ts';

test('create a board in the page, open it in two contexts, type in one, see it in the other', async ({ browser }) => {
  const a = await browser.newContext();
  const pageA = await a.newPage();
  const socketsA: string[] = [];
  pageA.on('websocket', (ws) => socketsA.push(ws.url()));

  await pageA.goto('/');
  await pageA.getByLabel('Board title').fill('Two-context board');
  await pageA.getByLabel(/Challenge/).fill('How might we test real-time sync?');
  await pageA.getByRole('button', { name: 'Start a board' }).click();
  await expect(pageA.getByRole('heading', { name: /Your board is ready/ })).toBeVisible();
  for (const role of ['Facilitator', 'Contributor', 'Viewer']) {
    await expect(pageA.getByRole('heading', { name: role, exact: true })).toBeVisible();
    await expect(pageA.getByRole('button', { name: `Copy ${role.toLowerCase()} link` })).toBeVisible();
  }
  const contributorLink = await pageA.getByLabel('Contributor link').inputValue();
  await pageA.getByTestId('open-board').click();
  await expect(pageA.getByRole('heading', { name: /You are joining/ })).toContainText('facilitator');
  await join(pageA, PEOPLE.amira);
  await waitReady(pageA);

  const b = await browser.newContext();
  const pageB = await b.newPage();
  const socketsB: string[] = [];
  pageB.on('websocket', (ws) => socketsB.push(ws.url()));
  await pageB.goto(new URL(contributorLink).pathname + new URL(contributorLink).search);
  await join(pageB, PEOPLE.rhys);
  await waitReady(pageB);
  await expect(pageB.getByTestId('role')).toContainText('Contributor');

  // A adds a problem and types its title and body; B sees both.
  await pageA.getByRole('button', { name: '+ Add problem', exact: true }).click();
  const title = pageA.getByRole('textbox', { name: 'Title' });
  await expect(title).toBeFocused();
  await title.fill('How might we reach renters before arrears build up?');
  await title.press('Enter');
  const id = await pageA.locator('article.card--open').getAttribute('data-card-id');
  expect(id).toBeTruthy();
  const body = bodyEditor(pageA, id!);
  await expect(body).toBeFocused();
  await pageA.keyboard.type('Letters arrive too late.');

  await expect(cardByTitle(pageB, 'How might we reach renters')).toBeVisible();
  await expect(cardById(pageB, id!)).toContainText('Letters arrive too late.');
  // The live region told B about the addition.
  await expect(pageB.getByTestId('live-region')).toContainText('Amira Khan added a problem statement');
  // Presence: both people, with sector labels.
  await expect(pageB.getByTestId('presence-count')).toHaveText('2 here');

  // One WebSocket per board page, however many editors were mounted.
  expect(socketsA.filter((u) => u.includes('/ws/'))).toHaveLength(1);
  expect(socketsB.filter((u) => u.includes('/ws/'))).toHaveLength(1);

  // Closing a tab removes that person within seconds.
  await b.close();
  await expect(pageA.getByTestId('presence-count')).toHaveText('1 here', { timeout: 8_000 });
  await a.close();
});

test('two people edit the same card body at once; carets are shown, labelled, and only in their card', async ({ browser, request }) => {
  const board = await createBoard(request, { title: 'Same-card editing' });
  const A = await openAs(browser, board, 'contributor', PEOPLE.amira);
  const B = await openAs(browser, board, 'contributor', PEOPLE.rhys);
  const C = await openAs(browser, board, 'contributor', PEOPLE.hannah);

  // A makes two cards.
  await A.page.getByRole('button', { name: '+ Add problem', exact: true }).click();
  await A.page.getByRole('textbox', { name: 'Title' }).fill('Shared card');
  const shared = (await A.page.locator('article.card--open').getAttribute('data-card-id'))!;
  await A.page.getByRole('textbox', { name: 'Title' }).press('Escape');
  await A.page.getByRole('button', { name: '+ Add problem', exact: true }).click();
  await A.page.getByRole('textbox', { name: 'Title' }).fill('Other card');
  const other = (await A.page.locator('article.card--open').getAttribute('data-card-id'))!;
  await A.page.getByRole('textbox', { name: 'Title' }).press('Escape');

  // A and B open the shared card's body; C opens the other card's body.
  await cardById(A.page, shared).locator('.card__title').click();
  await bodyEditor(A.page, shared).click();
  await expect(bodyEditor(A.page, shared)).toBeFocused();
  await cardById(B.page, shared).locator('.card__title').click();
  await bodyEditor(B.page, shared).click();
  await expect(bodyEditor(B.page, shared)).toBeFocused();
  await cardById(C.page, other).locator('.card__title').click();
  await bodyEditor(C.page, other).click();
  await expect(bodyEditor(C.page, other)).toBeFocused();

  // A starts the text; B goes to a new paragraph under it; then both type at the same time.
  await A.page.keyboard.type('Shared notes:');
  await expect(bodyEditor(B.page, shared)).toContainText('Shared notes:');
  await B.page.keyboard.press('Control+End');
  await B.page.keyboard.press('Enter');
  await expect(bodyEditor(A.page, shared).locator('p')).toHaveCount(2);
  await Promise.all([A.page.keyboard.type(' Alpha from Amira.'), B.page.keyboard.type('Bravo from Rhys.')]);
  await C.page.keyboard.type('Charlie elsewhere.');

  for (const p of [A.page, B.page]) {
    await expect(bodyEditor(p, shared)).toContainText('Shared notes: Alpha from Amira.');
    await expect(bodyEditor(p, shared)).toContainText('Bravo from Rhys.');
  }
  // Both converged on the same text.
  expect(await bodyEditor(A.page, shared).innerText()).toBe(await bodyEditor(B.page, shared).innerText());
  // Each sees the other's caret, labelled with their name, inside the shared card.
  const caretIn = (p: typeof A.page, id: string) => cardById(p, id).locator('.remote-caret');
  await expect(caretIn(A.page, shared).filter({ hasText: 'Rhys Morgan' })).toBeVisible();
  await expect(caretIn(B.page, shared).filter({ hasText: 'Amira Khan' })).toBeVisible();
  // Hannah edits another card: her caret is in neither A's nor B's shared card.
  await expect(caretIn(A.page, shared).filter({ hasText: 'Hannah Cole' })).toHaveCount(0);
  await expect(caretIn(B.page, shared).filter({ hasText: 'Hannah Cole' })).toHaveCount(0);
  // ... and the board shows that she is editing the other card.
  await expect(cardById(A.page, other)).toContainText('Hannah Cole is editing');
  await expect(cardById(A.page, other)).toContainText('Charlie elsewhere.');

  for (const s of [A, B, C]) await s.context.close();
});
