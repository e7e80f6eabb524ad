import { $createAutoLinkNode, $createLinkNode } from '@lexical/link';
import { $createLineBreakNode, $createParagraphNode, $createTabNode, $createTextNode, $getRoot } from 'lexical';
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { seedBoardFromFixture, type BoardFixture } from '../fixtures.ts';
import techConnect from '../fixtures/tech-connect-board.json' with { type: 'json' };
import { cardBody, EMPTY_PARAGRAPH_ATTRIBUTES, findCard } from '../schema.ts';
import { syncEditorToBody, withBodyEditor } from './bodyEditor.ts';
import { blocksToPlainText, bodyToPlainText, isSafeUrl, readBody, readBodyTree } from './readBody.ts';
import { bodyToMarkdown, readBodyThroughLexical } from './readThroughLexical.ts';
import { docWithCard, dumpYjs, HOSTILE_HREFS, storedLinkUrls, writeRawLinks } from './testHelpers.ts';
import { writeMarkdownToBody } from './writeMarkdownToBody.ts';

const TEXT_NODE = { __type: 'text', __format: 0, __style: '', __mode: 0, __detail: 0 };

/** A paragraph as Lexical writes it: a text-node map, then its text, in a paragraph XmlText. */
function lexicalParagraph(text: string, attributes: Record<string, unknown> = EMPTY_PARAGRAPH_ATTRIBUTES) {
  const paragraph = new Y.XmlText();
  for (const [k, v] of Object.entries(attributes)) paragraph.setAttribute(k, v as never);
  paragraph.insertEmbed(0, new Y.Map(Object.entries(TEXT_NODE)));
  paragraph.insert(1, text);
  return paragraph;
}

/** Runs `fn` and fails if it changed the document. */
function expectUnchanged(doc: Y.Doc, fn: () => void): void {
  const before = Y.encodeStateVector(doc);
  let updates = 0;
  const count = () => updates++;
  doc.on('update', count);
  fn();
  doc.off('update', count);
  expect(updates).toBe(0);
  expect(Y.encodeStateVector(doc)).toEqual(before);
}

describe('readBody', () => {
  test('a fresh body reads as one empty paragraph', () => {
    const { body } = docWithCard();
    expect(readBody(body)).toEqual([{ type: 'paragraph', children: [] }]);
    expect(bodyToPlainText(body)).toBe('');
    expect(bodyToMarkdown(body)).toBe('');
  });

  test('headings, quotes, formats and nested lists', () => {
    const { doc, body } = docWithCard();
    writeMarkdownToBody(doc, body, '# Title\n\n> Said *once*\n\n3. three\n4. four\n    - sub `code`\n\nA ~~b~~ c');
    expect(readBody(body)).toEqual([
      { type: 'heading', level: 1, children: [{ text: 'Title' }] },
      { type: 'quote', children: [{ text: 'Said ' }, { text: 'once', italic: true }] },
      {
        type: 'list',
        ordered: true,
        start: 3,
        items: [
          [{ type: 'paragraph', children: [{ text: 'three' }] }],
          [
            { type: 'paragraph', children: [{ text: 'four' }] },
            {
              type: 'list',
              ordered: false,
              start: 1,
              items: [[{ type: 'paragraph', children: [{ text: 'sub ' }, { text: 'code', code: true }] }]],
            },
          ],
        ],
      },
      { type: 'paragraph', children: [{ text: 'A ' }, { text: 'b', strikethrough: true }, { text: ' c' }] },
    ]);
    expect(bodyToPlainText(body)).toBe('Title\nSaid once\nthree\nfour\nsub code\nA b c');
  });

  test('never changes the document it reads', () => {
    const { doc, body } = docWithCard();
    writeMarkdownToBody(doc, body, '## A\n\n- b [c](https://c.org)');
    body.insert(0, 'stray text Lexical would delete'); // the binding "repairs" this by deleting it
    expectUnchanged(doc, () => {
      readBody(body);
      bodyToMarkdown(body);
      bodyToPlainText(body);
    });
  });

  test('links with unsafe URLs are read as their text', () => {
    const { doc, body } = docWithCard();
    writeMarkdownToBody(doc, body, '[ok](https://ok.org) [bad](javascript:alert(1)) [rel](/boards/x)');
    const [paragraph] = readBody(body);
    expect(paragraph).toEqual({
      type: 'paragraph',
      children: [
        { type: 'link', url: 'https://ok.org', children: [{ text: 'ok' }] },
        { text: ' bad ' },
        { type: 'link', url: '/boards/x', children: [{ text: 'rel' }] },
      ],
    });
    expect(bodyToMarkdown(body)).not.toContain('javascript');
  });

  test('links a hostile peer wrote are read as they will be followed, or as their text', () => {
    const { body } = docWithCard();
    writeRawLinks(body, HOSTILE_HREFS.map(([href]) => href));
    expect(storedLinkUrls(body)).toHaveLength(HOSTILE_HREFS.length);
    const [paragraph] = readBody(body);
    const links = paragraph!.type === 'paragraph' ? paragraph!.children.filter((c) => 'type' in c) : [];
    const expected = HOSTILE_HREFS.map(([, becomes], i) => [becomes, `link ${i}`] as const).filter(([becomes]) => becomes !== null);
    expect(links.map((l) => ('type' in l ? [l.url, l.children[0]!.text] : null))).toEqual(expected);
    expect(blocksToPlainText(readBody(body))).toContain('link 15'); // javascript: kept as text
  });

  test('isSafeUrl', () => {
    for (const url of ['https://a.org', 'http://a', 'mailto:x@y.z', 'tel:+44', '/x', '#top', 'page.html']) {
      expect(isSafeUrl(url), url).toBe(true);
    }
    for (const url of ['javascript:alert(1)', ' JavaScript:x', 'java\tscript:x', 'data:text/html,x', 'vbscript:x', '', 7]) {
      expect(isSafeUrl(url), String(url)).toBe(false);
    }
  });
});

