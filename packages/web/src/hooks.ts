import { useCallback, useEffect, useRef, useState } from 'react';
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

/** The time now, renewed just after each local midnight: labels like "Today" stay true. */
export function useToday(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const midnight = new Date(now);
    midnight.setHours(24, 0, 0, 0);
    const t = setTimeout(() => setNow(Date.now()), midnight.getTime() - Date.now() + 1_000);
    return () => clearTimeout(t);
  }, [now]);
  return now;
}

/**
 * Virtuoso's initialTopMostItemIndex waits for a real scroll, which jsdom never does; the
 * component tests render lists from the top instead.
 */
export const SCROLL_TO_END_ON_MOUNT = import.meta.env.MODE !== 'test';

/** Where there is none (jsdom): nothing is observed. */
class NoResizeObserver {
  observe(): void {}
  disconnect(): void {}
}

/** How close to the bottom, in pixels, a list still counts as read to the end. */
const BOTTOM_SLACK_PX = 60;
/** A scroll this soon after the reader's own wheel, touch, key or pointer is theirs. */
const OWN_SCROLL_MS = 500;

/**
 * Keeps a Virtuoso list at its end while its reader is there: from the start, and again once
 * scrolled to the bottom; no longer once the reader scrolls up themselves. Virtuoso's own
 * bottom state turns false for a moment when items arrive fast (react-virtuoso#317, #844),
 * which left the list behind for good; here only the reader's own scrolling lets go.
 */
export function useFollowOutput(): {
  following: () => boolean;
  /** The list shows its end (for a "Jump to latest" while it does not). */
  atEnd: boolean;
  scrollerRef: (el: HTMLElement | Window | null) => void;
} {
  const following = useRef(true);
  const [atEnd, setAtEnd] = useState(true);
  const detach = useRef<(() => void) | null>(null);
  const scrollerRef = useCallback((el: HTMLElement | Window | null) => {
    detach.current?.();
    detach.current = null;
    if (!(el instanceof HTMLElement)) return;
    let ownAt = -Infinity;
    const own = () => (ownAt = performance.now());
    const onScroll = () => {
      const end = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK_PX;
      setAtEnd(end);
      if (end) following.current = true;
      else if (performance.now() - ownAt < OWN_SCROLL_MS) following.current = false;
    };
    const events = ['wheel', 'touchmove', 'keydown', 'pointerdown'] as const;
    for (const e of events) el.addEventListener(e, own, { passive: true });
    el.addEventListener('scroll', onScroll, { passive: true });
    // the list's box changes (a search opens above it, the window shrinks) without a scroll:
    // one that follows stays at its end, and "at the end" is known again either way
    const resized = new (globalThis.ResizeObserver ?? NoResizeObserver)(() => {
      if (following.current) el.scrollTop = el.scrollHeight;
      setAtEnd(el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK_PX);
    });
    resized.observe(el);
    detach.current = () => {
      for (const e of events) el.removeEventListener(e, own);
      el.removeEventListener('scroll', onScroll);
      resized.disconnect();
    };
  }, []);
  return {
    following: useCallback(() => following.current, []),
    atEnd,
    scrollerRef,
  };
}
