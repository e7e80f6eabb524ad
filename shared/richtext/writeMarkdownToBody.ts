import { $convertFromMarkdownString } from '@lexical/markdown';
import { $createParagraphNode, $getRoot } from 'lexical';
import type * as Y from 'yjs';
import { syncEditorToBody, withBodyEditor } from './bodyEditor.ts';
import { RICH_TEXT_TRANSFORMERS } from './nodes.ts';
import { $sanitiseLinks } from './readThroughLexical.ts';
import { SEED_ORIGIN, type BoardOrigin } from '../origins.ts';

/**
 * Replaces a card body's content with rich text parsed from Markdown (headings, paragraphs,
 * quotes, bold, italic, strikethrough, inline code, bulleted and numbered lists, links).
 *
 * The body is emptied and a headless Lexical editor bound to it imports the Markdown, so the Yjs
 * written is exactly what a client's collaboration binding writes for the same content, and
 * editors already bound to the body receive it as an ordinary remote change. Runs in one
 * transaction with `origin`. Works on malformed bodies too (their content is discarded). Links are
 * checked as links.ts says: unsafe ones become plain text, the rest are written out in full.
 */
export function writeMarkdownToBody(
  doc: Y.Doc,
  body: Y.XmlText,
  markdown: string,
  origin: BoardOrigin = SEED_ORIGIN,
): void {
  if (body.doc !== doc) throw new Error('writeMarkdownToBody: the body is not part of this doc');
  doc.transact(() => {
    if (body.length > 0) body.delete(0, body.length);
    withBodyEditor(body, (session) => {
      const stopSync = syncEditorToBody(session);
      try {
        session.editor.update(
          () => {
            $convertFromMarkdownString(markdown, [...RICH_TEXT_TRANSFORMERS]);
            // the Markdown may come from anyone (a draft): no unsafe link reaches the document
            $sanitiseLinks();
            // A body is never empty: Lexical keeps one paragraph, and so do we.
            if ($getRoot().isEmpty()) $getRoot().append($createParagraphNode());
          },
          { discrete: true },
        );
      } finally {
        stopSync();
      }
    });
  }, origin);
}
