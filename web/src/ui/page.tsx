/**
 * A page inside the frame: breadcrumbs, the heading (which takes focus when the page opens, so
 * a keyboard or screen-reader user starts there), an optional lead and actions, and the
 * document title `<heading> - 意识形态工作台账`.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export const APP_TITLE = '意识形态工作台账';

export interface Crumb {
  href: string;
  label: string;
}

export function Page(props: {
  title: string;
  /** The way here, not counting this page (which ends the trail). */
  crumbs?: Crumb[];
  lead?: ComponentChildren;
  actions?: ComponentChildren;
  children?: ComponentChildren;
}) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} - ${APP_TITLE}`;
  }, [props.title]);
  useEffect(() => {
    h1.current?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, []);
  const crumbs = props.crumbs ?? [];
  return (
    <>
      <div class="page-header">
        <div class="titles">
          {crumbs.length > 0 && (
            <nav class="crumbs" aria-label="面包屑">
              <ol>
                {crumbs.map((c) => (
                  <li key={c.href}>
                    <a href={c.href}>{c.label}</a>
                  </li>
                ))}
                <li aria-current="page">{props.title}</li>
              </ol>
            </nav>
          )}
          <h1 ref={h1} tabIndex={-1}>
            {props.title}
          </h1>
          {props.lead && <p class="lead">{props.lead}</p>}
        </div>
        {props.actions && <div class="actions">{props.actions}</div>}
      </div>
      <div class="stack">{props.children}</div>
    </>
  );
}
