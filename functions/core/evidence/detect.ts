/**
 * What a stored file really is, from its bytes, never from its name or the type the browser
 * claimed. `file-type` recognises the formats; two containers need one more look inside:
 * an OLE2 compound file (DOC or XLS, by its streams, read with `cfb`) and a ZIP (OOXML, OFD or a
 * plain archive, by its entries, read with `yauzl`). Anything not positively recognised as an
 * accepted kind is refused: HTML, SVG and scripts are text that no detector claims.
 */
import CFB from 'cfb';
import { FileTypeParser } from 'file-type';
import yauzl from 'yauzl';
import { evidenceType, type EvidenceType } from './types.js';

export type Refusal = 'empty' | 'markup' | 'executable' | 'archive' | 'encrypted' | 'unsupported' | 'unknown';

export type Detection = { ok: true; type: EvidenceType } | { ok: false; reason: Refusal; found?: string };

// Executables and installers, whatever they are named.
const EXECUTABLE = new Set(['exe', 'elf', 'macho', 'apk', 'jar', 'class', 'wasm', 'dex', 'deb', 'rpm', 'dmg', 'crx', 'xpi', 'lnk', 'swf']);
// Archives: their contents could not be checked.
const ARCHIVE = new Set(['zip', 'rar', '7z', 'gz', 'bz2', 'xz', 'tar', 'cab', 'zst', 'lz', 'lzh', 'arj', 'cpio', 'ar', 'Z', 'lz4']);

const OFFICE: Record<string, EvidenceType['kind']> = {
  jpg: 'jpeg',
  png: 'png',
  webp: 'webp',
  heic: 'heic',
  pdf: 'pdf',
  docx: 'docx',
  xlsx: 'xlsx',
};

const parser = new FileTypeParser();

/** The kind of evidence these bytes are, or why they are refused. */
export async function detectEvidence(bytes: Uint8Array): Promise<Detection> {
  if (bytes.length === 0) return { ok: false, reason: 'empty' };
  const found = await parser.fromBuffer(bytes);
  if (!found) return { ok: false, reason: looksLikeMarkup(bytes) ? 'markup' : 'unknown' };
  const { ext } = found;
  const kind = OFFICE[ext];
  if (kind) return { ok: true, type: evidenceType(kind) };
  if (ext === 'cfb') return compoundFile(bytes);
  if (ext === 'zip') return zipContainer(bytes);
  if (ext === 'xml' || ext === 'svg' || ext === 'html') return { ok: false, reason: 'markup', found: ext };
  if (EXECUTABLE.has(ext)) return { ok: false, reason: 'executable', found: ext };
  if (ARCHIVE.has(ext)) return { ok: false, reason: 'archive', found: ext };
  return { ok: false, reason: 'unsupported', found: ext };
}

/** Text that opens with a tag (after a byte-order mark and blanks): HTML, SVG, XML. Only for the message. */
function looksLikeMarkup(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('utf8').replace(/^\ufeff/, '').trimStart();
  return head.startsWith('<');
}

/** An OLE2 compound file: Word keeps a WordDocument stream, Excel a Workbook (or the older Book). */
function compoundFile(bytes: Uint8Array): Detection {
  let names: string[];
  try {
    names = CFB.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { type: 'buffer' }).FileIndex.map((e) => e.name);
  } catch {
    return { ok: false, reason: 'unknown', found: 'cfb' };
  }
  const has = (n: string) => names.includes(n);
  // A password-protected .docx or .xlsx is an OLE2 file holding the encrypted package: unreadable here.
  if (has('EncryptedPackage')) return { ok: false, reason: 'encrypted', found: 'cfb' };
  if (has('WordDocument')) return { ok: true, type: evidenceType('doc') };
  if (has('Workbook') || has('Book')) return { ok: true, type: evidenceType('xls') };
  return { ok: false, reason: 'unsupported', found: 'cfb' };
}

/** A ZIP that `file-type` did not name: OFD (OFD.xml at the root), OOXML it could not read, or an archive. */
async function zipContainer(bytes: Uint8Array): Promise<Detection> {
  let names: Set<string>;
  try {
    names = new Set(await zipEntryNames(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
  } catch {
    return { ok: false, reason: 'archive', found: 'zip' };
  }
  if (names.has('OFD.xml')) return { ok: true, type: evidenceType('ofd') };
  // file-type reads a ZIP front to back within a budget; a large workbook written with its
  // [Content_Types].xml last (as exceljs does) is recognised here from the central directory.
  if (names.has('[Content_Types].xml') && names.has('word/document.xml')) return { ok: true, type: evidenceType('docx') };
  if (names.has('[Content_Types].xml') && names.has('xl/workbook.xml')) return { ok: true, type: evidenceType('xlsx') };
  return { ok: false, reason: 'archive', found: 'zip' };
}

/** Every entry name in a ZIP held in memory, from its central directory. */
function zipEntryNames(buffer: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, validateEntrySizes: false, strictFileNames: false }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('not a zip'));
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        // The central directory is enough; a hostile archive with millions of entries stops early.
        if (names.length > 10_000) {
          zip.close();
          resolve(names);
        } else zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
