import { describe, expect, it } from 'vitest';
import { isUuid } from '@chat/protocol';
import { newId, newTimeId } from '../src/ids.ts';

describe('ids', () => {
  it('newId is a UUIDv4', () => {
    const id = newId();
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('4');
  });

  it('newTimeId is a UUIDv7 that sorts in the order made, within a millisecond and past 4,096 in one', () => {
    const now = Date.now() + 1000;
    const ids = Array.from({ length: 5000 }, () => newTimeId(now));
    ids.push(newTimeId(now + 5000));
    for (const id of ids) {
      expect(isUuid(id)).toBe(true);
      expect(id[14]).toBe('7');
      expect('89ab').toContain(id[19]);
    }
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // its first 48 bits are the time in milliseconds
    expect(parseInt(ids[0]!.replace('-', '').slice(0, 12), 16)).toBe(now);
    // a clock that goes back does not make an id that sorts before the last one
    expect(newTimeId(now - 60_000) > ids.at(-1)!).toBe(true);
  });
});
