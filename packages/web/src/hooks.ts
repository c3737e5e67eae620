import { useCallback, useEffect, useRef, useState } from 'react';
import { useStore } from 'react-redux';
import { useAppSelector, type RootState } from './store/index.ts';

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

/**
 * A selector read at most once every `ms` (`select` must be stable): for a view that would
 * otherwise be drawn again on each change of a busy store, where a few times a second is
 * enough (the event log of a room with 200 messages a second).
 */
export function useSlowSelector<T>(select: (s: RootState) => T, ms: number): T {
  const store = useStore<RootState>();
  const [value, setValue] = useState(() => select(store.getState()));
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last = Number.NEGATIVE_INFINITY;
    const read = () => {
      timer = null;
      last = performance.now();
      setValue(select(store.getState()));
    };
    read();
    const unsubscribe = store.subscribe(() => {
      if (timer === null) timer = setTimeout(read, Math.max(0, last + ms - performance.now()));
    });
    return () => {
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
    };
  }, [store, select, ms]);
  return value;
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
 * scrolled to the bottom; no longer once the reader scrolls up themselves, or the page moves
 * the list away from its end (`follow(false)`: a jump to an older message). Virtuoso's own
 * bottom state turns false for a moment when items arrive fast (react-virtuoso#317, #844),
 * which left the list behind for good; here only the reader's own scrolling lets go.
 * `onFollowing` hears each change, and the list's first value once it is shown.
 */
export function useFollowOutput(onFollowing?: (following: boolean) => void): {
  following: () => boolean;
  /**
   * Follows the end again, or lets it go (the page scrolls the list elsewhere: it then stays
   * let go, even at the end, until the reader scrolls or the page follows again).
   */
  follow: (on: boolean) => void;
  /** The list shows its end (for a "Jump to latest" while it does not). */
  atEnd: boolean;
  scrollerRef: (el: HTMLElement | Window | null) => void;
} {
  const following = useRef(true);
  const [atEnd, setAtEnd] = useState(true);
  const detach = useRef<(() => void) | null>(null);
  const told = useRef(onFollowing);
  told.current = onFollowing;
  /** Let go by the page (follow(false)): the end reached again does not follow until the reader scrolls. */
  const held = useRef(false);
  const set = useCallback((on: boolean) => {
    if (following.current === on) return;
    following.current = on;
    told.current?.(on);
  }, []);
  const follow = useCallback(
    (on: boolean) => {
      held.current = !on;
      set(on);
    },
    [set],
  );
  const scrollerRef = useCallback(
    (el: HTMLElement | Window | null) => {
      detach.current?.();
      detach.current = null;
      if (!(el instanceof HTMLElement)) return;
      told.current?.(following.current);
      let ownAt = -Infinity;
      const own = () => {
        ownAt = performance.now();
        held.current = false;
      };
      const onScroll = () => {
        const end = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK_PX;
        setAtEnd(end);
        // (pages loaded on the way to a jump keep the view still, at the end it may be at)
        if (end && !held.current) set(true);
        else if (!end && performance.now() - ownAt < OWN_SCROLL_MS) set(false);
      };
      const events = ['wheel', 'touchmove', 'keydown', 'pointerdown'] as const;
      for (const e of events) el.addEventListener(e, own, { passive: true });
      el.addEventListener('scroll', onScroll, { passive: true });
      // the list's box changes (a search opens above it, the window shrinks) or what it holds
      // grows, without a scroll: one that follows stays at its end (whatever Virtuoso did), and
      // "at the end" is known again either way
      const resized = new (globalThis.ResizeObserver ?? NoResizeObserver)(() => {
        if (following.current) el.scrollTop = el.scrollHeight;
        setAtEnd(el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK_PX);
      });
      resized.observe(el);
      // (Virtuoso's rows are in its item list, below a viewport as tall as the box)
      const content = el.querySelector('[data-testid=virtuoso-item-list]');
      if (content) resized.observe(content);
      detach.current = () => {
        for (const e of events) el.removeEventListener(e, own);
        el.removeEventListener('scroll', onScroll);
        resized.disconnect();
      };
    },
    [set],
  );
  return {
    following: useCallback(() => following.current, []),
    follow,
    atEnd,
    scrollerRef,
  };
}
