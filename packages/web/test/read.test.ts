import { describe, expect, it } from 'vitest';
import {
  loadRead,
  readActions,
  readReducer,
  READ_ROOMS,
  saveRead,
  unreadOf,
  type ReadState,
} from '../src/store/read.ts';
import { room } from './fakes.ts';

const empty: ReadState = { seq: {} };

describe('read state', () => {
  it('only moves forward, and counts what a room got after it', () => {
    let s = readReducer(empty, readActions.readTo({ room: 'r1', seq: 5 }));
    s = readReducer(s, readActions.readTo({ room: 'r1', seq: 3 }));
    expect(s.seq).toEqual({ r1: 5 });
    expect(unreadOf(s, room(1, { sum: 9 }))).toBe(4);
    expect(unreadOf(s, room(1, { sum: 5 }))).toBe(0);
    // never read here: no count at all
    expect(unreadOf(s, room(2, { sum: 9 }))).toBeNull();
  });

  it(`remembers the ${READ_ROOMS} rooms read last`, () => {
    let s = empty;
    for (let i = 0; i <= READ_ROOMS; i++)
      s = readReducer(s, readActions.readTo({ room: `r${i}`, seq: 1 }));
    // r0 read again: it becomes the newest, r1 the oldest goes
    s = readReducer(s, readActions.readTo({ room: 'r0', seq: 2 }));
    expect(Object.keys(s.seq)).toHaveLength(READ_ROOMS);
    expect(s.seq.r0).toBe(2);
    expect(s.seq.r1).toBeUndefined();
  });

  it('survives a reload through storage, and a broken entry reads as nothing', () => {
    const kept = new Map<string, string>();
    const storage = {
      getItem: (k: string) => kept.get(k) ?? null,
      setItem: (k: string, v: string) => void kept.set(k, v),
    };
    saveRead(storage, { seq: { r1: 7 } });
    expect(loadRead(storage)).toEqual({ seq: { r1: 7 } });
    kept.set('read', '{"r1": "x", "r2": 3}');
    expect(loadRead(storage)).toEqual({ seq: { r2: 3 } });
    kept.set('read', 'not json');
    expect(loadRead(storage)).toEqual({ seq: {} });
    expect(loadRead(null)).toEqual({ seq: {} });
  });
});
