/**
 * Toasts and announcements. `toast()` shows a short message that also reaches screen readers
 * (the container is an aria-live region that is always in the page); `announce()` only speaks.
 * <Toaster/> is mounted once by the app, before anything can be announced.
 */
import { useEffect, useState } from 'preact/hooks';

export type ToastKind = 'info' | 'success' | 'error';
interface Item {
  id: number;
  message: string;
  kind: ToastKind;
}

let items: Item[] = [];
let spoken = '';
let next = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

export function dismiss(id: number) {
  items = items.filter((t) => t.id !== id);
  emit();
}

/** Shows `message` for a few seconds (errors longer), announced politely (errors assertively). */
export function toast(message: string, kind: ToastKind = 'info'): number {
  // The same words already on screen (three requests refused at once) are not repeated.
  const shown = items.find((t) => t.message === message);
  if (shown) return shown.id;
  const id = next++;
  items = [...items.slice(-2), { id, message, kind }];
  emit();
  setTimeout(() => dismiss(id), kind === 'error' ? 10_000 : 5_000);
  return id;
}

/** Tells a screen reader what changed, with nothing shown. */
export function announce(message: string) {
  // Changing the text (even to the same words) is what makes the region speak again.
  spoken = spoken === message ? `${message}\u200b` : message;
  emit();
}

export function Toaster() {
  const [, tick] = useState(0);
  useEffect(() => {
    const l = () => tick((n) => n + 1);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  const show = (kinds: ToastKind[]) =>
    items
      .filter((t) => kinds.includes(t.kind))
      .map((t) => (
        <div key={t.id} class={`toast ${t.kind}`}>
          <span>{t.message}</span>
          <button type="button" onClick={() => dismiss(t.id)} aria-label={`关闭提示：${t.message}`}>
            关闭
          </button>
        </div>
      ));
  return (
    <div class="toasts">
      <div role="status" aria-live="polite" class="stack-sm">
        {show(['info', 'success'])}
      </div>
      <div role="alert" aria-live="assertive" class="stack-sm">
        {show(['error'])}
      </div>
      <p class="sr-only" aria-live="polite">
        {spoken}
      </p>
    </div>
  );
}
