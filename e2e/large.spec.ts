/** A 300-card board loads, renders every card, and accepts typing that another person sees. */
import { expect, test } from '@playwright/test';
import { seedLargeBoard } from '../shared/fixtures.ts';
import { PEOPLE, bodyEditor, cardById, createBoard, openAs, seedThroughServer } from './helpers.ts';

test('a 300-card board loads and accepts typing', async ({ browser, request, baseURL }) => {
  const board = await createBoard(request, { title: 'Large board' });
  let firstIdea = '';
  await seedThroughServer(baseURL!, board, (doc) => {
    firstIdea = seedLargeBoard(doc, { cards: 300, seed: 7 }).ideas[0]!;
  });
  const started = Date.now();
  const A = await openAs(browser, board, 'contributor', PEOPLE.amira);
  await expect(A.page.locator('article.card')).toHaveCount(300);
  const loadMs = Date.now() - started;

  const B = await openAs(browser, board, 'contributor', PEOPLE.rhys);
  await cardById(A.page, firstIdea).locator('.card__title').click();
  await bodyEditor(A.page, firstIdea).click();
  await A.page.keyboard.press('Control+End');
  await A.page.keyboard.type(' Typed on a 300-card board.');
  await expect(bodyEditor(A.page, firstIdea)).toContainText('Typed on a 300-card board.');
  await expect(cardById(B.page, firstIdea)).toContainText('Typed on a 300-card board.');
  test.info().annotations.push({ type: 'load', description: `joined and rendered 300 cards in ${loadMs} ms` });
  await A.context.close();
  await B.context.close();
});
