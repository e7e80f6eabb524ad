/**
 * The Lexical node classes and Markdown transformers every card-body editor and converter uses.
 *
 * The collaboration binding refuses shared types whose `__type` is not registered, so an editor
 * that registered fewer nodes than its peers could not open their bodies. The client's editors
 * (`initialConfig.nodes`, `MarkdownShortcutPlugin transformers`) must use these two lists.
 */
import { AutoLinkNode, LinkNode } from '@lexical/link';
import { ListItemNode, ListNode } from '@lexical/list';
import {
  BOLD_ITALIC_STAR,
  BOLD_ITALIC_UNDERSCORE,
  BOLD_STAR,
  BOLD_UNDERSCORE,
  HEADING,
  INLINE_CODE,
  ITALIC_STAR,
  ITALIC_UNDERSCORE,
  LINK,
  ORDERED_LIST,
  QUOTE,
  STRIKETHROUGH,
  UNORDERED_LIST,
  type Transformer,
} from '@lexical/markdown';
import { HeadingNode, QuoteNode } from '@lexical/rich-text';
import type { Klass, LexicalNode } from 'lexical';

export const RICH_TEXT_NODES: ReadonlyArray<Klass<LexicalNode>> = [
  HeadingNode,
  QuoteNode,
  ListNode,
  ListItemNode,
  LinkNode,
  AutoLinkNode,
];

/**
 * Lexical's TRANSFORMERS minus the ones whose nodes or formats a card body does not have:
 * code blocks (CodeNode), check lists and highlight. Text-format order matters (Lexical's own).
 */
export const RICH_TEXT_TRANSFORMERS: ReadonlyArray<Transformer> = [
  HEADING,
  QUOTE,
  UNORDERED_LIST,
  ORDERED_LIST,
  INLINE_CODE,
  BOLD_ITALIC_STAR,
  BOLD_ITALIC_UNDERSCORE,
  BOLD_STAR,
  BOLD_UNDERSCORE,
  ITALIC_STAR,
  ITALIC_UNDERSCORE,
  STRIKETHROUGH,
  LINK,
];