/** The body as readBody reads it straight from Yjs, checked against the body as Lexical loads it. */
function expectReadAsLexicalReads(body: Y.XmlText, label?: string): void {
  const direct = readBodyTree(body);
  expect(direct, `${label ?? 'body'} is left to the plain-text fallback`).toBeDefined();
  expect(direct, label).toEqual(readBodyThroughLexical(body));
}

/** Writes a body through a Lexical editor, as a person's editor would. */
function writeWithEditor(body: Y.XmlText, $build: () => void): void {
  withBodyEditor(body, (session) => {
    const stop = syncEditorToBody(session);
    try {
      session.editor.update($build, { discrete: true });
    } finally {
      stop();
    }
  });
}

describe('readBody reads a body as Lexical loads it, without Lexical', () => {
  const MARKDOWN: Record<string, string> = {
    empty: '',
    paragraphs: 'First paragraph.\n\nSecond paragraph.',
    headings: '# One\n\n## Two\n\n###### Six',
    formats: 'Mostly **bold**, some *italic*, ***both***, ~~struck~~ and `code`; **`bold code`**.',
    lists: '3. three\n4. four\n    - sub `code`\n        1. deeper\n- back out',
    links: 'See [the model](https://www.gov.uk/x), [relative](/boards/x), [anchor](#top), [mail](mailto:a@b.org) and [bad](javascript:alert(1)).',
    'links in lists and quotes': '- [a **bold** link](https://a.org)\n\n> quoted [link](//evil.example/x)',
    quote: '> People did not know who to call.\n\n> Twice.',
    mixed: '## Who\n\nPrivate renters on **Universal Credit**.\n\n1. One\n2. Two\n\n- [Link](https://example.org) in a *list*',
  };
  for (const [name, markdown] of Object.entries(MARKDOWN)) {
    test(name, () => {
      const { doc, body } = docWithCard();
      writeMarkdownToBody(doc, body, markdown);
      expectReadAsLexicalReads(body);
    });
  }

  test('every body of the Tech Connect board', () => {
    const doc = new Y.Doc();
    const fixture = techConnect as BoardFixture;
    seedBoardFromFixture(doc, fixture);
    for (const card of [...fixture.problems, ...fixture.ideas, ...fixture.notes]) {
      expectReadAsLexicalReads(cardBody(findCard(doc, card.id)!.record)!, card.id);
    }
  });

  test('tabs, line breaks, underline and autolinks, as an editor writes them', () => {
    const { body } = docWithCard();
    writeWithEditor(body, () => {
      const paragraph = $createParagraphNode().append(
        $createTextNode('a'),
        $createTabNode(),
        $createTextNode('under').toggleFormat('underline'),
        $createLineBreakNode(),
        $createLinkNode('https://a.org').append($createTextNode('link')),
        $createTextNode(' '),
        $createAutoLinkNode('https://b.org').append($createTextNode('https://b.org')),
      );
      $getRoot().clear().append(paragraph, $createParagraphNode());
    });
    expectReadAsLexicalReads(body);
    expect(readBody(body)[0]).toEqual({
      type: 'paragraph',
      children: [
        { text: 'a\t' },
        { text: 'under', underline: true },
        { text: '\n' },
        { type: 'link', url: 'https://a.org', children: [{ text: 'link' }] },
        { text: ' ' },
        { type: 'link', url: 'https://b.org', children: [{ text: 'https://b.org' }] },
      ],
    });
  });

  test('links a hostile peer wrote', () => {
    const { body } = docWithCard();
    writeRawLinks(body, HOSTILE_HREFS.map(([href]) => href));
    expectReadAsLexicalReads(body);
  });
});

