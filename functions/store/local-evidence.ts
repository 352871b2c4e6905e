/**
 * Evidence on a laptop: files under BLOB_DIR with the same keys as the bucket (`uploads/…`,
 * `evidence/…`). An upload is the very form POST S3 takes, sent to the local blob server
 * (infra/local/blob-server.ts) and checked there against a grant signed here; a download is a
 * grant the blob server checks and streams. So the web code has one path for both.
 */
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { BLOB_PATH, blobUrlPath, signGrant } from './blob-signing.js';
import { DOWNLOAD_SECONDS, evidenceKeys, UPLOAD_GRACE_SECONDS, type EvidenceBlobStore } from './evidence-blobs.js';

/** The form field that carries the local grant, where S3's form carries its policy and signature. */
export const GRANT_FIELD = 'x-taizhang-grant';

export function localEvidenceStore(root: string, signingKey: string, now: () => Date = () => new Date()): EvidenceBlobStore {
  const base = resolve(root);
  const pathOf = (key: string) => {
    const path = resolve(base, key);
    const rel = relative(base, path);
    if (!rel || rel.startsWith('..') || rel.split(sep).includes('..')) throw new Error(`evidence key outside the store: ${key}`);
    return path;
  };
  const statOf = async (key: string) => {
    try {
      const st = await stat(pathOf(key));
      return st.isFile() ? st : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    async signUpload(key, { mime, size }, seconds) {
      const exp = Math.floor(now().getTime() / 1000) + seconds;
      const token = signGrant(signingKey, { op: 'post', key, exp, size, contentType: mime });
      // The same fields S3's presigned POST names (key, type, disposition), plus the grant.
      return {
        url: BLOB_PATH,
        fields: { key, 'Content-Type': mime, 'Content-Disposition': 'attachment', [GRANT_FIELD]: token },
        expiresAt: new Date(exp * 1000).toISOString(),
      };
    },
    async head(key) {
      const st = await statOf(key);
      // The blob server held the upload to its signed type, so no type is kept beside the bytes.
      return st ? { size: st.size, lastModified: st.mtime } : undefined;
    },
    async open(key) {
      return (await statOf(key)) ? createReadStream(pathOf(key)) : undefined;
    },
    async copy(from, to) {
      const target = pathOf(to);
      await mkdir(dirname(target), { recursive: true });
      const part = `${target}.part`;
      try {
        await copyFile(pathOf(from), part);
        await rename(part, target);
      } catch (err) {
        await rm(part, { force: true });
        throw err;
      }
    },
    async remove(key) {
      await rm(pathOf(key), { force: true });
    },
    async downloadUrl(key, filename, mime, file) {
      if (!file) throw new Error('local evidence: a download needs the recorded size and SHA-256');
      const dot = filename.lastIndexOf('.');
      const token = signGrant(signingKey, {
        op: 'get',
        key,
        exp: Math.floor(now().getTime() / 1000) + DOWNLOAD_SECONDS,
        size: file.size,
        sha256: file.sha256,
        filename,
        fallback: `evidence${dot > 0 ? filename.slice(dot) : ''}`,
        contentType: mime,
      });
      return `${blobUrlPath(key)}?t=${token}`;
    },
  };
}

/**
 * The local stand-in for the bucket's lifecycle rule: removes uploads never finalised once their
 * signature and its grace have passed. Returns how many files it removed.
 */
export async function sweepLocalUploads(root: string, uploadSeconds: number, now: Date = new Date()): Promise<number> {
  const uploads = join(resolve(root), evidenceKeys.uploadsPrefix);
  const cutoff = now.getTime() - (uploadSeconds + UPLOAD_GRACE_SECONDS) * 1000;
  let removed = 0;
  let entries;
  try {
    entries = await readdir(uploads, { recursive: true, withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    const st = await stat(path).catch(() => undefined);
    if (st && st.mtimeMs < cutoff) {
      await rm(path, { force: true });
      removed++;
    }
  }
  return removed;
}
