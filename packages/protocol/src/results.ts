import { z } from 'zod';
import { drawingSchema, lineSchema, messageSchema, roomSchema, userSchema } from './entities.ts';
import { ERRORS, type ResultName } from './names.ts';
import { TOOLS } from './limits.ts';

/**
 * What each result carries beside `message` (and `id` in the caller's copy), as zod schemas.
 * Like the entities, they accept and drop fields they do not name.
 */
export const resultFields = {
  user_created: z.object({ object: userSchema, token: z.string(), resumed: z.boolean() }),
  rooms_listed: z.object({
    list: z.array(roomSchema),
    cursor: z.string().nullable(),
    query: z.string().optional(),
  }),
  room_created: z.object({ object: roomSchema }),
  room_deleted: z.object({ object: roomSchema }),
  room_entered: z.object({ object: roomSchema }),
  room_left: z.object({ object: roomSchema }),
  room_changed: z.object({ object: roomSchema }),
  user_changed: z.object({ object: userSchema }),
  messages_listed: z.object({
    list: z.array(messageSchema),
    has_more: z.boolean(),
    room_uuid: z.string(),
    /** Echoed when the page is of changes (ascending `rev`), not of seqs. */
    changed_after: z.number().optional(),
  }),
  message_created: z.object({ object: messageSchema }),
  drawing_got: z.object({ object: drawingSchema }),
  draw_line_changed: z.object({ object: lineSchema }),
  draw_points_appended: z.object({
    uuid: z.string(),
    points: z.array(z.number()),
    color: z.string(),
    tool: z.enum(TOOLS),
    user_uuid: z.string(),
    /** The line's width, when it has one. */
    width: z.number().optional(),
  }),
  draw_line_deleted: z.object({ uuid: z.string() }),
  room_users_listed: z.object({
    uuid: z.string(),
    list: z.array(userSchema),
    cursor: z.string().nullable(),
  }),
  user_typing: z.object({ object: userSchema }),
  message_changed: z.object({ object: messageSchema }),
  message_deleted: z.object({ object: messageSchema }),
  messages_found: z.object({
    list: z.array(messageSchema),
    query: z.string(),
    has_more: z.boolean(),
    room_uuid: z.string(),
  }),
  /** The caller was removed from the room until `until` (then it gets `room_left`). */
  user_kicked: z.object({ room_uuid: z.string(), until: z.string() }),
  /** Where another user of the room points on the board (never stored). */
  cursor_moved: z.object({ user_uuid: z.string(), name: z.string(), x: z.number(), y: z.number() }),
  /** The server's time when it answered. */
  pong: z.object({ time: z.string() }),
} as const satisfies Record<ResultName, z.ZodObject>;

/** The data each result carries beside `message` (and `id` for the caller's copy). */
export type ResultPayloads = { [N in ResultName]: z.infer<(typeof resultFields)[N]> };

/** A result's whole payload: its name, the caller's call id when it is the caller's copy, its data. */
export type ResultPayload<K extends ResultName = ResultName> = {
  [N in K]: { message: N; id?: string } & ResultPayloads[N];
}[K];

/** `message` and the optional `id` of a result payload. */
function head<N extends ResultName>(name: N) {
  return { message: z.literal(name), id: z.string().optional() };
}

/** The schema of each result's whole payload (`message`, optional `id`, and its data). */
export const resultSchemas = {
  user_created: resultFields.user_created.extend(head('user_created')),
  rooms_listed: resultFields.rooms_listed.extend(head('rooms_listed')),
  room_created: resultFields.room_created.extend(head('room_created')),
  room_deleted: resultFields.room_deleted.extend(head('room_deleted')),
  room_entered: resultFields.room_entered.extend(head('room_entered')),
  room_left: resultFields.room_left.extend(head('room_left')),
  room_changed: resultFields.room_changed.extend(head('room_changed')),
  user_changed: resultFields.user_changed.extend(head('user_changed')),
  messages_listed: resultFields.messages_listed.extend(head('messages_listed')),
  message_created: resultFields.message_created.extend(head('message_created')),
  drawing_got: resultFields.drawing_got.extend(head('drawing_got')),
  draw_line_changed: resultFields.draw_line_changed.extend(head('draw_line_changed')),
  draw_points_appended: resultFields.draw_points_appended.extend(head('draw_points_appended')),
  draw_line_deleted: resultFields.draw_line_deleted.extend(head('draw_line_deleted')),
  room_users_listed: resultFields.room_users_listed.extend(head('room_users_listed')),
  user_typing: resultFields.user_typing.extend(head('user_typing')),
  message_changed: resultFields.message_changed.extend(head('message_changed')),
  message_deleted: resultFields.message_deleted.extend(head('message_deleted')),
  messages_found: resultFields.messages_found.extend(head('messages_found')),
  user_kicked: resultFields.user_kicked.extend(head('user_kicked')),
  cursor_moved: resultFields.cursor_moved.extend(head('cursor_moved')),
  pong: resultFields.pong.extend(head('pong')),
} as const satisfies { [N in ResultName]: z.ZodType<ResultPayload<N>> };

export const errorPayloadSchema = z.object({
  message: z.enum(ERRORS),
  detail: z.string(),
  call: z.string().optional(),
  id: z.string().optional(),
  retry_after_ms: z.number().optional(),
  /** `user_banned`: when the bar ends. */
  until: z.string().optional(),
});
/** An error's payload: always sent to the caller only. */
export type ErrorPayload = z.infer<typeof errorPayloadSchema>;
