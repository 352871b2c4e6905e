/** The embedded DynamoDB-compatible store (dynalite) on loopback: on disk under a path, or in memory. */
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

export interface EmbeddedStore {
  endpoint: string;
  close(): Promise<void>;
}

export async function startEmbeddedStore(options: { path?: string; port?: number } = {}): Promise<EmbeddedStore> {
  // createTableMs 0: tables are ACTIVE at once instead of CREATING for half a second.
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // The SDK keeps its sockets alive; close them or close() waits for their idle timeout.
        server.closeAllConnections();
      }),
  };
}
