/**
 * Drag and drop (mouse and keyboard), themes and merging duplicate ideas, each person in a
 * browser context of their own; every change is checked on the other person's page too.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { addIdea, addNote, addProblem, cardBodyById } from '../shared/board/index.ts';
import { writeMarkdownToBody } from '../shared/richtext/index.ts';
import { PEOPLE, cardById, createBoard, join, openAs, pathFor, seedThroughServer, waitReady } from './helpers.ts';

const seedOrigin = { kind: 'seed' } as const;
const TOM = { participantId: 'seed-tom', name: 'Tom Whitfield', organisation: 'Leeds City Council', sector: 'public sector' as const };
const RHYS = { participantId: 'seed-rhys', name: 'Rhys Morgan', organisation: 'NorthStar Cloud', sector: 'private sector' as const };

/** p1: i1 i2 i3 · p2: i4 · notes n1, n2 on i1 */
async function seeded(request: Parameters<typeof createBoard>[0], baseURL: string, title: string) {
  const board = await createBoard(request, { title });
  await seedThroughServer(baseURL, board, (doc) => {
    addProblem(doc, { title: 'Problem one', author: TOM, id: 'p1' }, seedOrigin);
    addProblem(doc, { title: 'Problem two', author: TOM, id: 'p2' }, seedOrigin);
    for (const n of [1, 2, 3]) addIdea(doc, { title: `Idea ${n}`, author: TOM, problemId: 'p1', id: `i${n}` }, seedOrigin);
    addIdea(doc, { title: 'Idea 4', author: RHYS, problemId: 'p2', id: 'i4' }, seedOrigin);
    addNote(doc, { title: 'Note one', author: TOM, ideaId: 'i1', id: 'n1' }, seedOrigin);
    addNote(doc, { title: 'Note two', author: TOM, ideaId: 'i1', id: 'n2' }, seedOrigin);
  });
  return board;
}

/** Ideas by group (problem) and, when themes exist, by theme: what each page shows. */
async function ideaLayout(page: Page): Promise<string> {
  return page.locator('[data-lane="idea"] section.group').evaluateAll((groups) =>
    JSON.stringify(
      groups.map((g) => [
        g.getAttribute('aria-labelledby'),
        [...g.querySelectorAll('article.card')].map((c) => {
          const sub = c.closest('.subgroup');
          return sub ? `${sub.getAttribute('data-theme-id') || '-'}/${c.getAttribute('data-card-id')}` : c.getAttribute('data-card-id');
        }),
      ]),
    ),
  );
}

async function noteLayout(page: Page): Promise<string> {
  return page.locator('[data-lane="note"] section.group').evaluateAll((groups) =>
    JSON.stringify(groups.map((g) => [g.getAttribute('aria-labelledby'), [...g.querySelectorAll('article.card')].map((c) => c.getAttribute('data-card-id'))])),
  );
}

/** Drags `from` with the mouse and drops it on `to`: on its upper or lower half, or its middle. */
async function drag(page: Page, from: Locator, to: Locator, where: 'upper' | 'lower' | 'middle' = 'middle') {
  const a = (await from.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2 + 12, { steps: 3 });
  await expect(page.locator('.drag-preview')).toBeVisible();
  const b = (await to.boundingBox())!;
  const y = where === 'upper' ? b.y + b.height * 0.25 : where === 'lower' ? b.y + b.height * 0.75 : b.y + b.height / 2;
  await page.mouse.move(b.x + b.width / 2, y, { steps: 8 });
  await page.mouse.up();
  await expect(page.locator('.drag-preview')).toHaveCount(0);
}

/** Both pages show the same thing, and it is `expected`. */
async function bothShow(pages: Page[], read: (p: Page) => Promise<string>, expected: unknown) {
  for (const p of pages) await expect.poll(() => read(p)).toBe(JSON.stringify(expected));
}