describe('readBody on malformed bodies (any peer can write anything)', () => {
  const cases: Record<string, (body: Y.XmlText) => void> = {
    'random attributes on a paragraph': (body) => {
      const p = lexicalParagraph('kept text');
      p.setAttribute('__format', 'not a number' as never);
      p.setAttribute('__indent', { evil: true } as never);
      p.setAttribute('__first', 'k99' as never);
      p.setAttribute('__randomThing', [1, 2] as never);
      body.insertEmbed(body.length, p);
    },
    'a Y.Map embedded where a paragraph should be': (body) => {
      body.insertEmbed(0, new Y.Map([['hello', 'world']]));
      body.insertEmbed(1, lexicalParagraph('kept text'));
    },
    'text directly at the root': (body) => {
      body.insert(0, 'kept text');
    },
    'an unregistered node type': (body) => {
      body.insertEmbed(0, lexicalParagraph('kept text', { ...EMPTY_PARAGRAPH_ATTRIBUTES, __type: 'table' }));
    },
    'a text node at the root': (body) => {
      body.insertEmbed(0, new Y.Map(Object.entries(TEXT_NODE)));
      body.insert(1, 'kept text');
    },
    'a heading with a script tag': (body) => {
      body.insertEmbed(0, lexicalParagraph('kept text', { ...EMPTY_PARAGRAPH_ATTRIBUTES, __type: 'heading', __tag: 'script' }));
    },
    'a list with an odd type and start': (body) => {
      const list = new Y.XmlText();
      for (const [k, v] of Object.entries({ ...EMPTY_PARAGRAPH_ATTRIBUTES, __type: 'list', __tag: 'iframe', __listType: 'x', __start: 'y' })) {
        list.setAttribute(k, v as never);
      }
      list.insertEmbed(0, lexicalParagraph('kept text', { ...EMPTY_PARAGRAPH_ATTRIBUTES, __type: 'listitem', __value: 1 }));
      body.insertEmbed(0, list);
    },
    'an XmlElement and an embedded object': (body) => {
      body.insertEmbed(0, new Y.XmlElement('img'));
      body.insertEmbed(1, { image: 'x.png' });
      body.insertEmbed(2, lexicalParagraph('kept text'));
    },
    'deep nesting': (body) => {
      let inner = lexicalParagraph('kept text');
      for (let i = 0; i < 200; i++) {
        const outer = new Y.XmlText();
        outer.setAttribute('__type', 'quote' as never);
        outer.insertEmbed(0, inner);
        inner = outer;
      }
      body.insertEmbed(0, inner);
    },
    'text with formatting attributes at the root': (body) => {
      body.insert(0, 'kept text', { bold: true, __type: 'heading' });
    },
  };

  for (const [name, corrupt] of Object.entries(cases)) {
    test(name, () => {
      const { doc, body } = docWithCard();
      doc.transact(() => corrupt(body));
      expectUnchanged(doc, () => {
        const blocks = readBody(body);
        // read directly only when Lexical would load it as it is, and then as Lexical reads it
        const direct = readBodyTree(body);
        if (direct !== undefined) expect(direct).toEqual(readBodyThroughLexical(body));
        expect(blocksToPlainText(blocks)).toContain('kept text');
        expect(bodyToPlainText(body)).toContain('kept text');
        expect(bodyToMarkdown(body)).toContain('kept text');
      });
      // A writer can always recover the body.
      writeMarkdownToBody(doc, body, 'Recovered **text**.');
      expect(bodyToMarkdown(body)).toBe('Recovered **text**.');
    });
  }

  test('shared types of other kinds are copied, never moved out of the document', () => {
    const { doc, body } = docWithCard();
    const text = new Y.Text();
    const element = new Y.XmlElement('div');
    const inner = new Y.XmlText();
    doc.transact(() => {
      body.insertEmbed(0, text);
      text.insertEmbed(0, new Y.Map([['k', 'v']]));
      body.insertEmbed(1, element);
      element.insert(0, [inner]);
      inner.insertEmbed(0, new Y.Array());
      body.insertEmbed(2, Y.Array.from([new Y.Map()]));
      body.insertEmbed(3, lexicalParagraph('kept text'));
    });
    expectUnchanged(doc, () => expect(bodyToPlainText(body)).toContain('kept text'));
    const embedded = [text, element, inner, (text.toDelta()[0] as { insert: Y.Map<unknown> }).insert];
    expect(embedded.map((t) => t.doc)).toEqual(embedded.map(() => doc));
  });

  test('a heading with a bad tag reads as a paragraph', () => {
    const { doc, body } = docWithCard();
    doc.transact(() => cases['a heading with a script tag']!(body));
    expect(readBody(body).find((b) => b.type === 'heading')).toBeUndefined();
  });

  test('fuzz: random edits to a real body never make readers throw or write, and read as Lexical reads them', () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 100000);
    let state = seed;
    const rand = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const pick = <T,>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
    const types = (root: Y.XmlText): Y.XmlText[] => {
      const out = [root];
      for (const op of root.toDelta() as Array<{ insert: unknown }>) {
        if (op.insert instanceof Y.XmlText) out.push(...types(op.insert));
      }
      return out;
    };
    const textNodes = (root: Y.XmlText): Y.Map<unknown>[] =>
      types(root).flatMap((t) => (t.toDelta() as Array<{ insert: unknown }>).flatMap((op) => (op.insert instanceof Y.Map ? [op.insert] : [])));
    const values = ['', 'h9', 'h2', 'script', 0, 1, 2, 3, 16, -1, 1e9, null, true, { a: 1 }, [1], 'number', 'bullet', 'javascript:x', 'https://x.org', '//e.x'];
    const keys = ['__type', '__tag', '__format', '__indent', '__listType', '__start', '__url', '__value', '__dir', '__x', '__mode', '__detail'];
    let compared = 0;
    try {
      for (let round = 0; round < 150; round++) {
        const { doc, body } = docWithCard();
        writeMarkdownToBody(doc, body, '## H\n\n- a **b** [c](https://c.org)\n    - d\n\n1. e\n\n> f *g*');
        doc.transact(() => {
          for (let i = 0, n = 1 + Math.floor(rand() * 4); i < n; i++) {
            const target = pick(types(body));
            const pos = Math.floor(rand() * (target.length + 1));
            const kind = Math.floor(rand() * 8);
            if (kind === 0) target.setAttribute(pick(keys), pick(values) as never);
            else if (kind === 1) target.insert(pos, 'zz');
            else if (kind === 2 && target.length > 0) target.delete(Math.min(pos, target.length - 1), 1);
            else if (kind === 3) target.insertEmbed(pos, new Y.Map([['__type', rand() < 0.5 ? 'text' : 'linebreak']]));
            else if (kind === 4) target.insertEmbed(pos, lexicalParagraph('p'));
            else if (kind === 5) textNodes(body).at(Math.floor(rand() * 8))?.set(pick(keys), pick(values));
            else if (kind === 6) {
              // a link with any URL, holding text, an empty text node or nothing
              const link = new Y.XmlText();
              link.setAttribute('__type', 'link' as never);
              link.setAttribute('__url', pick(values) as never);
              target.insertEmbed(pos, link);
              if (rand() < 0.7) link.insertEmbed(0, new Y.Map(Object.entries(TEXT_NODE)));
              if (rand() < 0.5 && link.length > 0) link.insert(1, 'L');
            } else {
              target.insertEmbed(pos, lexicalParagraph(rand() < 0.5 ? '' : 'q', { ...EMPTY_PARAGRAPH_ATTRIBUTES, __type: pick(['list', 'listitem', 'quote', 'heading', 'autolink']) }));
            }
          }
        });
        expectUnchanged(doc, () => {
          expect(() => readBody(body)).not.toThrow();
          expect(() => bodyToMarkdown(body)).not.toThrow();
          // whatever readBody reads without Lexical is what Lexical reads
          const direct = readBodyTree(body);
          if (direct !== undefined) {
            compared++;
            expect(direct, JSON.stringify(dumpYjs(body))).toEqual(readBodyThroughLexical(body));
          }
        });
      }
      // most damaged bodies are still bodies Lexical loads as they are
      expect(compared).toBeGreaterThan(40);
    } catch (error) {
      throw new Error(`fuzz failed with FUZZ_SEED=${seed}: ${String(error)}`, { cause: error });
    }
  });
});

describe('dumpYjs helper', () => {
  test('sees attributes and nested text', () => {
    const { doc, body } = docWithCard();
    writeMarkdownToBody(doc, body, 'x');
    expect(JSON.stringify(dumpYjs(body))).toContain('"insert":"x"');
  });
});
