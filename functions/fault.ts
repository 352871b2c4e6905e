/**
 * The fault hook, for crash tests only: `TAIZHANG_FAULT=<step>@<n>` makes this process kill
 * itself (SIGKILL, as a power cut would) the n-th time it reaches that step, e.g.
 * `record:after-version@5`. Read once from the configuration, which refuses it inside Lambda, so it
 * is never armed in the cloud.
 */
export type FaultHook = (step: string) => void;

const SPEC = /^([a-z-]+:[a-z-]+)@([1-9]\d{0,6})$/;

/** A hook that does nothing unless `spec` names a step; a malformed spec is a start-up error. */
export function faultHook(spec: string | undefined): FaultHook {
  if (!spec) return () => {};
  const m = SPEC.exec(spec);
  if (!m) throw new Error(`configuration: TAIZHANG_FAULT must look like record:after-version@3, not ${spec}`);
  const [, armed, nth] = m;
  let seen = 0;
  return (step) => {
    if (step !== armed || ++seen !== Number(nth)) return;
    process.stderr.write(`fault hook: killing process ${process.pid} at ${step} #${seen}\n`);
    process.kill(process.pid, 'SIGKILL');
  };
}
