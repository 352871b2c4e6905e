/**
 * The data table: sortable columns (a button in each header, aria-sort on the sorted one), a
 * text filter over the columns' text, paging, and under 600 px each row a card with the column
 * names beside the values. Rows come from the page; a cursor-paged list passes `more` to load on.
 */
import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { announce } from './toast.js';

export interface Column<T> {
  key: string;
  label: string;
  /** What the cell shows; defaults to `text`. */
  render?: (row: T) => ComponentChildren;
  /** Plain text of the cell, used by the filter (and for sorting unless `sort` is given). */
  text?: (row: T) => string;
  /** Sort key; a column without `text` or `sort` is not sortable. */
  sort?: (row: T) => string | number;
  num?: boolean;
  /** The card's title on a phone (one column, usually the first). */
  title?: boolean;
  /** Heads its row (`<th scope="row">`). */
  rowHeader?: boolean;
  /** On a phone's card, the value goes under its name at full width (long text, inputs). */
  wide?: boolean;
}

let nextId = 1;

export function DataTable<T>(props: {
  caption: string;
  /** Show the caption only to screen readers (the page already has a heading). */
  hideCaption?: boolean;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  pageSize?: number;
  /** Offer a text filter over every column's text. */
  filter?: boolean;
  empty?: ComponentChildren;
  /** More rows exist on the server: a button that loads them. */
  more?: { onMore(): void; loading: boolean };
  initialSort?: { key: string; dir: 'asc' | 'desc' };
  /** The filter's text to start with (e.g. from the address). */
  initialQuery?: string;
  /** Keep a table at every width (wide grids that scroll inside themselves). */
  noCards?: boolean;
}) {
  const [id] = useState(() => `table-${nextId++}`);
  const [sort, setSort] = useState(props.initialSort);
  const [query, setQuery] = useState(props.initialQuery ?? '');
  const [page, setPage] = useState(0);
  const size = props.pageSize ?? 20;
  const textOf = (c: Column<T>, r: T) => (c.text ? c.text(r) : '');

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    let rows = q ? props.rows.filter((r) => props.columns.some((c) => textOf(c, r).toLowerCase().includes(q))) : props.rows;
    const col = sort && props.columns.find((c) => c.key === sort.key);
    if (col) {
      const key = col.sort ?? ((r: T) => textOf(col, r));
      rows = [...rows].sort((a, b) => {
        const x = key(a);
        const y = key(b);
        const d = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'zh-CN');
        return sort.dir === 'asc' ? d : -d;
      });
    }
    return rows;
  }, [props.rows, props.columns, query, sort]);

  const pages = Math.max(1, Math.ceil(shown.length / size));
  const at = Math.min(page, pages - 1);
  const visible = shown.slice(at * size, at * size + size);
  const go = (p: number) => {
    setPage(p);
    announce(`第 ${p + 1} 页，共 ${pages} 页`);
  };

  return (
    <div>
      {props.filter && (
        <div class="table-tools">
          <div class="control">
            <label for={`${id}-q`} class="label">
              筛选
            </label>
            <input
              id={`${id}-q`}
              type="search"
              value={query}
              placeholder="输入文字筛选"
              onInput={(e) => {
                setQuery(e.currentTarget.value);
                setPage(0);
              }}
            />
          </div>
          <p class="muted" aria-live="polite">
            {query ? `筛选出 ${shown.length} 条，共 ${props.rows.length} 条` : `共 ${props.rows.length} 条`}
          </p>
        </div>
      )}
      <div class="table-wrap">
        <table class={`data${props.noCards ? '' : ' cards'}`}>
          <caption class={props.hideCaption ? 'sr-only' : undefined}>{props.caption}</caption>
          <thead>
            <tr>
              {props.columns.map((c) => {
                const sortable = !!(c.sort || c.text);
                const dir = sort?.key === c.key ? sort.dir : undefined;
                return (
                  <th key={c.key} scope="col" class={c.num ? 'num' : undefined} aria-sort={dir ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                    {sortable ? (
                      <button
                        type="button"
                        class="sort"
                        onClick={() => {
                          const d = dir === 'asc' ? 'desc' : 'asc';
                          setSort({ key: c.key, dir: d });
                          announce(`按${c.label}${d === 'asc' ? '升序' : '降序'}排列`);
                        }}
                      >
                        {c.label}
                        <span class="arrow" aria-hidden="true">
                          {dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : '↕'}
                        </span>
                      </button>
                    ) : (
                      c.label
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {visible.map((r) => (
              <tr key={props.rowKey(r)}>
                {props.columns.map((c) => {
                  const Cell = c.rowHeader ? 'th' : 'td';
                  return (
                    <Cell key={c.key} scope={c.rowHeader ? 'row' : undefined} data-label={c.label} class={[c.num ? 'num' : '', c.title ? 'card-title' : '', c.wide ? 'wide' : ''].filter(Boolean).join(' ') || undefined}>
                      {/* One box for the value, so a card lays it out beside its name as one piece. */}
                      <div class="cell">{c.render ? c.render(r) : textOf(c, r)}</div>
                    </Cell>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {shown.length === 0 && <div class="state">{props.empty ?? (query ? '没有符合筛选条件的记录。' : '暂无记录。')}</div>}
      {(pages > 1 || props.more) && (
        <nav class="pager" aria-label={`${props.caption}分页`}>
          {pages > 1 && (
            <>
              <button type="button" class="small" disabled={at === 0} onClick={() => go(at - 1)}>
                上一页
              </button>
              <span>
                第 {at + 1} / {pages} 页
              </span>
              <button type="button" class="small" disabled={at >= pages - 1} onClick={() => go(at + 1)}>
                下一页
              </button>
            </>
          )}
          {props.more && (
            <button type="button" class="small" aria-busy={props.more.loading} disabled={props.more.loading} onClick={props.more.onMore}>
              {props.more.loading ? '正在加载…' : '加载更多'}
            </button>
          )}
        </nav>
      )}
    </div>
  );
}
