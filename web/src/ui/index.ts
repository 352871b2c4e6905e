/**
 * The component layer. Every page is built from these and the design tokens (ui/tokens.css);
 * a page holds no styles of its own beyond the layout helpers in ui/ui.css (`stack`, `row`,
 * `row-between`, `grid-cards`, `grid-2`, `card`, `muted`).
 *
 * A new page, in four steps (see web/src/ui/README.md for a whole example):
 * 1. Write `web/src/<page>.tsx` exporting `function XPage({ ctx, route }: PageProps)`.
 * 2. Return `<Page title="…" crumbs={[{ href: '#/', label: '首页' }]}>…</Page>`: it sets the
 *    document title, moves focus to the heading and draws the breadcrumbs.
 * 3. Load data with `const r = useResource(() => api('GET', '/api/…'), [deps])` and show it with
 *    `<Async r={r} isEmpty={…} empty="…">{(data) => …}</Async>`: loading, error with 重试, empty
 *    and content, never two at once. Lists go in `<DataTable>` (sort, filter, paging, cards on a
 *    phone); periods come from `<PeriodPicker>`; results of an action from `toast()`; questions
 *    from `await confirm({…})`.
 * 4. Add the module to PAGES and its route to `resolve()` in web/src/app.tsx, and a `NavItem` in
 *    `navFor()` if it belongs in the navigation. It is loaded the first time it is opened.
 */
export { AppFrame, focusMain, type NavItem } from './frame.js';
export { APP_TITLE, Page, type Crumb } from './page.js';
export { DataTable, type Column } from './table.js';
export { announce, dismiss, toast, Toaster, type ToastKind } from './toast.js';
export { confirm, Dialog, DialogHost } from './dialog.js';
export { TabLinks, Tabs } from './tabs.js';
export { PeriodPicker } from './period.js';
export { Async, Empty, ErrorNote, ErrorState, Loading, useResource, type Resource } from './states.js';
export { Legend, StatusBadge } from './status.js';
export { Icon } from './icons.js';
export { DESK, useMedia } from './media.js';
