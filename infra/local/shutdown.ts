/**
 * Stopping the local server gracefully: stop accepting, let the requests in flight finish (each
 * answered with `Connection: close`), and only then let the store close, so our own Ctrl-C never
 * cuts a change between its version and its head. Bounded: after `timeoutMs` the rest are cut.
 */
import type { Server } from 'node:http';

export function trackRequests(server: Server) {
  let inFlight = 0;
  let draining = false;
  let onIdle: (() => void) | undefined;
  server.on('request', (_req, res) => {
    inFlight++;
    if (draining) res.setHeader('Connection', 'close');
    let done = false;
    const end = () => {
      if (done) return;
      done = true;
      inFlight--;
      if (inFlight === 0) onIdle?.();
    };
    res.once('finish', end);
    res.once('close', end);
  });
  return {
    inFlight: () => inFlight,
    /** Resolves with how many requests were still unanswered when time ran out (0 when all finished). */
    async drain(timeoutMs: number): Promise<number> {
      draining = true;
      // Stops accepting; Node also closes connections that sit idle between requests.
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      if (inFlight > 0) {
        await new Promise<void>((ok) => {
          const t = setTimeout(ok, timeoutMs);
          onIdle = () => (clearTimeout(t), ok());
        });
      }
      const cut = inFlight;
      server.closeAllConnections();
      await closed;
      return cut;
    },
  };
}
