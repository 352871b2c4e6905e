/**
 * Tabs. <TabLinks> for sections that are routes (each its own address, aria-current on the
 * one shown); <Tabs> for panels inside one page (a WAI-ARIA tablist: arrow keys, Home and End
 * move between tabs, only the selected tab is in the Tab order).
 */
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';

export function TabLinks({ label, items }: { label: string; items: { href: string; label: string; current: boolean }[] }) {
  return (
    <nav class="tabs" aria-label={label}>
      {items.map((t) => (
        <a key={t.href} href={t.href} aria-current={t.current ? 'page' : undefined}>
          {t.label}
        </a>
      ))}
    </nav>
  );
}

let nextId = 1;

export function Tabs(props: {
  label: string;
  tabs: { id: string; label: string }[];
  selected: string;
  onSelect(id: string): void;
  children: ComponentChildren;
}) {
  const [base] = useState(() => `tabs-${nextId++}`);
  const list = useRef<HTMLDivElement>(null);
  const move = (to: number) => {
    const t = props.tabs[(to + props.tabs.length) % props.tabs.length]!;
    props.onSelect(t.id);
    list.current?.querySelector<HTMLElement>(`#${base}-${t.id}`)?.focus();
  };
  const at = props.tabs.findIndex((t) => t.id === props.selected);
  return (
    <>
      <div
        class="tabs"
        role="tablist"
        aria-label={props.label}
        ref={list}
        onKeyDown={(e) => {
          const keys: Record<string, number> = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: props.tabs.length - 1 };
          if (e.key in keys) {
            e.preventDefault();
            move(keys[e.key]!);
          }
        }}
      >
        {props.tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`${base}-${t.id}`}
            aria-selected={t.id === props.selected}
            aria-controls={`${base}-panel`}
            tabIndex={t.id === props.selected ? 0 : -1}
            onClick={() => props.onSelect(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-${props.selected}`}>
        {props.children}
      </div>
    </>
  );
}
