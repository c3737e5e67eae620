import { z } from 'zod';
import { LIMITS, TOOLS } from './limits.ts';

/**
 * The `object` shapes of PROTOCOL.md, as zod schemas; the types are derived from them. Times
 * are `toISOString()` strings. `z.object` accepts fields it does not name and drops them from
 * its output: a server that adds a field breaks no client, and a client sees a field once it
 * is named here.
 */

/** Who finds a room in lists and searches. */
export const VISIBILITIES = ['public', 'unlisted'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export const userSchema = z.object({
  uuid: z.string(),
  name: z.string(),
  room_uuid: z.string().nullable(),
});
export type User = z.infer<typeof userSchema>;

export const roomSchema = z.object({
  uuid: z.string(),
  name: z.string(),
  color: z.string(),
  /** At most LIMITS.roomUsersInline users, by time of entry. */
  users: z.array(userSchema),
  /** Message count. */
  sum: z.number(),
  created: z.string(),
  /** Exact number of users in the room. */
  user_count: z.number(),
  // wave 2 (absent from older servers' rooms: their defaults)
  /** The uuid of the user who created it; null for rooms made before owners. */
  owner: z.string().nullable().default(null),
  /** Only the owner may rename, recolor, delete it, reset its board, delete others' lines. */
  locked: z.boolean().default(false),
  /** `unlisted`: in nobody's list or search but its owner's; entered by its link. */
  visibility: z.enum(VISIBILITIES).default('public'),
});
export type Room = z.infer<typeof roomSchema>;

/** The message a reply answers, as it was when the reply was made. */
export const replyToSchema = z.object({
  uuid: z.string(),
  seq: z.number(),
  /** Its author's name. */
  name: z.string(),
  /** Its first LIMITS.excerptChars code points. */
  excerpt: z.string(),
});
export type ReplyTo = z.infer<typeof replyToSchema>;

export const reactionSchema = z.object({
  emoji: z.string(),
  count: z.number(),
  /** The first LIMITS.reactionUsers user uuids that reacted with it, in order. */
  users: z.array(z.string()),
});
export type Reaction = z.infer<typeof reactionSchema>;

export const messageSchema = z.object({
  uuid: z.string(),
  body: z.string(),
  name: z.string(),
  /** The author as they were when sending. */
  user: userSchema,
  room_uuid: z.string(),
  created: z.string(),
  /** 1, 2, 3 ... per room, without gaps. */
  seq: z.number(),
  // wave 2 (absent from older servers' messages: their defaults)
  /** Time of the last edit. */
  edited: z.string().nullable().default(null),
  /** Time of deletion: the body is then "", with no reply_to and no reactions. */
  deleted: z.string().nullable().default(null),
  reply_to: replyToSchema.nullable().default(null),
  /** In order of each emoji's first use. */
  reactions: z.array(reactionSchema).default([]),
  /**
   * The room's change number when this message was last created or changed: a client keeps
   * the copy with the highest, and catches up with `list_messages {changed_after}`.
   */
  rev: z.number().default(0),
});
export type Message = z.infer<typeof messageSchema>;

export const lineSchema = z.object({
  uuid: z.string(),
  name: z.string(),
  points: z.array(z.number()),
  tool: z.enum(TOOLS),
  color: z.string(),
  user_uuid: z.string(),
  /** Wave 2: its width, 1 to 64; absent: the original's width. */
  width: z.number().optional(),
});
export type Line = z.infer<typeof lineSchema>;

export const drawingSchema = z.object({
  uuid: z.string(),
  name: z.string(),
  lines: z.array(lineSchema),
  room_uuid: z.string(),
});
export type Drawing = z.infer<typeof drawingSchema>;

/** How a reply shows the message it answers: its author's name and its first words. */
export function replyOf(m: Message): ReplyTo {
  return {
    uuid: m.uuid,
    seq: m.seq,
    name: m.user.name,
    excerpt: [...m.body].slice(0, LIMITS.excerptChars).join(''),
  };
}
