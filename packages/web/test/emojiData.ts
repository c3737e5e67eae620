import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { vi } from 'vitest';
import type { EmojiRecord } from '../src/emojiIndex.ts';

/** The emoji data the site serves (emoji-picker-element-data's, as the build copies it). */
const DATA_FILE = createRequire(import.meta.url).resolve(
  'emoji-picker-element-data/en/emojibase/data.json',
);

export const EMOJI_DATA = JSON.parse(readFileSync(DATA_FILE, 'utf8')) as EmojiRecord[];

/** fetch() answering with that data, as the server would; the URLs asked for are returned. */
export function serveEmojiData(): string[] {
  const fetched: string[] = [];
  vi.stubGlobal('fetch', (url: string) => {
    fetched.push(url);
    return Promise.resolve(new Response(readFileSync(DATA_FILE)));
  });
  return fetched;
}
