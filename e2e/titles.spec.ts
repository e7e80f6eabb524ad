/**
 * Two people typing in one card title both keep their words. Each person is a
 * browser context of their own; the title field keeps its caret and selection across the other's
 * edits, and shows the other's caret.
 */
import { expect, test, type Page } from '@playwright/test';
import { PEOPLE, cardById, createBoard, openAs, type CreatedBoard, type Session } from './helpers.ts';

function titleInput(page: Page, id: string) {
  return page.locator(`[data-card-title-input="${id}"]`);
}

/** A adds a problem titled `title` and closes it; returns its id. */
async function addProblem(page: Page, title: string): Promise<string> {
  await page.getByRole('button', { name: '+ Add problem', exact: true }).click();
  const input = page.getByRole('textbox', { name: 'Title' });
  await expect(input).toBeFocused();
  await input.fill(title);
  const id = (await page.locator('article.card--open').getAttribute('data-card-id'))!;
  await input.press('Escape');
  return id;
}

/** Opens the card on its title (the caret lands at the end). */
async function openTitle(page: Page, id: string, expected: string): Promise<void> {
  await cardById(page, id).locator('.card__title').click();
  await expect(titleInput(page, id)).toBeFocused();
  await expect(titleInput(page, id)).toHaveValue(expected);
}

async function selectionOf(page: Page, id: string) {
  return titleInput(page, id).evaluate((el: HTMLInputElement) => ({
    text: el.value.slice(el.selectionStart ?? 0, el.selectionEnd ?? 0),
    start: el.selectionStart,
    end: el.selectionEnd,
    direction: el.selectionDirection,
  }));
}

async function twoPeople(browser: import('@playwright/test').Browser, board: CreatedBoard): Promise<[Session, Session]> {
  return [await openAs(browser, board, 'contributor', PEOPLE.amira), await openAs(browser, board, 'contributor', PEOPLE.rhys)];
}

test('A types at the start of a title while B types at its end; every screen keeps both insertions whole', async ({ browser, request }) => {
  const board = await createBoard(request, { title: 'Titles typed together' });
  const [A, B] = await twoPeople(browser, board);
  const C = await openAs(browser, board, 'viewer', PEOPLE.hannah);
  const id = await addProblem(A.page, 'reach renters');
  await expect(cardById(B.page, id)).toContainText('reach renters');

  await openTitle(A.page, id, 'reach renters');
  await A.page.keyboard.press('Home');
  await openTitle(B.page, id, 'reach renters');

  // Lockstep: each letter is typed after the other's previous letter is on this screen, so every
  // keystroke of one follows a remote change rendered into their field.
  const start = 'How might we ';
  const end = ' before arrears';
  let shown = 'reach renters';
  for (let i = 0; i < Math.max(start.length, end.length); i++) {
    if (i < start.length) {
      await A.page.keyboard.type(start[i]!);
      shown = start.slice(0, i + 1) + shown.slice(i);
      await expect(titleInput(B.page, id)).toHaveValue(shown);
    }
    if (i < end.length) {
      await B.page.keyboard.type(end[i]!);
      shown += end[i];
      await expect(titleInput(A.page, id)).toHaveValue(shown);
    }
  }
  expect(shown).toBe('How might we reach renters before arrears');

  // Then both at once, each at full speed, with no waiting for the other.
  await Promise.all([A.page.keyboard.type('best ', { delay: 15 }), B.page.keyboard.type(' build up?', { delay: 15 })]);
  const final = 'How might we best reach renters before arrears build up?';
  await expect(titleInput(A.page, id)).toHaveValue(final);
  await expect(titleInput(B.page, id)).toHaveValue(final);
  // The third screen (a viewer, card closed) shows the same title.
  await expect(cardById(C.page, id).locator('.card__title')).toContainText(final);
  // Each caret is still right after that person's own words.
  expect((await selectionOf(A.page, id)).end).toBe('How might we best '.length);
  expect((await selectionOf(B.page, id)).end).toBe(final.length);

  for (const s of [A, B, C]) await s.context.close();
});

test("a remote change does not move A's selection: it still covers the same word, either direction", async ({ browser, request }) => {
  const board = await createBoard(request, { title: 'Selections kept' });
  const [A, B] = await twoPeople(browser, board);
  const id = await addProblem(A.page, 'reach renters early');
  await expect(cardById(B.page, id)).toContainText('reach renters early');
  await openTitle(A.page, id, 'reach renters early');
  await openTitle(B.page, id, 'reach renters early');

  // A selects "renters" forwards.
  await A.page.keyboard.press('Home');
  for (let i = 0; i < 'reach '.length; i++) await A.page.keyboard.press('ArrowRight');
  for (let i = 0; i < 'renters'.length; i++) await A.page.keyboard.press('Shift+ArrowRight');
  expect(await selectionOf(A.page, id)).toEqual({ text: 'renters', start: 6, end: 13, direction: 'forward' });

  // B types before it and after it.
  await B.page.keyboard.type(' on');
  await B.page.keyboard.press('Home');
  await B.page.keyboard.type('Help us ');
  await expect(titleInput(A.page, id)).toHaveValue('Help us reach renters early on');
  expect(await selectionOf(A.page, id)).toEqual({ text: 'renters', start: 14, end: 21, direction: 'forward' });

  // Backwards too: A selects "early" from its end.
  await A.page.keyboard.press('End');
  for (let i = 0; i < ' on'.length; i++) await A.page.keyboard.press('ArrowLeft');
  for (let i = 0; i < 'early'.length; i++) await A.page.keyboard.press('Shift+ArrowLeft');
  expect(await selectionOf(A.page, id)).toMatchObject({ text: 'early', direction: 'backward' });
  await B.page.keyboard.type('all ');
  await expect(titleInput(A.page, id)).toHaveValue('Help us all reach renters early on');
  expect(await selectionOf(A.page, id)).toEqual({ text: 'early', start: 26, end: 31, direction: 'backward' });

  // What A types replaces the word A selected, on both screens.
  await A.page.keyboard.type('sooner');
  await expect(titleInput(B.page, id)).toHaveValue('Help us all reach renters sooner on');
  await expect(titleInput(A.page, id)).toHaveValue('Help us all reach renters sooner on');

  for (const s of [A, B]) await s.context.close();
});

