/**
 * Evidence on a record (DESIGN §11): sign an upload, finalise it into a new version of the record,
 * hand out a download, remove it in a new version. Access is the record's own (a record the caller
 * may not see is 404, one they may see but not change is 403); the bytes never pass through here.
 */
import { ulid } from 'ulid';
import { evidenceType, planUpload, typeOfMime, type EvidenceLimits } from '../core/evidence/index.js';
import { AppError, conflict, forbidden, notFound, validationError } from '../core/errors.js';
import type { AttachmentRef, ChangeKind, RecordState } from '../core/records/record.js';
import { canEdit, getSubmission, resolveCaller } from '../core/records/submissions.js';
import { isResponsible } from '../core/rectification/items.js';
import type { Caller, Deps } from '../core/types.js';
import { evidenceKeys, finaliseUpload, type EvidenceBlobStore, type SignedUpload } from '../store/evidence-blobs.js';
import type { PendingUploadItem, PendingUploadStore } from '../store/uploads.js';

export interface EvidenceDeps extends Deps {
  evidence: { blobs: EvidenceBlobStore; uploads: PendingUploadStore; limits: EvidenceLimits };
}

const ATTACHMENT_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** How often a change of evidence is tried again when another change of the record came first. */
const ATTEMPTS = 5;

async function changeable(deps: Deps, caller: Caller, id: string): Promise<RecordState> {
  const record = await getSubmission(deps, caller, id);
  if (!canEdit(caller, record) && !(await headOfItem(deps, caller, record))) throw forbidden('只能为自己提交的记录添加或删除佐证材料');
  if (record.status === 'withdrawn') throw conflict('这条记录已撤回，不能再添加或删除佐证材料（已有的佐证材料仍保留）');
  return record;
}

/** A rectification item's evidence is also its division head's to add (they report for the division, DESIGN §15). */
async function headOfItem(deps: Deps, caller: Caller, record: RecordState): Promise<boolean> {
  if (!deps.catalog.form(record.templateId)?.rectification) return false;
  const { person } = await resolveCaller(deps, caller);
  return isResponsible(caller, person, record);
}

const noSuchAttachment = () => notFound('找不到这个佐证材料');

/**
 * The most a preview may weigh. The page makes it 320 px on its long side (some tens of KB); the
 * bound keeps a "preview" from being a second, uncounted original. A technical bound, not policy.
 */
export const PREVIEW_MAX_BYTES = 512 * 1024;
/** Never more than a file may be, where configuration sets that lower. */
const previewMaxBytes = (limits: EvidenceLimits) => Math.min(PREVIEW_MAX_BYTES, limits.maxFileBytes);

/** The name a preview is stored and downloaded under, from its original's. */
const previewName = (original: string) => `${original.replace(/\.[^.]+$/, '').slice(0, 100)}_预览.jpg`;

/**
 * The body of POST …/attachments for a preview: `{previewOf, size, type?}` (a name may come with
 * it; the stored one is made from the original's). Refused unless it names an image of this record.
 */
function planPreview(record: RecordState, body: Record<string, unknown>, limits: EvidenceLimits) {
  const { previewOf, ...rest } = body;
  // The stored name is made from the original's; one the page sent is not kept.
  delete rest.name;
  if (typeof previewOf !== 'string' || !ATTACHMENT_ID.test(previewOf))
    throw validationError('预览图应指明所属的佐证材料', [{ path: 'previewOf', message: '应为这条记录上某个佐证材料的编号' }]);
  const original = record.attachments?.find((a) => a.id === previewOf);
  if (!original) throw notFound('找不到预览图所属的佐证材料');
  if (!typeOfMime(original.type)?.image) {
    const detail = `${original.name} 不是图片，不能添加预览图`;
    throw new AppError(415, 'Unsupported Media Type', detail, [{ path: 'previewOf', message: detail }]);
  }
  if (original.preview) throw conflict(`${original.name} 已有预览图`);
  const name = previewName(original.name);
  const planned = planUpload({ ...rest, name }, { maxFileBytes: previewMaxBytes(limits), maxFilesPerRecord: 1, uploadSeconds: 0 }, 0);
  // The page always makes a JPEG; anything else declared is not a preview it made.
  if (planned.type !== evidenceType('jpeg')) throw new AppError(415, 'Unsupported Media Type', '预览图应为 JPEG 图片', [{ path: 'type', message: '预览图应为 JPEG 图片' }]);
  return { planned, previewOf };
}

/**
 * Writes the record's next version with its evidence changed by `edit`, re-reading and trying
 * again when another change came first (evidence and data changes do not conflict).
 */
