/**
 * SHA-256 on a worker thread, so that hashing an archive's attachments and the archive itself
 * runs beside the zip's CRC-32 (which yazl computes in JavaScript on the main thread) instead of
 * after it. Chunks are copied to the worker; at most IN_FLIGHT bytes wait there, so a slow worker
 * slows the stream rather than filling memory. The worker's code is inline, so it survives bundling.
 */
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'update') {
    let h = hashes.get(m.id);
    if (!h) hashes.set(m.id, (h = createHash('sha256')));
    h.update(m.chunk);
    parentPort.postMessage({ op: 'ack', bytes: m.chunk.byteLength });
  } else if (m.op === 'digest') {
    const h = hashes.get(m.id) || createHash('sha256');
    hashes.delete(m.id);
    parentPort.postMessage({ op: 'digest', id: m.id, hex: h.digest('hex') });
  }
});
`;

/** Bytes posted and not yet hashed before `update` waits. */
const IN_FLIGHT = 16 * 1024 * 1024;

export interface OffThreadHasher {
  /** Adds a chunk to hash `id`; resolves at once unless too much is waiting in the worker. */
  update(id: number, chunk: Uint8Array): Promise<void>;
  /** The hex SHA-256 of everything given to `id`. */
  digest(id: number): Promise<string>;
  close(): Promise<void>;
}

export function offThreadHasher(): OffThreadHasher {
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  // The worker must not keep a finished process alive, nor die silently.
  worker.unref();
  let inFlight = 0;
  let waiting: (() => void)[] = [];
  const wake = () => {
    const go = waiting;
    waiting = [];
    for (const w of go) w();
  };
  let failed: Error | undefined;
  const digests = new Map<number, { resolve(hex: string): void; reject(err: Error): void }>();
  worker.on('message', (m: { op: 'ack'; bytes: number } | { op: 'digest'; id: number; hex: string }) => {
    if (m.op === 'ack') {
      inFlight -= m.bytes;
      if (inFlight <= IN_FLIGHT / 2) wake();
    } else {
      digests.get(m.id)?.resolve(m.hex);
      digests.delete(m.id);
    }
  });
  worker.on('error', (err) => {
    failed = err;
    for (const d of digests.values()) d.reject(err);
    wake();
  });
  return {
    async update(id, chunk) {
      if (failed) throw failed;
      // A copy of its own, moved (not cloned) to the worker: a view would clone its whole backing buffer.
      const copy = new Uint8Array(chunk);
      inFlight += copy.byteLength;
      worker.postMessage({ op: 'update', id, chunk: copy }, [copy.buffer]);
      if (inFlight > IN_FLIGHT) await new Promise<void>((resolve) => waiting.push(resolve));
      if (failed) throw failed;
    },
    digest(id) {
      if (failed) return Promise.reject(failed);
      return new Promise((resolve, reject) => {
        digests.set(id, { resolve, reject });
        worker.postMessage({ op: 'digest', id });
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
