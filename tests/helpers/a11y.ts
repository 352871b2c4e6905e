/**
 * Accessibility checks on a live page: axe-core (from npm, injected through the DevTools
 * protocol, so the page's CSP stays as it is) and the focus ring's contrast on whatever it
 * is drawn against, found by tabbing through the page as a keyboard user would.
 */
import axe from 'axe-core';
import type { Page } from 'playwright-core';

/** Serious and critical axe violations, one line each with the elements concerned. */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  const result = await page.evaluate(() =>
    (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] }),
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * Tabs through the page (at most `limit` stops) and returns every focused element whose focus
 * outline is missing or has less than 3:1 contrast against the colour around it.
 */
export async function weakFocusRings(page: Page, limit = 60): Promise<string[]> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const weak: string[] = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const r = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return undefined;
      if (el.hasAttribute('data-focus-seen')) return { cycle: true as const };
      el.setAttribute('data-focus-seen', '');
      const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
      const lum = ([r, g, b]: number[]) => {
        const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
      };
      // The colour the ring is drawn on: the nearest ancestor's opaque background.
      let bg = 'rgb(255, 255, 255)';
      for (let p = el.parentElement; p; p = p.parentElement) {
        const c = getComputedStyle(p).backgroundColor;
        const parts = rgb(c);
        if (parts.length >= 3 && (parts.length < 4 || parts[3]! > 0.5)) {
          bg = c;
          break;
        }
      }
      const s = getComputedStyle(el);
      const width = parseFloat(s.outlineWidth);
      const [a, b] = [lum(rgb(s.outlineColor)), lum(rgb(bg))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} “${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 20)}”`;
      return { name, ok: s.outlineStyle !== 'none' && width >= 2 && ratio >= 3, detail: `${s.outlineStyle} ${width}px ${s.outlineColor} on ${bg}: ${ratio.toFixed(2)}:1` };
    });
    if (!r) continue;
    if ('cycle' in r) break;
    if (!r.ok) weak.push(`${r.name}: ${r.detail}`);
  }
  return weak;
}