async function appendEvidence(
  deps: Deps,
  caller: Caller,
  record: RecordState,
  change: ChangeKind,
  edit: (current: RecordState) => AttachmentRef[],
): Promise<RecordState> {
  let current = record;
  for (let attempt = 1; ; attempt++) {
    const next: RecordState = {
      ...current,
      version: current.version + 1,
      attachments: edit(current),
      updatedAt: deps.now().toISOString(),
      updatedBy: caller.id,
    };
    if (await deps.records.append(next, change)) return next;
    const fresh = await deps.records.get(record.id);
    if (!fresh || attempt >= ATTEMPTS) throw conflict('这条记录正在被他人修改，请稍后重试');
    if (fresh.status === 'withdrawn') throw conflict('这条记录已撤回，不能再添加或删除佐证材料（已有的佐证材料仍保留）');
    current = fresh;
  }
}

/** POST …/attachments: checks the file's name, size and type and the record's count, then signs one upload. */
export async function requestUpload(
  deps: EvidenceDeps,
  caller: Caller,
  id: string,
  body: unknown,
): Promise<{ attachmentId: string; upload: Pick<SignedUpload, 'url' | 'fields'>; expiresAt: string; maxBytes: number }> {
  const record = await changeable(deps, caller, id);
  const { blobs, uploads, limits } = deps.evidence;
  const isPreview = typeof body === 'object' && body !== null && 'previewOf' in body;
  // A preview is not counted against the record's files: it belongs to one of them.
  const { planned, previewOf } = isPreview
    ? planPreview(record, body as Record<string, unknown>, limits)
    : { planned: planUpload(body, limits, record.attachments?.length ?? 0), previewOf: undefined };
  const attachmentId = ulid();
  const uploadKey = evidenceKeys.upload(record.unit, record.id, attachmentId);
  const signed = await blobs.signUpload(uploadKey, { mime: planned.type.mime, size: planned.size }, limits.uploadSeconds);
  await uploads.put({
    recordId: record.id,
    attachmentId,
    uploadKey,
    keptKey: evidenceKeys.kept(record.unit, record.id, attachmentId),
    planned,
    expiresAt: signed.expiresAt,
    createdBy: caller.id,
    createdAt: deps.now().toISOString(),
    ...(previewOf ? { previewOf } : {}),
  });
  const maxBytes = previewOf ? previewMaxBytes(limits) : limits.maxFileBytes;
  return { attachmentId, upload: { url: signed.url, fields: signed.fields }, expiresAt: signed.expiresAt, maxBytes };
}

/**
 * POST …/attachments/{aid}/finalise: checks what arrived (finaliseUpload) and adds it to the
 * record as a new version. A refused file, or one past the record's limit, is removed and the
 * record left as it was.
 */
export async function finaliseAttachment(
  deps: EvidenceDeps,
  caller: Caller,
  id: string,
  attachmentId: string,
): Promise<{ record: RecordState; attachment: AttachmentRef }> {
  const record = await changeable(deps, caller, id);
  if (!ATTACHMENT_ID.test(attachmentId)) throw noSuchAttachment();
  const alreadyDone = () => conflict('这个佐证材料已经上传完成，无需再次确认');
  if (record.attachments?.some((a) => a.id === attachmentId || a.preview?.id === attachmentId)) throw alreadyDone();
  const { blobs, uploads, limits } = deps.evidence;
  const pending = await uploads.get(record.id, attachmentId);
  if (!pending) throw notFound('找不到这次上传（可能已过期或已完成），请重新上传');
  const full = () => conflict(`每条记录最多 ${limits.maxFilesPerRecord} 个佐证材料，已达上限`);
  const refuse = async (err: AppError) => {
    await blobs.remove(pending.uploadKey);
    await uploads.take(record.id, attachmentId);
    return err;
  };
  if (pending.previewOf) return finalisePreview(deps, caller, record, pending, refuse);
  if ((record.attachments?.length ?? 0) >= limits.maxFilesPerRecord) throw await refuse(full());
  let blob;
  try {
    blob = await finaliseUpload(blobs, pending, limits);
  } catch (err) {
    // finaliseUpload removed the refused upload; the signing is spent with it.
    if (err instanceof AppError && err.status !== 409) await uploads.take(record.id, attachmentId);
    throw err;
  }
  const attachment: AttachmentRef = {
    id: attachmentId,
    name: pending.planned.name,
    type: blob.type.mime,
    size: blob.size,
    sha256: blob.sha256,
    addedAt: deps.now().toISOString(),
    addedBy: caller.id,
  };
  let next: RecordState;
  try {
    next = await appendEvidence(deps, caller, record, 'attach', (current) => {
      const list = current.attachments ?? [];
      if (list.some((a) => a.id === attachmentId)) throw alreadyDone();
      if (list.length >= limits.maxFilesPerRecord) throw full();
      return [...list, attachment];
    });
  } catch (err) {
    // Not attached, so not kept: nothing half-attached stays in the store.
    if (err instanceof AppError && err.detail !== alreadyDone().detail) await blobs.remove(pending.keptKey);
    throw err;
  }
  await uploads.take(record.id, attachmentId);
  return { record: next, attachment };
}

