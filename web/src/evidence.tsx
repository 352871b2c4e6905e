/**
 * Evidence (佐证材料) on the record page: the camera or several files at once, big photos made
 * smaller in the browser first, a progress bar and 重试 per file, uploads that finished but were
 * not yet confirmed kept across a reload (and confirmed then), and the list with 下载 and 删除.
 * One upload path: the signed form POST, to S3 in the cloud or the local blob server.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ACCEPT } from '../../functions/core/evidence/types.js';
import type { AttachmentRef, RecordState } from '../../functions/core/records/record.js';
import { api, ApiError } from './api.js';
import { confirm, ErrorNote, toast } from './ui/index.js';

/** The long side a photo is brought down to, and its JPEG quality (issue #15). */
export const PHOTO_LONG_SIDE = 2560;
export const PHOTO_QUALITY = 0.85;

interface Item {
  key: string;
  name: string;
  file: File;
  sent: number;
  total: number;
  state: 'uploading' | 'failed';
  error?: string;
}

interface Signed {
  attachmentId: string;
  upload: { url: string; fields: Record<string, string> };
}

/** Uploads sent but not yet finalised, per record, so a reload can finish them. */
const pendingKey = (record: string) => `taizhang.uploads.${record}`;
const loadPending = (record: string): { attachmentId: string; name: string }[] => {
  try {
    const v = JSON.parse(localStorage.getItem(pendingKey(record)) ?? '[]');
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
};
const savePending = (record: string, list: { attachmentId: string; name: string }[]) =>
  list.length ? localStorage.setItem(pendingKey(record), JSON.stringify(list)) : localStorage.removeItem(pendingKey(record));

/**
 * A JPEG of at most PHOTO_LONG_SIDE on its long side, when the photo is bigger; other files as
 * they are. createImageBitmap applies the EXIF orientation, so the pixels come out upright.
 */
export async function downscale(file: File): Promise<File> {
  if (!/^image\/(jpeg|png|webp)$/.test(file.type)) return file;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return file;
  }
  const long = Math.max(bitmap.width, bitmap.height);
  if (long <= PHOTO_LONG_SIDE) {
    bitmap.close();
    return file;
  }
  const scale = PHOTO_LONG_SIDE / long;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise<Blob | null>((ok) => canvas.toBlob(ok, 'image/jpeg', PHOTO_QUALITY));
  if (!blob) return file;
  return new File([blob], file.name.replace(/\.[^.]+$/, '') + '.jpg', { type: 'image/jpeg' });
}

/** The long side of the small preview shown in the page, and its JPEG quality. */
export const PREVIEW_LONG_SIDE = 320;
export const PREVIEW_QUALITY = 0.8;

/**
 * A small JPEG of a photo for the page (the Lambda has no image library, so the browser makes it
 * at upload time). HEIC and others this browser cannot decode get none.
 */
export async function makePreview(file: File): Promise<File | undefined> {
  if (!/^image\/(jpeg|png|webp)$/.test(file.type)) return undefined;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return undefined;
  }
  const scale = Math.min(1, PREVIEW_LONG_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise<Blob | null>((ok) => canvas.toBlob(ok, 'image/jpeg', PREVIEW_QUALITY));
  return blob ? new File([blob], 'preview.jpg', { type: 'image/jpeg' }) : undefined;
}

/**
 * The preview's bytes as a data: URL. The page's CSP allows images from 'self' and data: only, and
 * in the cloud the signed link is the bucket's (whose CORS lets the page GET it, as connect-src does).
 */
async function previewDataUrl(link: string): Promise<string> {
  const res = await fetch(link);
  if (!res.ok) throw new Error(`预览图下载失败（${res.status}）`);
  const blob = await res.blob();
  if (blob.type && blob.type !== 'image/jpeg') throw new Error('预览图不是 JPEG 图片');
  return new Promise((ok, fail) => {
    const reader = new FileReader();
    reader.onload = () => ok(String(reader.result));
    reader.onerror = () => fail(reader.error);
    reader.readAsDataURL(new Blob([blob], { type: 'image/jpeg' }));
  });
}

/** An image's preview, fetched through the record's own access-checked GET. */
function Thumb({ record, attachment }: { record: string; attachment: AttachmentRef }) {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    let live = true;
    api<{ url: string }>('GET', `/api/submissions/${record}/attachments/${attachment.id}?preview=1&link=1`)
      .then((out) => previewDataUrl(out.url))
      .then(
        (data) => live && setUrl(data),
        // No thumbnail is no loss: the name and 下载 are beside it.
        () => {},
      );
    return () => {
      live = false;
    };
  }, [record, attachment.id, attachment.preview?.id]);
  return url ? <img class="evidence-thumb" src={url} alt={attachment.name} loading="lazy" /> : null;
}

/** The form POST with progress (fetch reports none for uploads). */
function postForm(signed: Signed, file: File, onProgress: (sent: number) => void): Promise<void> {
  return new Promise((ok, fail) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(signed.upload.fields)) form.append(k, v);
    form.append('file', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', signed.upload.url);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return ok();
      let detail = `上传失败（${xhr.status}）`;
      try {
        detail = (JSON.parse(xhr.responseText) as { detail?: string }).detail ?? detail;
      } catch {
        // S3 answers in XML; the status says enough
      }
      fail(new Error(detail));
    };
    xhr.onerror = () => fail(new Error('网络连接失败，请检查网络后重试'));
    xhr.send(form);
  });
}

const sizeText = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

