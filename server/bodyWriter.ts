/**
 * The server writes card bodies rarely: a template's starter cards, revealed drafts. Writing one
 * goes through Lexical, which costs about 8 MB of heap and 170 ms to load, so it is imported the
 * first time it is needed instead of by every server process at startup (a smaller heap is a
 * shorter major GC, and those pauses are what a live board's tail latency is made of).
 */
import type { writeMarkdownToBody } from '../shared/richtext/writeMarkdownToBody.ts';

export type BodyWriter = typeof writeMarkdownToBody;

let loading: Promise<BodyWriter> | undefined;

export function bodyWriter(): Promise<BodyWriter> {
  loading ??= import('../shared/richtext/writeMarkdownToBody.ts').then((m) => m.writeMarkdownToBody);
  return loading;
}
