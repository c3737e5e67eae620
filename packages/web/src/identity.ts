import type { CSSProperties } from 'react';
import { contrast } from './themes.ts';

/**
 * A user's color: one for light themes (dark enough for text on their light panels), one for
 * dark themes (light enough on theirs). test/identity.test.ts checks both against every theme.
 */
export interface UserColor {
  light: string;
  dark: string;
}

/** Tailwind's 700/800 and 300 shades of twelve hues. */
export const USER_COLORS: readonly UserColor[] = [
  { light: '#b91c1c', dark: '#fca5a5' }, // red
  { light: '#9a3412', dark: '#fdba74' }, // orange
  { light: '#92400e', dark: '#fcd34d' }, // amber
  { light: '#3f6212', dark: '#bef264' }, // lime
  { light: '#166534', dark: '#86efac' }, // green
  { light: '#115e59', dark: '#5eead4' }, // teal
  { light: '#155e75', dark: '#67e8f9' }, // cyan
  { light: '#1d4ed8', dark: '#93c5fd' }, // blue
  { light: '#4338ca', dark: '#a5b4fc' }, // indigo
  { light: '#6d28d9', dark: '#c4b5fd' }, // violet
  { light: '#a21caf', dark: '#f0abfc' }, // fuchsia
  { light: '#be185d', dark: '#f9a8d4' }, // pink
];

/** The two inks an avatar's initial is written in: whichever reads better on its color. */
export const INKS = ['#ffffff', '#111827'] as const;

/** FNV-1a: the same uuid gives the same color in every browser, spread evenly. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function colorOf(uuid: string): UserColor {
  return USER_COLORS[hash(uuid) % USER_COLORS.length]!;
}

export function inkOn(color: string): string {
  return contrast(INKS[0], color) >= contrast(INKS[1], color) ? INKS[0] : INKS[1];
}

const styles = new Map<string, CSSProperties>();

/** The custom properties app.css draws a user's avatar and name with (one object per uuid). */
export function identityStyle(uuid: string): CSSProperties {
  let style = styles.get(uuid);
  if (!style) {
    const c = colorOf(uuid);
    style = {
      '--user-light': c.light,
      '--user-dark': c.dark,
      '--user-ink-light': inkOn(c.light),
      '--user-ink-dark': inkOn(c.dark),
    } as CSSProperties;
    if (styles.size > 1000) styles.clear();
    styles.set(uuid, style);
  }
  return style;
}

const segmenter = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter() : null;

/**
 * The first letter, digit or emoji of a name, capitalized, without its combining marks (a name
 * of stacked marks must not paint outside its avatar); "?" when there is none.
 */
export function initialOf(name: string): string {
  const graphemes = segmenter
    ? Array.from(segmenter.segment(name), (s) => s.segment)
    : Array.from(name);
  for (const g of graphemes) {
    if (!/[\p{L}\p{N}\p{Extended_Pictographic}]/u.test(g)) continue;
    const bare = g.replace(/\p{M}/gu, '');
    const upper = bare.toLocaleUpperCase();
    // "ß" would become "SS": one character stays one
    return Array.from(upper).length === Array.from(bare).length ? upper : bare;
  }
  return '?';
}
