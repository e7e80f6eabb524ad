/**
 * Facilitation in the browser: a facilitator and two participants, each in a browser context of
 * their own, run a whole Lightning decision jam — problems, a vote on them, reveal, reframe,
 * solutions written in private mode (and checked invisible to the other participant until the
 * reveal), a vote on ideas, a second round, reveal — with the timer running in every phase and
 * agreeing on all three screens, although one participant's laptop clock is seven minutes slow.
 * Every screen of the flow is saved to docs/. A second test covers the people and links: removal
 * (4403), a replaced link (4401), the facilitator replacing their own link, and a refused update
 * that makes the page drop its copy and resync.
 */
import fs from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { PEOPLE, addCard, cardByTitle, createBoard, join, openAs, waitReady, type Person } from './helpers.ts';

fs.mkdirSync('docs', { recursive: true });

const P = {
  letters: 'Letters about arrears arrive too late',
  view: 'No single view of who is at risk',
  jargon: 'Forms are full of jargon',
  reframed: 'How might we reach renters before arrears build up?',
  nudges: 'Text-message nudges in plain English',
  hub: 'One shared risk register for council and charities',
  checkin: 'Monthly check-in call from a named caseworker',
};

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
}

/** A participant on the contributor link, optionally with a laptop clock that is off. */
async function participant(browser: Browser, link: string, person: Person, clockOffsetMs = 0): Promise<Page> {
  const context = await browser.newContext();
  if (clockOffsetMs !== 0) await context.clock.install({ time: Date.now() + clockOffsetMs });
  const page = await context.newPage();
  await page.goto(link);
  await join(page, person);
  await waitReady(page);
  await expect(page.locator('.board')).toHaveAttribute('data-session', 'joined');
  return page;
}

async function phaseIs(pages: Page[], name: string) {
  for (const p of pages) await expect(p.getByTestId('phase-name')).toHaveText(name);
}

/** Every screen shows a running timer, and they agree within 2 seconds. */
async function timersAgree(pages: Page[]) {
  for (const p of pages) {
    await expect(p.getByTestId('timer')).toHaveAttribute('data-status', 'running');
    await expect(p.getByTestId('timer')).toHaveText(/^\d+:\d\d left$/);
  }
  const left = await Promise.all(pages.map(async (p) => Number(await p.getByTestId('timer').getAttribute('data-remaining-ms'))));
  expect(Math.max(...left) - Math.min(...left), `time left on each screen: ${left.join(', ')} ms`).toBeLessThan(2000);
  return left;
}

async function startTimer(fac: Page, minutes: 1 | 3 | 5 | 10) {
  await fac.getByTestId(`timer-${minutes}`).click();
}

async function dot(page: Page, title: string) {
  await cardByTitle(page, title).getByTestId('cast-dot').click();
}

/** Dismisses the banners, so a screenshot shows the board itself. */
async function clearBanners(page: Page) {
  const close = page.locator('.fac-banner__close');
  while ((await close.count()) > 0) await close.first().click();
}

async function shot(page: Page, path: string) {
  await clearBanners(page);
  await page.screenshot({ path });
}

async function banner(page: Page, text: string | RegExp) {
  await expect(page.getByTestId('banner').filter({ hasText: text }).first()).toBeVisible();
}

