/**
 * The formats a brief is exported in, with their media types and file names — shared by the
 * export endpoints, the CLI and the sponsor page's download menu.
 */
export const BRIEF_FORMATS = {
  md: { label: 'Markdown', contentType: 'text/markdown; charset=utf-8' },
  html: { label: 'HTML', contentType: 'text/html; charset=utf-8' },
  pdf: { label: 'PDF', contentType: 'application/pdf' },
  docx: { label: 'Word', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
  json: { label: 'JSON', contentType: 'application/json; charset=utf-8' },
} as const;

export type BriefFormat = keyof typeof BRIEF_FORMATS;

export function isBriefFormat(value: unknown): value is BriefFormat {
  return typeof value === 'string' && Object.hasOwn(BRIEF_FORMATS, value);
}

/**
 * "tech-connect-cohort-2-preventing-homelessness-brief.pdf": the board title in lower-case ASCII
 * words (accents folded), safe in a Content-Disposition header and on every file system.
 */
export function briefFileName(title: string, format: BriefFormat): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/g, '');
  return `${slug || 'board'}-brief.${format}`;
}
