import { describe, expect, it } from 'vitest';
import { emojiCompleter, normalizeEmoji } from '../src/emoji.ts';
import { buildEmojiIndex } from '../src/emojiIndex.ts';
import { mentionCompleter, mentionOf } from '../src/mentionComplete.ts';
import { mentionsMe } from '../src/mentions.ts';
import { EMOJI_DATA } from './emojiData.ts';

describe('the emoji shortcode index', () => {
  const ix = buildEmojiIndex(EMOJI_DATA);

  it('finds a shortcode, any case; lists the ones starting so, then the ones with such a word', () => {
    expect(ix.byShortcode('tada')).toBe('🎉');
    expect(ix.byShortcode('TADA')).toBe('🎉');
    expect(ix.byShortcode('+1')).toBe('👍');
    expect(ix.byShortcode('no_such_code')).toBeUndefined();
    expect(ix.search('thu', 3).map((m) => m.shortcode)).toEqual([
      'thumbsup',
      'thumbsdown',
      'thunder_cloud_and_rain',
    ]);
    // the exact one first; each emoji once
    expect(ix.search('joy', 8)[0]).toEqual({ emoji: '😂', shortcode: 'joy' });
    const emoji = ix.search('smile', 20).map((m) => m.emoji);
    expect(new Set(emoji).size).toBe(emoji.length);
    // a word inside the shortcode
    expect(ix.search('popper', 8).map((m) => m.shortcode)).toContain('party_popper');
    expect(ix.search('', 8)).toEqual([]);
  });

  it('spells each emoji one way: no presentation selector where it shows as an emoji anyway', () => {
    expect(normalizeEmoji('👍\uFE0F')).toBe('👍');
    expect(normalizeEmoji('❤\uFE0F')).toBe('❤\uFE0F');
    expect(normalizeEmoji('🏳\uFE0F\u200D🌈')).toBe('🏳\uFE0F\u200D🌈');
    expect(normalizeEmoji('1\uFE0F\u20E3')).toBe('1\uFE0F\u20E3');
    // the data's thumbs up is the quick reaction's
    expect(ix.byShortcode('thumbsup')).toBe('👍');
  });

  it('takes a colon that opens a word, with 2 letters or more, and finishes on the closing one', () => {
    expect(emojiCompleter.token('so :ta')).toEqual({ at: 3, query: 'ta' });
    expect(emojiCompleter.token(':ta')).toEqual({ at: 0, query: 'ta' });
    expect(emojiCompleter.token('(:ta')).toEqual({ at: 1, query: 'ta' });
    expect(emojiCompleter.token('so :t')).toBeNull();
    expect(emojiCompleter.token('at 12:30')).toBeNull();
    expect(emojiCompleter.token('see http://x:ta')).toBeNull();
    expect(emojiCompleter.token('so ::ta')).toBeNull();
    expect(emojiCompleter.finish?.('12:30:')).toBeNull();
    expect(emojiCompleter.finish?.('a:tada:')).toBeNull();
  });
});

describe('@names', () => {
  const names = ['Amber Otter', 'Amber Owl', 'Bob', 'Zoë'];
  const complete = mentionCompleter(() => names);
  const suggested = (q: string) =>
    (complete.suggest(q) as readonly { label: string }[]).map((s) => s.label);

  it('start at an @ that opens a word', () => {
    expect(complete.token('hi @Am')).toEqual({ at: 3, query: 'Am' });
    expect(complete.token('@Amber O')).toEqual({ at: 0, query: 'Amber O' });
    expect(complete.token('hi @')).toBeNull();
    expect(complete.token('mail@Am')).toBeNull();
    expect(complete.token('@Am\nthere')).toBeNull();
  });

  it('list the names that start so, or with a word that does; any case', () => {
    expect(suggested('am')).toEqual(['Amber Otter', 'Amber Owl']);
    expect(suggested('amber ot')).toEqual(['Amber Otter']);
    expect(suggested('ott')).toEqual(['Amber Otter']);
    expect(suggested('zo')).toEqual(['Zoë']);
    expect(suggested('x')).toEqual([]);
  });

  it('are written as the mention finder reads them, spaces and all', () => {
    for (const name of names) {
      const text = `${mentionOf(name)}look`;
      expect(mentionsMe(text, name), text).toBe(true);
    }
    expect(mentionOf('Amber Otter')).toBe('@Amber Otter ');
  });
});
