/**
 * Offline work meets the server's rules. A contributor edits while offline; meanwhile the
 * facilitator locks the board or moves the phase on. When she reconnects, what the rules allow
 * is applied (the facilitator sees it), what they refuse is kept on her device in "Not sent" —
 * which card, what text, why and since when — survives a reload, and can be applied again once
 * the rules allow. And a page reloaded offline knows the rules it last saw.
 */
import { expect, test, type Page } from '@playwright/test';
import { addIdea, addProblem } from '../shared/board/index.ts';
import { PEOPLE, addCard, cardById, cardByTitle, createBoard, openAs, seedThroughServer, waitReady, type CreatedBoard } from './helpers.ts';

// these load the app with the network gone: the service worker must be there to serve it
test.use({ serviceWorkers: 'allow' });

const TOM = { participantId: 'seed-tom', name: 'Tom Whitfield', organisation: 'Leeds City Council', sector: 'public sector' as const };
const seedOrigin = { kind: 'seed' } as const;

/** A board with one problem and one idea on it, in its first phase. */
async function boardWithCards(request: Parameters<typeof createBoard>[0], baseURL: string, template: string): Promise<CreatedBoard> {
  const board = await createBoard(request, { title: 'Rules board', template });
  await seedThroughServer(baseURL, board, (doc) => {
    addProblem(doc, { id: 'problem-1', title: 'People miss rent payments', author: TOM }, seedOrigin);
    addIdea(doc, { id: 'idea-1', title: 'Text nudges', author: TOM, problemId: 'problem-1' }, seedOrigin);
  });
  return board;
}

async function whenOfflineReady(page: Page) {
  // the app shell cached and the page controlled, so a reload with no network works
  await page.waitForFunction(async () => {
    await navigator.serviceWorker.ready;
    return navigator.serviceWorker.controller !== null;
  });
}

async function goOffline(page: Page) {
  await page.context().setOffline(true);
  await expect(page.locator('.board')).toHaveAttribute('data-sync-status', 'offline');
}

async function goOnline(page: Page) {
  await page.context().setOffline(false);
}

/**
 * A page's document updates held up on their way to the server until `release`, as on a network
 * that stalls without going offline (no offline event, no new socket), then delivered one by one
 * in the order they were sent. Everything else (presence, commands, the heartbeat) goes through.
 */
function stalledUpdates() {
  let holding = false;
  const held: Array<() => void> = [];
  return {
    route: (page: Page) =>
      page.routeWebSocket(/\/ws\//, (ws) => {
        const server = ws.connectToServer();
        ws.onMessage((message) => {
          const send = () => server.send(message);
          // a y-websocket sync frame (type 0) carries document updates
          if (holding && typeof message !== 'string' && message[0] === 0) held.push(send);
          else send();
        });
        server.onMessage((message) => ws.send(message));
      }),
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const send of held.splice(0)) send();
    },
  };
}

async function renameCard(page: Page, id: string, title: string) {
  await cardById(page, id).locator('.card__title').click();
  const input = page.getByRole('textbox', { name: 'Title' });
  await input.fill(title);
  await input.press('Escape');
  await expectTitle(page, id, title);
}

/** A card's title as shown (after the lane name read to screen readers). */
async function expectTitle(page: Page, id: string, title: string) {
  const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await expect(cardById(page, id).locator('.card__title')).toHaveText(new RegExp(`(^|: )${escaped}$`));
}

/**
 * The page has kept what was refused, dropped its copy and reopened the board from the server,
 * and says so (the "Not sent" button shows before that, and the reopening would close the list).
 */
async function afterResync(page: Page) {
  await expect(page.getByTestId('banner').filter({ hasText: 'The board now shows what everyone sees' })).toBeVisible({ timeout: 20_000 });
}

/** The "Not sent" list, opened: one item per refused card. */
async function openNotSent(page: Page, count: number) {
  await expect(page.getByTestId('not-sent-button')).toHaveText(`Not sent (${count})`, { timeout: 20_000 });
  await page.getByTestId('not-sent-button').click();
  const dialog = page.getByTestId('not-sent');
  await expect(dialog.getByTestId('not-sent-item')).toHaveCount(count);
  return dialog;
}

