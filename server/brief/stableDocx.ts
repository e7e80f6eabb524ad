/**
 * A Word file as `docx` packs it, made byte-for-byte reproducible: the same brief gives the same
 * file, in any process, at any hour. `docx` has no option for the four things that vary:
 *
 * - relationship ids of external links are random (nanoid, `rId` + 21 characters);
 * - bookmark ids come from one counter for the whole process, so the second export in a worker
 *   numbers its bookmarks after the first's;
 * - `docProps/core.xml` says the file was created and modified "now";
 * - every zip entry is dated "now".
 *
 * So the package is rewritten once it is packed: random relationship ids become `rIdL1`, `rIdL2`
 * in the order the relationship files list them, bookmark ids are numbered from 1 in document
 * order, and the two dates and every entry's date are `at`. Only markup `docx` wrote is touched:
 * text from the board is escaped XML, so a participant cannot type a tag or an attribute.
 */
import JSZip from 'jszip';

/** A zip entry's date has two-second steps from 1980 to 2107: dates outside it are brought in. */
const ZIP_DATES = { from: Date.UTC(1980, 0, 1), to: Date.UTC(2099, 11, 31, 23, 59, 58) };

function zipDate(ms: number): Date {
  const clamped = Math.min(ZIP_DATES.to, Math.max(ZIP_DATES.from, Number.isFinite(ms) ? ms : 0));
  // whole even seconds, as the zip keeps them, so core.xml says exactly what the entries say
  return new Date(Math.floor(clamped / 2000) * 2000);
}

/** the relationship ids docx writes itself: rId1, rId2, … */
const COUNTED_ID = /^rId\d+$/;

/** `at`: ms since the epoch; the date the file and its entries carry. */
export async function stableDocx(packed: Uint8Array, at: number): Promise<Uint8Array> {
  const zip = await JSZip.loadAsync(packed);
  const parts = new Map<string, string>();
  for (const file of Object.values(zip.files)) {
    if (!file.dir && /\.(xml|rels)$/.test(file.name)) parts.set(file.name, await file.async('string'));
  }

  const renamed = new Map<string, string>();
  for (const [name, xml] of parts) {
    if (!name.endsWith('.rels')) continue;
    for (const [, id] of xml.matchAll(/<Relationship\b[^>]*?\sId="([^"]+)"/g)) {
      if (!COUNTED_ID.test(id!) && !renamed.has(id!)) renamed.set(id!, `rIdL${renamed.size + 1}`);
    }
  }

  const bookmarks = new Map<string, number>();
  const date = zipDate(at);
  const iso = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (const [name, before] of parts) {
    let xml = before;
    // ids are attribute values, always quoted: replacing the quoted form leaves text alone
    for (const [from, to] of renamed) xml = xml.split(`"${from}"`).join(`"${to}"`);
    xml = xml.replace(/(<w:bookmark(?:Start|End)\b[^>]*?\sw:id=")(\d+)(")/g, (_, start: string, id: string, end: string) => {
      if (!bookmarks.has(id)) bookmarks.set(id, bookmarks.size + 1);
      return `${start}${bookmarks.get(id)}${end}`;
    });
    if (name === 'docProps/core.xml') {
      xml = xml.replace(/(<dcterms:(created|modified)\b[^>]*>)[^<]*(<\/dcterms:\2>)/g, `$1${iso}$3`);
    }
    if (xml !== before) zip.file(name, xml);
  }

  // Parts left as they were keep their compressed bytes (deflate is most of the cost); every
  // entry, rewritten or not, gets the same date.
  for (const file of Object.values(zip.files)) file.date = date;
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 6 }, platform: 'DOS' });
}
