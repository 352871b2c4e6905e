/**
 * A modal dialog on the native <dialog> element (focus kept inside, Esc closes, the page behind
 * inert), and `confirm()`, a promise of the person's answer shown by the <DialogHost/> the app
 * mounts once. Focus goes back to what had it when the dialog closes.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

let nextId = 1;

export function Dialog(props: {
  open: boolean;
  title: string;
  onClose(): void;
  children?: ComponentChildren;
  actions?: ComponentChildren;
  /** A sheet from the bottom edge (the phone's 更多 menu). */
  sheet?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [id] = useState(() => `dialog-${nextId++}`);
  const opener = useRef<Element | null>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) {
      opener.current = document.activeElement;
      d.showModal();
    } else if (!props.open && d.open) {
      d.close();
    }
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      class={`dialog${props.sheet ? ' sheet' : ''}`}
      aria-labelledby={`${id}-title`}
      onClose={() => {
        if (opener.current instanceof HTMLElement && opener.current.isConnected) opener.current.focus();
        if (props.open) props.onClose();
      }}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself, outside its body) closes it.
        if (e.target === ref.current) props.onClose();
      }}
    >
      {props.open && (
        <div class="dialog-body">
          <h2 id={`${id}-title`}>{props.title}</h2>
          {props.children}
          {props.actions && <div class="dialog-actions">{props.actions}</div>}
        </div>
      )}
    </dialog>
  );
}

interface Ask {
  title: string;
  message: string;
  confirmLabel: string;
  danger?: boolean;
  resolve(ok: boolean): void;
}
let current: Ask | undefined;
const listeners = new Set<() => void>();

/** Asks a yes/no question in a dialog; resolves true only when the person confirms. */
export function confirm(options: { title: string; message: string; confirmLabel?: string; danger?: boolean }): Promise<boolean> {
  return new Promise((resolve) => {
    current?.resolve(false);
    current = { confirmLabel: '确定', ...options, resolve };
    listeners.forEach((l) => l());
  });
}

export function DialogHost() {
  const [ask, setAsk] = useState<Ask>();
  useEffect(() => {
    const l = () => setAsk(current);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  const answer = (ok: boolean) => {
    ask?.resolve(ok);
    current = undefined;
    setAsk(undefined);
  };
  return (
    <Dialog
      open={!!ask}
      title={ask?.title ?? ''}
      onClose={() => answer(false)}
      actions={
        <>
          <button type="button" onClick={() => answer(false)}>
            取消
          </button>
          <button type="button" class={ask?.danger ? 'danger solid' : 'primary'} onClick={() => answer(true)}>
            {ask?.confirmLabel}
          </button>
        </>
      }
    >
      <p>{ask?.message}</p>
    </Dialog>
  );
}
