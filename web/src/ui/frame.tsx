/**
 * The app frame: a skip link, the red header (unit, person, 退出), side navigation at a desk
 * (≥ 960 px) and a bottom bar on a phone, whose last button opens the rest of the navigation
 * in a sheet. Mounts the toast region and the dialog host once for every page inside it.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { Dialog, DialogHost } from './dialog.js';
import { Icon } from './icons.js';
import { Toaster } from './toast.js';

export interface NavItem {
  href: string;
  label: string;
  /** Shorter label for the phone's bottom bar. */
  short?: string;
  icon: string;
  /** Heading of the group the item starts (side navigation). */
  group?: string;
  current: boolean;
}

/** Moves focus to the page's heading (or main), as the skip link and page changes do. */
export function focusMain() {
  const target = document.querySelector<HTMLElement>('#main h1') ?? document.getElementById('main');
  target?.focus();
}

function NavList({ items, onPick }: { items: NavItem[]; onPick?: () => void }) {
  return (
    <ul class="nav-list">
      {items.map((n) => [
        n.group && (
          <li key={`g-${n.group}`} class="nav-group" aria-hidden="true">
            {n.group}
          </li>
        ),
        <li key={n.href}>
          <a href={n.href} aria-current={n.current ? 'page' : undefined} onClick={onPick}>
            <Icon name={n.icon} />
            {n.label}
          </a>
        </li>,
      ])}
    </ul>
  );
}

export function AppFrame(props: {
  title: string;
  unit: string;
  user: string;
  nav: NavItem[];
  /** How many items the bottom bar shows before 更多. */
  barItems?: number;
  onSignOut(): void;
  children: ComponentChildren;
}) {
  const [more, setMore] = useState(false);
  const n = props.barItems ?? 4;
  const bar = props.nav.length > n + 1 ? props.nav.slice(0, n) : props.nav;
  const rest = props.nav.slice(bar.length);
  const restCurrent = rest.some((r) => r.current);
  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          // The hash is the router's: move focus without navigating.
          e.preventDefault();
          focusMain();
        }}
      >
        跳到主要内容
      </a>
      <header class="frame-header">
        <a class="frame-brand" href="#/">
          <strong>{props.title}</strong>
          <span>{props.unit}</span>
        </a>
        <div class="frame-user">
          <span>{props.user}</span>
          <button type="button" onClick={props.onSignOut}>
            退出
          </button>
        </div>
      </header>
      <div class="frame-body">
        <nav class="frame-side" aria-label="主导航">
          <NavList items={props.nav} />
        </nav>
        <main id="main" class="frame-main" tabIndex={-1}>
          <div class="frame-content">{props.children}</div>
        </main>
      </div>
      <nav class="bottom-bar" aria-label="主导航（手机）">
        {bar.map((b) => (
          <a key={b.href} href={b.href} aria-current={b.current ? 'page' : undefined} aria-label={b.short && b.short !== b.label ? b.label : undefined}>
            <Icon name={b.icon} />
            {b.short ?? b.label}
          </a>
        ))}
        <button type="button" aria-haspopup="dialog" aria-expanded={more} aria-current={restCurrent ? 'page' : undefined} onClick={() => setMore(true)}>
          <Icon name="more" />
          更多
        </button>
      </nav>
      <Dialog open={more} title="更多" sheet onClose={() => setMore(false)}>
        <div class="more-sheet stack-sm">
          {rest.length > 0 && <NavList items={rest.map((r) => ({ ...r, group: undefined }))} onPick={() => setMore(false)} />}
          <p class="who">
            {props.user} · {props.unit}
          </p>
          <div class="dialog-actions">
            <button type="button" onClick={() => setMore(false)}>
              关闭
            </button>
            <button type="button" class="danger" onClick={props.onSignOut}>
              退出登录
            </button>
          </div>
        </div>
      </Dialog>
      <Toaster />
      <DialogHost />
    </>
  );
}
