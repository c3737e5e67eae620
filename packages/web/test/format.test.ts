import { describe, expect, it } from 'vitest';
import { linkify } from '../src/format.ts';
import { THEMES, contrast, readThemeCookie, themeCookie, clampTheme } from '../src/themes.ts';

describe('linkify', () => {
  it('links http(s) URLs only, without trailing punctuation', () => {
    expect(linkify('see https://example.com/a?b=1. ok')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: '. ok' },
    ]);
    expect(linkify('javascript:alert(1)')).toEqual([{ kind: 'text', text: 'javascript:alert(1)' }]);
    expect(linkify('<img src=x onerror=alert(1)>')).toEqual([
      { kind: 'text', text: '<img src=x onerror=alert(1)>' },
    ]);
    expect(linkify('(http://a.b/c)')[1]).toEqual({
      kind: 'link',
      text: 'http://a.b/c',
      href: 'http://a.b/c',
    });
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
