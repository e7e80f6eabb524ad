/** An anonymous vote where every sector has one voter: the board shows no sector on its own, and says why. */
import { expect, test } from '@playwright/test';
import { addIdea } from '../shared/board/index.ts';
import { PEOPLE, cardById, createBoard, openAs, seedThroughServer } from './helpers.ts';
import { castRevealedVote } from './votes.ts';

const AUTHOR = { participantId: 'seed', name: 'Tom Whitfield', organisation: 'Leeds City Council', sector: 'public sector' as const };

test('small sectors in an anonymous round are shown only together, on the board', async ({ browser, request, baseURL }) => {
  const board = await createBoard(request, { title: 'Anonymous board' });
  await seedThroughServer(baseURL!, board, (doc) => addIdea(doc, { title: 'Text nudges', author: AUTHOR, id: 'i1', problemId: null }, { kind: 'seed' }));
  await castRevealedVote(
    baseURL!,
    board,
    [
      { name: 'Priya', organisation: 'Datalane', sector: 'private sector', cardIds: ['i1'] },
      { name: 'Sam', organisation: 'Uni', sector: 'academia', cardIds: ['i1'] },
      { name: 'Jo', organisation: '', sector: 'citizen', cardIds: ['i1'] },
    ],
    { config: { anonymous: true } },
  );
  const V = await openAs(browser, board, 'viewer', PEOPLE.hannah);
  const tally = cardById(V.page, 'i1').getByTestId('tally');
  await expect(tally).toContainText('3 dots: 3 other sectors');
  await expect(tally).not.toContainText(/private|academia|citizen/);
  await expect(V.page.getByTestId('sector-privacy-idea')).toHaveText(
    /^Sectors with fewer than 3 voters are not shown on their own, so that nobody’s anonymous vote can be told/,
  );
  await V.context.close();
});
