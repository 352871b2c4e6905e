/** Loading, empty and error states, and the hook that gives a page one of them at a time. */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api.js';

export interface Resource<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  /** Loads again (the retry of an error state). */
  reload(): void;
  /** Replaces the data, e.g. with what a save answered. */
  set(data: T): void;
}

/**
 * Loads `load()` now and whenever `deps` change; a slower earlier answer never overwrites a later
 * one. While reloading after an error, the error is cleared so a page never shows both.
 */
export function useResource<T>(load: () => Promise<T>, deps: unknown[]): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const seq = useRef(0);
  const run = useCallback(() => {
    const n = ++seq.current;
    setState((s) => ({ data: s.data, loading: true }));
    load().then(
      (data) => n === seq.current && setState({ data, loading: false }),
      (error: unknown) => n === seq.current && setState({ error, loading: false }),
    );
  }, deps);
  useEffect(run, [run]);
  return { ...state, reload: run, set: (data: T) => setState({ data, loading: false }) };
}

export function Loading({ label = '正在加载…' }: { label?: string }) {
  return (
    <div class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function Empty({ children, action }: { children: ComponentChildren; action?: ComponentChildren }) {
  return (
    <div class="state">
      <p>{children}</p>
      {action}
    </div>
  );
}

function describe(error: unknown): { title: string; detail: string; retry: boolean; refusal?: boolean } {
  const e = error instanceof ApiError ? error : undefined;
  if (!e) return { title: '出现错误', detail: '页面出现错误，请重试；如仍不行，请刷新页面。', retry: true };
  if (e.status === 0) return { title: '无法连接服务器', detail: e.problem.detail, retry: true };
  if (e.status === 403) return { title: '没有权限', detail: e.problem.detail, retry: false, refusal: true };
  if (e.status === 404) return { title: '没有找到', detail: e.problem.detail, retry: false, refusal: true };
  if (e.status >= 500 || e.status === 429) return { title: '服务暂时不可用', detail: e.problem.detail, retry: true };
  return { title: '请求未完成', detail: e.problem.detail, retry: true };
}

/** An error in place of content: what happened in Chinese, and 重试 where trying again can help. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const d = describe(error);
  return (
    <div class={`state ${d.refusal ? 'refusal' : 'error'}`} role="alert">
      <h2>{d.title}</h2>
      <p>{d.detail}</p>
      {d.retry && onRetry ? (
        <button type="button" class="primary" onClick={onRetry}>
          重试
        </button>
      ) : (
        d.refusal && (
          <p>
            <a href="#/">返回首页</a>
          </p>
        )
      )}
    </div>
  );
}

/**
 * Shows a resource: loading, its error with retry, the empty state, or the content; never two of
 * them at once.
 */
export function Async<T>(props: {
  r: Resource<T>;
  children: (data: T) => ComponentChildren;
  isEmpty?: (data: T) => boolean;
  empty?: ComponentChildren;
  loadingLabel?: string;
}) {
  const { r } = props;
  if (r.error !== undefined && !r.loading) return <ErrorState error={r.error} onRetry={r.reload} />;
  if (r.data === undefined) return <Loading label={props.loadingLabel} />;
  if (props.isEmpty?.(r.data)) return <Empty>{props.empty ?? '暂无内容。'}</Empty>;
  return <>{props.children(r.data)}</>;
}

/** An error, if there is one, as an error state without retry (for errors of an action). */
export function ErrorNote({ error }: { error: unknown }) {
  return error ? <ErrorState error={error} /> : null;
}