test("each person sees the other's caret in the title, labelled, where it is, and gone when they leave", async ({ browser, request }) => {
  const board = await createBoard(request, { title: 'Title carets' });
  const [A, B] = await twoPeople(browser, board);
  const id = await addProblem(A.page, 'How might we reach renters before arrears build up?');
  await openTitle(A.page, id, 'How might we reach renters before arrears build up?');
  await openTitle(B.page, id, 'How might we reach renters before arrears build up?');

  const caretOf = (page: Page, name: string) => cardById(page, id).locator('.title-caret').filter({ hasText: name });
  const leftOf = (page: Page, name: string) => caretOf(page, name).evaluate((el) => el.getBoundingClientRect().x);
  const rhysInA = caretOf(A.page, 'Rhys Morgan');
  await expect(rhysInA).toBeVisible();
  await expect(caretOf(B.page, 'Amira Khan')).toBeVisible();
  // Only the others' carets: nobody sees their own drawn.
  await expect(caretOf(A.page, 'Amira Khan')).toHaveCount(0);

  // B at the start: A (scrolled to the start too) sees the bar at the start of the text; after
  // "How might we": further right.
  const field = (await titleInput(A.page, id).boundingBox())!;
  await A.page.keyboard.press('Home');
  await B.page.keyboard.press('Home');
  await expect.poll(() => leftOf(A.page, 'Rhys Morgan')).toBeLessThan(field.x + 16);
  // In Rhys's sector colour (private sector, #6b2c91), as his caret in a body is.
  await expect(rhysInA).toHaveCSS('background-color', 'rgb(107, 44, 145)');
  const atStart = await leftOf(A.page, 'Rhys Morgan');
  for (let i = 0; i < 'How might we'.length; i++) await B.page.keyboard.press('ArrowRight');
  await expect.poll(() => leftOf(A.page, 'Rhys Morgan')).toBeGreaterThan(atStart + 40);
  const afterWe = await leftOf(A.page, 'Rhys Morgan');

  // A types at the start: B's caret stays after "we", so it moves right on A's screen too.
  await A.page.keyboard.type('So, ');
  await expect(titleInput(B.page, id)).toHaveValue('So, How might we reach renters before arrears build up?');
  await expect.poll(() => leftOf(A.page, 'Rhys Morgan')).toBeGreaterThan(afterWe + 10);

  // B selects "reach": A sees it highlighted.
  await B.page.keyboard.press('ArrowRight');
  for (let i = 0; i < 'reach'.length; i++) await B.page.keyboard.press('Shift+ArrowRight');
  await expect(cardById(A.page, id).locator('.title-caret__selection')).toHaveCount(1);
  await cardById(A.page, id).screenshot({ path: 'docs/title-carets.png' });

  // B leaves the card: the caret goes from A's screen.
  await B.page.keyboard.press('Escape');
  await expect(rhysInA).toHaveCount(0);
  await expect(cardById(A.page, id).locator('.title-caret__selection')).toHaveCount(0);

  for (const s of [A, B]) await s.context.close();
});

test('an IME composition is left alone while the other person types, and both texts are kept when it ends', async ({ browser, request }) => {
  const board = await createBoard(request, { title: 'Composition' });
  const [A, B] = await twoPeople(browser, board);
  const id = await addProblem(A.page, 'reach renters');
  await expect(cardById(B.page, id)).toContainText('reach renters');
  await openTitle(A.page, id, 'reach renters');
  await openTitle(B.page, id, 'reach renters');
  await B.page.keyboard.press('Home');

  // A composes at the end with an input method (Chromium's own IME events, through CDP).
  const ime = await A.context.newCDPSession(A.page);
  await ime.send('Input.imeSetComposition', { text: 'にほ', selectionStart: 2, selectionEnd: 2 });
  await expect(titleInput(A.page, id)).toHaveValue('reach rentersにほ');

  // B types at the start. A's document has it (the open card's heading reads the board), but A's
  // field is not rewritten under the open composition.
  await B.page.keyboard.type('Help ');
  await expect(A.page.locator(`#card-title-${id}`)).toContainText('Help reach renters');
  await expect(titleInput(A.page, id)).toHaveValue('reach rentersにほ');
  // B never saw A's unfinished composition.
  await expect(titleInput(B.page, id)).toHaveValue('Help reach renters');

  // A commits: both screens have both texts, and A's caret is after what A composed.
  await ime.send('Input.insertText', { text: '日本' });
  await expect(titleInput(A.page, id)).toHaveValue('Help reach renters日本');
  await expect(titleInput(B.page, id)).toHaveValue('Help reach renters日本');
  expect((await selectionOf(A.page, id)).end).toBe('Help reach renters日本'.length);
  // B's caret stayed after B's word.
  expect((await selectionOf(B.page, id)).end).toBe('Help '.length);

  for (const s of [A, B]) await s.context.close();
});
