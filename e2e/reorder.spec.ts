/** Reordering and moving cards from two contexts at the same time converges to one order. */
import { expect, test, type Page } from '@playwright/test';
import { addIdea, addProblem } from '../shared/board/index.ts';
import { PEOPLE, cardById, createBoard, openAs, seedThroughServer } from './helpers.ts';

const AUTHOR = { participantId: 'seed', name: 'Tom Whitfield', organisation: 'Leeds City Council', sector: 'public sector' as const };
const seedOrigin = { kind: 'seed' } as const;

async function ideaOrder(page: Page): Promise<string[]> {
  return page.locator('[data-lane="idea"] article.card').evaluateAll((els) => els.map((e) => e.getAttribute('data-card-id')!));
}

/** Each idea group's heading id with the ideas in it, in order. */
async function ideaGroups(page: Page): Promise<string> {
  return page.locator('[data-lane="idea"] section.group').evaluateAll((groups) =>
    JSON.stringify(
      groups.map((g) => [g.getAttribute('aria-labelledby'), [...g.querySelectorAll('article.card')].map((c) => c.getAttribute('data-card-id'))]),
    ),
  );
}

async function keyboardMove(page: Page, id: string, keys: string[]): Promise<void> {
  const card = cardById(page, id);
  await card.focus();
  await expect(card).toBeFocused();
  await page.keyboard.press('m');
  await expect(card).toHaveClass(/card--moving/);
  for (const k of keys) {
    await page.keyboard.press(k);
    await expect(card).toBeFocused();
  }
  await page.keyboard.press('Enter');
  await expect(card).not.toHaveClass(/card--moving/);
}

test('concurrent reorders and moves from two contexts converge', async ({ browser, request, baseURL }) => {
  const board = await createBoard(request, { title: 'Reorder board' });
  await seedThroughServer(baseURL!, board, (doc) => {
    addProblem(doc, { title: 'Problem one', author: AUTHOR, id: 'p1' }, seedOrigin);
    addProblem(doc, { title: 'Problem two', author: AUTHOR, id: 'p2' }, seedOrigin);
    for (const n of [1, 2, 3, 4]) addIdea(doc, { title: `Idea ${n}`, author: AUTHOR, problemId: 'p1', id: `i${n}` }, seedOrigin);
    addIdea(doc, { title: 'Idea 5', author: AUTHOR, problemId: 'p2', id: 'i5' }, seedOrigin);
  });
  const A = await openAs(browser, board, 'contributor', PEOPLE.amira);
  const B = await openAs(browser, board, 'contributor', PEOPLE.rhys);
  expect(await ideaOrder(A.page)).toEqual(['i1', 'i2', 'i3', 'i4', 'i5']);

  // At the same time: A moves idea 1 down two places and idea 5 up out of problem two (into
  // problem one); B moves idea 3 up to the top and idea 2 down one place. (Nobody else moves
  // into problem two, so A's move up out of it is a crossing whatever the timing.)
  await Promise.all([
    (async () => {
      await keyboardMove(A.page, 'i1', ['ArrowDown', 'ArrowDown']);
      await keyboardMove(A.page, 'i5', ['ArrowUp']);
    })(),
    (async () => {
      await keyboardMove(B.page, 'i3', ['ArrowUp', 'ArrowUp']);
      await keyboardMove(B.page, 'i2', ['ArrowDown']);
    })(),
  ]);

  for (const s of [A, B]) await expect(s.page.locator('.board')).toHaveAttribute('data-sync-status', 'synced');
  await expect.poll(async () => JSON.stringify(await ideaOrder(A.page))).toBe(JSON.stringify(await ideaOrder(B.page)));
  // Let the last remote updates land, then compare again: still the same on both.
  const finalA = await ideaOrder(A.page);
  await expect.poll(() => ideaOrder(B.page)).toEqual(finalA);
  expect(finalA.sort()).toEqual(['i1', 'i2', 'i3', 'i4', 'i5']);
  // Same groups (which problem each idea answers) in the same order on both pages, and idea 5
  // crossed into problem one.
  const groupsA = await ideaGroups(A.page);
  await expect.poll(() => ideaGroups(B.page)).toBe(groupsA);
  const [, inOne] = (JSON.parse(groupsA) as Array<[string, string[]]>).find(([h]) => h === 'group-idea-p1')!;
  expect(inOne).toContain('i5');
  await A.context.close();
  await B.context.close();
});
