/**
 * A dialog that asks for a reason before an action that needs one (清除人工调整, 退回, 恢复):
 * the reason is required, the API's own message is shown in the dialog, and nothing is sent
 * without a reason. Shared by pages, so it is in their chunks, not the first load.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.js';
import { Dialog } from './ui/index.js';

let nextId = 1;

export function ReasonDialog(props: {
  open: boolean;
  title: string;
  message?: string;
  label?: string;
  confirmLabel: string;
  danger?: boolean;
  onClose(): void;
  /** Sends the action; a thrown ApiError's message is shown and the dialog stays open. */
  onConfirm(reason: string): Promise<void>;
}) {
  const [id] = useState(() => `reason-${nextId++}`);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (props.open) {
      setReason('');
      setError(undefined);
    }
  }, [props.open]);
  const submit = async () => {
    if (reason.trim().length < 2) {
      setError('请写明理由（至少 2 个字）');
      document.getElementById(id)?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await props.onConfirm(reason.trim());
      props.onClose();
    } catch (e) {
      setError(e instanceof ApiError ? (e.problem.errors?.map((x) => x.message).join('；') ?? e.problem.detail) : '操作未完成，请重试');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open={props.open}
      title={props.title}
      onClose={props.onClose}
      actions={
        <>
          <button type="button" class={props.danger ? 'danger solid' : 'primary'} aria-busy={busy} disabled={busy} onClick={submit}>
            {busy ? '正在提交…' : props.confirmLabel}
          </button>
          <button type="button" onClick={props.onClose}>
            取消
          </button>
        </>
      }
    >
      {props.message && <p>{props.message}</p>}
      <div class="control">
        <label for={id}>
          {props.label ?? '理由'}
          <span class="req" aria-hidden="true">
            {' '}
            *
          </span>
        </label>
        <textarea
          id={id}
          rows={3}
          value={reason}
          aria-required
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-err` : undefined}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
        {error && (
          <p class="error" id={`${id}-err`} role="alert">
            {error}
          </p>
        )}
      </div>
    </Dialog>
  );
}