/**
 * Finalise of a preview: checked like any upload (it must really be a JPEG, of the signed size),
 * then set on its original in a new version (`attach`: the record's evidence changed). Refused,
 * and its object removed, when the original went or got a preview meanwhile.
 */
async function finalisePreview(
  deps: EvidenceDeps,
  caller: Caller,
  record: RecordState,
  pending: PendingUploadItem,
  refuse: (err: AppError) => Promise<AppError>,
): Promise<{ record: RecordState; attachment: AttachmentRef }> {
  const { blobs, uploads } = deps.evidence;
  const originalId = pending.previewOf!;
  const gone = () => notFound('找不到预览图所属的佐证材料');
  const has = () => conflict('这个佐证材料已有预览图');
  const original = record.attachments?.find((a) => a.id === originalId);
  if (!original) throw await refuse(gone());
  if (original.preview) throw await refuse(has());
  let blob;
  try {
    blob = await finaliseUpload(blobs, pending, { ...deps.evidence.limits, maxFileBytes: previewMaxBytes(deps.evidence.limits) });
  } catch (err) {
    if (err instanceof AppError && err.status !== 409) await uploads.take(record.id, pending.attachmentId);
    throw err;
  }
  const preview = { id: pending.attachmentId, type: blob.type.mime, size: blob.size, sha256: blob.sha256 };
  let next: RecordState;
  try {
    next = await appendEvidence(deps, caller, record, 'attach', (current) => {
      const list = current.attachments ?? [];
      const at = list.findIndex((a) => a.id === originalId);
      if (at < 0) throw gone();
      if (list[at]!.preview) throw has();
      return list.map((a, i) => (i === at ? { ...a, preview } : a));
    });
  } catch (err) {
    if (err instanceof AppError) await blobs.remove(pending.keptKey);
    throw err;
  }
  await uploads.take(record.id, pending.attachmentId);
  return { record: next, attachment: next.attachments!.find((a) => a.id === originalId)! };
}

/** GET …/attachments/{aid}: a short-lived link that downloads it under its own name. Withdrawn records keep theirs. */
export async function attachmentLink(
  deps: EvidenceDeps,
  caller: Caller,
  id: string,
  attachmentId: string,
  options: { preview?: boolean } = {},
): Promise<string> {
  const record = await getSubmission(deps, caller, id);
  const ref = record.attachments?.find((a) => a.id === attachmentId);
  if (!ref) throw noSuchAttachment();
  const { blobs } = deps.evidence;
  if (!blobs.downloadUrl) throw new Error('evidence: this blob store hands out no download links');
  if (options.preview) {
    if (!ref.preview) throw notFound('这个佐证材料没有预览图');
    const p = ref.preview;
    return blobs.downloadUrl(evidenceKeys.kept(record.unit, record.id, p.id), previewName(ref.name), p.type, { size: p.size, sha256: p.sha256 });
  }
  return blobs.downloadUrl(evidenceKeys.kept(record.unit, record.id, ref.id), ref.name, ref.type, { size: ref.size, sha256: ref.sha256 });
}

/**
 * DELETE …/attachments/{aid}?version=: a new version without it. The bytes stay (earlier versions
 * name them, and nothing is hard-deleted by the API).
 */
export async function removeAttachment(
  deps: EvidenceDeps,
  caller: Caller,
  id: string,
  attachmentId: string,
  version: string | undefined,
): Promise<RecordState> {
  const record = await changeable(deps, caller, id);
  if (!record.attachments?.some((a) => a.id === attachmentId)) throw noSuchAttachment();
  if (version !== undefined) {
    if (!/^[1-9]\d{0,9}$/.test(version)) throw validationError('版本号有误', [{ path: 'query.version', message: '应为正整数' }]);
    if (Number(version) !== record.version)
      throw conflict(`这条记录已被他人修改（当前为第 ${record.version} 版），请查看最新内容后再操作`, { current: record });
  }
  return appendEvidence(deps, caller, record, 'detach', (current) => {
    const list = current.attachments ?? [];
    if (!list.some((a) => a.id === attachmentId)) throw noSuchAttachment();
    return list.filter((a) => a.id !== attachmentId);
  });
}