export function Evidence({ record, canEdit, onChange }: { record: RecordState; canEdit: boolean; onChange: (r: RecordState) => void }) {
  const [items, setItems] = useState<Item[]>([]);
  const [failure, setFailure] = useState<unknown>();
  const latest = useRef(record);
  latest.current = record;
  const update = (key: string, patch: Partial<Item>) => setItems((list) => list.map((x) => (x.key === key ? { ...x, ...patch } : x)));

  async function finalise(attachmentId: string, name: string) {
    const drop = () => savePending(record.id, loadPending(record.id).filter((p) => p.attachmentId !== attachmentId));
    try {
      const out = await api<{ record: RecordState }>('POST', `/api/submissions/${record.id}/attachments/${attachmentId}/finalise`);
      latest.current = out.record;
      onChange(out.record);
      drop();
    } catch (e) {
      // The API's answer settles it; a lost connection leaves it for the next load to confirm.
      if (e instanceof ApiError && e.status >= 400) drop();
      throw e;
    }
    return name;
  }

  // Sent before a reload but not confirmed: confirm now; one that is gone or refused is dropped.
  useEffect(() => {
    for (const p of loadPending(record.id))
      finalise(p.attachmentId, p.name).then(
        (name) => toast(`已添加：${name}`, 'success'),
        (e: unknown) => e instanceof ApiError && e.status !== 409 && toast(`${p.name}：${e.message}`, 'error'),
      );
  }, [record.id]);

  async function send(item: Item) {
    update(item.key, { state: 'uploading', error: undefined, sent: 0 });
    try {
      const file = await downscale(item.file);
      update(item.key, { total: file.size });
      const signed = await api<Signed>('POST', `/api/submissions/${record.id}/attachments`, { name: file.name, size: file.size, type: file.type });
      await postForm(signed, file, (sent) => update(item.key, { sent }));
      savePending(record.id, [...loadPending(record.id), { attachmentId: signed.attachmentId, name: file.name }]);
      await finalise(signed.attachmentId, file.name);
      setItems((list) => list.filter((x) => x.key !== item.key));
      toast(`已添加：${file.name}`, 'success');
      await sendPreview(signed.attachmentId, file);
    } catch (e) {
      update(item.key, { state: 'failed', error: e instanceof Error ? e.message : String(e) });
    }
  }

  /** The preview of a photo just attached, by the same sign/POST/finalise path; the photo stands without it. */
  async function sendPreview(original: string, file: File) {
    try {
      const preview = await makePreview(file);
      if (!preview) return;
      const signed = await api<Signed>('POST', `/api/submissions/${record.id}/attachments`, { previewOf: original, size: preview.size, type: preview.type });
      await postForm(signed, preview, () => {});
      savePending(record.id, [...loadPending(record.id), { attachmentId: signed.attachmentId, name: `${file.name} 的预览图` }]);
      await finalise(signed.attachmentId, file.name);
    } catch {
      // A photo without its thumbnail is still attached; the list shows its name.
    }
  }

  function pick(e: Event) {
    const input = e.currentTarget as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    const added = files.map((file, i) => ({ key: `${Date.now()}-${i}-${file.name}`, name: file.name, file, sent: 0, total: file.size, state: 'uploading' as const }));
    setItems((list) => [...list, ...added]);
    // One after another: a phone's uplink is the limit, and each finalise is a new version.
    void added.reduce((chain, item) => chain.then(() => send(item)), Promise.resolve());
  }

  async function download(a: AttachmentRef) {
    try {
      const { url } = await api<{ url: string }>('GET', `/api/submissions/${record.id}/attachments/${a.id}?link=1`);
      location.assign(url);
    } catch (e) {
      setFailure(e);
    }
  }

  async function remove(a: AttachmentRef) {
    if (!(await confirm({ title: `删除“${a.name}”？`, message: '删除后不再属于这条记录，修改历史中仍可看到。', confirmLabel: '删除', danger: true }))) return;
    try {
      onChange(await api<RecordState>('DELETE', `/api/submissions/${record.id}/attachments/${a.id}?version=${latest.current.version}`));
      toast('已删除。', 'success');
    } catch (e) {
      setFailure(e);
    }
  }

  const attachments = record.attachments ?? [];
  return (
    <section class="stack-sm" aria-labelledby="evidence-title">
      <h2 id="evidence-title">佐证材料（{attachments.length}）</h2>
      {failure !== undefined && <ErrorNote error={failure} />}
      {attachments.length === 0 ? (
        <p class="muted">还没有佐证材料。</p>
      ) : (
        <ul class="plain-list stack-sm" aria-label="佐证材料">
          {attachments.map((a) => (
            <li key={a.id} class="row-between">
              <span class="row">
                {a.preview && <Thumb record={record.id} attachment={a} />}
                <span>
                  {a.name} <span class="muted">{sizeText(a.size)}</span>
                </span>
              </span>
              <span class="row">
                <button type="button" onClick={() => download(a)}>
                  下载
                </button>
                {canEdit && (
                  <button type="button" class="danger" onClick={() => remove(a)}>
                    删除
                  </button>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
      {items.length > 0 && (
        <ul class="plain-list stack-sm" aria-label="正在上传">
          {items.map((x) => (
            <li key={x.key} class="stack-sm">
              <span>{x.name}</span>
              <progress aria-label={`${x.name} 上传进度`} max={x.total || 1} value={x.sent} />
              {x.state === 'failed' && (
                <span class="row">
                  <span role="alert">{x.error}</span>
                  <button type="button" onClick={() => void send(x)}>
                    重试
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {canEdit && (
        <div class="row">
          <label class="btn">
            拍照
            <input type="file" accept="image/*" capture="environment" onChange={pick} class="sr-only" />
          </label>
          <label class="btn">
            选择文件（可多选）
            <input type="file" accept={ACCEPT} multiple onChange={pick} class="sr-only" data-testid="evidence-files" />
          </label>
        </div>
      )}
    </section>
  );
}
