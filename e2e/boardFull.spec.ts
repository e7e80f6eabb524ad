/**
 * A board at its size cap (MAX_BOARD_BYTES, 4 MiB by default): the change that would take it over
 * is not saved, its writer's page says so in words that stay, stops offering edits and does not
 * reconnect in a loop, and the others carry on.
 *
 * The board is filled through the server by a facilitator's Node client writing the brief's
 * summary (which the board screen does not render), in pieces under the message limit, up to a
 * little under the cap; the contributor's own paste then crosses it.
 */
import { expect, test } from '@playwright/test';
import * as Y from 'yjs';
import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import { WebsocketProvider } from 'y-websocket';
import { BOARD_FULL_MESSAGE, MessageType } from '../shared/protocol.ts';
import { META, boardMaps } from '../shared/schema.ts';
import { PEOPLE, bodyEditor, cardByTitle, createBoard, openAs, type CreatedBoard } from './helpers.ts';

/** The server's default cap (server/config.ts); the e2e server runs with it. */
const MAX_BOARD_BYTES = 4 * 1024 * 1024;
/** what the board keeps free after filling: a card fits, a 20 KB paste does not */
const ROOM_LEFT = 12_000;
const PASTE = 20_000;

function facilitatorClient(baseURL: string, board: CreatedBoard): WebsocketProvider {
  const provider = new WebsocketProvider(baseURL.replace(/^http/, 'ws') + '/ws', board.id, new Y.Doc(), {
    params: { token: board.tokens.facilitator },
    disableBc: true,
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  provider.messageHandlers[MessageType.crossboard] = (_encoder, decoder) => void decoding.readVarString(decoder);
  return provider;
}

function summaryOf(doc: Y.Doc): Y.Text {
  return boardMaps(doc).meta.get(META.summary) as Y.Text;
}

/** Writes `chars` characters into the summary, 1 MiB per update, and waits until a fresh client has them all. */
async function fillBoard(baseURL: string, board: CreatedBoard, chars: number): Promise<void> {
  const writer = facilitatorClient(baseURL, board);
  await expect.poll(() => writer.synced).toBe(true);
  const summary = summaryOf(writer.doc);
  for (let left = chars; left > 0; left -= 1024 * 1024) summary.insert(summary.length, 'x'.repeat(Math.min(left, 1024 * 1024)));
  const reader = facilitatorClient(baseURL, board);
  try {
    await expect.poll(() => (reader.synced ? summaryOf(reader.doc)?.length : -1), { timeout: 20_000 }).toBe(chars);
  } finally {
    reader.destroy();
    writer.destroy();
  }
}

test('the change that would take a board over its size cap is refused; the page says the board is full, for good; others carry on', async ({ browser, request, baseURL }) => {
  test.setTimeout(90_000);
  const board = await createBoard(request, { title: 'A very full board' });
  await fillBoard(baseURL!, board, MAX_BOARD_BYTES - ROOM_LEFT);

  const A = await openAs(browser, board, 'contributor', PEOPLE.amira);
  const B = await openAs(browser, board, 'contributor', PEOPLE.rhys);
  const sockets: string[] = [];
  A.page.on('websocket', (ws) => sockets.push(ws.url()));

  // A small change still fits.
  await A.page.getByRole('button', { name: '+ Add problem', exact: true }).click();
  await A.page.getByRole('textbox', { name: 'Title' }).fill('Rent arrears letters arrive too late');
  await A.page.getByRole('textbox', { name: 'Title' }).press('Enter');
  const id = (await A.page.locator('article.card--open').getAttribute('data-card-id'))!;
  await expect(cardByTitle(B.page, 'Rent arrears letters arrive too late')).toBeVisible();

  // A pastes 20 KB into the body: more than the board has left.
  await expect(bodyEditor(A.page, id)).toBeFocused();
  await A.page.keyboard.insertText('Evidence from the pilot. '.repeat(PASTE / 25));
  const banner = A.page.getByTestId('board-full');
  await expect(banner).toHaveText(BOARD_FULL_MESSAGE);
  await expect(banner).toContainText('This board is full');
  await expect(A.page.getByTestId('sync-indicator')).toHaveText('Board full — nothing more is saved');
  await expect(A.page.locator('.board')).toHaveAttribute('data-sync-status', 'stopped');
  await A.page.locator('.board-header').screenshot({ path: 'docs/board-full.png' });

  // Nothing of the paste reached B, and B carries on: B's own small edit is saved and synced.
  await expect(B.page.locator('.board')).toHaveAttribute('data-sync-status', 'synced');
  await expect(cardByTitle(B.page, 'Rent arrears letters arrive too late')).not.toContainText('Evidence from the pilot');
  await B.page.getByRole('button', { name: '+ Add problem', exact: true }).click();
  await B.page.getByRole('textbox', { name: 'Title' }).fill('Nobody reads the council website');
  await B.page.getByRole('textbox', { name: 'Title' }).press('Escape');
  await expect(B.page.locator('.board')).toHaveAttribute('data-sync-status', 'synced');
  const C = await openAs(browser, board, 'contributor', PEOPLE.hannah);
  await expect(cardByTitle(C.page, 'Nobody reads the council website')).toBeVisible();

  // The message stays, the cards stop offering edits, and A's page does not knock again.
  await expect(banner).toBeVisible();
  await expect(A.page.getByRole('button', { name: '+ Add problem', exact: true })).toHaveCount(0);
  expect(sockets).toHaveLength(0);
  for (const s of [A, B, C]) await s.context.close();
});
