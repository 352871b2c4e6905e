/**
 * What evidence (佐证材料) may be: the accepted kinds of file, one table that the upload check,
 * the finalise check, the archive writer (store or deflate) and the web form's `accept` all read.
 */

export type EvidenceKind = 'jpeg' | 'png' | 'webp' | 'heic' | 'pdf' | 'docx' | 'xlsx' | 'doc' | 'xls' | 'ofd';

export interface EvidenceType {
  kind: EvidenceKind;
  /** What the page calls it. */
  label: string;
  /** The one MIME type stored, sent as the upload's Content-Type and served on download. */
  mime: string;
  /** Extensions a file of this kind may carry, lower case, the first the usual one. */
  extensions: string[];
  /** Already compressed (JPEG, PNG, PDF streams, the ZIP containers): the archive stores it as is. */
  compressed: boolean;
  /** A photo the page may preview. */
  image: boolean;
}

export const EVIDENCE_TYPES: readonly EvidenceType[] = [
  { kind: 'jpeg', label: 'JPEG 图片', mime: 'image/jpeg', extensions: ['jpg', 'jpeg'], compressed: true, image: true },
  { kind: 'png', label: 'PNG 图片', mime: 'image/png', extensions: ['png'], compressed: true, image: true },
  { kind: 'webp', label: 'WebP 图片', mime: 'image/webp', extensions: ['webp'], compressed: true, image: true },
  { kind: 'heic', label: 'HEIC 图片', mime: 'image/heic', extensions: ['heic', 'heif'], compressed: true, image: true },
  { kind: 'pdf', label: 'PDF 文档', mime: 'application/pdf', extensions: ['pdf'], compressed: true, image: false },
  {
    kind: 'docx',
    label: 'Word 文档',
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['docx'],
    compressed: true,
    image: false,
  },
  {
    kind: 'xlsx',
    label: 'Excel 表格',
    mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['xlsx'],
    compressed: true,
    image: false,
  },
  // The Office 97–2003 binary formats are not compressed: the archive deflates them.
  { kind: 'doc', label: 'Word 97-2003 文档', mime: 'application/msword', extensions: ['doc'], compressed: false, image: false },
  { kind: 'xls', label: 'Excel 97-2003 表格', mime: 'application/vnd.ms-excel', extensions: ['xls'], compressed: false, image: false },
  // 版式文档 (GB/T 33190): a ZIP container whose root holds OFD.xml.
  { kind: 'ofd', label: 'OFD 版式文档', mime: 'application/ofd', extensions: ['ofd'], compressed: true, image: false },
];

const byKind = new Map(EVIDENCE_TYPES.map((t) => [t.kind, t]));
const byExtension = new Map(EVIDENCE_TYPES.flatMap((t) => t.extensions.map((e) => [e, t] as const)));
const byMime = new Map(EVIDENCE_TYPES.map((t) => [t.mime, t]));

export const evidenceType = (kind: EvidenceKind): EvidenceType => byKind.get(kind)!;

/** The accepted type a file name's extension names, if any. */
export function typeOfName(name: string): EvidenceType | undefined {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? byExtension.get(name.slice(dot + 1).toLowerCase()) : undefined;
}

/** The accepted type a MIME type names, if any (parameters such as `; charset=` ignored). */
export function typeOfMime(mime: string): EvidenceType | undefined {
  return byMime.get(mime.split(';')[0]!.trim().toLowerCase());
}

/** The `accept` attribute of the page's file input: every accepted extension and MIME type. */
export const ACCEPT = EVIDENCE_TYPES.flatMap((t) => [...t.extensions.map((e) => `.${e}`), t.mime]).join(',');

/** Limits from configuration (examples in the README): per file and per record. */
export interface EvidenceLimits {
  maxFileBytes: number;
  maxFilesPerRecord: number;
  /** How long a signed upload stays usable. */
  uploadSeconds: number;
}