test('lock while offline: nothing is applied, both changes are kept in “Not sent”, survive a reload, and apply again after unlocking', async ({ browser, request, baseURL }) => {
  const board = await boardWithCards(request, baseURL!, 'open');
  const fac = await openAs(browser, board, 'facilitator', PEOPLE.amira);
  const me = await openAs(browser, board, 'contributor', PEOPLE.rhys);
  await whenOfflineReady(me.page);

  await goOffline(me.page);
  await renameCard(me.page, 'idea-1', 'Text nudges in plain English');
  await addCard(me.page, 'problem', 'Letters arrive too late');

  const hhmm = () => new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' }).format(new Date());
  const beforeLock = hhmm();
  await fac.page.getByRole('button', { name: 'Lock board' }).click();
  await expect(fac.page.getByTestId('lock-indicator')).toBeVisible();
  const afterLock = hhmm();

  await goOnline(me.page);
  await afterResync(me.page);
  const dialog = await openNotSent(me.page, 2);
  // which card, what text, why and since when
  const edited = dialog.getByTestId('not-sent-item').filter({ hasText: 'Idea “Text nudges in plain English” (edited)' });
  // the time is when the facilitator locked it (the server's clock, which is this machine's here)
  await expect(edited).toContainText(new RegExp(`The facilitator locked the board at (${beforeLock}|${afterLock})\\.`));
  await expect(edited.getByRole('textbox')).toHaveValue(/^Text nudges in plain English/);
  const added = dialog.getByTestId('not-sent-item').filter({ hasText: 'Problem statement “Letters arrive too late” (new)' });
  await expect(added.getByRole('button', { name: 'Apply again' })).toBeDisabled();
  await expect(added).toContainText('Can’t apply it now: The board is locked by the facilitator.');
  await me.page.screenshot({ path: 'docs/not-sent.png' });
  // her board now shows what everyone sees
  await waitReady(me.page);
  await expectTitle(me.page, 'idea-1', 'Text nudges');
  await expect(cardByTitle(me.page, 'Letters arrive too late')).toHaveCount(0);
  // the facilitator never saw either change
  await expectTitle(fac.page, 'idea-1', 'Text nudges');
  await expect(cardByTitle(fac.page, 'Letters arrive too late')).toHaveCount(0);

  // the list is on the device: it survives a reload
  await me.page.reload();
  await waitReady(me.page);
  const again = await openNotSent(me.page, 2);

  // once unlocked, both apply again and the facilitator sees them
  await fac.page.getByRole('button', { name: 'Unlock board' }).click();
  await expect(me.page.getByTestId('lock-indicator')).toHaveCount(0);
  for (const label of ['Idea “Text nudges in plain English” (edited)', 'Problem statement “Letters arrive too late” (new)']) {
    const item = again.getByTestId('not-sent-item').filter({ hasText: label });
    await expect(item.getByRole('button', { name: 'Apply again' })).toBeEnabled();
    await item.getByRole('button', { name: 'Apply again' }).click();
    await expect(item).toHaveCount(0);
  }
  await expectTitle(fac.page, 'idea-1', 'Text nudges in plain English');
  await expect(cardByTitle(fac.page, 'Letters arrive too late')).toBeVisible();
  await expect(me.page.getByTestId('not-sent-button')).toHaveCount(0);
  await fac.context.close();
  await me.context.close();
});

test('phase change while offline, with allowed and forbidden changes mixed: the allowed ones reach the others, the forbidden one is kept', async ({ browser, request, baseURL }) => {
  // hackathon: Frame (problems) -> Ideate (ideas) -> Vote (no edits) -> Build (notes, edits)
  const board = await boardWithCards(request, baseURL!, 'hackathon');
  const fac = await openAs(browser, board, 'facilitator', PEOPLE.amira);
  await fac.page.getByRole('button', { name: 'Next: Ideate' }).click();
  await expect(fac.page.getByTestId('phase-name')).toHaveText('Ideate');
  const me = await openAs(browser, board, 'contributor', PEOPLE.hannah);
  await expect(me.page.getByTestId('phase-name')).toHaveText('Ideate');

  await goOffline(me.page);
  // allowed before and after the phase moves: editing cards already there
  await renameCard(me.page, 'problem-1', 'People miss rent payments in winter');
  // allowed now, forbidden once the phase moves on: a new idea
  await addCard(me.page, 'idea', 'A rent calendar on the fridge');
  await renameCard(me.page, 'idea-1', 'Text nudges a week before rent is due');

  await fac.page.getByRole('button', { name: 'Next: Vote' }).click();
  await fac.page.getByRole('button', { name: 'Next: Build' }).click();
  await expect(fac.page.getByTestId('phase-name')).toHaveText('Build');

  await goOnline(me.page);
  await afterResync(me.page);
  const dialog = await openNotSent(me.page, 1);
  const item = dialog.getByTestId('not-sent-item');
  await expect(item).toContainText('Idea “A rent calendar on the fridge” (new)');
  await expect(item).toContainText('You can’t add ideas during “Build”');
  await expect(item).toContainText(/the phase changed at \d\d:\d\d/);
  await expect(item.getByRole('button', { name: 'Apply again' })).toBeDisabled();
  await dialog.getByRole('button', { name: 'Close' }).first().click();

  // the allowed edits reached the facilitator, the forbidden card did not
  await expectTitle(fac.page, 'problem-1', 'People miss rent payments in winter');
  await expectTitle(fac.page, 'idea-1', 'Text nudges a week before rent is due');
  await expect(cardByTitle(fac.page, 'A rent calendar on the fridge')).toHaveCount(0);
  // and her own board agrees with everyone's
  await waitReady(me.page);
  await expectTitle(me.page, 'problem-1', 'People miss rent payments in winter');
  await expect(cardByTitle(me.page, 'A rent calendar on the fridge')).toHaveCount(0);
  await fac.context.close();
  await me.context.close();
});

