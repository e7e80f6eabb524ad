/**
 * A connection the server closes for good (a permanent close code: here 4400, a malformed frame,
 * which a retry would only send again) must not leave the page saying "Reconnecting…" for ever.
 * The indicator says the board is disconnected and what to do; the other person carries on.
 */
import { expect, test } from '@playwright/test';
import { addProblem } from '../shared/board/index.ts';
import { PEOPLE, cardByTitle, createBoard, openAs, seedThroughServer } from './helpers.ts';

const AUTHOR = { participantId: 'seed', name: 'Tom Whitfield', organisation: 'Leeds City Council', sector: 'public sector' as const };

test('after a permanent close the indicator says disconnected, not reconnecting; others carry on', async ({ browser, request, baseURL }) => {
  const board = await createBoard(request, { title: 'Stopped board' });
  await seedThroughServer(baseURL!, board, (doc) => {
    addProblem(doc, { title: 'Waiting lists at the GP surgery', author: AUTHOR, id: 'card-one' }, { kind: 'seed' });
  });
  const A = await openAs(browser, board, 'contributor', PEOPLE.amira);
  const B = await openAs(browser, board, 'contributor', PEOPLE.rhys);

  // B's socket sends bytes no server can read; the server closes it with 4400 and B stops.
  await B.page.evaluate(() => {
    const conn = (window as unknown as { __crossboard: { provider: { ws: WebSocket } } }).__crossboard;
    conn.provider.ws.send(new Uint8Array([250, 250, 250]));
  });
  await expect(B.page.locator('.board')).toHaveAttribute('data-sync-status', 'stopped');
  const indicator = B.page.getByTestId('sync-indicator');
  await expect(indicator).toHaveText('Disconnected — changes kept on this device; reload to reconnect');
  await B.page.locator('.board-header').screenshot({ path: 'docs/sync-stopped.png' });

  // A is unaffected and still edits; B gets its changes back after a reload.
  await expect(A.page.locator('.board')).toHaveAttribute('data-sync-status', 'synced');
  await A.page.getByRole('button', { name: '+ Add problem', exact: true }).click();
  await A.page.getByRole('textbox', { name: 'Title' }).fill('Bus timetables nobody can read');
  await A.page.getByRole('textbox', { name: 'Title' }).press('Escape');
  await B.page.reload();
  await expect(B.page.locator('.board')).toHaveAttribute('data-sync-status', 'synced', { timeout: 20_000 });
  await expect(cardByTitle(B.page, 'Bus timetables nobody can read')).toHaveCount(1);
  await A.context.close();
  await B.context.close();
});
