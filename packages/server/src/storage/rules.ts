import { LIMITS, type Reaction } from '@chat/protocol';
import type { StorageLimits } from './storage.ts';

/*
 * The rules every backend keeps, written once: what a drawing may hold, how a line is
 * measured, how a room name is searched.
 */

/** A line without its points (as stored: `tool` is any text there; no width: null or absent). */
export type LineMeta = Record<'uuid' | 'name' | 'tool' | 'color' | 'user_uuid', string> & {
  width?: number | null | undefined;
};

/**
 * Characters a line takes in a drawing written as JSON, its points taking `pointsChars`:
 * what a drawing's `drawingChars` counts, every field of every line, so that nothing a
 * client sends escapes the limit.
 */
export function lineChars(line: LineMeta, pointsChars: number): number {
  const { uuid, name, tool, color, user_uuid } = line;
  const width = line.width ?? undefined;
  return (
    JSON.stringify({ uuid, name, points: 0, tool, color, user_uuid, width }).length -
    1 +
    pointsChars
  );
}

/**
 * Every field of a stored line but its points is plain text that needs no escaping in JSON
 * (a UUID, `line-` and that UUID, a tool name, a #hex color, a server-made user uuid), so
 * that a drawing can be written as JSON by joining them. The protocol checks all of them;
 * this is the storage's own guard, and a failure is a bug.
 */
export function assertPlainLine(line: LineMeta): void {
  for (const value of [line.uuid, line.name, line.tool, line.color, line.user_uuid]) {
    if (!/^[\w#-]*$/.test(value))
      throw new Error(`a line field that JSON would escape: ${value.slice(0, 80)}`);
  }
  if (line.width != null && !Number.isFinite(line.width)) {
    throw new Error(`a line width that is no finite number: ${line.width}`);
  }
}

/**
 * How much longer a line's points get, as JSON, when `added` is appended to its `count`
 * numbers (its other fields do not change).
 */
export function appendedChars(count: number, added: readonly number[]): number {
  if (added.length === 0) return 0;
  // "[a]" becomes "[a,b]": the new numbers and a comma, unless the line was empty ("[]")
  return JSON.stringify(added).length - 2 + (count > 0 ? 1 : 0);
}

/** A drawing as a backend knows it before a change: its count of lines and its size. */
export interface DrawingSize {
  lines: number;
  chars: number;
}

/**
 * Whether a change may be made: `newLine` adds a line (refused when the drawing holds as many
 * as it may), `moreChars` its change in size (refused when it grows past the limit; a change
 * that does not grow it always fits, so an oversized drawing can still shrink).
 */
export function drawingFits(
  limits: StorageLimits,
  drawing: DrawingSize,
  newLine: boolean,
  moreChars: number,
): boolean {
  if (newLine && drawing.lines >= limits.drawingLines) return false;
  return moreChars <= 0 || drawing.chars + moreChars <= limits.drawingChars;
}

/** Whether a line of `count` numbers may take `added` more. */
export function lineFits(limits: StorageLimits, count: number, added: number): boolean {
  return count + added <= limits.lineNumbers;
}

/** What a search compares: a room name as JavaScript lowercases it (every backend alike). */
export function searchKey(text: string): string {
  return text.toLowerCase();
}

/**
 * How long a message's call id makes a message sent again the same message: longer than a
 * client waits before it sends again after a reconnect, short enough that an id a careless
 * client reuses much later is a new message.
 */
export const RESEND_WINDOW_MS = 10 * 60 * 1000;

/** Whether `m` is `stored` sent again: same call id, author and body, within the window. */
export function isResend(
  stored: { call_id: string | null; user_uuid: string; body: string; created: string },
  m: { call_id?: string | undefined; user: { uuid: string }; body: string; created: string },
): boolean {
  return (
    m.call_id !== undefined &&
    stored.call_id === m.call_id &&
    stored.user_uuid === m.user.uuid &&
    stored.body === m.body &&
    Date.parse(m.created) - Date.parse(stored.created) <= RESEND_WINDOW_MS
  );
}

/**
 * Toggles `user`'s reaction `emoji` in `reactors` (each emoji's users in order, emoji in order
 * of first use; changed in place). False when it would be a message's 21st emoji.
 */
export function toggleReaction(
  reactors: Map<string, string[]>,
  emoji: string,
  user: string,
): boolean {
  const users = reactors.get(emoji);
  if (!users) {
    if (reactors.size >= LIMITS.messageEmoji) return false;
    reactors.set(emoji, [user]);
    return true;
  }
  const i = users.indexOf(user);
  if (i < 0) users.push(user);
  else users.splice(i, 1);
  if (users.length === 0) reactors.delete(emoji);
  return true;
}

/** What a message shows of its reactions: each emoji, its count, its first users. */
export function reactionsOf(
  reactors: Iterable<readonly [string, { count: number; users: readonly string[] }]>,
): Reaction[] {
  return [...reactors].map(([emoji, r]) => ({
    emoji,
    count: r.count,
    users: r.users.slice(0, LIMITS.reactionUsers),
  }));
}

const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/**
 * The words of a text as a message search sees them: runs of letters, digits and marks, lowercased
 * (SQLite's unicode61 tokenizer without diacritic folding, PostgreSQL's `simple` parser).
 */
function wordsOf(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** Words of a message query that are looked for; the rest are ignored. */
export const MAX_SEARCH_WORDS = 8;

/**
 * The words a message query looks for, each as a whole word of the body (in any order). Whole
 * words, not starts of words: an index finds a word at the same small cost however many
 * messages hold it, where a prefix costs as much as all the words it starts. A query without
 * letters or digits finds nothing.
 */
export function searchWords(query: string): string[] {
  return [...new Set(wordsOf(query))].slice(0, MAX_SEARCH_WORDS);
}

/** Whether `body` matches the query `words` (memory storage; the databases use their indexes). */
export function bodyMatches(body: string, words: readonly string[]): boolean {
  if (words.length === 0) return false;
  const have = new Set(wordsOf(body));
  return words.every((w) => have.has(w));
}
