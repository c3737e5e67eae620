import { describe, expect, it } from 'vitest';
import { mentionsMe } from '../src/mentions.ts';
import { readNotify, shouldNotify, writeNotify } from '../src/notify.ts';

describe('mentions', () => {
  it('finds @name in any case, not inside a longer word or name', () => {
    expect(mentionsMe('hi @Amber Otter, look', 'Amber Otter')).toBe(true);
    expect(mentionsMe('@amber otter', 'Amber Otter')).toBe(true);
    expect(mentionsMe('(@Amber Otter)', 'Amber Otter')).toBe(true);
    expect(mentionsMe('@Amber Otters are many', 'Amber Otter')).toBe(false);
    expect(mentionsMe('mail me at x@Amber Otter', 'Amber Otter')).toBe(false);
    expect(mentionsMe('Amber Otter without the at', 'Amber Otter')).toBe(false);
    expect(mentionsMe('@Zoë, hello', 'Zoë')).toBe(true);
    expect(mentionsMe('@Zoëlle', 'Zoë')).toBe(false);
    expect(mentionsMe('@ anyone', ' ')).toBe(false);
    // the second of two: the first is inside a word
    expect(mentionsMe('@Bobby and @Bob', 'Bob')).toBe(true);
  });

  it('notifies every message, mentions only, or nothing; the choice is kept', () => {
    expect([shouldNotify('all', false), shouldNotify('mentions', false)]).toEqual([true, false]);
    expect([shouldNotify('mentions', true), shouldNotify('off', true)]).toEqual([true, false]);
    const kept = new Map<string, string>();
    const storage = {
      getItem: (k: string) => kept.get(k) ?? null,
      setItem: (k: string, v: string) => void kept.set(k, v),
    };
    expect(readNotify(storage)).toBe('mentions');
    writeNotify(storage, 'off');
    expect(readNotify(storage)).toBe('off');
    kept.set('notify', 'loud');
    expect(readNotify(storage)).toBe('mentions');
  });
});
