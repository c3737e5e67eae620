import { newId } from '../ids.ts';
import { clampLimit, defaultName, PAGES, ROOM_COLORS } from '@chat/protocol';
import {
  ChatError,
  holderOf,
  quotaError,
  type CallContext,
  type Handler,
  type Services,
} from './context.ts';
import { fitPage } from './messages.ts';
import { memberCursor, readMemberCursor, readRoomCursor, roomCursor } from './cursors.ts';
import type { Connection } from '../hub/connection.ts';

export const createRoom: Handler<'create_room'> = async (ctx, args) => {
  const wait = ctx.services.quotas.take(ctx.conn.address, 'rooms');
  if (wait > 0) throw quotaError(wait, 'Too many rooms created from your network address');
  const uuid = newId();
  const drawing = newId();
  const color = args.color ?? ROOM_COLORS[Math.floor(Math.random() * ROOM_COLORS.length)]!;
  const object = await ctx.services.storage.rooms.create({
    uuid,
    name: args.name ?? defaultName('room', uuid),
    color,
    created: ctx.services.roomClock(),
    drawing_uuid: drawing,
  });
  await ctx.publish({ to: 'all' }, { message: 'room_created', object });
};

export const deleteRoom: Handler<'delete_room'> = async (ctx, args) => {
  const result = await ctx.services.storage.rooms.delete(args.uuid);
  if (!result.ok) {
    throw result.error === 'not_found'
      ? new ChatError('no_specified_room')
      : new ChatError('not_empty_room');
  }
  await ctx.publish({ to: 'all' }, { message: 'room_deleted', object: result.room });
};

/** Sends a page of rooms to one connection (also on connect). */
export async function sendRooms(
  services: Services,
  send: CallContext['reply'],
  opts: { query?: string; cursor?: string; limit?: number },
): Promise<void> {
  const before = opts.cursor === undefined ? undefined : readRoomCursor(opts.cursor, opts.query);
  const page = await services.storage.rooms.list({
    ...(opts.query !== undefined ? { query: opts.query } : {}),
    ...(before ? { before } : {}),
    limit: clampLimit(opts.limit, PAGES.rooms),
  });
  send('rooms_listed', {
    list: page.list,
    cursor: roomCursor(page.next, opts.query),
    ...(opts.query !== undefined ? { query: opts.query } : {}),
  });
}

export const listRooms: Handler<'list_rooms'> = async (ctx, args) => {
  await sendRooms(ctx.services, ctx.reply, args);
};

/** Sends the newest history page and the drawing, releasing what was held meanwhile. */
async function sendRoomState(ctx: CallContext, room: string): Promise<void> {
  const { storage } = ctx.services;
  const object = await storage.rooms.get(room);
  if (!object) throw new ChatError('no_specified_room');
  ctx.reply('room_entered', { object });
  const page = fitPage(await storage.messages.list(room, { limit: PAGES.messages.default }), false);
  ctx.reply('messages_listed', { list: page.list, has_more: page.has_more, room_uuid: room });
  const drawing = await storage.drawings.getJson(room);
  if (drawing === undefined) throw new ChatError('no_specified_room');
  ctx.replyJson('drawing_got', drawing);
  const last = page.list.at(-1)?.seq ?? 0;
  ctx.services.hub.track(room, last);
  ctx.conn.release(last);
}

export const enterRoom: Handler<'enter_room'> = async (ctx, args) => {
  const { storage, hub, roomChanges } = ctx.services;
  const conn = ctx.conn;
  const room = args.uuid;
  // hold broadcasts from the moment we join until the history page is out: none lost, none doubled
  conn.hold();
  try {
    // strictly increasing entry times keep members in the order they came
    const moved = await storage.presence.set(
      conn.user.uuid,
      room,
      ctx.holder,
      ctx.services.roomClock(),
    );
    if (moved === 'no_room') throw new ChatError('no_specified_room');
    const previous = moved.previous;
    if (previous !== room) {
      hub.leave(conn);
      conn.user = { ...conn.user, room_uuid: room };
      hub.join(conn, room);
    }
    await sendRoomState(ctx, room);
    if (previous === room) return;
    await roomChanges.changed(room, ctx.origin);
    if (previous !== null) await roomChanges.changed(previous, ctx.origin);
  } finally {
    conn.release();
  }
};

/** Takes a connection's user out of its room in storage and here; returns the room left. */
export async function leaveCurrentRoom(
  services: Services,
  conn: Connection,
): Promise<string | null> {
  const room = conn.room;
  if (room === null) return null;
  await services.storage.presence.set(
    conn.user.uuid,
    null,
    holderOf(services, conn),
    services.now(),
  );
  services.hub.leave(conn);
  conn.user = { ...conn.user, room_uuid: null };
  return room;
}

export const leaveRoom: Handler<'leave_room'> = async (ctx) => {
  const room = await leaveCurrentRoom(ctx.services, ctx.conn);
  if (room === null) throw new ChatError('no_specified_room', 'You are not in a room.');
  const object = await ctx.services.storage.rooms.get(room);
  if (object) ctx.reply('room_left', { object });
  await ctx.services.roomChanges.changed(room, ctx.origin);
};

async function changeRoom(
  ctx: CallContext,
  uuid: string,
  change: { name?: string; color?: string },
) {
  const object = await ctx.services.storage.rooms.update(uuid, change);
  if (!object) throw new ChatError('no_specified_room');
  // the caller's answer: at once, not throttled
  await ctx.publish({ to: 'all' }, { message: 'room_changed', object });
  ctx.services.roomChanges.settle(uuid);
}

export const changeColor: Handler<'change_color'> = (ctx, args) =>
  changeRoom(ctx, args.uuid, { color: args.color });

export const changeName: Handler<'change_name'> = (ctx, args) =>
  changeRoom(ctx, args.uuid, { name: args.name });

export const listRoomUsers: Handler<'list_room_users'> = async (ctx, args) => {
  const { storage } = ctx.services;
  if (!(await storage.rooms.get(args.uuid))) throw new ChatError('no_specified_room');
  const after = args.cursor === undefined ? undefined : readMemberCursor(args.cursor, args.uuid);
  const page = await storage.rooms.listUsers(args.uuid, {
    ...(after ? { after } : {}),
    limit: clampLimit(args.limit, PAGES.roomUsers),
  });
  ctx.reply('room_users_listed', {
    uuid: args.uuid,
    list: page.list,
    cursor: memberCursor(args.uuid, page.next),
  });
};
