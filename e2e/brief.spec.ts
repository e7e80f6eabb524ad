/**
 * The sponsor's view: the viewer link opens the challenge brief, rendered live from the
 * board; it follows a contributor's new idea without a reload; the PDF and Word downloads are real
 * files that carry that idea; a comment left on the brief reaches the team's board at once.
 * Saved versions read back as they were, compare with now, and the facilitator writes the summary
 * and the next steps as actions on the page, which everyone else reads. A long card body folds
 * behind "Show more". Screenshots of the page and of the PDF's first page go in docs/.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Download, type Page } from '@playwright/test';
import JSZip from 'jszip';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { seedBoardFromFixture, type BoardFixture } from '../shared/fixtures.ts';
import techConnect from '../shared/fixtures/tech-connect-board.json' with { type: 'json' };
import { PEOPLE, briefPathFor, cardByTitle, createBoard, join, openAs, seedThroughServer, waitReady } from './helpers.ts';
import { castRevealedVote, type Voter } from './votes.ts';

const fixture = techConnect as BoardFixture;
const SUMMARY =
  'Ten people from nine organisations spent two days on one question: how to spot and prevent homelessness before it starts.\n\nThe room backed two ideas above the rest: a shared early-warning signal, and a tell-us-once help request.';
const NEXT_STEPS = 'Run a caseworker trial of the early-warning signal in two Leeds wards from March.';

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
}

/** Every page's text, white space collapsed, as pdf.js reads it. */
async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdf = await getDocument({ data: bytes.slice(), isEvalSupported: false, useSystemFonts: false }).promise;
  let text = '';
  for (let i = 1; i <= pdf.numPages; i++) {
    const content = await (await pdf.getPage(i)).getTextContent();
    text += (content.items as Array<{ str?: string }>).map((item) => item.str ?? '').join(' ') + '\n';
  }
  await pdf.destroy();
  return text.replace(/\s+/g, ' ');
}

/** The facilitator adds action `n` (1-based) in the brief page's editor: its title, then whichever of the rest is given. */
async function addAction(
  page: Page,
  n: number,
  action: { title: string; owner?: string | { name: string }; due?: string; status?: 'open' | 'in-progress' | 'done' },
): Promise<void> {
  await page.getByRole('button', { name: 'Add an action' }).click();
  // the new action's first field has the focus: type straight in
  await expect(page.getByLabel(`What will be done (action ${n})`)).toBeFocused();
  await page.keyboard.type(action.title);
  if (typeof action.owner === 'string') await page.getByLabel(`Owner (action ${n})`).selectOption({ label: action.owner });
  else if (action.owner) {
    await page.getByLabel(`Owner (action ${n})`).selectOption({ label: 'Someone else…' });
    await page.getByLabel(`Their name, or a team (action ${n})`).fill(action.owner.name);
  }
  if (action.due) await page.getByLabel(`Due date (action ${n})`).fill(action.due);
  if (action.status) await page.getByLabel(`Status (action ${n})`).selectOption(action.status);
}

/** The rows of the brief's "Actions" table, cell by cell. */
async function actionRows(page: Page): Promise<string[][]> {
  const table = page.getByTestId('brief').getByRole('table', { name: 'Actions' });
  return table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => (c.textContent ?? '').trim())));
}

/** Opens the download menu and downloads one format. */
async function download(page: Page, format: 'pdf' | 'docx'): Promise<{ download: Download; bytes: Buffer; href: string }> {
  const menu = page.locator('details.brief-menu');
  if (!(await menu.evaluate((d) => (d as HTMLDetailsElement).open))) await menu.locator('summary').click();
  const link = menu.locator(`a[data-format="${format}"]`);
  const href = (await link.getAttribute('href'))!;
  const [dl] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const file = await dl.path();
  return { download: dl, bytes: fs.readFileSync(file), href };
}