test('a full Lightning decision jam: three people, two votes, private ideas, the timer throughout', async ({ browser }) => {
  test.setTimeout(420_000);

  // --- The facilitator creates the board from the template on the landing page.
  const facContext = await browser.newContext();
  const fac = await facContext.newPage();
  await fac.goto('/');
  await fac.getByLabel('Board title').fill('Preventing homelessness: decision jam');
  await fac.getByLabel(/Challenge/).fill('How might we prevent homelessness before it starts?');
  await fac.getByLabel('Template').selectOption('lightning-decision-jam');
  await fac.getByRole('button', { name: 'Start a board' }).click();
  await expect(fac.getByRole('heading', { name: /Your board is ready/ })).toBeVisible();
  const contributorLink = new URL(await fac.getByLabel('Contributor link').inputValue());
  const link = contributorLink.pathname + contributorLink.search;
  await fac.getByTestId('open-board').click();
  await join(fac, PEOPLE.amira);
  await waitReady(fac);
  await expect(fac.getByTestId('facilitator-bar')).toBeVisible();

  // Rhys's laptop is fine; Hannah's clock is seven minutes slow. Neither matters to the timer.
  const rhys = await participant(browser, link, PEOPLE.rhys);
  const hannah = await participant(browser, link, PEOPLE.hannah, -7 * 60_000);
  const all = [fac, rhys, hannah];
  const people = [rhys, hannah];
  for (const p of people) await expect(p.getByTestId('facilitator-bar')).toHaveCount(0);
  await phaseIs(all, 'Problems');
  await expect(fac.getByTestId('open-people')).toHaveText('Participants (3)');

  // --- Phase 1, Problems: a 10-minute timer, everyone adds problems.
  await startTimer(fac, 10);
  for (const p of all) await banner(p, 'Timer started: 10 minutes.');
  await timersAgree(all);
  // Contributors may only add problems in this phase: no Add idea / Add note buttons.
  await expect(rhys.locator('[data-add-lane="idea"]')).toHaveCount(0);
  await expect(rhys.locator('[data-add-lane="note"]')).toHaveCount(0);
  await addCard(rhys, 'problem', P.letters);
  await addCard(hannah, 'problem', P.view);
  await addCard(fac, 'problem', P.jargon);
  for (const p of all) for (const t of [P.letters, P.view, P.jargon]) await expect(cardByTitle(p, t)).toBeVisible();
  await timersAgree(all);
  await shot(fac, 'docs/ldj-1-problems.png');
  await fac.getByTestId('facilitator-bar').screenshot({ path: 'docs/facilitator-bar.png' });

  // --- Phase 2, Vote on problems.
  await fac.getByTestId('phase-next').click();
  await phaseIs(all, 'Vote on problems');
  for (const p of people) {
    await banner(p, 'Now: Vote on problems');
    await expect(p.locator('[data-add-lane="problem"]')).toHaveCount(0);
    await expect(p.getByTestId('read-only-note')).toContainText('Cards can’t be changed during “Vote on problems”');
  }
  await startTimer(fac, 5);
  await fac.getByTestId('start-vote').click();
  const dialog = fac.getByTestId('vote-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Problem statements');
  await dialog.screenshot({ path: 'docs/ldj-vote-dialog.png' });
  await dialog.getByTestId('open-vote').click();
  await expect(dialog).toHaveCount(0);
  for (const p of people) {
    await banner(p, 'Voting is open on problem statements — you have 3 dots');
    await expect(p.getByTestId('dots-left')).toHaveText('3 of 3 dots left');
  }
  await hannah.screenshot({ path: 'docs/ldj-banner-vote-open.png' });
  // the facilitator does not vote in this round: no dot buttons, a plain "Voting on" flag
  await expect(fac.getByTestId('cast-dot')).toHaveCount(0);
  await expect(fac.getByTestId('vote-open')).toBeVisible();

  // Rhys: two dots on one problem, then a third is refused with the reason on the card.
  await dot(rhys, P.letters);
  await expect(rhys.getByTestId('dots-left')).toHaveText('2 of 3 dots left');
  await dot(rhys, P.letters);
  await expect(cardByTitle(rhys, P.letters).getByTestId('my-dots')).toHaveText('Your dots: 2');
  await dot(rhys, P.letters);
  await expect(cardByTitle(rhys, P.letters).getByTestId('vote-error')).toHaveText('A card can get at most 2 dots from one person.');
  await dot(rhys, P.view);
  await expect(rhys.getByTestId('dots-left')).toHaveText('0 of 3 dots left');
  await dot(rhys, P.jargon);
  await expect(cardByTitle(rhys, P.jargon).getByTestId('vote-error')).toHaveText('You have used all 3 of your dots. Take one back to move it.');

  // Hannah votes with the keyboard: V places a dot on the focused card, Shift+V takes one back.
  await cardByTitle(hannah, P.view).focus();
  await hannah.keyboard.press('v');
  await expect(hannah.getByTestId('dots-left')).toHaveText('2 of 3 dots left');
  await hannah.keyboard.press('Shift+V');
  await expect(hannah.getByTestId('dots-left')).toHaveText('3 of 3 dots left');
  await hannah.keyboard.press('v');
  await hannah.keyboard.press('v');
  await expect(cardByTitle(hannah, P.view).getByTestId('my-dots')).toHaveText('Your dots: 2');
  await cardByTitle(hannah, P.letters).focus();
  await hannah.keyboard.press('v');
  await expect(hannah.getByTestId('dots-left')).toHaveText('0 of 3 dots left');

  // Identity survives a reload: Rhys comes back as himself, with his dots.
  await rhys.reload();
  await waitReady(rhys);
  await expect(rhys.getByTestId('dots-left')).toHaveText('0 of 3 dots left');
  await expect(cardByTitle(rhys, P.letters).getByTestId('my-dots')).toHaveText('Your dots: 2');
  await expect(fac.getByTestId('vote-progress')).toHaveText('Vote 1 open: 2 people have voted');
  // nobody, the facilitator included, sees a total before the reveal
  for (const p of all) await expect(p.getByTestId('tally')).toHaveCount(0);
  await timersAgree(all);
  // the reload re-sent Rhys's offline copy: nothing in it was new, so nothing was refused
  await expect(rhys.getByTestId('banner').filter({ hasText: 'not saved' })).toHaveCount(0);
  await shot(rhys, 'docs/ldj-2-vote-problems.png');
  // the same on a 360 px phone, for a participant and for the facilitator
  for (const [page, path] of [
    [rhys, 'docs/ldj-phone-vote.png'],
    [fac, 'docs/ldj-phone-facilitator.png'],
  ] as const) {
    await page.setViewportSize({ width: 360, height: 740 });
    await shot(page, path);
    await page.setViewportSize({ width: 1440, height: 900 });
  }

  // axe, during a vote: a participant's board, and the facilitator's with the bar open.
  expect(await seriousViolations(rhys)).toEqual([]);
  expect(await seriousViolations(fac)).toEqual([]);

  // --- Reveal: totals and the sector breakdown in words on every screen.
  await fac.getByTestId('reveal-vote').click();
  for (const p of all) {
    await banner(p, 'The results are in');
    await expect(cardByTitle(p, P.letters).getByTestId('tally')).toContainText('3 dots: 2 private, 1 voluntary and community');
    await expect(cardByTitle(p, P.view).getByTestId('tally')).toContainText('3 dots: 1 private, 2 voluntary and community');
    await expect(cardByTitle(p, P.jargon).getByTestId('tally')).toHaveText('No dots in round 1');
  }
  // sort the problems lane by dots
  await hannah.getByTestId('sort-problem').check();
  await expect(hannah.locator('.lane--problem article.card').last()).toContainText(P.jargon);
  await shot(hannah, 'docs/ldj-3-problem-results.png');

  // --- Phase 3, Reframe: edit allowed again; Rhys rewrites the top problem as a how-might-we.
  await fac.getByTestId('phase-next').click();
  await phaseIs(all, 'Reframe');
  await startTimer(fac, 3);
  await timersAgree(all);
  await expect(rhys.getByTestId('read-only-note')).toHaveCount(0);
  await cardByTitle(rhys, P.letters).locator('.card__title').click();
  await rhys.getByRole('textbox', { name: 'Title' }).fill(P.reframed);
  await rhys.locator('article.card--open').getByRole('button', { name: 'Done' }).click();
  for (const p of all) await expect(cardByTitle(p, P.reframed)).toBeVisible();
  // A lock freezes the board for everyone but the facilitator, and says so.
  await fac.getByTestId('lock-board').click();
  for (const p of people) {
    await banner(p, 'The board is locked by the facilitator');
    await expect(p.getByTestId('lock-indicator')).toHaveText(/Board locked/);
    await expect(p.getByTestId('read-only-note')).toContainText('The board is locked by the facilitator');
  }
  await cardByTitle(hannah, P.reframed).locator('.card__title').click();
  await expect(hannah.locator('article.card--open')).toHaveCount(0);
  await shot(hannah, 'docs/ldj-4-reframe-locked.png');
  await fac.getByTestId('lock-board').click();
  for (const p of people) await expect(p.getByTestId('lock-indicator')).toHaveCount(0);

  // --- Phase 4, Solutions, in private mode.
  await fac.getByTestId('phase-next').click();
  await phaseIs(all, 'Solutions');
  await startTimer(fac, 5);
  await fac.getByTestId('private-mode').click();
  for (const p of people) {
    await banner(p, 'Private mode is on');
    await expect(p.getByTestId('private-indicator')).toBeVisible();
  }
  // Rhys's "Add idea" writes a private draft.
  await rhys.locator('[data-add-lane="idea"]').click();
  const form = rhys.getByTestId('draft-form');
  await expect(form.getByLabel('Title')).toBeFocused();
  await form.getByLabel('Title').fill(P.nudges);
  await form.getByLabel(/Details/).fill('Short texts in plain English, sent a week before rent is due.');
  await form.getByLabel('Answers problem').selectOption({ label: P.reframed });
  await form.getByTestId('save-draft').click();
  const rhysDrafts = rhys.getByTestId('drafts-idea');
  await expect(rhysDrafts.getByTestId('draft')).toHaveText(new RegExp(P.nudges));
  await expect(rhysDrafts).toContainText('Only you can see these until the facilitator reveals them.');
  // edit it
  await rhysDrafts.getByRole('button', { name: /^Edit/ }).click();
  await rhys.getByTestId('draft-form').getByLabel('Title').fill(`${P.nudges}!`);
  await rhys.getByTestId('draft-form').getByTestId('save-draft').click();
  await expect(rhysDrafts.getByTestId('draft')).toContainText(`${P.nudges}!`);
  // Hannah writes two; deletes one.
  for (const t of [P.hub, P.checkin]) {
    await hannah.getByTestId('write-draft-idea').click();
    await hannah.getByTestId('draft-form').getByLabel('Title').fill(t);
    await hannah.getByTestId('draft-form').getByTestId('save-draft').click();
    await expect(hannah.getByTestId('drafts-idea').getByTestId('draft').filter({ hasText: t })).toBeVisible();
  }
  await hannah.getByTestId('drafts-idea').getByRole('button', { name: `Delete draft: ${P.checkin}` }).click();
  await expect(hannah.getByTestId('drafts-idea').getByTestId('draft')).toHaveCount(1);

  // Nobody else sees a draft: not on screen, not in their copy of the board.
  for (const [page, hidden] of [
    [hannah, P.nudges],
    [rhys, P.hub],
    [fac, P.nudges],
    [fac, P.hub],
  ] as const) {
    await expect(page.getByText(hidden)).toHaveCount(0);
    const doc = await page.evaluate(() => JSON.stringify((window as unknown as { __crossboard: { doc: { toJSON(): unknown } } }).__crossboard.doc.toJSON()));
    expect(doc).not.toContain(hidden);
  }
  await expect(fac.getByTestId('reveal-drafts')).toHaveText('Reveal all (2 waiting)');
  await timersAgree(all);
  await shot(rhys, 'docs/ldj-5-private-drafts.png');

  // The reveal: everyone's drafts appear on every board at once.
  await fac.getByTestId('reveal-drafts').click();
  for (const p of all) {
    await expect(cardByTitle(p, `${P.nudges}!`)).toBeVisible();
    await expect(cardByTitle(p, P.hub)).toBeVisible();
  }
  await banner(fac, 'Revealed 2 drafts');
  await banner(rhys, 'Your draft is on the board now');
  await banner(rhys, 'The facilitator revealed everyone’s drafts');
  await expect(rhys.getByTestId('drafts-idea').getByTestId('draft')).toHaveCount(0);
  await expect(fac.getByTestId('reveal-drafts')).toHaveText('Reveal all (0 waiting)');
  await fac.getByTestId('private-mode').click();

  // --- Phase 5, Vote on ideas: a first round, then a second one.
  await fac.getByTestId('phase-next').click();
  await phaseIs(all, 'Vote on ideas');
  await startTimer(fac, 3);
  await fac.getByTestId('start-vote').click();
  await fac.getByTestId('vote-dialog').getByLabel('Dots per person').fill('2');
  await fac.getByTestId('vote-dialog').getByLabel('Most dots on one card').fill('1');
  await fac.getByTestId('vote-dialog').getByTestId('open-vote').click();
  for (const p of people) await expect(p.getByTestId('dots-left')).toHaveText('2 of 2 dots left');
  await dot(rhys, `${P.nudges}!`);
  await dot(rhys, P.hub);
  await dot(hannah, `${P.nudges}!`);
  await expect(fac.getByTestId('vote-progress')).toHaveText('Vote 2 open: 2 people have voted');
  await timersAgree(all);
  await fac.getByTestId('reveal-vote').click();
  for (const p of all) await expect(cardByTitle(p, `${P.nudges}!`).getByTestId('tally')).toContainText('2 dots: 1 private, 1 voluntary and community');

  await fac.getByTestId('phase-repeat').click();
  for (const p of all) await banner(p, 'Vote on ideas, round 2');
  await fac.getByTestId('start-vote').click();
  await fac.getByTestId('vote-dialog').getByTestId('open-vote').click();
  for (const p of people) await expect(p.getByTestId('dots-left')).toHaveText('3 of 3 dots left');
  await dot(hannah, P.hub);
  await dot(hannah, P.hub);
  await dot(rhys, P.hub);
  await startTimer(fac, 1);
  await timersAgree(all);
  await fac.getByTestId('reveal-vote').click();
  for (const p of all) {
    await expect(cardByTitle(p, P.hub).getByTestId('tally')).toContainText('3 dots: 1 private, 2 voluntary and community');
    // results kept per round: a switcher back to the first round of ideas
    await expect(p.getByTestId('round-switch-idea')).toHaveValue('3');
  }
  await fac.getByTestId('sort-idea').check();
  await shot(fac, 'docs/ldj-6-results.png');
  await hannah.getByTestId('round-switch-idea').selectOption('2');
  await expect(cardByTitle(hannah, P.hub).getByTestId('tally')).toContainText('1 dot: 1 private');

  // --- Phase 6, Actions: notes on the top ideas; a short timer runs out on every screen.
  await fac.getByTestId('phase-next').click();
  await phaseIs(all, 'Actions');
  await expect(rhys.locator('[data-add-lane="idea"]')).toHaveCount(0);
  await addCard(rhys, 'note', 'Pilot the shared register with two councils in March');
  await fac.getByTestId('timer-custom').click();
  await fac.getByLabel('Minutes').fill('0.05');
  await fac.getByLabel('Minutes').press('Enter');
  for (const p of all) {
    await expect(p.getByTestId('timer')).toHaveText('time is up', { timeout: 15_000 });
    await banner(p, 'Time is up.');
  }
  await fac.getByTestId('timer-extend').click();
  for (const p of all) await banner(p, 'Timer started: 1 minute.');
  await timersAgree(all);

  // Save a version with the facilitator token.
  await fac.getByTestId('open-save-version').click();
  await fac.getByTestId('version-dialog').getByLabel('Version name').fill('After the decision jam');
  await fac.getByTestId('version-dialog').getByTestId('save-version').click();
  await banner(fac, 'Version saved: “After the decision jam”');

  // The participants panel: everyone present, with organisation and sector.
  await fac.getByTestId('open-people').click();
  const panel = fac.getByTestId('people-dialog');
  await expect(panel.getByTestId('participant-row')).toHaveCount(3);
  await expect(panel).toContainText('NorthStar Cloud Ltd');
  await expect(panel).toContainText('Voluntary and community');
  await panel.screenshot({ path: 'docs/facilitator-participants.png' });
  expect(await seriousViolations(fac)).toEqual([]);
  await panel.getByRole('button', { name: 'Close' }).click();

  for (const p of all) await p.context().close();
});

