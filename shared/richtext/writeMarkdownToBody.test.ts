import { createHeadlessEditor } from '@lexical/headless';
import { $convertFromMarkdownString } from '@lexical/markdown';
import { createBinding } from '@lexical/yjs';
import { $createTextNode, $getRoot, type ElementNode } from 'lexical';
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { EMPTY_PARAGRAPH_ATTRIBUTES } from '../schema.ts';
import { HEADLESS_PROVIDER, syncEditorToBody } from './bodyEditor.ts';
import { openLiveEditor } from './liveEditor.ts';
import { RICH_TEXT_NODES, RICH_TEXT_TRANSFORMERS } from './nodes.ts';
import { readBody } from './readBody.ts';
import { bodyToMarkdown } from './readThroughLexical.ts';
import { docWithCard, dumpYjs, exchange, storedLinkUrls } from './testHelpers.ts';
import { writeMarkdownToBody } from './writeMarkdownToBody.ts';

/** Markdown in the form Lexical exports it, so a round trip must give it back unchanged. */
const CANONICAL: Record<string, string> = {
  paragraph: 'Just one plain paragraph.',
  paragraphs: 'First paragraph.\n\nSecond paragraph.',
  heading: '## What we know\n\nSome text under it.',
  headings: '# One\n\n###### Six',
  'bold and italic': 'Mostly **bold**, some *italic*, and ***both*** here.',
  strikethrough: 'Not ~~this~~ but that.',
  code: 'Run `npm test` first.',
  'bulleted list': '- Councils share a hashed key\n- Caseworkers see a risk band',
  'numbered list': '1. Week 12: need assessed\n2. Week 8: landlord found\n3. Week 2: date agreed',
  'nested list': '- Data\n    - Arrears\n    - Sanctions\n- People',
  link: 'See [the Cardiff model](https://www.gov.uk/cardiff-model) for a start.',
  quote: '> People did not know who to call.',
  mixed:
    '## Who is affected\n\nPrivate renters on **Universal Credit**.\n\n1. One\n2. Two\n\n- [Link](https://example.org) in a *list*',
};

describe('writeMarkdownToBody round trips through a second binding', () => {
  for (const [construct, markdown] of Object.entries(CANONICAL)) {
    test(construct, () => {
      const { doc, body } = docWithCard();
      writeMarkdownToBody(doc, body, markdown);
      expect(bodyToMarkdown(body)).toBe(markdown);
      const live = openLiveEditor(body);
      expect(live.markdown()).toBe(markdown);
      live.close();
    });
  }

  test('the block tree of each construct', () => {
    const { doc, body } = docWithCard();
    writeMarkdownToBody(doc, body, CANONICAL.mixed!);
    expect(readBody(body)).toEqual([
      { type: 'heading', level: 2, children: [{ text: 'Who is affected' }] },
      {
        type: 'paragraph',
        children: [{ text: 'Private renters on ' }, { text: 'Universal Credit', bold: true }, { text: '.' }],
      },
      {
        type: 'list',
        ordered: true,
        start: 1,
        items: [
          [{ type: 'paragraph', children: [{ text: 'One' }] }],
          [{ type: 'paragraph', children: [{ text: 'Two' }] }],
        ],
      },
      {
        type: 'list',
        ordered: false,
        start: 1,
        items: [
          [
            {
              type: 'paragraph',
              children: [
                { type: 'link', url: 'https://example.org', children: [{ text: 'Link' }] },
                { text: ' in a ' },
                { text: 'list', italic: true },
              ],
            },
          ],
        ],
      },
    ]);
  });
});

