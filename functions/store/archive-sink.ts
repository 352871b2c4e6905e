/**
 * The archive's sink in the cloud: an S3 multipart upload (lib-storage) fed as the zip is
 * written, a few parts in flight at a time, so a 5 GB archive passes through a Lambda in about
 * partSize × queueSize of memory. A failure aborts the multipart upload: no object, no parts left
 * (the bucket's abortIncompleteMultipartUpload rule is the backstop).
 */
import { PassThrough } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { ArchiveSink } from '../ledger/archive.js';

export const ARCHIVE_TYPE = 'application/zip';
/** 8 MB parts, 4 at a time: 10,000 parts reach 80 GB, far past any period's evidence. */
export const PART_BYTES = 8 * 1024 * 1024;
export const PARTS_IN_FLIGHT = 4;

/** Streams the archive to `key` in `bucket`; the object exists only once `finish` resolves. */
export function s3ArchiveSink(client: S3Client, bucket: string, key: string, contentDisposition?: string): ArchiveSink {
  const stream = new PassThrough({ highWaterMark: 1024 * 1024 });
  const upload = new Upload({
    client,
    params: { Bucket: bucket, Key: key, Body: stream, ContentType: ARCHIVE_TYPE, ContentDisposition: contentDisposition },
    partSize: PART_BYTES,
    queueSize: PARTS_IN_FLIGHT,
    leavePartsOnError: false,
  });
  const done = upload.done();
  done.catch(() => undefined);
  return {
    stream,
    finish: async () => {
      await done;
    },
    // Failing the body makes lib-storage stop feeding parts and send AbortMultipartUpload itself;
    // waiting for it means no part upload is still running when the archive's error is thrown.
    async abort(reason) {
      stream.destroy(reason);
      await done.catch(() => undefined);
    },
  };
}
