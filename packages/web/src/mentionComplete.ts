import { LIMITS } from '@chat/protocol';
import type { Completer, Suggestion } from './completion.ts';
import { isWordChar } from './mentions.ts';

/** How many names the list shows. */
const SHOWN = 8;

/** Whether `name` is found by `query`: its start, or (a query of one word) a word's start. */
function rank(name: string, query: string): number {
  const n = name.toLowerCase();
  if (n.startsWith(query)) return 0;
  if (!query.includes(' ') && n.split(/\s+/).some((w) => w.startsWith(query))) return 1;
  return -1;
}

/**
 * @names of the people in the room: "@" (opening a word) and a letter or more list the names
 * that start so (or have a word that does: "@ott" finds Amber Otter); one chosen is written
 * "@Amber Otter " as mentions.ts finds it, spaces and all. `names()` gives the room's users,
 * read when a list is made.
 */
export function mentionCompleter(names: () => readonly string[]): Completer {
  return {
    label: 'People in this room',
    token(before) {
      // a name can hold spaces: the token is all from the last "@", within a name's length
      const at = before.lastIndexOf('@');
      if (at < 0 || isWordChar(before[at - 1])) return null;
      const query = before.slice(at + 1);
      if (query === '' || query.length > 2 * LIMITS.nameChars || query.includes('\n')) return null;
      return { at, query };
    },
    suggest(query) {
      const q = query.toLowerCase();
      const found: { r: number; name: string }[] = [];
      for (const name of new Set(names())) {
        const r = rank(name, q);
        if (r >= 0) found.push({ r, name });
      }
      found.sort((a, b) => a.r - b.r || a.name.localeCompare(b.name));
      return found
        .slice(0, SHOWN)
        .map(({ name }): Suggestion => ({ id: name, text: mentionOf(name), label: name }));
    },
  };
}

/** How a message names `name` so that mentionsMe finds it: "@Amber Otter " (a space ends it). */
export function mentionOf(name: string): string {
  return `@${name} `;
}
