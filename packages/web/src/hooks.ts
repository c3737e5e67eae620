import { useEffect, useState } from 'react';
import { useAppSelector } from './store/index.ts';

/** Phone layout below this width. */
export const PHONE_QUERY = '(max-width: 599.98px)';

export function useMediaQuery(query: string): boolean {
  const get = () =>
    typeof window !== 'undefined' && typeof window.matchMedia === 'function'
      ? window.matchMedia(query).matches
      : false;
  const [matches, setMatches] = useState(get);
  useEffect(() => {
    if (typeof window.matchMedia !== 'function') return;
    const mq = window.matchMedia(query);
    const on = () => setMatches(mq.matches);
    on();
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, [query]);
  return matches;
}

export function useIsPhone(): boolean {
  return useMediaQuery(PHONE_QUERY);
}

export const APP_NAME = 'Socket Chat';

/** Sets the page title, led by the unread count while there is one: "(3) Room · Socket Chat". */
export function useTitle(title: string | null): void {
  const unread = useAppSelector((s) => s.ui.unread);
  useEffect(() => {
    const full = title ? `${title} · ${APP_NAME}` : APP_NAME;
    document.title = unread > 0 ? `(${unread}) ${full}` : full;
  }, [title, unread]);
}

/** Re-renders every `ms` while `active`. */
export function useTicker(ms: number, active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms, active]);
  return now;
}

/**
 * Virtuoso's initialTopMostItemIndex waits for a real scroll, which jsdom never does; the
 * component tests render lists from the top instead.
 */
export const SCROLL_TO_END_ON_MOUNT = import.meta.env.MODE !== 'test';
