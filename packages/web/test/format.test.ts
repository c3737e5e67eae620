import { describe, expect, it } from 'vitest';
import { formatDay, localDay } from '../src/format.ts';
import { GROUP_GAP_MS, place, placeAll } from '../src/messageGroups.ts';
import {
  THEMES,
  applyTheme,
  contrast,
  readThemeCookie,
  themeCookie,
  clampTheme,
} from '../src/themes.ts';

/** A local time, as the ISO string messages carry. */
const at = (y: number, m: number, d: number, h = 12, min = 0) =>
  new Date(y, m - 1, d, h, min).toISOString();

describe('formatDay', () => {
  const now = new Date(2026, 10, 25, 9, 30).getTime();

  it('"Today", "Yesterday", else the full date', () => {
    expect(formatDay(at(2026, 11, 25, 0, 0), now)).toBe('Today');
    expect(formatDay(at(2026, 11, 25, 23, 59), now)).toBe('Today');
    expect(formatDay(at(2026, 11, 24, 23, 59), now)).toBe('Yesterday');
    expect(formatDay(at(2026, 11, 24, 0, 0), now)).toBe('Yesterday');
    expect(formatDay(at(2026, 11, 23, 23, 59), now, 'en-GB')).toMatch(
      /^Monday,? 23 November 2026$/,
    );
    expect(formatDay(at(2025, 11, 25), now, 'en-US')).toBe('Tuesday, November 25, 2025');
    expect(formatDay('not a date', now)).toBe('');
  });

  it('yesterday is the calendar day before, across a month and a year', () => {
    const newYear = new Date(2027, 0, 1, 0, 5).getTime();
    expect(formatDay(at(2026, 12, 31, 23, 50), newYear)).toBe('Yesterday');
    expect(formatDay(at(2026, 12, 30, 23, 50), newYear)).not.toBe('Yesterday');
    const march = new Date(2026, 2, 1, 0, 5).getTime();
    expect(formatDay(at(2026, 2, 28, 12), march)).toBe('Yesterday');
  });

  it('localDay orders days', () => {
    expect(localDay(new Date(2026, 10, 23, 23, 59).getTime())).toBe(20261123);
    expect(localDay(new Date(2026, 10, 24, 0, 0).getTime())).toBe(20261124);
  });
});

describe('message groups', () => {
  const t0 = new Date(2026, 10, 23, 12, 0).getTime();
  const min = 60_000;
  const s = (author: string, ms: number) => ({ author, at: ms });

  it('one author within 5 minutes is one group; 6 minutes apart is not', () => {
    expect(place(s('a', t0), s('a', t0 + 5 * min), false)).toEqual({ day: false, head: false });
    expect(place(s('a', t0), s('a', t0 + GROUP_GAP_MS), false).head).toBe(false);
    expect(place(s('a', t0), s('a', t0 + 6 * min), false)).toEqual({ day: false, head: true });
  });

  it('another author starts a group', () => {
    expect(place(s('a', t0), s('b', t0 + 1_000), false)).toEqual({ day: false, head: true });
  });

  it('a day boundary starts a group and gets a separator, even a minute apart', () => {
    const late = new Date(2026, 10, 23, 23, 59, 30).getTime();
    expect(place(s('a', late), s('a', late + min), false)).toEqual({ day: true, head: true });
  });

  it("the first item: a group, and a separator only at the room's start", () => {
    expect(place(undefined, s('a', t0), true)).toEqual({ day: true, head: true });
    expect(place(undefined, s('a', t0), false)).toEqual({ day: false, head: true });
  });

  it('placeAll places each item from the one before it', () => {
    const items = [
      s('a', t0),
      s('a', t0 + min),
      s('a', t0 + 3 * min),
      s('b', t0 + 4 * min),
      s('b', t0 + 11 * min),
      s('b', t0 + 24 * 60 * min),
    ];
    const placed = placeAll(items, (i) => i, true);
    expect(placed.map((p) => p.head)).toEqual([true, false, false, true, true, true]);
    expect(placed.map((p) => p.day)).toEqual([true, false, false, false, false, true]);
    expect(placed[2]!.item).toBe(items[2]);
    // prepending older items changes only the one that was first
    const older = placeAll([s('a', t0 - min), ...items], (i) => i, true);
    expect(older.slice(2)).toEqual(placed.slice(1));
    expect(older[1]).toEqual({ item: items[0], day: false, head: false });
  });
});

describe('themes', () => {
  it('has 8 themes, stored as a number in the theme cookie', () => {
    expect(THEMES).toHaveLength(8);
    expect(themeCookie(3)).toMatch(/^theme=3;/);
    expect(readThemeCookie('a=b; theme=5; c=d')).toBe(5);
    expect(readThemeCookie('theme=99')).toBe(7);
    expect(readThemeCookie('')).toBe(0);
    expect(clampTheme(-1)).toBe(0);
  });
  it('marks the scheme of the theme on the root: dark themes for the dark variants', () => {
    const root = document.createElement('div');
    const schemes = THEMES.map((_, i) => {
      applyTheme(i, root);
      return [root.dataset.scheme, root.style.colorScheme];
    });
    expect(schemes).toEqual(THEMES.map((t) => (t.dark ? ['dark', 'dark'] : ['light', 'light'])));
    expect(THEMES.filter((t) => t.dark).map((t) => t.name)).toEqual(['Night', 'Berry', 'Forest']);
  });
  it.each(THEMES.map((t, i) => [i, t] as const))('theme %i has readable contrast', (_, t) => {
    expect(contrast(t.text, t.surface)).toBeGreaterThanOrEqual(7);
    expect(contrast(t.text, t.surface2)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(t.text, t.own)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(t.muted, t.surface)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(t.muted, t.surface2)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(t.muted, t.own)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(t.onAccent, t.accent)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(t.accent, t.surface)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(t.accent, t.surface2)).toBeGreaterThanOrEqual(3);
  });
});
