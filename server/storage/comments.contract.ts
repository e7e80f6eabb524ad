/**
 * The storage contract for comments on the brief, run by `storageContract` against every
 * implementation. Each test is named after the rule it checks.
 */
import { describe, expect, it } from 'vitest';
import { storageFixture, testBoard, testComment, type CreateFixture } from './fixtures.ts';
import { UnknownBoardError } from './errors.ts';
import type { Storage } from './storage.ts';

export function commentsContract(name: string, create: CreateFixture): void {
  describe(`storage contract, comments: ${name}`, () => {
    let storage: Storage;
    const fixture = storageFixture(create);
    async function setup() {
      storage = await fixture.open();
    }

    it('add/list: a comment reads back with every field intact, for both kinds of target and without an author', async () => {
      await setup();
      const board = testBoard();
      await storage.boards.createBoard(board, new Uint8Array([0, 0]));
      const onSection = testComment(board.id, { text: 'Line one\n\nLine two “quoted” <b>not html</b> 👍🏽' });
      const onIdea = testComment(board.id, {
        target: { kind: 'idea', cardId: 'idea-1' },
        targetTitle: 'Text-message nudges',
        author: null,
        role: 'contributor',
      });
      const noName = testComment(board.id, { author: { name: '', organisation: 'Shelter North' } });
      for (const c of [onSection, onIdea, noName]) await storage.comments.addComment(c);
      expect(await storage.comments.listComments(board.id)).toEqual([onSection, onIdea, noName]);
    });

    it('order: oldest first by time, ties in the order they were added', async () => {
      await setup();
      const board = testBoard();
      await storage.boards.createBoard(board, new Uint8Array([0, 0]));
      const later = testComment(board.id, { createdAt: 2000, text: 'later' });
      const earlier = testComment(board.id, { createdAt: 1000, text: 'earlier' });
      const sameTime = testComment(board.id, { createdAt: 2000, text: 'same time, added after' });
      for (const c of [later, earlier, sameTime]) await storage.comments.addComment(c);
      expect((await storage.comments.listComments(board.id)).map((c) => c.text)).toEqual(['earlier', 'later', 'same time, added after']);
    });

    it('unknown board: add throws UnknownBoardError, list is empty', async () => {
      await setup();
      await expect(async () => storage.comments.addComment(testComment('nope'))).rejects.toThrow(UnknownBoardError);
      expect(await storage.comments.listComments('nope')).toEqual([]);
    });

    it('isolation: a comment is listed only on its own board', async () => {
      await setup();
      const a = testBoard();
      const b = testBoard();
      await storage.boards.createBoard(a, new Uint8Array([0, 0]));
      await storage.boards.createBoard(b, new Uint8Array([0, 0]));
      await storage.comments.addComment(testComment(a.id));
      expect(await storage.comments.listComments(b.id)).toEqual([]);
      expect(await storage.comments.listComments(a.id)).toHaveLength(1);
    });

    it('ids: a comment id is never stored twice', async () => {
      await setup();
      const board = testBoard();
      await storage.boards.createBoard(board, new Uint8Array([0, 0]));
      const comment = testComment(board.id);
      await storage.comments.addComment(comment);
      await expect(async () => storage.comments.addComment({ ...comment, text: 'again' })).rejects.toThrow();
      expect((await storage.comments.listComments(board.id)).map((c) => c.text)).toEqual([comment.text]);
    });

    it('copies: changing a comment after add or list does not change what is stored', async () => {
      await setup();
      const board = testBoard();
      await storage.boards.createBoard(board, new Uint8Array([0, 0]));
      const comment = testComment(board.id);
      await storage.comments.addComment(comment);
      comment.author!.name = 'changed';
      comment.target = { kind: 'idea', cardId: 'x' };
      const [read] = await storage.comments.listComments(board.id);
      read!.author!.name = 'changed again';
      expect((await storage.comments.listComments(board.id))[0]!.author!.name).toBe('Tom Whitfield');
      expect((await storage.comments.listComments(board.id))[0]!.target).toEqual({ kind: 'section', id: 'summary' });
    });

    it('durability: comments survive closing and reopening', async () => {
      await setup();
      if (!fixture.reopen) return;
      const board = testBoard();
      await storage.boards.createBoard(board, new Uint8Array([0, 0]));
      const comment = testComment(board.id, { target: { kind: 'idea', cardId: 'i1' }, author: null });
      await storage.comments.addComment(comment);
      storage = await fixture.reopen();
      expect(await storage.comments.listComments(board.id)).toEqual([comment]);
    });
  });
}
