/**
 * A local worker sandbox (infra/local/worker.ts): receives one invocation at a time (the event and
 * its request id), runs the handler Lambda would run and answers; stays for the next. SIGTERM (the
 * runner stopping) or the runner going away asks a running job to go back to the queue, then exits;
 * SIGINT is left to the runner.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const stop = new AbortController();
let busy = false;
const leave = () => {
  stop.abort();
  if (!busy) process.exit(0);
};
process.on('SIGTERM', leave);
process.on('SIGINT', () => {});
process.on('disconnect', leave);
const loading = import('../../functions/worker.js');

process.on('message', (message) => {
  const { event, requestId } = message as { event: unknown; requestId: string };
  busy = true;
  void (async () => {
    let answer: { ok: boolean; error?: string; result?: unknown };
    try {
      const { handler } = await loading;
      answer = { ok: true, result: await handler(event, { awsRequestId: requestId }, stop.signal) };
    } catch (err) {
      const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      console.error(JSON.stringify({ level: 'error', msg: 'worker invocation failed', requestId, error }));
      answer = { ok: false, error };
    }
    busy = false;
    if (stop.signal.aborted || !process.connected) process.exit(answer.ok ? 0 : 1);
    process.send!(answer);
  })();
});
