/** Keyboard only: create, edit, move, undo — no mouse. */
import { expect, test, type Page } from '@playwright/test';
import { PEOPLE, createBoard, openAs } from './helpers.ts';

async function problemTitles(page: Page): Promise<string[]> {
  return page.locator('[data-lane="problem"] article.card .card__title').evaluateAll((els) =>
    els.map((e) => (e.textContent ?? '').replace(/^problem statement: /, '')),
  );
}

async function tabTo(page: Page, matches: () => Promise<boolean>, max = 30): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await matches()) return;
  }
  throw new Error('did not reach the target with Tab');
}

test('keyboard-only: create, edit, move and undo cards', async ({ browser, request }) => {
  const board = await createBoard(request, { title: 'Keyboard board' });
  const { page, context } = await openAs(browser, board, 'contributor', PEOPLE.jo);
  const addProblem = page.getByRole('button', { name: '+ Add problem', exact: true });

  // Tab from the top of the page to "Add problem", then Enter: a new card opens on its title.
  await page.locator('body').focus();
  await tabTo(page, () => addProblem.evaluate((el) => el === document.activeElement));
  await page.keyboard.press('Enter');
  const title = page.getByRole('textbox', { name: 'Title' });
  await expect(title).toBeFocused();
  await page.keyboard.type('How might we reach people sooner?');
  // Enter goes to the body; Markdown shortcuts work there.
  await page.keyboard.press('Enter');
  await expect(page.locator('.card--open [data-card-body]')).toBeFocused();
  await page.keyboard.type('- Letters arrive late');
  await expect(page.locator('.card--open [data-card-body] li')).toHaveText('Letters arrive late');
  // Escape closes the card and leaves focus on it.
  await page.keyboard.press('Escape');
  const first = page.locator('article.card').filter({ hasText: 'How might we reach people sooner?' });
  await expect(first).toBeFocused();
  await expect(first).toContainText('Letters arrive late');

  // N adds the next card in the same lane, right after the focused one.
  await page.keyboard.press('n');
  await expect(title).toBeFocused();
  await page.keyboard.type('How might we keep tenancies going?');
  await page.keyboard.press('Escape');
  const second = page.locator('article.card').filter({ hasText: 'How might we keep tenancies going?' });
  await expect(second).toBeFocused();
  expect(await problemTitles(page)).toEqual(['How might we reach people sooner?', 'How might we keep tenancies going?']);

  // Arrow keys move between cards.
  await page.keyboard.press('ArrowUp');
  await expect(first).toBeFocused();

  // M, arrow, Enter moves the focused card; focus follows it.
  await page.keyboard.press('m');
  await expect(first).toHaveClass(/card--moving/);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(first).toBeFocused();
  expect(await problemTitles(page)).toEqual(['How might we keep tenancies going?', 'How might we reach people sooner?']);

  // Ctrl+Z undoes the move (this person's own last change); Ctrl+Shift+Z redoes it.
  await page.keyboard.press('Control+z');
  await expect.poll(() => problemTitles(page)).toEqual(['How might we reach people sooner?', 'How might we keep tenancies going?']);
  await page.keyboard.press('Control+Shift+z');
  await expect.poll(() => problemTitles(page)).toEqual(['How might we keep tenancies going?', 'How might we reach people sooner?']);

  // Delete removes the focused card, with Undo offered; Ctrl+Z brings it back.
  await page.keyboard.press('Delete');
  await expect(page.getByRole('button', { name: 'Undo' })).toBeVisible();
  await expect.poll(() => problemTitles(page)).toEqual(['How might we keep tenancies going?']);
  await page.keyboard.press('Control+z');
  await expect.poll(() => problemTitles(page)).toEqual(['How might we keep tenancies going?', 'How might we reach people sooner?']);
  await context.close();
});

test('? shows the keyboard map', async ({ browser, request }) => {
  const board = await createBoard(request, { title: 'Keys board' });
  const { page, context } = await openAs(browser, board, 'contributor', PEOPLE.jo);
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Move the focused card');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await context.close();
});
