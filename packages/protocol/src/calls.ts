import { z } from 'zod';
import type { CallName, ErrorName } from './names.ts';
import { VISIBILITIES, type Visibility } from './entities.ts';
import { COLOR_PATTERN, LIMITS, TOOLS } from './limits.ts';

/**
 * One schema per call. A field of the wrong JSON type fails with a zod type issue
 * (-> not_sufficient_data); a field of the right type with a bad value fails with a
 * custom issue whose message is the matching `not_valid_*` error name.
 */

const bad = (error: ErrorName) => ({ message: error });

export function codePoints(s: string): number {
  // a code point above U+FFFF takes two UTF-16 units: a high then a low surrogate
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

const CONTROL = /\p{Cc}/u;
/**
 * Characters that draw nothing (white space, default-ignorables such as zero-width spaces
 * and the Hangul fillers, combining marks on their own, the braille blank): a name made only
 * of these looks empty.
 */
const INVISIBLE = /^[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{M}\u2800]*$/u;
/** Embeddings, overrides and isolates: they reorder the text around a name. */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;

export function isValidName(name: string): boolean {
  const n = codePoints(name);
  return (
    n >= 1 &&
    n <= LIMITS.nameChars &&
    !CONTROL.test(name) &&
    !BIDI_CONTROL.test(name) &&
    !INVISIBLE.test(name)
  );
}
/** A search query: at most LIMITS.queryChars code points. */
export function isValidQuery(query: string): boolean {
  return query.length <= 2 * LIMITS.queryChars && codePoints(query) <= LIMITS.queryChars;
}
/** Unicode's recommended emoji, sequences included (a flag, a family, a skin tone, a keycap). */
const RGI_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');
/** A pictograph with or without its emoji presentation selector (❤ as well as ❤️). */
const PICTOGRAPH = /^\p{Extended_Pictographic}\uFE0F?$/u;
/** Exactly one emoji. */
export function isEmoji(s: string): boolean {
  return s.length <= 32 && (RGI_EMOJI.test(s) || PICTOGRAPH.test(s));
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A UUID in its usual 36-character form (any version, either case). */
export function isUuid(s: string): boolean {
  return UUID.test(s);
}
export function isValidBody(body: string): boolean {
  if (body.length === 0) return false;
  // a string of more than 2x the limit in UTF-16 units has more code points than the limit
  if (body.length > 2 * LIMITS.bodyChars) return false;
  return codePoints(body) <= LIMITS.bodyChars;
}
export function isValidColor(color: string): boolean {
  return COLOR_PATTERN.test(color);
}
/** A flat array of an even number of finite numbers, within the per-line limit. */
export function isValidPoints(points: unknown[]): points is number[] {
  if (points.length % 2 !== 0 || points.length > LIMITS.lineNumbers) return false;
  for (const p of points) if (typeof p !== 'number' || !Number.isFinite(p)) return false;
  return true;
}

const uuid = z.string();
/** A line's uuid is made by the client, so it is checked: it is stored and sent to everyone. */
const lineUuid = z.string().refine(isUuid, bad('not_valid_line'));
const query = z.string().refine(isValidQuery, bad('not_valid_query'));
const name = z.string().trim().refine(isValidName, bad('not_valid_name'));
const color = z.string().refine(isValidColor, bad('not_valid_color'));
const body = z.string().trim().refine(isValidBody, bad('not_valid_body'));
const emoji = z.string().refine(isEmoji, bad('not_valid_emoji'));
/** A message search: 1 to LIMITS.queryChars code points, not only spaces. */
const messageQuery = z
  .string()
  .trim()
  .refine((q) => q.length > 0 && isValidQuery(q), bad('not_valid_query'));
const points = z
  .array(z.unknown())
  .refine(isValidPoints, bad('not_valid_line'))
  .transform((p) => p as number[]);
const width = z
  .number()
  .refine((w) => w >= LIMITS.lineWidth.min && w <= LIMITS.lineWidth.max, bad('not_valid_line'))
  .optional();
const tool = z
  .string()
  .refine((t) => (TOOLS as readonly string[]).includes(t), bad('not_valid_line'))
  .transform((t) => t as (typeof TOOLS)[number]);
const limit = z.number().refine(Number.isFinite, bad('not_sufficient_data')).optional();
/** A board coordinate: any finite number. */
const coordinate = z.number().refine(Number.isFinite, bad('not_sufficient_data'));
const seq = z.number().refine(Number.isFinite, bad('not_sufficient_data')).optional();
const visibility = z
  .string()
  .refine((v) => (VISIBILITIES as readonly string[]).includes(v), bad('not_valid_visibility'))
  .transform((v) => v as Visibility)
  .optional();
/** Minutes a kick lasts: 1 to LIMITS.kickMinutes.max, whole. */
const minutes = z
  .number()
  .refine(
    (m) => Number.isInteger(m) && m >= 1 && m <= LIMITS.kickMinutes.max,
    bad('not_sufficient_data'),
  )
  .optional();
const cursor = z
  .string()
  .nullish()
  .transform((c) => c ?? undefined);

export const callSchemas = {
  create_room: z.object({ name: name.optional(), color: color.optional(), visibility }),
  delete_room: z.object({ uuid }),
  list_rooms: z.object({ query: query.optional(), cursor, limit }),
  enter_room: z.object({ uuid }),
  leave_room: z.object({}),
  change_color: z.object({ uuid, color }),
  change_name: z.object({ uuid, name }),
  change_user_name: z.object({ name }),
  create_message: z.object({ body, reply_to: uuid.optional() }),
  list_messages: z
    .object({ before: seq, after: seq, changed_after: seq, limit })
    .refine(
      (p) => [p.before, p.after, p.changed_after].filter((v) => v !== undefined).length <= 1,
      bad('not_sufficient_data'),
    ),
  change_draw_line: z.object({ uuid: lineUuid, points, color, tool, width }),
  get_drawing: z.object({}),
  reset_drawing: z.object({}),
  append_draw_points: z.object({
    uuid: lineUuid,
    points,
    color: color.optional(),
    tool: tool.optional(),
    width,
  }),
  delete_draw_line: z.object({ uuid: lineUuid }),
  list_room_users: z.object({ uuid, cursor, limit }),
  typing: z.object({}),
  edit_message: z.object({ uuid, body }),
  delete_message: z.object({ uuid }),
  react: z.object({ uuid, emoji }),
  search_messages: z.object({ query: messageQuery, before: seq, limit }),
  change_room_settings: z.object({ uuid, locked: z.boolean().optional(), visibility }),
  kick_user: z.object({ uuid, user: uuid, minutes }),
  move_cursor: z.object({ x: coordinate, y: coordinate }),
  ping: z.object({}),
} as const satisfies Record<CallName, z.ZodType>;

export type CallPayloads = { [K in CallName]: z.output<(typeof callSchemas)[K]> };
/** A validated call: its name and its cleaned fields. */
export type Call = { [K in CallName]: { name: K; args: CallPayloads[K] } }[CallName];
/** What a client sends for a call (before trimming), plus `message` and an optional `id`. */
export type CallInput<K extends CallName> = z.input<(typeof callSchemas)[K]>;