function voters(): Voter[] {
  const people = new Map(fixture.participants.map((p) => [p.id, p]));
  const byPerson = new Map<string, string[]>();
  for (const v of fixture.voting!.votes) byPerson.set(v.participantId, [...(byPerson.get(v.participantId) ?? []), v.cardId]);
  return [...byPerson].map(([id, cardIds]) => {
    const p = people.get(id)!;
    return { name: p.name, organisation: p.organisation, sector: p.sector, cardIds };
  });
}

test('the viewer link opens the live brief: it follows the board, downloads PDF and Word, and takes comments the team sees', async ({
  browser,
  request,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const board = await createBoard(request, { title: fixture.title, challenge: fixture.challenge, sponsor: fixture.sponsor, template: 'open' });
  await seedThroughServer(baseURL!, board, (doc) => seedBoardFromFixture(doc, fixture));

  // The sponsor opens the viewer link exactly as it was shared: it lands on the brief.
  const sponsor = await browser.newContext({ acceptDownloads: true });
  const sp = await sponsor.newPage();
  const viewerLink = new URL(board.links.viewer);
  await sp.goto(viewerLink.pathname + viewerLink.search);
  await expect(sp).toHaveURL(/\/b\/[^/]+\/brief\?token=/);
  await expect(sp.getByRole('heading', { level: 1 })).toHaveText(fixture.title);
  await expect(sp.getByRole('heading', { level: 2, name: 'What we propose' })).toBeVisible();
  await expect(sp.getByRole('heading', { level: 2, name: 'Who took part' })).toBeVisible();
  await expect(sp.getByRole('heading', { level: 2, name: 'About this brief' })).toBeVisible();
  await expect(sp.locator('#brief-summary')).toHaveCount(0); // only facilitators write the summary
  await expect(sp.getByTestId('open-board')).toHaveAttribute('href', /view=board/);
  const brief = sp.getByTestId('brief');
  const versionBefore = await brief.getAttribute('data-board-version');
  await sp.evaluate(() => ((window as unknown as { __sameLoad: boolean }).__sameLoad = true));

  // A contributor, in a context of their own, adds an idea on the board.
  const C = await openAs(browser, board, 'contributor', PEOPLE.rhys);
  await expect(C.page.getByTestId('brief-button')).toHaveAttribute('href', /\/brief\?token=/);
  const idea = 'Pop-up housing advice in public libraries';
  await C.page.getByRole('button', { name: '+ Add idea', exact: true }).click();
  await C.page.getByRole('textbox', { name: 'Title' }).fill(idea);
  await C.page.getByRole('textbox', { name: 'Title' }).press('Escape');

  // The sponsor's brief follows, without a reload.
  await expect(sp.getByRole('heading', { level: 3, name: idea })).toBeVisible();
  await expect(brief).not.toHaveAttribute('data-board-version', versionBefore!);
  expect(await sp.evaluate(() => (window as unknown as { __sameLoad?: boolean }).__sameLoad)).toBe(true);

  // PDF: a real PDF, served as one, with the new idea in its text.
  const pdf = await download(sp, 'pdf');
  expect(pdf.download.suggestedFilename()).toBe('tech-connect-cohort-2-preventing-homelessness-brief.pdf');
  expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(pdf.bytes.length).toBeGreaterThan(20_000);
  expect((await request.get(pdf.href)).headers()['content-type']).toBe('application/pdf');
  const text = await pdfText(new Uint8Array(pdf.bytes));
  expect(text).toContain(idea);
  expect(text).toContain('What we propose');

  // Word: a zip (PK\x03\x04) whose document carries the new idea.
  const docx = await download(sp, 'docx');
  expect(docx.download.suggestedFilename()).toBe('tech-connect-cohort-2-preventing-homelessness-brief.docx');
  expect([...docx.bytes.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
  expect(docx.bytes.length).toBeGreaterThan(8_000);
  expect((await request.get(docx.href)).headers()['content-type']).toBe(
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  );
  const xml = await (await JSZip.loadAsync(docx.bytes)).file('word/document.xml')!.async('string');
  expect(xml).toContain(idea);

  // The sponsor comments on the new idea...
  const article = sp.locator('article.brief-idea').filter({ has: sp.getByRole('heading', { level: 3, name: idea }) });
  await article.getByRole('button', { name: `Comment on “${idea}”` }).click();
  const comment = 'Could the libraries service run this with Shelter? We have budget for a spring pilot.';
  await sp.getByLabel(`Your comment on “${idea}”`).fill(comment);
  await sp.getByLabel(/^Your name/).fill('Tom Whitfield');
  await sp.getByLabel(/^Organisation/).fill('Leeds City Council housing directorate');
  expect(await seriousViolations(sp)).toEqual([]);
  await sp.getByRole('button', { name: 'Send comment' }).click();
  await expect(article.locator('.brief-comments')).toContainText(comment);
  await expect(sp.getByTestId('live-region')).toContainText('was sent to the team');

  // ...and the team sees it on the board at once: a count on the card, the panel, a spoken note.
  const card = cardByTitle(C.page, idea);
  await expect(card.getByTestId('card-comments')).toHaveText('1 sponsor comment');
  await expect(C.page.getByTestId('comments-button')).toContainText('1');
  await expect(C.page.getByTestId('live-region')).toContainText(`New sponsor comment on “${idea}” from Tom Whitfield`);
  await card.getByTestId('card-comments').click();
  const panel = C.page.getByTestId('comments-panel');
  await expect(panel).toBeVisible();
  await expect(panel).toContainText(comment);
  await expect(panel).toContainText('Tom Whitfield, Leeds City Council housing directorate');
  await panel.getByRole('button', { name: `Show on the board: ${idea}` }).click();
  await expect(panel).toBeHidden();
  await expect(card).toBeFocused();

  // A comment on a section shows in the panel under "On the brief".
  const section = sp.locator('section[data-section="challenge"]');
  await section.getByRole('button', { name: 'Comment on “The challenge”' }).click();
  await sp.getByLabel('Your comment on “The challenge”').fill('Please include people leaving hospital too.');
  await sp.getByRole('button', { name: 'Send comment' }).click();
  await expect(C.page.getByTestId('comments-button')).toContainText('2');

  // The page passes an accessibility scan, with the download menu open.
  await sp.locator('details.brief-menu summary').click();
  expect(await seriousViolations(sp)).toEqual([]);

  await sponsor.close();
  await C.context.close();
});

test('saved versions read back as they were and compare with now; the facilitator writes the summary on the page', async ({
  browser,
  request,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const board = await createBoard(request, { title: fixture.title, challenge: fixture.challenge, sponsor: fixture.sponsor, template: 'open' });
  await seedThroughServer(baseURL!, board, (doc) => seedBoardFromFixture(doc, fixture));
  const saved = await request.post(`/api/boards/${board.id}/versions`, {
    headers: { authorization: `Bearer ${board.tokens.facilitator}` },
    data: { name: 'End of day 1', by: 'Amira Khan' },
  });
  expect(saved.status()).toBe(201);
  const version = (await saved.json()) as { id: string };

  // The facilitator opens the brief from the board and writes the summary there.
  const F = await openAs(browser, board, 'facilitator', PEOPLE.amira);
  await F.page.getByTestId('brief-button').click();
  await expect(F.page).toHaveURL(/\/brief\?token=/);
  const sponsor = await browser.newContext();
  const sp = await sponsor.newPage();
  await sp.goto(briefPathFor(board));
  await expect(sp.getByRole('heading', { level: 1 })).toHaveText(fixture.title);
  await expect(sp.getByRole('heading', { level: 2, name: 'Summary' })).toHaveCount(0);
  await F.page.getByLabel('Summary', { exact: true }).fill('The room backed a shared early-warning signal.');
  await addAction(F.page, 1, { title: 'Trial it in two wards from March.' });
  await expect(sp.locator('section[data-section="summary"]')).toContainText('The room backed a shared early-warning signal.');
  await expect(sp.locator('section[data-section="next-steps"]')).toContainText('Trial it in two wards from March.');

  // A new idea after the version was saved.
  const C = await openAs(browser, board, 'contributor', PEOPLE.hannah);
  const idea = 'Tenancy sustainment visits in the first month';
  await C.page.getByRole('button', { name: '+ Add idea', exact: true }).click();
  await C.page.getByRole('textbox', { name: 'Title' }).fill(idea);
  await C.page.getByRole('textbox', { name: 'Title' }).press('Escape');
  await expect(sp.getByRole('heading', { level: 3, name: idea })).toBeVisible();

  // The sponsor picks the saved version: it reads as it was, and the downloads are of it.
  await sp.getByTestId('version-picker').selectOption(version.id);
  await expect(sp.getByTestId('version-notice')).toContainText('End of day 1');
  await expect(sp.getByRole('heading', { level: 3, name: idea })).toHaveCount(0);
  await expect(sp.locator('section[data-section="summary"]')).toHaveCount(0);
  await expect(sp.getByText('Saved version “End of day 1”', { exact: false }).first()).toBeVisible();
  await expect(sp.locator('a[data-format="pdf"]')).toHaveAttribute('href', new RegExp(`/versions/${version.id}/brief\\.pdf\\?`));
  await expect(sp.getByRole('button', { name: /^Comment on/ })).toHaveCount(0);
  await expect(sp).toHaveURL(new RegExp(`version=${version.id}`));

  // Compare with now: the idea added since, and the brief's own texts.
  await sp.getByRole('button', { name: 'Compare with now' }).click();
  const comparison = sp.getByTestId('comparison');
  await expect(comparison).toContainText('Added (1)');
  await expect(comparison).toContainText(`Idea: ${idea}`);
  await expect(comparison).toContainText('Summary changed');
  await expect(comparison).toContainText('Added: Trial it in two wards from March.');
  expect(await seriousViolations(sp)).toEqual([]);

  // Back to the live brief.
  await sp.getByRole('button', { name: 'Back to the live brief' }).click();
  await expect(sp.getByRole('heading', { level: 3, name: idea })).toBeVisible();
  await expect(sp.locator('a[data-format="pdf"]')).toHaveAttribute('href', /\/brief\.pdf\?/);

  for (const ctx of [sponsor, F.context, C.context]) await ctx.close();
});

test('screenshots: the brief page and the PDF’s first page, for the fixture board with a revealed vote', async ({
  browser,
  request,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const board = await createBoard(request, {
    title: fixture.title,
    challenge: fixture.challenge,
    sponsor: fixture.sponsor,
    template: fixture.template,
  });
  await seedThroughServer(baseURL!, board, (doc) => seedBoardFromFixture(doc, fixture));
  await castRevealedVote(baseURL!, board, voters(), {
    phaseId: 'vote',
    config: { votesPerPerson: fixture.voting!.votesPerPerson, maxPerCard: fixture.voting!.maxPerCard, anonymous: fixture.voting!.anonymous },
  });

  // The facilitator writes the summary and next steps on the brief page (into the board's own
  // texts: a seeding document would replace them with texts of its own).
  const facilitator = await browser.newContext();
  const fp = await facilitator.newPage();
  await fp.goto(briefPathFor(board, 'facilitator'));
  await fp.getByLabel('Summary', { exact: true }).fill(SUMMARY);
  await addAction(fp, 1, { title: NEXT_STEPS, owner: 'Tom Whitfield (Leeds City Council)', due: '2026-03-02', status: 'in-progress' });
  await expect(fp.locator('section[data-section="next-steps"]')).toContainText(NEXT_STEPS);

  const sponsor = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 1800 } });
  const sp = await sponsor.newPage();
  await sp.goto(briefPathFor(board));
  await expect(sp.getByRole('heading', { level: 1 })).toHaveText(fixture.title);
  await expect(sp.locator('section[data-section="summary"]')).toContainText('The room backed two ideas');
  await expect(sp.locator('section[data-section="next-steps"]')).toContainText(NEXT_STEPS);
  await facilitator.close();
  // the revealed round ranks the ideas: the table and the bars are there
  await expect(sp.getByRole('table', { name: 'Ideas ranked by votes in round 1' })).toBeVisible();
  await expect(sp.getByTestId('sector-bar').first()).toBeVisible();
  await expect(sp.getByTestId('brief-status')).toContainText('Live');
  fs.mkdirSync('docs', { recursive: true });
  await sp.screenshot({ path: 'docs/brief.png' });
  expect(await seriousViolations(sp)).toEqual([]);

  const pdf = await download(sp, 'pdf');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crossboard-brief-'));
  const file = path.join(dir, 'brief.pdf');
  fs.writeFileSync(file, pdf.bytes);
  execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', '-singlefile', file, path.join(dir, 'page')]);
  fs.copyFileSync(path.join(dir, 'page.png'), 'docs/brief-pdf.png');
  fs.rmSync(dir, { recursive: true, force: true });
  await sponsor.close();
});

test('a long card folds behind “Show more”; the facilitator writes the next steps as actions, which the others read', async ({
  browser,
  request,
  baseURL,
}) => {
  test.setTimeout(180_000);
  // A small board: one problem, two ideas, and a 320 KB paste (640 paragraphs: a report) in one idea's body.
  const LAST = 'The last paragraph of the paste, which only the board and “Show more” show.';
  const said =
    'tenants told us the letters came too late to act on, that the forms asked for documents they no longer had, and that nobody asked what would have helped before the notice arrived. ';
  const paste = [...Array.from({ length: 640 }, (_, i) => `Interview ${i + 1}: ${said.repeat(3)}`), LAST].join('\n\n');
  const ideas = new Set(['i5', 'i6']);
  const small: BoardFixture = {
    ...fixture,
    problems: fixture.problems.filter((p) => p.id === 'pb2'),
    ideas: fixture.ideas.filter((i) => ideas.has(i.id)).map((i) => (i.id === 'i5' ? { ...i, body: paste } : i)),
    notes: [],
    themes: fixture.themes.filter((t) => t.id === 't2'),
  };
  expect(paste.length).toBeGreaterThan(320_000);
  const board = await createBoard(request, { title: fixture.title, challenge: fixture.challenge, sponsor: fixture.sponsor, template: 'open' });
  await seedThroughServer(baseURL!, board, (doc) => seedBoardFromFixture(doc, small));

  // The facilitator writes the summary and three actions on the brief page, then puts the last first.
  const facilitator = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const fp = await facilitator.newPage();
  await fp.goto(briefPathFor(board, 'facilitator'));
  await fp.getByLabel('Summary', { exact: true }).fill(SUMMARY);
  await addAction(fp, 1, { title: 'Run a caseworker trial of the tell-us-once form', owner: 'Lukas Brandt (OpenForms Software)', due: '2026-03-02', status: 'in-progress' });
  await addAction(fp, 2, { title: 'Report back to the housing board', owner: { name: 'Housing team' }, due: '2026-04-30' });
  await addAction(fp, 3, { title: 'Agree consent wording with the lived-experience panel', owner: 'Hannah Cole (Shelter North (charity))', status: 'done' });
  await fp.getByRole('button', { name: 'Move action 3 up' }).click();
  await expect(fp.getByRole('button', { name: 'Move action 2 up' })).toBeFocused();
  await fp.keyboard.press('Enter');
  // a fourth, deleted again
  await addAction(fp, 4, { title: 'A step nobody needs' });
  await fp.getByRole('button', { name: 'Delete action 4' }).click();
  await expect(fp.getByRole('button', { name: 'Add an action' })).toBeFocused();
  const expected = [
    ['Agree consent wording with the lived-experience panel', 'Hannah Cole, Shelter North (charity)', 'No date', 'Done'],
    ['Run a caseworker trial of the tell-us-once form', 'Lukas Brandt, OpenForms Software', '2 March 2026', 'In progress'],
    ['Report back to the housing board', 'Housing team', '30 April 2026', 'Open'],
  ];
  await expect.poll(() => actionRows(fp)).toEqual(expected);

  // A contributor and the sponsor read them, in their own contexts, with nothing to edit them with.
  const contributor = await browser.newContext();
  const cp = await contributor.newPage();
  await cp.goto(briefPathFor(board, 'contributor'));
  const sponsor = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const sp = await sponsor.newPage();
  await sp.goto(briefPathFor(board));
  for (const page of [cp, sp]) {
    await expect.poll(() => actionRows(page)).toEqual(expected);
    await expect(page.getByTestId('actions-editor')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Add an action' })).toHaveCount(0);
  }

  // The long card is folded: its first part, and a real button, operated from the keyboard.
  const fold = sp.locator('[data-testid="folded-body"][data-card-id="i5"]');
  const toggle = fold.getByRole('button', { name: 'Show more of this card' });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(fold).toContainText('Interview 1: tenants told us');
  await expect(fold).not.toContainText(LAST);
  const pageHeight = () => sp.evaluate(() => document.documentElement.scrollHeight);
  const cardHeight = async () => (await fold.boundingBox())!.height;
  const folded = { page: await pageHeight(), card: await cardHeight() };
  await toggle.focus();
  await sp.keyboard.press('Enter');
  const less = fold.getByRole('button', { name: 'Show less of this card' });
  await expect(less).toHaveAttribute('aria-expanded', 'true');
  await expect(less).toBeFocused();
  await expect(fold).toContainText(LAST);
  const unfolded = { page: await pageHeight(), card: await cardHeight() };
  console.log(`the 320 KB card folded: ${folded.card} px (page ${folded.page} px); unfolded: ${unfolded.card} px (page ${unfolded.page} px)`);
  // folded, the card is at most its 1,500 characters and the button; unfolded, all 640 paragraphs
  expect(folded.card).toBeLessThan(800);
  expect(unfolded.card).toBeGreaterThan(100 * folded.card);
  await sp.keyboard.press('Space');
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(fold).not.toContainText(LAST);
  expect(await seriousViolations(sp)).toEqual([]);
  expect(await seriousViolations(fp)).toEqual([]);

  // The files link "continued on the board" to /b/<id>#card-<id>, with no token in it: on a device
  // that has the board, the sponsor lands on the brief with the card unfolded, a contributor on
  // the board with the card in focus.
  const cardLink = `/b/${encodeURIComponent(board.id)}#card-i5`;
  await sp.goto(cardLink);
  await expect(sp).toHaveURL(/\/brief\?token=[^#]+#card-i5$/);
  const linked = sp.locator('[data-testid="folded-body"][data-card-id="i5"]');
  await expect(linked.getByRole('button', { name: 'Show less of this card' })).toHaveAttribute('aria-expanded', 'true');
  await expect(linked).toContainText(LAST);
  await expect(linked).toBeInViewport();
  await cp.goto(cardLink);
  await join(cp, PEOPLE.hannah);
  await waitReady(cp);
  await expect(cp.locator('article.card[data-card-id="i5"]')).toBeFocused();

  // The PDF says where the rest is, not 640 paragraphs of it.
  const pdf = await download(sp, 'pdf');
  const text = await pdfText(new Uint8Array(pdf.bytes));
  expect(text).toContain('… continued on the board');
  expect(text).not.toContain(LAST);
  expect(text).toContain('Report back to the housing board');

  // the facilitator's page, from the top to the end of the next steps: the editor, the folded card, the table
  fs.mkdirSync('docs', { recursive: true });
  const end = await fp.locator('section[data-section="next-steps"]').evaluate((el) => el.getBoundingClientRect().bottom + window.scrollY);
  await fp.screenshot({ path: 'docs/brief-actions.png', fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.ceil(end) + 24 } });
  for (const ctx of [facilitator, contributor, sponsor]) await ctx.close();
});
