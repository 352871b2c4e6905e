/**
 * A loopback proxy in front of the embedded store that can throttle, drop or cut off requests:
 * faults reach the real AWS SDK over the wire, so its retries and error mapping are exercised.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { kind: 'none' }
  /** Answer every request with DynamoDB's throttling error. */
  | { kind: 'throttle' }
  /** Cut every connection without an answer, as an outage does. */
  | { kind: 'down' }
  /** Let the next `pass` requests whose target matches through, then cut off the rest. */
  | { kind: 'cut-after'; pass: number; target?: string };

export interface FaultProxy {
  endpoint: string;
  set(fault: Fault): void;
  /** Targets (e.g. DynamoDB_20120810.PutItem) of the requests seen since the last set(). */
  seen: string[];
  close(): Promise<void>;
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  let fault: Fault = { kind: 'none' };
  let passed = 0;
  const seen: string[] = [];

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const up = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 500, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    up.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const op = String(req.headers['x-amz-target'] ?? '');
      seen.push(op);
      const body = Buffer.concat(chunks);
      if (fault.kind === 'throttle') {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' }));
        return;
      }
      if (fault.kind === 'down') return void req.socket.destroy();
      if (fault.kind === 'cut-after' && (!fault.target || op.endsWith(fault.target))) {
        if (passed >= fault.pass) return void req.socket.destroy();
        passed++;
      }
      forward(req, res, body);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    set(f) {
      fault = f;
      passed = 0;
      seen.length = 0;
    },
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
