import dataUrl from 'emoji-picker-element-data/en/emojibase/data.json?url';
import { nowOrLater, type Completer } from './completion.ts';
import { isWordChar } from './mentions.ts';

/**
 * The emoji data (emojibase's, English, with emojibase's shortcodes, as emoji-picker-element
 * reads it): a file of this site's own build, fetched on first need, never from elsewhere.
 * The picker and the shortcode list share it (one download, cached for good: its name has
 * its hash).
 */
export const EMOJI_DATA_URL: string = dataUrl;

export interface EmojiMatch {
  emoji: string;
  shortcode: string;
}

export interface EmojiIndex {
  /** The emoji of a shortcode ("tada": 🎉), any case. */
  byShortcode(code: string): string | undefined;
  /** Shortcodes matching what is typed, best first, each emoji once. */
  search(query: string, limit: number): EmojiMatch[];
}

let index: EmojiIndex | null = null;
let loading: Promise<EmojiIndex> | null = null;

/** The shortcode index: its code and data load the first time it is asked for (again after a failure). */
export function loadEmojiIndex(): Promise<EmojiIndex> {
  loading ??= import('./emojiIndex.ts')
    .then((m) => m.fetchEmojiIndex(EMOJI_DATA_URL))
    .then(
      (ix) => (index = ix),
      (e: unknown) => {
        loading = null;
        throw e;
      },
    );
  return loading;
}

/** The index now if it has loaded, else the promise of it. */
function emojiIndex(): EmojiIndex | Promise<EmojiIndex> {
  return index ?? loadEmojiIndex();
}

/**
 * One spelling per emoji: the presentation selector (U+FE0F) dropped after a character that
 * shows as an emoji anyway (👍️ is 👍, as the quick reactions spell it), kept where it
 * matters (❤️). Reactions are counted by their text: two spellings would make two.
 */
export function normalizeEmoji(emoji: string): string {
  return emoji.replace(/(\p{Emoji_Presentation})\uFE0F/gu, '$1');
}

/** How many shortcodes the list shows. */
const SHOWN = 8;
/** A shortcode's characters after its opening colon, up to the caret. */
const OPEN_SHORTCODE = /:([a-z0-9_+-]{1,40})$/i;
const CLOSED_SHORTCODE = /:([a-z0-9_+-]{1,40}):$/i;

/** The shortcode `before` ends with, when its colon opens a word (not "12:30", not "http:"). */
function shortcodeAt(before: string, pattern: RegExp): { at: number; code: string } | null {
  const m = pattern.exec(before);
  if (!m) return null;
  const prev = before[m.index - 1];
  if (isWordChar(prev) || prev === ':') return null;
  return { at: m.index, code: m[1]!.toLowerCase() };
}

/**
 * Emoji shortcodes as Slack and Discord have them: ":tada:" becomes 🎉 when its closing
 * colon is typed; after a colon and 2 letters a list of matching shortcodes shows. Its data
 * starts loading at the first letter.
 */
export const emojiCompleter: Completer = {
  label: 'Emoji',
  token(before) {
    const s = shortcodeAt(before, OPEN_SHORTCODE);
    if (!s) return null;
    if (s.code.length < 2) {
      void loadEmojiIndex().catch(() => undefined);
      return null;
    }
    return { at: s.at, query: s.code };
  },
  suggest(query) {
    const found = (ix: EmojiIndex) =>
      ix.search(query, SHOWN).map((m) => ({
        id: m.shortcode,
        text: m.emoji,
        label: `:${m.shortcode}:`,
        icon: m.emoji,
      }));
    return nowOrLater(emojiIndex(), found);
  },
  finish(before) {
    const s = shortcodeAt(before, CLOSED_SHORTCODE);
    if (!s) return null;
    const found = (ix: EmojiIndex) => {
      const emoji = ix.byShortcode(s.code);
      return emoji === undefined ? null : { at: s.at, text: emoji };
    };
    return nowOrLater(emojiIndex(), found);
  },
};

/** Code as markdown writes it (a fenced block, or a span between backticks): left as typed. */
const CODE = /(```[\s\S]*?(?:```|$)|`[^`\n]*`)/;
const ANY_SHORTCODE = /:([a-z0-9_+-]{1,40}):/gi;

/**
 * Every known `:shortcode:` of a text as its emoji (what was pasted, or typed too fast for the
 * box to see its closing colon), outside code; a colon that does not open a word ("12:30:")
 * and unknown codes stay.
 */
export function withEmoji(text: string, ix: EmojiIndex): string {
  return text
    .split(CODE)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(ANY_SHORTCODE, (whole, code: string, at: number) => {
            const prev = part[at - 1];
            if (isWordChar(prev) || prev === ':') return whole;
            return ix.byShortcode(code.toLowerCase()) ?? whole;
          }),
    )
    .join('');
}

/** Whether a text may hold a shortcode (then `emojified` may have to load the index). */
export function mayHoldShortcode(text: string): boolean {
  return /:[a-z0-9_+-]{1,40}:/i.test(text);
}

/** The text with its shortcodes as emoji, the index loaded first if the text may hold one. */
export async function emojified(text: string): Promise<string> {
  if (!mayHoldShortcode(text)) return text;
  try {
    return withEmoji(text, await emojiIndex());
  } catch {
    // the data could not be had: the text goes as typed
    return text;
  }
}
