/**
 * Evidence on a record (DESIGN §11): sign an upload, finalise it into a new version of the record,
 * hand out a download, remove it in a new version. Access is the record's own (a record the caller
 * may not see is 404, one they may see but not change is 403); the bytes never pass through here.
 */
import { ulid } from 'ulid';
import { planUpload, type EvidenceLimits } from '../core/evidence/index.js';
import { AppError, conflict, forbidden, notFound, validationError } from '../core/errors.js';
import type { AttachmentRef, ChangeKind, RecordState } from '../core/records/record.js';
import { canEdit, getSubmission } from '../core/records/submissions.js';
import type { Caller, Deps } from '../core/types.js';
import { evidenceKeys, finaliseUpload, type EvidenceBlobStore, type SignedUpload } from '../store/evidence-blobs.js';
import type { PendingUploadStore } from '../store/uploads.js';

export interface EvidenceDeps extends Deps {
  evidence: { blobs: EvidenceBlobStore; uploads: PendingUploadStore; limits: EvidenceLimits };
}

const ATTACHMENT_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** How often a change of evidence is tried again when another change of the record came first. */
const ATTEMPTS = 5;

async function changeable(deps: Deps, caller: Caller, id: string): Promise<RecordState> {
  const record = await getSubmission(deps, caller, id);
  if (!canEdit(caller, record)) throw forbidden('只能为自己提交的记录添加或删除佐证材料');
  if (record.status === 'withdrawn') throw conflict('这条记录已撤回，不能再添加或删除佐证材料（已有的佐证材料仍保留）');
  return record;
}

const noSuchAttachment = () => notFound('找不到这个佐证材料');

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
  const planned = planUpload(body, limits, record.attachments?.length ?? 0);
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
  });
  return { attachmentId, upload: { url: signed.url, fields: signed.fields }, expiresAt: signed.expiresAt, maxBytes: limits.maxFileBytes };
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
  if (record.attachments?.some((a) => a.id === attachmentId)) throw alreadyDone();
  const { blobs, uploads, limits } = deps.evidence;
  const pending = await uploads.get(record.id, attachmentId);
  if (!pending) throw notFound('找不到这次上传（可能已过期或已完成），请重新上传');
  const full = () => conflict(`每条记录最多 ${limits.maxFilesPerRecord} 个佐证材料，已达上限`);
  const refuse = async (err: AppError) => {
    await blobs.remove(pending.uploadKey);
    await uploads.take(record.id, attachmentId);
    return err;
  };
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

/** GET …/attachments/{aid}: a short-lived link that downloads it under its own name. Withdrawn records keep theirs. */
export async function attachmentLink(deps: EvidenceDeps, caller: Caller, id: string, attachmentId: string): Promise<string> {
  const record = await getSubmission(deps, caller, id);
  const ref = record.attachments?.find((a) => a.id === attachmentId);
  if (!ref) throw noSuchAttachment();
  const { blobs } = deps.evidence;
  if (!blobs.downloadUrl) throw new Error('evidence: this blob store hands out no download links');
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