test('a connection that stalls while the phase moves on: the changes arrive one by one after it; the refused card is kept once, the allowed edits reach the others', async ({ browser, request, baseURL }) => {
  const board = await boardWithCards(request, baseURL!, 'hackathon');
  const fac = await openAs(browser, board, 'facilitator', PEOPLE.amira);
  await fac.page.getByRole('button', { name: 'Next: Ideate' }).click();
  await expect(fac.page.getByTestId('phase-name')).toHaveText('Ideate');
  const stall = stalledUpdates();
  const me = await openAs(browser, board, 'contributor', PEOPLE.hannah, { beforeGoto: stall.route });
  await expect(me.page.getByTestId('phase-name')).toHaveText('Ideate');

  // written in Ideate, held up on the way: a rename, a new idea and its title, a rename
  stall.hold();
  await renameCard(me.page, 'problem-1', 'People miss rent payments in winter');
  await addCard(me.page, 'idea', 'A rent calendar on the fridge');
  await renameCard(me.page, 'idea-1', 'Text nudges a week before rent is due');
  await fac.page.getByRole('button', { name: 'Next: Vote' }).click();
  await fac.page.getByRole('button', { name: 'Next: Build' }).click();
  await expect(me.page.getByTestId('phase-name')).toHaveText('Build');
  // the server judges each in Build: the new idea is refused whole, and the title typed into it
  // (an update of its own) is refused as that idea, not as a second change it can't check
  stall.release();

  await afterResync(me.page);
  const dialog = await openNotSent(me.page, 1);
  const item = dialog.getByTestId('not-sent-item');
  await expect(item).toContainText('Idea “A rent calendar on the fridge” (new)');
  await expect(item).toContainText('You can’t add ideas during “Build”');
  await dialog.getByRole('button', { name: 'Close' }).first().click();
  // the rename sent after the refused idea reached the facilitator too (the page sent its
  // changes again before dropping its copy)
  await expectTitle(fac.page, 'problem-1', 'People miss rent payments in winter');
  await expectTitle(fac.page, 'idea-1', 'Text nudges a week before rent is due');
  await expect(cardByTitle(fac.page, 'A rent calendar on the fridge')).toHaveCount(0);
  await waitReady(me.page);
  await expectTitle(me.page, 'idea-1', 'Text nudges a week before rent is due');
  await fac.context.close();
  await me.context.close();
});

test('an offline reload knows the phase, lock and role it last saw, and keeps keystrokes typed just before it', async ({ browser, request, baseURL }) => {
  const board = await boardWithCards(request, baseURL!, 'hackathon');
  const fac = await openAs(browser, board, 'facilitator', PEOPLE.amira);
  await fac.page.getByRole('button', { name: 'Next: Ideate' }).click();
  const me = await openAs(browser, board, 'contributor', PEOPLE.sam);
  await expect(me.page.getByTestId('phase-name')).toHaveText('Ideate');
  await whenOfflineReady(me.page);

  await goOffline(me.page);
  await me.page.reload();
  await waitReady(me.page, 'offline');
  // the rules it last saw: Ideate takes ideas only, and this is a contributor
  await expect(me.page.getByTestId('phase-name')).toHaveText('Ideate');
  await expect(me.page.getByTestId('role')).toContainText('Contributor');
  await expect(me.page.locator('[data-add-lane="idea"]')).toBeVisible();
  await expect(me.page.locator('[data-add-lane="problem"]')).toHaveCount(0);
  await expect(me.page.locator('[data-add-lane="note"]')).toHaveCount(0);

  // type, then reload at once: nothing waits for IndexedDB
  await cardById(me.page, 'idea-1').locator('.card__title').click();
  const input = me.page.getByRole('textbox', { name: 'Title' });
  await input.press('End');
  await input.pressSequentially(' by SMS');
  await me.page.reload();
  await waitReady(me.page, 'offline');
  await expectTitle(me.page, 'idea-1', 'Text nudges by SMS');

  // a lock seen before going offline is remembered too
  await goOnline(me.page);
  await waitReady(me.page);
  await expectTitle(fac.page, 'idea-1', 'Text nudges by SMS');
  await fac.page.getByRole('button', { name: 'Lock board' }).click();
  await expect(me.page.getByTestId('lock-indicator')).toBeVisible();
  await goOffline(me.page);
  await me.page.reload();
  await waitReady(me.page, 'offline');
  await expect(me.page.getByTestId('lock-indicator')).toBeVisible();
  await expect(me.page.locator('[data-add-lane]')).toHaveCount(0);
  await fac.context.close();
  await me.context.close();
});
