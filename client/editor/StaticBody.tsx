/**
 * The cheap render of a card body that is not being edited: shared/richtext's readBody tree as
 * plain React elements, re-read only when that body changes. readBody reads the Yjs structure
 * itself, so a board shows every card before the editor's code (Lexical) has loaded; with 300
 * cards on a board only the open card pays for a Lexical editor.
 */
import { memo, useCallback, useSyncExternalStore, type ReactNode } from 'react';
import type * as Y from 'yjs';
import { cardBody, findCard } from '../../shared/schema.ts';
import { isLinkRun, readBody, type Inline, type RichBlock, type TextRun } from '../../shared/richtext/readBody.ts';

type Entry = { blocks: RichBlock[] | null; listeners: Set<() => void>; body: Y.XmlText; observer: () => void };
const cache = new WeakMap<Y.XmlText, Entry>();

function entryFor(body: Y.XmlText): Entry {
  let entry = cache.get(body);
  if (!entry) {
    const e: Entry = {
      blocks: null,
      listeners: new Set(),
      body,
      observer: () => {
        e.blocks = null;
        for (const l of e.listeners) l();
      },
    };
    cache.set(body, e);
    entry = e;
  }
  return entry;
}

const EMPTY: RichBlock[] = [];

function useBodyBlocks(doc: Y.Doc, cardId: string): RichBlock[] {
  const record = findCard(doc, cardId)?.record;
  const body = record ? cardBody(record) : undefined;
  const subscribe = useCallback(
    (listener: () => void) => {
      if (!body) return () => {};
      const entry = entryFor(body);
      if (entry.listeners.size === 0) body.observeDeep(entry.observer);
      entry.listeners.add(listener);
      return () => {
        entry.listeners.delete(listener);
        if (entry.listeners.size === 0) {
          body.unobserveDeep(entry.observer);
          entry.blocks = null;
        }
      };
    },
    [body],
  );
  const getSnapshot = useCallback(() => {
    if (!body) return EMPTY;
    const entry = entryFor(body);
    if (entry.blocks === null) entry.blocks = readBody(body);
    return entry.blocks;
  }, [body]);
  return useSyncExternalStore(subscribe, getSnapshot);
}

function isEmpty(blocks: RichBlock[]): boolean {
  return blocks.every((b) => b.type !== 'list' && b.children.every((c) => !isLinkRun(c) && c.text.trim() === ''));
}

export const StaticBody = memo(function StaticBody({ doc, cardId }: { doc: Y.Doc; cardId: string }) {
  const blocks = useBodyBlocks(doc, cardId);
  if (isEmpty(blocks)) return null;
  return <div className="rich rich--static">{blocks.map(renderBlock)}</div>;
});

function renderBlock(block: RichBlock, i: number): ReactNode {
  switch (block.type) {
    case 'heading':
      return (
        <h4 key={i} className="rich__h">
          {renderInlines(block.children)}
        </h4>
      );
    case 'quote':
      return (
        <blockquote key={i} className="rich__quote">
          {renderInlines(block.children)}
        </blockquote>
      );
    case 'list': {
      const items = block.items.map((item, j) => (
        <li key={j} className="rich__li">
          {item.map(renderBlock)}
        </li>
      ));
      return block.ordered ? (
        <ol key={i} className="rich__ol" start={block.start !== 1 ? block.start : undefined}>
          {items}
        </ol>
      ) : (
        <ul key={i} className="rich__ul">
          {items}
        </ul>
      );
    }
    default:
      return (
        <p key={i} className="rich__p">
          {renderInlines(block.children)}
        </p>
      );
  }
}

function renderInlines(inlines: Inline[]): ReactNode[] {
  return inlines.map((inline, i) =>
    isLinkRun(inline) ? (
      <a key={i} className="rich__a" href={inline.url} target="_blank" rel="noopener noreferrer" onClick={(e) => e.stopPropagation()}>
        {inline.children.map(renderRun)}
      </a>
    ) : (
      renderRun(inline, i)
    ),
  );
}

function renderRun(run: TextRun, i: number): ReactNode {
  let node: ReactNode = run.text;
  if (run.code) node = <code className="rich__code">{node}</code>;
  if (run.bold) node = <strong>{node}</strong>;
  if (run.italic) node = <em>{node}</em>;
  if (run.strikethrough) node = <s>{node}</s>;
  if (run.underline) node = <u>{node}</u>;
  return <span key={i}>{node}</span>;
}
