/**
 * The board's first paint needs no editor code (issue 13): Lexical is fetched on demand, so a
 * board whose editor chunk is held back still shows every card with its formatted body, and a
 * card opened meanwhile shows its body as it reads until the editor arrives and takes over.
 */
import { expect, test } from '@playwright/test';
import { addProblem, cardBodyById } from '../shared/board/index.ts';
import { writeMarkdownToBody } from '../shared/richtext/index.ts';
import { PEOPLE, bodyEditor, cardById, createBoard, join, pathFor, seedThroughServer, waitReady } from './helpers.ts';

const seedOrigin = { kind: 'seed' } as const;
const TOM = { participantId: 'seed-tom', name: 'Tom Whitfield', organisation: 'Leeds City Council', sector: 'public sector' as const };

test('cards show their text while the editor code is held back; an opened card gets the editor once it arrives', async ({ browser, request, baseURL }) => {
  const board = await createBoard(request, { title: 'First paint board' });
  await seedThroughServer(baseURL!, board, (doc) => {
    addProblem(doc, { title: 'Missed hearings', author: TOM, id: 'p1' }, seedOrigin);
    writeMarkdownToBody(doc, cardBodyById(doc, 'p1')!, 'People **miss** hearings.\n\n- no reminder\n- wrong address', seedOrigin);
  });
  // no service worker: it would precache the editor chunk and answer for it where no route sees it
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  // the editor's chunk (client/editor/CardEditor.tsx and what only it imports) waits until released
  const asked: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/assets\/CardEditor-[\w-]+\.js$/, async (route) => {
    asked.push(route.request().url());
    await released;
    await route.continue();
  });

  await page.goto(pathFor(board, 'contributor'));
  await join(page, PEOPLE.amira);
  await waitReady(page);
  const card = cardById(page, 'p1');
  await expect(card.locator('.card__title')).toContainText('Missed hearings');
  await expect(card.locator('.rich--static strong')).toHaveText('miss');
  await expect(card.locator('.rich--static li')).toHaveText(['no reminder', 'wrong address']);

  // opening the card asks for the editor (if touching the lanes has not already); its body shows meanwhile
  await card.locator('.card__title').click();
  await expect.poll(() => asked.length).toBeGreaterThan(0);
  await expect(page.locator('[data-editor-loading="p1"] li')).toHaveText(['no reminder', 'wrong address']);
  release();
  await expect(bodyEditor(page, 'p1').locator('li')).toHaveText(['no reminder', 'wrong address']);
  await expect(page.locator('[data-editor-loading]')).toHaveCount(0);
  await context.close();
});
