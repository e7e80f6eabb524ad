/**
 * Screenshots for docs/ and the README: the landing page, the join step, the fixture board with
 * several people present (each in a browser context of their own), the offline state, an idea
 * being dragged onto a theme, and a 360 px phone. Run as part of the suite; the files are overwritten each run.
 */
import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { seedBoardFromFixture, type BoardFixture } from '../shared/fixtures.ts';
import techConnect from '../shared/fixtures/tech-connect-board.json' with { type: 'json' };
import { PEOPLE, bodyEditor, cardByTitle, createBoard, openAs, pathFor, seedThroughServer, waitReady } from './helpers.ts';

const fixture = techConnect as BoardFixture;
fs.mkdirSync('docs', { recursive: true });

test('screenshots: landing, join, busy board, offline, phone', async ({ browser, request, baseURL }) => {
  test.setTimeout(300_000);
  // Landing, with this device's recent boards empty.
  const landing = await browser.newContext();
  const lp = await landing.newPage();
  await lp.goto('/');
  await expect(lp.getByRole('heading', { name: /Work on a public challenge/ })).toBeVisible();
  await lp.getByLabel('Board title').fill(fixture.title);
  await lp.getByLabel(/Challenge/).fill(fixture.challenge);
  await lp.getByLabel(/Sponsor/).fill(fixture.sponsor);
  await lp.screenshot({ path: 'docs/landing.png', fullPage: true });
  await landing.close();

  const board = await createBoard(request, { title: fixture.title, challenge: fixture.challenge, sponsor: fixture.sponsor, template: fixture.template });
  await seedThroughServer(baseURL!, board, (doc) => seedBoardFromFixture(doc, fixture));

  // Join step.
  const joinCtx = await browser.newContext();
  const jp = await joinCtx.newPage();
  await jp.goto(pathFor(board, 'contributor'));
  await jp.getByLabel('Your name').fill('Priya Nair');
  await jp.getByLabel(/Organisation/).fill('Datalane Analytics');
  await jp.getByRole('radio', { name: /Private sector/ }).check();
  await jp.screenshot({ path: 'docs/join.png', fullPage: true });
  await joinCtx.close();

  // A busy board: five people in separate contexts, two in the same idea, one in another card.
  const amira = await openAs(browser, board, 'facilitator', PEOPLE.amira);
  const others = [];
  for (const p of [PEOPLE.rhys, PEOPLE.hannah, PEOPLE.sam, PEOPLE.jo]) others.push(await openAs(browser, board, 'contributor', p));
  const [rhys, hannah] = others;
  const ideaTitle = 'Text-message nudges';
  const idea = cardByTitle(amira.page, ideaTitle).first();
  await expect(idea).toBeVisible();
  const ideaId = (await idea.getAttribute('data-card-id'))!;
  await idea.locator('.card__title').click();
  await expect(bodyEditor(amira.page, ideaId)).toBeVisible();
  const rhysCard = rhys!.page.locator(`article.card[data-card-id="${ideaId}"]`);
  await rhysCard.locator('.card__title').click();
  await bodyEditor(rhys!.page, ideaId).click();
  await rhys!.page.keyboard.press('Control+End');
  await rhys!.page.keyboard.type(' Pilot with two housing teams.');
  await expect(amira.page.locator('.remote-caret').filter({ hasText: 'Rhys Morgan' })).toBeVisible();
  const problem = hannah!.page.locator('article.card[data-kind="problem"]').first();
  await problem.locator('.card__title').click();
  await hannah!.page.locator('[data-card-body]').click();
  await expect(amira.page.getByText('Hannah Cole is editing')).toBeVisible();
  await expect(amira.page.getByTestId('presence-count')).toHaveText('5 here');
  await amira.page.screenshot({ path: 'docs/board.png' });

  // Offline: Amira's connection drops; her edit is kept on this device.
  await amira.page.getByRole('button', { name: 'Done' }).click();
  await amira.context.setOffline(true);
  await expect(amira.page.locator('.board')).toHaveAttribute('data-sync-status', 'offline');
  await amira.page.getByRole('button', { name: '+ Add idea', exact: true }).click();
  await amira.page.getByRole('textbox', { name: 'Title' }).fill('Drop-in advice at job centres (added offline)');
  await amira.page.getByRole('textbox', { name: 'Title' }).press('Escape');
  await amira.page.screenshot({ path: 'docs/offline.png' });
  await amira.context.setOffline(false);
  await waitReady(amira.page);

  // Clustering: an idea dragged onto a theme in the Ideas lane's list of themes (mid-drag).
  const sam = others[2]!.page;
  const dragged = sam.locator('[data-lane="idea"] article.card').nth(1);
  const chip = sam.locator('[data-lane="idea"] .theme-chip').nth(1);
  const from = (await dragged.boundingBox())!;
  await sam.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await sam.mouse.down();
  await sam.mouse.move(from.x + from.width / 2, from.y + from.height / 2 + 12, { steps: 3 });
  const to = (await chip.boundingBox())!;
  await sam.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 6 });
  await expect(chip).toHaveClass(/drop-zone--over/);
  await sam.screenshot({ path: 'docs/themes.png' });
  await sam.keyboard.press('Escape');
  await sam.mouse.up();

  // Phone, 360 px wide: lanes stack behind a lane switcher.
  const priya = { name: 'Priya Nair', organisation: 'Datalane Analytics', sector: 'private sector' as const };
  const phone = await openAs(browser, board, 'contributor', priya, { viewport: { width: 360, height: 740 } });
  await phone.page.getByRole('button', { name: 'Ideas', exact: true }).click();
  await phone.page.screenshot({ path: 'docs/phone.png' });

  for (const s of [amira, ...others, phone]) await s.context.close();
});