test('mouse drag: reorder, an idea to another problem, a note to another idea; the other person sees it; a viewer cannot drag', async ({
  browser,
  request,
  baseURL,
}) => {
  const board = await seeded(request, baseURL!, 'Drag board');
  const A = await openAs(browser, board, 'contributor', PEOPLE.amira);
  const B = await openAs(browser, board, 'contributor', PEOPLE.rhys);
  const pages = [A.page, B.page];

  // Header avatars carry the sector in words; the presence list counts people by sector.
  const presence = A.page.getByTestId('presence-button');
  await expect(presence.locator('[data-sector]')).toHaveCount(2);
  await expect(presence).toContainText('PUB');
  await expect(presence).toContainText('PRI');
  await presence.click();
  const counts = A.page.getByRole('list', { name: 'People by sector' });
  await expect(counts).toContainText('Public sector: 1');
  await expect(counts).toContainText('Private sector: 1');
  await A.page.keyboard.press('Escape');

  // Reorder: idea 3 onto the upper half of idea 1.
  await drag(A.page, cardById(A.page, 'i3'), cardById(A.page, 'i1'), 'upper');
  await bothShow(pages, ideaLayout, [
    ['group-idea-p1', ['i3', 'i1', 'i2']],
    ['group-idea-p2', ['i4']],
  ]);
  // An idea onto a problem card: it now answers that problem.
  await drag(A.page, cardById(A.page, 'i2'), cardById(A.page, 'p2'));
  await bothShow(pages, ideaLayout, [
    ['group-idea-p1', ['i3', 'i1']],
    ['group-idea-p2', ['i4', 'i2']],
  ]);
  // B drags idea 1 below idea 4, into problem two.
  await drag(B.page, cardById(B.page, 'i1'), cardById(B.page, 'i4'), 'lower');
  await bothShow(pages, ideaLayout, [
    ['group-idea-p1', ['i3']],
    ['group-idea-p2', ['i4', 'i1', 'i2']],
  ]);
  // A note onto another idea, and a note reordered.
  await drag(A.page, cardById(A.page, 'n2'), cardById(A.page, 'i4'));
  await drag(B.page, cardById(B.page, 'n1'), cardById(B.page, 'n2'), 'lower');
  await bothShow(pages, noteLayout, [['group-note-i4', ['n2', 'n1']]]);

  // A viewer sees the same board and cannot pick anything up.
  const V = await browser.newContext();
  const vp = await V.newPage();
  await vp.goto(pathFor(board, 'viewer'));
  await join(vp, PEOPLE.sam);
  await waitReady(vp);
  await expect.poll(() => ideaLayout(vp)).toBe(await ideaLayout(A.page));
  const from = (await cardById(vp, 'i3').boundingBox())!;
  await vp.mouse.move(from.x + 20, from.y + 10);
  await vp.mouse.down();
  await vp.mouse.move(from.x + 20, from.y + 200, { steps: 6 });
  await expect(vp.locator('.drag-preview')).toHaveCount(0);
  await vp.mouse.up();
  await cardById(vp, 'i3').focus();
  await vp.keyboard.press('Space');
  await expect(vp.locator('.drag-preview')).toHaveCount(0);
  await expect.poll(() => ideaLayout(vp)).toBe(await ideaLayout(A.page));
  await V.close();
  await A.context.close();
  await B.context.close();
});

