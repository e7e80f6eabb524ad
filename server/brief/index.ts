/**
 * Rendering a brief in any export format, for the endpoints and the CLI: plain input (a built
 * `ChallengeBrief`), bytes out, with the media type and file name to send them under.
 */
import type { ChallengeBrief } from '../../shared/brief/brief.ts';
import { BRIEF_FORMATS, briefFileName, type BriefFormat } from '../../shared/brief/formats.ts';
import { renderHtml } from '../../shared/brief/html.ts';
import { renderJson } from '../../shared/brief/json.ts';
import { renderMarkdown } from '../../shared/brief/markdown.ts';
import { renderDocx } from './docx.ts';
import { renderPdf } from './pdf.ts';

export { renderDocx, renderPdf };

export type RenderedBrief = { body: Uint8Array; contentType: string; fileName: string };

export async function renderBrief(brief: ChallengeBrief, format: BriefFormat): Promise<RenderedBrief> {
  const text = (s: string) => new TextEncoder().encode(s);
  let body: Uint8Array;
  switch (format) {
    case 'md':
      body = text(renderMarkdown(brief));
      break;
    case 'html':
      body = text(renderHtml(brief));
      break;
    case 'json':
      body = text(renderJson(brief));
      break;
    case 'pdf':
      body = await renderPdf(brief);
      break;
    case 'docx':
      body = await renderDocx(brief);
      break;
  }
  return { body, contentType: BRIEF_FORMATS[format].contentType, fileName: briefFileName(brief.title, format) };
}
