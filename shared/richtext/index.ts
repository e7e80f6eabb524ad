/** Card bodies as rich text: the Lexical node list, and headless conversion to and from Yjs. */
export { RICH_TEXT_NODES, RICH_TEXT_TRANSFORMERS } from './nodes.ts';
export { writeMarkdownToBody } from './writeMarkdownToBody.ts';
export { exportedLink, isSafeUrl, linkTarget, type LinkTarget } from './links.ts';
export { bodyToMarkdown } from './readThroughLexical.ts';
export {
  readBody,
  bodyToPlainText,
  blocksToPlainText,
  isLinkRun,
  type RichBlock,
  type Inline,
  type TextRun,
  type LinkRun,
  type HeadingLevel,
} from './readBody.ts';
