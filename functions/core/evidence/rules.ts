/**
 * The two checks of an attachment: before signing an upload (the name, the declared size and
 * type, the record's count) and after the bytes are stored (size, content, name against content).
 * Each refusal is an AppError with a Chinese detail the page can show as it is.
 */
import { z } from 'zod';
import { AppError, conflict, tooLarge, validationError } from '../errors.js';
import { parseOrThrow, type FieldError } from '../templates/schema.js';
import type { Detection, Refusal } from './detect.js';
import { cleanFileName } from './names.js';
import { EVIDENCE_TYPES, typeOfMime, typeOfName, type EvidenceLimits, type EvidenceType } from './types.js';

const ACCEPTED = EVIDENCE_TYPES.map((t) => t.extensions[0]!.toUpperCase()).join('、');

const unsupported = (detail: string, errors?: FieldError[]) => new AppError(415, 'Unsupported Media Type', detail, errors);

export const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/** What the browser says about a file before uploading it. */
export const UploadRequest = z
  .object({
    name: z.string({ error: '请提供文件名' }).max(1000, { error: '文件名过长' }),
    size: z.number({ error: '请提供文件大小（字节）' }).int({ error: '文件大小应为整数（字节）' }).min(0, { error: '文件大小不能为负数' }),
    /** The browser's File.type; often empty for HEIC and OFD, so the name decides when it is. */
    type: z.string().max(200).optional(),
  })
  .strict();

/** An upload the API may sign: the cleaned name, its accepted type and the exact size. */
export interface PlannedUpload {
  name: string;
  type: EvidenceType;
  size: number;
}

/**
 * Checks a request to attach one more file to a record that has `attached` already; the
 * signed upload will accept exactly `size` bytes of `type.mime`.
 */
export function planUpload(input: unknown, limits: EvidenceLimits, attached: number): PlannedUpload {
  const req = parseOrThrow(UploadRequest, input, [], '上传请求有误');
  const name = cleanFileName(req.name);
  if (!name.ok) throw validationError(name.message, [{ path: 'name', message: name.message }]);
  const type = typeOfName(name.name);
  if (!type) {
    const detail = `不支持这种文件（${name.name}）。可以上传的佐证材料：${ACCEPTED}`;
    throw unsupported(detail, [{ path: 'name', message: detail }]);
  }
  // A browser that names a type must name the same one; none, or a generic one, leaves it to the name.
  const declared = req.type?.trim().toLowerCase();
  if (declared && declared !== 'application/octet-stream' && typeOfMime(declared) !== type) {
    const detail = `文件类型（${declared}）与文件名（${name.name}）不符`;
    throw unsupported(detail, [{ path: 'type', message: detail }]);
  }
  if (req.size === 0) throw validationError('文件是空的（0 字节）', [{ path: 'size', message: '文件是空的（0 字节）' }]);
  if (req.size > limits.maxFileBytes) throw tooLarge(`文件过大（${megabytes(req.size)}），每个文件最大 ${megabytes(limits.maxFileBytes)}`);
  if (attached >= limits.maxFilesPerRecord) throw conflict(`每条记录最多 ${limits.maxFilesPerRecord} 个佐证材料，已达上限`);
  return { name: name.name, type, size: req.size };
}

/** What the store says it holds at the upload's key. */
export interface StoredObject {
  size: number;
  contentType?: string;
}

const REFUSALS: Record<Refusal, string> = {
  empty: '文件是空的（0 字节）',
  markup: '这是网页、SVG 或其他标记文本，不能作为佐证材料',
  executable: '这是可执行程序或安装包，不能作为佐证材料',
  archive: '这是压缩包，其中的内容无法检查；请解压后逐个上传',
  encrypted: '文件设有打开密码，无法检查；请去除密码后再上传',
  unsupported: `不支持这种文件。可以上传的佐证材料：${ACCEPTED}`,
  unknown: `无法识别文件内容。可以上传的佐证材料：${ACCEPTED}`,
};

/**
 * Checks what was stored against what was signed: the size exactly, then the content's detected
 * kind against the name's. Throws the refusal; the caller removes the object.
 */
export function checkStored(planned: PlannedUpload, stored: StoredObject, detection: Detection, limits: EvidenceLimits): EvidenceType {
  if (stored.size === 0) throw validationError(REFUSALS.empty, [{ path: 'file', message: REFUSALS.empty }]);
  if (stored.size > limits.maxFileBytes) throw tooLarge(`文件过大（${megabytes(stored.size)}），每个文件最大 ${megabytes(limits.maxFileBytes)}`);
  if (stored.size !== planned.size) {
    const detail = `收到的文件大小（${stored.size} 字节）与申请上传时的大小（${planned.size} 字节）不符，请重新上传`;
    throw validationError(detail, [{ path: 'file', message: detail }]);
  }
  // The signed form binds the Content-Type; a store that did not hold the upload to it is caught here.
  if (stored.contentType !== undefined && stored.contentType !== planned.type.mime) {
    const detail = `收到的文件类型（${stored.contentType}）与申请上传时的类型（${planned.type.mime}）不符，请重新上传`;
    throw unsupported(detail, [{ path: 'file', message: detail }]);
  }
  if (!detection.ok) throw unsupported(`${planned.name}：${REFUSALS[detection.reason]}`, [{ path: 'file', message: REFUSALS[detection.reason] }]);
  if (detection.type !== planned.type) {
    const detail = `${planned.name}：文件内容是${detection.type.label}，与文件名不符；请使用正确的扩展名（.${detection.type.extensions[0]}）`;
    throw unsupported(detail, [{ path: 'file', message: detail }]);
  }
  return detection.type;
}
