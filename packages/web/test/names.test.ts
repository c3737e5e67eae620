import { describe, expect, it } from 'vitest';
import { hasDefaultName, readableName } from '../src/names.ts';
import { settle, setup } from './fakes.ts';

describe('readable names', () => {
  it('are an adjective and an animal, from the whole of both lists', () => {
    expect(readableName(() => 0)).toBe('Amber Otter');
    expect(readableName(() => 0.9999)).toBe('Zesty Zebra');
    const seen = new Set(Array.from({ length: 2000 }, () => readableName()));
    expect(seen.size).toBeGreaterThan(500);
    for (const n of seen) expect(n).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
  });

  it('a new identity with the server-given name renames itself; a chosen name stays', async () => {
    expect(hasDefaultName({ uuid: 'abc', name: 'user-abc' })).toBe(true);
    expect(hasDefaultName({ uuid: 'abc', name: 'user-abd' })).toBe(false);
    const t = setup();
    const s = t.socket();
    s.open();
    s.result('user_created', {
      object: { uuid: 'u9', name: 'user-u9', room_uuid: null },
      token: 't',
      resumed: false,
    });
    await settle();
    expect(s.lastCall('change_user_name')?.name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
    const other = setup();
    other.socket().open();
    other.socket().result('user_created', {
      object: { uuid: 'u8', name: 'Ann', room_uuid: null },
      token: 't',
      resumed: true,
    });
    await settle();
    expect(other.socket().callsOf('change_user_name')).toEqual([]);
  });
});
