import { describe, expect, it } from 'vitest';
import {
  MUTE_KEY,
  playMentionSound,
  playMessageSound,
  readMuted,
  writeMuted,
} from '../src/sound.ts';
import { memoryStorage } from './fakes.ts';

describe('sounds', () => {
  it('remembers the mute switch', () => {
    const storage = memoryStorage();
    expect(readMuted(storage)).toBe(false);
    writeMuted(storage, true);
    expect(storage.data.get(MUTE_KEY)).toBe('1');
    expect(readMuted(storage)).toBe(true);
    writeMuted(storage, false);
    expect(readMuted(storage)).toBe(false);
    expect(readMuted(null)).toBe(false);
  });
  it('never throws where there is no audio', () => {
    expect(() => playMessageSound(true)).not.toThrow();
    expect(() => playMessageSound(false)).not.toThrow();
    expect(() => playMentionSound()).not.toThrow();
  });
});
