/**
 * A process that only serves local downloads (infra/local/blob-server.ts), so a test can read its
 * memory alone: it prints its port, then samples its own RSS until asked for the peak.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { blobServer } from '../../infra/local/blob-server.js';

const blobs = blobServer({ root: process.env.BLOB_DIR!, signingKey: process.env.BLOB_SIGNING_KEY! });
const server = createServer((req, res) => blobs.handle(req, res));
let peak = 0;
setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10).unref();
server.listen(0, '127.0.0.1', () => {
  globalThis.gc?.();
  process.send!({ port: (server.address() as AddressInfo).port, idle: process.memoryUsage().rss });
});
process.on('message', (m) => {
  if (m === 'reset') {
    globalThis.gc?.();
    peak = process.memoryUsage().rss;
    process.send!({ idle: peak });
  }
  if (m === 'peak') process.send!({ peak: Math.max(peak, process.memoryUsage().rss) });
});
