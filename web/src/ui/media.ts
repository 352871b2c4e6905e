import { useEffect, useState } from 'preact/hooks';

/** The width at and above which the frame has its side navigation and wide grids show as grids. */
export const DESK = '(min-width: 960px)';

/** Whether a media query matches now, following changes (a rotated phone, a resized window). */
export function useMedia(query: string): boolean {
  const [matches, setMatches] = useState(() => matchMedia(query).matches);
  useEffect(() => {
    const m = matchMedia(query);
    const on = () => setMatches(m.matches);
    m.addEventListener('change', on);
    on();
    return () => m.removeEventListener('change', on);
  }, [query]);
  return matches;
}
