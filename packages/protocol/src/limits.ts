/** Every limit and fixed list of PROTOCOL.md, spelled once. Servers may be configured lower or higher. */
export const LIMITS = {
  /** Characters in one text frame. */
  frameChars: 100_000,
  /** Code points in a message body, after trimming. */
  bodyChars: 10_000,
  /** Code points in a user or room name, after trimming. */
  nameChars: 64,
  /** Code points in a search query (room or message search). */
  queryChars: 200,
  /** Characters in a call id. */
  idChars: 64,
  /** Numbers in one line (x and y counted apart), appends included. */
  lineNumbers: 20_000,
  /** A line's `width`: absent means the original's width. */
  lineWidth: { min: 1, max: 64 },
  /** Lines in one room's drawing. */
  drawingLines: 5_000,
  /**
   * Characters of all lines' points in one room's drawing, as JSON (a server limit beyond
   * PROTOCOL.md's): without it 5,000 lines of 20,000 numbers make a `drawing_got` of several
   * hundred MB; with it the frame stays under the 4 MiB send queue a reader may have.
   */
  drawingChars: 2_000_000,
  /**
   * Bytes of JSON one page of messages holds at most (a server limit beyond PROTOCOL.md's
   * counts): 200 messages of 10,000 characters can be 12 MB, past a reader's 4 MiB send
   * queue; a page cut short says `has_more` and the rest is a page away.
   */
  pageBytes: 1_048_576,
  /** Users inlined in a room object. */
  roomUsersInline: 100,
  /** Different emoji one message may hold. */
  messageEmoji: 20,
  /** User uuids listed with each emoji of a message (the count is exact). */
  reactionUsers: 50,
  /** Code points of the original kept in a reply's `reply_to.excerpt`. */
  excerptChars: 200,
  /** Milliseconds between two typing notices of one user that are passed on. */
  typingIntervalMs: 2_000,
  /** Milliseconds between two cursor positions of one user that are passed on (20 a second). */
  cursorIntervalMs: 50,
  /** Milliseconds between two broadcasts of a room whose only change is its `sum`. */
  sumCoalesceMs: 1_000,
  /** Days an identity token lives unused. */
  tokenTtlDays: 30,
  /** Minutes a kick bars a user from a room: `default` when the owner names none. */
  kickMinutes: { default: 10, max: 1440 },
  /** How often a client streams points while drawing. */
  appendIntervalMs: 50,
} as const;

/** `limit` of a page: clamped to [min, max], `default` when absent. */
export interface PageLimit {
  readonly min: number;
  readonly max: number;
  readonly default: number;
}
export const PAGES = {
  messages: { min: 1, max: 200, default: 50 },
  rooms: { min: 1, max: 200, default: 100 },
  roomUsers: { min: 1, max: 200, default: 100 },
  search: { min: 1, max: 50, default: 20 },
} as const satisfies Record<string, PageLimit>;

export function clampLimit(limit: number | undefined, page: PageLimit): number {
  if (limit === undefined) return page.default;
  return Math.min(page.max, Math.max(page.min, Math.floor(limit)));
}

export const COLOR_PATTERN = /^#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3}|[A-Fa-f0-9]{8})$/;

/** A new room gets one of these at random. */
export const ROOM_COLORS = [
  '#ffffff',
  '#5da247',
  '#fbeb50',
  '#2b347e',
  '#cf2e24',
  '#e69635',
  '#d95d98',
  '#5e297e',
  '#888888',
  '#e79d7e',
] as const;

/** The drawing palette of the web client. */
export const DRAW_COLORS = [
  '#000000',
  '#ffffff',
  '#888888',
  '#5da247',
  '#a3d977',
  '#fbeb50',
  '#e69635',
  '#e79d7e',
  '#cf2e24',
  '#8b1a1a',
  '#d95d98',
  '#5e297e',
  '#2b347e',
  '#3b82f6',
  '#38bdf8',
  '#14b8a6',
  '#8b5a2b',
  '#4b5563',
] as const;

export const TOOLS = ['pen', 'eraser'] as const;
export type Tool = (typeof TOOLS)[number];

/** Default names are `TYPE-UUID`. */
export function defaultName(type: 'user' | 'room' | 'message' | 'drawing' | 'line', uuid: string) {
  return `${type}-${uuid}`;
}