describe('writeMarkdownToBody writes what Lexical writes', () => {
  test('the same Yjs structure as a plain CollaborationPlugin-style binding on a root XmlText', () => {
    const markdown = CANONICAL.mixed! + '\n\n' + CANONICAL['nested list'] + '\n\n' + CANONICAL.quote;
    const { doc, body } = docWithCard();
    writeMarkdownToBody(doc, body, markdown);

    // Lexical's own path: createBinding on a top-level 'root' XmlText, update listener, import.
    const refDoc = new Y.Doc();
    const editor = createHeadlessEditor({ nodes: [...RICH_TEXT_NODES], onError: (e) => { throw e; } });
    const binding = createBinding(editor, HEADLESS_PROVIDER, 'root', refDoc, new Map([['root', refDoc]]));
    syncEditorToBody({ editor, binding });
    editor.update(() => $convertFromMarkdownString(markdown, [...RICH_TEXT_TRANSFORMERS]), { discrete: true });

    expect(dumpYjs(body)).toEqual(dumpYjs(refDoc.get('root', Y.XmlText)));
  });

  test('an empty string leaves one empty paragraph shaped like createBody', () => {
    const { doc, body } = docWithCard();
    writeMarkdownToBody(doc, body, 'something');
    writeMarkdownToBody(doc, body, '');
    const children = body.toDelta() as Array<{ insert: unknown }>;
    expect(children).toHaveLength(1);
    const paragraph = children[0]!.insert as Y.XmlText;
    expect(paragraph.getAttributes()).toEqual(EMPTY_PARAGRAPH_ATTRIBUTES);
    expect(paragraph.length).toBe(0);
  });

  test('replaces the previous content, in one transaction with the given origin', () => {
    const { doc, body } = docWithCard();
    writeMarkdownToBody(doc, body, '- old\n- list');
    const origin = { kind: 'server' } as const;
    const origins: unknown[] = [];
    doc.on('afterTransaction', (tr) => origins.push(tr.origin));
    writeMarkdownToBody(doc, body, 'New *text*.', origin);
    expect(origins).toEqual([origin]);
    expect(bodyToMarkdown(body)).toBe('New *text*.');
  });

  test('refuses a body from another document', () => {
    const { body } = docWithCard();
    expect(() => writeMarkdownToBody(new Y.Doc(), body, 'x')).toThrow(/not part of this doc/);
  });
});

describe('an editor already bound to the body (same process)', () => {
  test('receives the write as a remote change and keeps editing correctly', () => {
    const { doc, body } = docWithCard();
    writeMarkdownToBody(doc, body, 'Before.');
    const live = openLiveEditor(body);
    writeMarkdownToBody(doc, body, '## After\n\n- one\n- two');
    expect(live.markdown()).toBe('## After\n\n- one\n- two');
    // The live binding's caches survived the write: its next edit lands in the right place.
    live.edit(() => {
      ($getRoot().getFirstChild() as ElementNode).append($createTextNode(' and more'));
    });
    expect(bodyToMarkdown(body)).toBe('## After and more\n\n- one\n- two');
    expect(live.markdown()).toBe('## After and more\n\n- one\n- two');
    live.close();
  });
});

describe('convergence across two documents', () => {
  test('a written body edited by a second headless binding on another doc converges', () => {
    const { doc: a, body: bodyA } = docWithCard('c1');
    writeMarkdownToBody(a, bodyA, '## Plan\n\n- first\n- second');
    const b = new Y.Doc();
    exchange(a, b);
    const bodyB = (b.getMap('ideas').get('c1') as Y.Map<unknown>).get('body') as Y.XmlText;

    const editorA = openLiveEditor(bodyA);
    const editorB = openLiveEditor(bodyB);
    expect(editorB.markdown()).toBe('## Plan\n\n- first\n- second');

    // Concurrent edits: A extends the heading, B appends to the list's last item.
    editorA.edit(() => {
      ($getRoot().getFirstChild() as ElementNode).append($createTextNode(' for May'));
    });
    editorB.edit(() => {
      const list = $getRoot().getLastChild() as ElementNode;
      (list.getLastChild() as ElementNode).append($createTextNode(' item'));
    });
    exchange(a, b);

    const expected = '## Plan for May\n\n- first\n- second item';
    expect(bodyToMarkdown(bodyA)).toBe(expected);
    expect(bodyToMarkdown(bodyB)).toBe(expected);
    expect(editorA.markdown()).toBe(expected);
    expect(editorB.markdown()).toBe(expected);
    expect(dumpYjs(bodyA)).toEqual(dumpYjs(bodyB));

    // A rewrite on one side reaches the editor on the other.
    writeMarkdownToBody(a, bodyA, 'Rewritten by the server.', { kind: 'server' });
    exchange(a, b);
    expect(editorB.markdown()).toBe('Rewritten by the server.');
    editorA.close();
    editorB.close();
  });
});

describe('writeMarkdownToBody never stores an unsafe link', () => {
  test('unsafe links become their text; scheme-less external ones are written out in full', () => {
    const { doc, body } = docWithCard();
    const markdown = [
      '[a](//evil.example/x)',
      // Markdown unescapes a backslash pair, so this stores \\evil.example\share
      String.raw`[b](\\\\evil.example\share)`,
      '[c](/\\evil.example)',
      '[d](https:evil.example)',
      '[e](javascript:alert(1))',
      '[f](data:text/html,x)',
      '[g](file:///etc/passwd)',
      '[h](https://ok.example/y)',
      '[i](/boards/x)',
    ].join(' ');
    writeMarkdownToBody(doc, body, markdown);
    expect(storedLinkUrls(body)).toEqual([
      'https://evil.example/x',
      'https://evil.example/share',
      'https://evil.example/',
      'https://evil.example/',
      'https://ok.example/y',
      '/boards/x',
    ]);
    expect(bodyToMarkdown(body)).toContain('e f g');
  });
});