test('people and links: a co-facilitator, removal, a replaced link, a refused update', async ({ browser, request }) => {
  test.setTimeout(120_000);
  const board = await createBoard(request, { title: 'People and links', template: 'lightning-decision-jam' });
  const fac = (await openAs(browser, board, 'facilitator', PEOPLE.amira)).page;
  const rhys = (await openAs(browser, board, 'contributor', PEOPLE.rhys)).page;
  const hannah = (await openAs(browser, board, 'contributor', PEOPLE.hannah)).page;
  await expect(fac.getByTestId('open-people')).toHaveText('Participants (3)');

  // Promote Hannah: she gets the controls.
  await fac.getByTestId('open-people').click();
  const panel = fac.getByTestId('people-dialog');
  await panel.getByRole('button', { name: 'Make co-facilitator Hannah Cole' }).click();
  await banner(hannah, 'You are now a co-facilitator');
  await expect(hannah.getByTestId('facilitator-bar')).toBeVisible();
  await expect(hannah.getByTestId('facilitator-bar')).toContainText('Co-facilitator controls');
  // co-facilitators have no Links or Save version (those need the facilitator link)
  await expect(hannah.getByTestId('open-links')).toHaveCount(0);
  await panel.getByRole('button', { name: 'Close' }).click();

  // A refused update: Rhys's page deletes a card just as the board is locked (simulated by
  // writing straight into his copy). The server refuses it; his page drops its copy and resyncs.
  await hannah.getByTestId('lock-board').click();
  await expect(rhys.getByTestId('lock-indicator')).toBeVisible();
  await addCard(fac, 'problem', 'A problem that must survive');
  await expect(cardByTitle(rhys, 'A problem that must survive')).toBeVisible();
  await rhys.evaluate(() => {
    const conn = (window as unknown as { __crossboard: { doc: { getMap(name: string): { keys(): IterableIterator<string>; delete(k: string): void } } } }).__crossboard;
    const problems = conn.doc.getMap('problems');
    for (const key of [...problems.keys()]) problems.delete(key);
  });
  await banner(rhys, 'One of your changes was not sent: The board is locked by the facilitator');
  await expect(rhys.getByTestId('not-sent-button')).toHaveText('Not sent (1)');
  await waitReady(rhys);
  await expect(cardByTitle(rhys, 'A problem that must survive')).toBeVisible();
  await expect(cardByTitle(fac, 'A problem that must survive')).toBeVisible();
  await hannah.getByTestId('lock-board').click();

  // Remove Rhys: his page says so and stops.
  await fac.getByTestId('open-people').click();
  await panel.getByRole('button', { name: 'Remove Rhys Morgan' }).click();
  await panel.getByRole('button', { name: 'Yes, remove' }).click();
  await expect(rhys.getByTestId('shut-out')).toHaveAttribute('data-code', '4403');
  await expect(rhys.getByRole('heading', { name: 'You have been removed from this board' })).toBeVisible();
  await expect(panel.getByTestId('participant-row')).toHaveCount(2);
  await panel.getByRole('button', { name: 'Close' }).click();
  // and a reload does not bring him back as himself
  await rhys.reload();
  await expect(rhys.getByTestId('shut-out')).toHaveAttribute('data-code', '4403');

  // Replace the contributor link: Hannah (on it) is disconnected and told.
  await fac.getByTestId('open-links').click();
  const links = fac.getByTestId('links-dialog');
  await links.getByTestId('rotate-contributor').click();
  await expect(links).toContainText('Everyone using the old contributor link is disconnected at once');
  await links.getByTestId('confirm-rotate-contributor').click();
  await expect(links.getByLabel('New contributor link')).toHaveValue(/\/b\/.+\?token=/);
  await expect(hannah.getByTestId('shut-out')).toHaveAttribute('data-code', '4401');
  await links.screenshot({ path: 'docs/facilitator-links.png' });
  const newLink = new URL(await links.getByLabel('New contributor link').inputValue());

  // The new link works for a newcomer.
  const sam = await browser.newContext();
  const samPage = await sam.newPage();
  await samPage.goto(newLink.pathname + newLink.search);
  await join(samPage, PEOPLE.sam);
  await waitReady(samPage);
  await expect(samPage.getByTestId('phase-name')).toHaveText('Problems');

  // Replacing your own facilitator link reopens this page with the new one.
  await links.getByTestId('rotate-facilitator').click();
  await links.getByTestId('confirm-rotate-facilitator').click();
  await expect(fac).toHaveURL(/token=/);
  await expect.poll(() => new URL(fac.url()).searchParams.get('token')).not.toBe(board.tokens.facilitator);
  await waitReady(fac);
  await expect(fac.getByTestId('facilitator-bar')).toBeVisible();
  await expect(fac.getByTestId('open-people')).toHaveText('Participants (2)');
  await hannah.screenshot({ path: 'docs/link-replaced.png' });
  // a reload with the old link is told the same, not left reconnecting
  await hannah.reload();
  await expect(hannah.getByRole('heading', { name: 'This link does not open this board' })).toBeVisible();

  for (const p of [fac, rhys, hannah, samPage]) await p.context().close();
});