test('themes: create, rename together, group by drag, by keyboard drag, by M then T, from a card; delete keeps the ideas', async ({
  browser,
  request,
  baseURL,
}) => {
  const board = await seeded(request, baseURL!, 'Themes board');
  const A = await openAs(browser, board, 'contributor', PEOPLE.amira);
  const B = await openAs(browser, board, 'contributor', PEOPLE.hannah);
  const pages = [A.page, B.page];
  const themes = (p: Page) => p.getByTestId('themes');

  // Create: the new theme opens for naming.
  await themes(A.page).getByRole('button', { name: '+ New theme' }).click();
  await expect(A.page.getByRole('textbox', { name: 'Theme name' })).toBeFocused();
  await A.page.keyboard.type('Reminders');
  await A.page.keyboard.press('Enter');
  await expect(themes(B.page).locator('.theme-chip__title').first()).toHaveText('Reminders');
  const themeId = (await themes(A.page).locator('[data-theme-id]').first().getAttribute('data-theme-id'))!;

  // Rename: B edits the title; A sees each change.
  await themes(B.page).getByRole('button', { name: 'Rename theme Reminders' }).click();
  await B.page.keyboard.press('End');
  await B.page.keyboard.type(' and nudges');
  await B.page.keyboard.press('Enter');
  await expect(themes(A.page).locator('.theme-chip__title').first()).toHaveText('Reminders and nudges');

  // Group by mouse: idea 1 onto the theme. The theme shows as a sub-group with its title as a heading.
  await drag(A.page, cardById(A.page, 'i1'), themes(A.page).locator(`[data-theme-id="${themeId}"]`));
  await bothShow(pages, ideaLayout, [
    ['group-idea-p1', [`${themeId}/i1`, '-/i2', '-/i3']],
    ['group-idea-p2', ['-/i4']],
  ]);
  await expect(B.page.getByRole('heading', { name: 'Theme: Reminders and nudges' })).toBeVisible();

  // Group by keyboard drag: Space picks idea 3 up, arrows walk the places it can go (announced),
  // Space drops it before idea 1, in the theme.
  const live = A.page.locator('[id^="DndLiveRegion"]');
  await cardById(A.page, 'i3').focus();
  await A.page.keyboard.press('Space');
  await expect(live).toContainText('Picked up idea “Idea 3”');
  for (let i = 0; i < 10; i++) {
    await A.page.keyboard.press('ArrowUp');
    if (((await live.textContent()) ?? '').includes('before idea “Idea 1”')) break;
  }
  await expect(live).toContainText('before idea “Idea 1”. Dropping moves it to problem “Problem one” and theme “Reminders and nudges”.');
  await A.page.keyboard.press('Space');
  await expect(live).toContainText('Dropped.');
  await expect(cardById(A.page, 'i3')).toBeFocused();
  await bothShow(pages, ideaLayout, [
    ['group-idea-p1', [`${themeId}/i3`, `${themeId}/i1`, '-/i2']],
    ['group-idea-p2', ['-/i4']],
  ]);
  // Escape cancels a keyboard drag: nothing changes.
  await A.page.keyboard.press('Space');
  await A.page.keyboard.press('ArrowDown');
  await A.page.keyboard.press('Escape');
  await expect(live).toContainText('Move cancelled');
  await expect.poll(() => ideaLayout(A.page)).toBe(await ideaLayout(B.page));

  // Group by keyboard in move mode: M, then T for the next theme, Enter.
  await cardById(A.page, 'i2').focus();
  await A.page.keyboard.press('m');
  await A.page.keyboard.press('t');
  await expect(A.page.getByTestId('live-region')).toContainText('Theme: Reminders and nudges.');
  await A.page.keyboard.press('Enter');
  await bothShow(pages, ideaLayout, [
    ['group-idea-p1', [`${themeId}/i3`, `${themeId}/i1`, `${themeId}/i2`]],
    ['group-idea-p2', ['-/i4']],
  ]);

  // From a card: "Group into new theme…".
  await cardById(B.page, 'i4').locator('.card__title').click();
  await B.page.getByRole('button', { name: 'Group into new theme…' }).click();
  await B.page.getByRole('textbox', { name: 'New theme' }).fill('Data sharing');
  await B.page.getByRole('button', { name: 'Create theme' }).click();
  await B.page.getByRole('button', { name: 'Done' }).click();
  await expect(themes(A.page).locator('.theme-chip__title')).toHaveText(['Reminders and nudges', 'Data sharing', 'No theme']);
  await expect(A.page.getByRole('heading', { name: 'Theme: Data sharing' })).toBeVisible();

  // Delete: the ideas stay, without a theme; Undo is offered.
  await themes(A.page).getByRole('button', { name: 'Delete theme Reminders and nudges' }).click();
  await expect(A.page.locator('.toast')).toContainText('Theme deleted. Its ideas stay');
  await expect(themes(B.page).locator('.theme-chip__title')).toHaveText(['Data sharing', 'No theme']);
  const dataId = (await themes(A.page).locator('[data-theme-id]').first().getAttribute('data-theme-id'))!;
  await bothShow(pages, ideaLayout, [
    ['group-idea-p1', ['-/i3', '-/i1', '-/i2']],
    ['group-idea-p2', [`${dataId}/i4`]],
  ]);
  await A.context.close();
  await B.context.close();
});

