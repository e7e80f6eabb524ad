/**
 * Writes the Tech Connect fixture's brief in every format to a folder, for looking at and for the
 * screenshot in docs/ (the first PDF page, rendered with `pdftoppm -png -r 60 -f 1 -l 1`).
 *
 *   npx tsx server/brief/writeFixtureBriefs.ts [out-dir]      (default: /tmp/crossboard-briefs)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BRIEF_FORMATS, type BriefFormat } from '../../shared/brief/formats.ts';
import { fixtureBrief } from '../../shared/brief/testing.ts';
import { renderBrief } from './index.ts';

const out = process.argv[2] ?? '/tmp/crossboard-briefs';
mkdirSync(out, { recursive: true });
const brief = fixtureBrief();
for (const format of Object.keys(BRIEF_FORMATS) as BriefFormat[]) {
  const { body, fileName } = await renderBrief(brief, format);
  writeFileSync(join(out, fileName), body);
  console.log(join(out, fileName));
}
