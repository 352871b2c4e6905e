/**
 * File names as people type them on phones and Windows desktops, made safe to keep, to send in
 * Content-Disposition and to unpack from the archive on Windows: harmless oddities are cleaned,
 * anything that looks like a path or hides characters is refused. Chinese is kept as it is.
 */

/**
 * At most this many characters. The archive path `佐证材料/<台账名称>/<记录编号>_<文件名>` must
 * still fit Windows' 260-character path when unpacked into a folder on the desktop.
 */
export const MAX_NAME_CHARS = 100;

// C0 and C1 controls, DEL, the bidirectional overrides and isolates (which can show `exe.jpg` for
// `gpj.exe`), zero-width and byte-order marks, and lone surrogates.
const HIDDEN =
  /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// Characters Windows does not allow in a file name.
const WINDOWS_FORBIDDEN = /[<>:"|?*]/g;
// Device names Windows reserves whatever the extension (CON.jpg opens the console).
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

export type NameCheck = { ok: true; name: string } | { ok: false; message: string };

/** The name to keep for an uploaded file, or why it cannot be taken. */
export function cleanFileName(raw: unknown): NameCheck {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, message: '请提供文件名' };
  if (HIDDEN.test(raw)) return { ok: false, message: '文件名含有控制字符或不可见字符，请重命名后再上传' };
  if (/[/\\]/.test(raw)) return { ok: false, message: '文件名不能包含路径（“/”或“\\”），请只提供文件本身的名称' };
  let name = raw.normalize('NFC').replace(/\s+/g, ' ').trim();
  if ([...name].length > MAX_NAME_CHARS) return { ok: false, message: `文件名过长，最多 ${MAX_NAME_CHARS} 个字符，请缩短后再上传` };
  // Windows drops trailing dots and spaces, so `a.pdf.` and `a.pdf` would collide on unpacking.
  name = name.replace(WINDOWS_FORBIDDEN, '_').replace(/[. ]+$/, '');
  const dot = name.indexOf('.');
  const stem = dot < 0 ? name : name.slice(0, dot);
  if (stem.trim() === '') return { ok: false, message: '文件名不能只有扩展名' };
  if (WINDOWS_RESERVED.test(stem.trim())) name = `_${name}`;
  return { ok: true, name };
}

/** The extension of a cleaned name, lower case, without the dot ('' when there is none). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/**
 * A name that is not yet in `taken` (compared without case, as Windows does): `照片.jpg`, then
 * `照片 (2).jpg`. Adds the result to `taken`.
 */
export function uniqueName(name: string, taken: Set<string>): string {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  let candidate = name;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${stem} (${n})${ext}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

/** The top folder of the evidence in the period's archive (档案包). */
export const ARCHIVE_ROOT = '佐证材料';

// A ledger's title or a record number as one folder or file-name part: no separators, nothing
// Windows refuses, no controls.
const pathPart = (text: string) =>
  text
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f/\\<>:"|?*]/g, '_')
    .replace(/[. ]+$/, '')
    .trim() || '_';

/**
 * Where each of one record's attachments sits in the archive, in the record's order:
 * `佐证材料/<台账名称>/<记录编号>_<文件名>`, a repeated name made unique (`照片 (2).jpg`). The
 * archive and the ledger's evidence index both call this, so the index names the real paths.
 */
export function archivePaths(ledgerName: string, recordNumber: string, fileNames: readonly string[]): string[] {
  const taken = new Set<string>();
  const prefix = archivePrefix(ledgerName, recordNumber);
  return fileNames.map((name) => `${prefix}${uniqueName(name, taken)}`);
}

/** What every archive path of one record starts with: `佐证材料/<台账名称>/<记录编号>_`. */
export function archivePrefix(ledgerName: string, recordNumber: string): string {
  return `${ARCHIVE_ROOT}/${pathPart(ledgerName)}/${pathPart(recordNumber)}_`;
}