test('keys pressed at once after a keyboard pick-up reach the drag, even before the page runs its timers', async ({ browser, request, baseURL }) => {
  const board = await seeded(request, baseURL!, 'Quick keys board');
  const context = await browser.newContext();
  // the page's timers under the test's control, so that none can run between two key presses
  await context.clock.install();
  const page = await context.newPage();
  await page.goto(pathFor(board, 'contributor'));
  await join(page, PEOPLE.amira);
  await waitReady(page);
  const live = page.locator('[id^="DndLiveRegion"]');
  const before = await ideaLayout(page);

  // With time running: the cards can be picked up.
  await cardById(page, 'i3').focus();
  await page.keyboard.press('Space');
  await expect(live).toContainText('Picked up idea “Idea 3”');
  await page.keyboard.press('Escape');
  await expect(live).toContainText('Move cancelled');

  // With timers stopped, as on a busy page where key presses overtake them: every key still counts.
  await page.clock.pauseAt(Date.now() + 1000);
  await page.keyboard.press('Space');
  await expect(live).toContainText('Picked up idea “Idea 3”');
  await page.keyboard.press('ArrowUp');
  await expect(live).toContainText('Idea “Idea 3” is before idea “Idea 2”');
  await page.keyboard.press('Escape');
  await expect(live).toContainText('Move cancelled');
  await page.clock.resume();
  await expect(cardById(page, 'i3')).toBeFocused();
  expect(await ideaLayout(page)).toBe(before);
  await context.close();
});

test('merge a duplicate idea: co-author, body, notes move; Undo brings it all back, on both pages', async ({ browser, request, baseURL }) => {
  const board = await createBoard(request, { title: 'Merge board' });
  await seedThroughServer(baseURL!, board, (doc) => {
    addProblem(doc, { title: 'Problem one', author: TOM, id: 'p1' }, seedOrigin);
    // each body right after its card, so its author writes it (the seed sends each author's writes
    // on a connection joined as them)
    addIdea(doc, { title: 'Text reminders', author: RHYS, problemId: 'p1', id: 'keep' }, seedOrigin);
    writeMarkdownToBody(doc, cardBodyById(doc, 'keep')!, 'Remind people **before** the hearing.', seedOrigin);
    addIdea(doc, { title: 'SMS nudges', author: TOM, problemId: 'p1', id: 'dup' }, seedOrigin);
    writeMarkdownToBody(doc, cardBodyById(doc, 'dup')!, 'Plain English, sent a week ahead.', seedOrigin);
    addNote(doc, { title: 'Try it in Leeds', author: TOM, ideaId: 'dup', id: 'n1' }, seedOrigin);
  });
  const A = await openAs(browser, board, 'contributor', PEOPLE.amira);
  const B = await openAs(browser, board, 'contributor', PEOPLE.jo);
  const pages = [A.page, B.page];

  await cardById(A.page, 'dup').locator('.card__title').click();
  await A.page.getByRole('button', { name: 'Merge into…' }).click();
  await A.page.getByRole('combobox', { name: 'Merge this idea into' }).selectOption({ label: 'Text reminders' });
  await A.page.getByRole('button', { name: 'Merge', exact: true }).click();
  await expect(A.page.locator('.toast')).toContainText('Idea merged into “Text reminders”.');
  for (const p of pages) {
    await expect(cardById(p, 'dup')).toHaveCount(0);
    const kept = cardById(p, 'keep');
    await expect(kept.locator('.chip')).toContainText('Rhys Morgan · NorthStar Cloud+ 1');
    await expect(kept.getByTestId('co-authors')).toContainText('with Tom Whitfield (Leeds City Council)');
    await expect.poll(() => noteLayout(p)).toBe(JSON.stringify([['group-note-keep', ['n1']]]));
  }
  // The kept idea's text now ends with the merged idea's, under "Merged from: …".
  await cardById(B.page, 'keep').locator('.card__title').click();
  const body = B.page.locator('[data-card-body="keep"]');
  await expect(body).toContainText('Remind people before the hearing.');
  await expect(body).toContainText('Merged from: SMS nudges');
  await expect(body).toContainText('Plain English, sent a week ahead.');
  await B.page.getByRole('button', { name: 'Done' }).click();

  // Undo, from the toast: everything back, for both.
  await A.page.locator('.toast').getByRole('button', { name: 'Undo' }).click();
  for (const p of pages) {
    await expect(cardById(p, 'dup')).toBeVisible();
    await expect(cardById(p, 'keep').getByTestId('co-authors')).toHaveCount(0);
    await expect.poll(() => noteLayout(p)).toBe(JSON.stringify([['group-note-dup', ['n1']]]));
  }
  await cardById(A.page, 'keep').locator('.card__title').click();
  await expect(A.page.locator('[data-card-body="keep"]')).not.toContainText('Merged from');
  await A.context.close();
  await B.context.close();
});
