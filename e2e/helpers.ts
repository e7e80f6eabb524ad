/**
 * Shared steps for the e2e specs: boards created through the API, people joining in browser
 * contexts of their own, boards seeded by a Node y-websocket client, and explicit waits on the
 * page's own signals (`data-ready`, `data-sync-status`) — never sleeps.
 */
import { expect, type APIRequestContext, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { Sector } from '../shared/schema.ts';
import type { CreatedBoard } from './seed.ts';

export type Role = 'facilitator' | 'contributor' | 'viewer';
export type { CreatedBoard };
export type Person = { name: string; organisation: string; sector: Sector };

export const PEOPLE = {
  amira: { name: 'Amira Khan', organisation: 'Department for Work and Pensions', sector: 'public sector' },
  rhys: { name: 'Rhys Morgan', organisation: 'NorthStar Cloud Ltd', sector: 'private sector' },
  hannah: { name: 'Hannah Cole', organisation: 'Shelter North', sector: 'voluntary and community' },
  sam: { name: 'Dr Sam Osei', organisation: 'University of Sheffield', sector: 'academia' },
  jo: { name: 'Jo Marsh', organisation: 'Lived-experience panel', sector: 'citizen' },
} satisfies Record<string, Person>;

export async function createBoard(
  request: APIRequestContext,
  input: { title: string; challenge?: string; sponsor?: string; template?: string } = { title: 'E2E board' },
): Promise<CreatedBoard> {
  const res = await request.post('/api/boards', { data: input });
  expect(res.status()).toBe(201);
  return (await res.json()) as CreatedBoard;
}

/** The board page for a role. A viewer's own link opens the brief (`briefPathFor`); this asks for the board. */
export function pathFor(board: CreatedBoard, role: Role): string {
  const view = role === 'viewer' ? '&view=board' : '';
  return `/b/${encodeURIComponent(board.id)}?token=${encodeURIComponent(board.tokens[role])}${view}`;
}

/** The sponsor's view: the brief page. */
export function briefPathFor(board: CreatedBoard, role: Role = 'viewer'): string {
  return `/b/${encodeURIComponent(board.id)}/brief?token=${encodeURIComponent(board.tokens[role])}`;
}

/** Fills the join form (name, organisation, sector) and submits it. */
export async function join(page: Page, person: Person): Promise<void> {
  await page.getByLabel('Your name').fill(person.name);
  await page.getByLabel(/Organisation/).fill(person.organisation);
  await page.getByRole('radio', { name: new RegExp(`^(PUB|PRI|ACA|VCS|CIT)?\\s*${escapeRe(person.sector)}`, 'i') }).check();
  await page.getByRole('button', { name: 'Join board' }).click();
}

export async function waitReady(page: Page, status: 'synced' | 'offline' | null = 'synced'): Promise<void> {
  const board = page.locator('.board');
  await expect(board).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  if (status) await expect(board).toHaveAttribute('data-sync-status', status, { timeout: 20_000 });
}

export type Session = { context: BrowserContext; page: Page };

/** A new person in a browser context of their own, joined and synced. */
export async function openAs(
  browser: Browser,
  board: CreatedBoard,
  role: Role,
  person: Person,
  options: { viewport?: { width: number; height: number }; beforeGoto?: (page: Page) => void | Promise<void> } = {},
): Promise<Session> {
  const context = await browser.newContext(options.viewport ? { viewport: options.viewport } : {});
  const page = await context.newPage();
  await options.beforeGoto?.(page);
  await page.goto(pathFor(board, role));
  await join(page, person);
  await waitReady(page);
  return { context, page };
}

/** The static or open card whose title is `title`. */
export function cardByTitle(page: Page, title: string) {
  return page.locator('article.card').filter({ has: page.locator('.card__title', { hasText: title }) });
}

export function cardById(page: Page, id: string) {
  return page.locator(`article.card[data-card-id="${id}"]`);
}

/** The Lexical body editor of the open card `id`. */
export function bodyEditor(page: Page, id: string) {
  return page.locator(`[data-card-body="${id}"]`);
}

/** Adds a card to `lane` with `title` through the lane's Add button, and waits until it shows. */
export async function addCard(page: Page, lane: 'problem' | 'idea' | 'note', title: string): Promise<void> {
  await page.locator(`[data-add-lane="${lane}"]`).click();
  const input = page.getByRole('textbox', { name: 'Title' });
  await expect(input).toBeFocused();
  await input.fill(title);
  await page.locator('article.card--open').getByRole('button', { name: 'Done' }).click();
  await expect(cardByTitle(page, title)).toBeVisible();
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export { seedThroughServer, countCards } from './seed.ts';
