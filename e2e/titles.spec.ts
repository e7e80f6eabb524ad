/**
 * Issue 10, part 2: two people typing in one card title both keep their words. Each person is a
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
