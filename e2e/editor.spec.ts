/**
 * Guards for the Lexical internals the card editor relies on (see shared/richtext/yjsTree.ts):
 * mounting an editor on a body that has content shows that content, and remounting then editing
 * neither loses nor duplicates anything. Also: per-person undo reaches into card text.
 */
import { expect, test } from '@playwright/test';
import { PEOPLE, bodyEditor, cardById, createBoard, openAs } from './helpers.ts';

test('remount then edit keeps one copy of the text, for both people; undo reaches card text', async ({ browser, request }) => {
  const board = await createBoard(request, { title: 'Remount board' });
  const A = await openAs(browser, board, 'contributor', PEOPLE.amira);
  const B = await openAs(browser, board, 'contributor', PEOPLE.rhys);

  await A.page.getByRole('button', { name: '+ Add problem', exact: true }).click();
  await A.page.getByRole('textbox', { name: 'Title' }).fill('Remounted card');
  await A.page.getByRole('textbox', { name: 'Title' }).press('Enter');
  const id = (await A.page.locator('article.card--open').getAttribute('data-card-id'))!;
  await A.page.keyboard.type('First line.');
  await A.page.keyboard.press('Enter');
  await A.page.keyboard.type('Second line.');
  await A.page.keyboard.press('Escape');

  for (let round = 1; round <= 3; round++) {
    await cardById(A.page, id).focus();
    await A.page.keyboard.press('Enter');
    await expect(A.page.getByRole('textbox', { name: 'Title' })).toBeFocused();
    await A.page.keyboard.press('Enter');
    await expect(bodyEditor(A.page, id)).toBeFocused();
    await expect(bodyEditor(A.page, id).locator('p')).toHaveCount(1 + round);
    await A.page.keyboard.press('Control+End');
    await A.page.keyboard.press('Enter');
    await A.page.keyboard.type(`Round ${round}.`);
    await A.page.keyboard.press('Escape');
  }
  const expected = ['First line.', 'Second line.', 'Round 1.', 'Round 2.', 'Round 3.'];
  // B opens the card: the editor mounts on existing text and shows exactly that.
  await cardById(B.page, id).locator('.card__title').click();
  await expect(bodyEditor(B.page, id).locator('p')).toHaveText(expected);
  // A's static view agrees.
  await expect(cardById(A.page, id).locator('.rich--static p')).toHaveText(expected);

  // Undo is per person and reaches into text: A's Ctrl+Z removes A's last text, not B's.
  await bodyEditor(B.page, id).click();
  await B.page.keyboard.press('Control+End');
  await B.page.keyboard.press('Enter');
  await B.page.keyboard.type('(checked by Rhys)');
  await expect(cardById(A.page, id)).toContainText('(checked by Rhys)');
  await cardById(A.page, id).focus();
  await A.page.keyboard.press('Control+z');
  await expect(bodyEditor(B.page, id)).not.toContainText('Round 3.');
  await expect(bodyEditor(B.page, id)).toContainText('(checked by Rhys)');
  await A.context.close();
  await B.context.close();
});
