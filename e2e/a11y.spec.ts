/** axe-core scans of the landing page, the join step and a board: no serious or critical issues. */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { seedBoardFromFixture, type BoardFixture } from '../shared/fixtures.ts';
import techConnect from '../shared/fixtures/tech-connect-board.json' with { type: 'json' };
import { PEOPLE, createBoard, openAs, pathFor, seedThroughServer } from './helpers.ts';

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
}

test('landing page', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test('join step and board (with a card open and the presence list shown)', async ({ browser, request, baseURL }) => {
  // seeds the fixture as its people (one joined connection each), then checks several screens
  test.slow();
  const board = await createBoard(request, { title: (techConnect as BoardFixture).title });
  await seedThroughServer(baseURL!, board, (doc) => seedBoardFromFixture(doc, techConnect as BoardFixture));
  const ctx = await browser.newContext();
  const join = await ctx.newPage();
  await join.goto(pathFor(board, 'contributor'));
  await expect(join.getByRole('heading', { name: /You are joining/ })).toBeVisible();
  expect(await seriousViolations(join)).toEqual([]);
  await ctx.close();

  const A = await openAs(browser, board, 'contributor', PEOPLE.amira);
  const B = await openAs(browser, board, 'contributor', PEOPLE.hannah);
  expect(await seriousViolations(A.page)).toEqual([]);
  await A.page.locator('article.card').first().locator('.card__title').click();
  await A.page.getByTestId('presence-button').click();
  expect(await seriousViolations(A.page)).toEqual([]);
  const V = await openAs(browser, board, 'viewer', PEOPLE.sam);
  expect(await seriousViolations(V.page)).toEqual([]);
  for (const s of [A, B, V]) await s.context.close();
});
