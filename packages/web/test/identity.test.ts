import { describe, expect, it } from 'vitest';
import { USER_COLORS, colorOf, identityStyle, initialOf, inkOn } from '../src/identity.ts';
import { THEMES, contrast } from '../src/themes.ts';

describe('user colors', () => {
  it('the same uuid always gets the same color, and uuids spread over all of them', () => {
    const uuid = '6f1c2d0e-8a4b-4c3d-9e2f-1a2b3c4d5e6f';
    expect(colorOf(uuid)).toBe(colorOf(uuid));
    const used = new Map<(typeof USER_COLORS)[number], number>();
    for (let i = 0; i < 1200; i++) {
      const c = colorOf(crypto.randomUUID());
      used.set(c, (used.get(c) ?? 0) + 1);
    }
    expect(used.size).toBe(USER_COLORS.length);
    // about 100 each: none is left far behind
    for (const n of used.values()) expect(n).toBeGreaterThan(50);
  });

  it.each(THEMES.map((t) => [t.name, t] as const))(
    'every name is readable on the messages of theme %s',
    (_, t) => {
      for (const c of USER_COLORS) {
        const ink = t.dark ? c.dark : c.light;
        for (const background of [t.surface, t.surface2, t.own]) {
          expect(contrast(ink, background), `${ink} on ${background}`).toBeGreaterThanOrEqual(4.5);
        }
      }
    },
  );

  it('every initial is readable on its avatar', () => {
    for (const c of USER_COLORS) {
      for (const fill of [c.light, c.dark]) {
        expect(contrast(inkOn(fill), fill), fill).toBeGreaterThanOrEqual(4.5);
      }
    }
    // white on a dark fill, dark on a light one
    expect(inkOn('#1d4ed8')).toBe('#ffffff');
    expect(inkOn('#fcd34d')).toBe('#111827');
  });

  it('the style carries both schemes of the color and their inks, one object per uuid', () => {
    const style = identityStyle('u1') as Record<string, string>;
    const c = colorOf('u1');
    expect(style).toEqual({
      '--user-light': c.light,
      '--user-dark': c.dark,
      '--user-ink-light': inkOn(c.light),
      '--user-ink-dark': inkOn(c.dark),
    });
    expect(identityStyle('u1')).toBe(style);
  });
});

describe('initialOf', () => {
  it('the first letter, digit or emoji, capitalized', () => {
    expect(initialOf('alice')).toBe('A');
    expect(initialOf('  bob')).toBe('B');
    expect(initialOf('(carol)')).toBe('C');
    expect(initialOf('élodie')).toBe('É');
    expect(initialOf('42 things')).toBe('4');
    expect(initialOf('Über')).toBe('Ü');
    expect(initialOf('ßtraße')).toBe('ß');
    expect(initialOf('日本')).toBe('日');
    expect(initialOf('👩‍💻 dev')).toBe('👩‍💻');
    expect(initialOf('')).toBe('?');
    expect(initialOf('!!!')).toBe('?');
  });

  it('drops combining marks: a name of stacked marks stays one character', () => {
    const zalgo = 'Z' + '\u0301\u0316\u0345'.repeat(20) + 'algo';
    expect(initialOf(zalgo)).toBe('Z');
    // decomposed e + acute stays a letter without its mark
    expect(initialOf('e\u0301mile')).toBe('E');
  });
});
