import { newId } from '../ids.ts';
import { clampLimit, LIMITS, PAGES, type Message } from '@chat/protocol';
import { ChatError, quotaError, requireRoom, type Handler } from './context.ts';

/** Bytes a message costs an address besides its body: its other fields, stored and sent. */
const MESSAGE_OVERHEAD = 200;

export const createMessage: Handler<'create_message'> = async (ctx, args) => {
  const room = requireRoom(ctx);
  const { storage, roomChanges, quotas } = ctx.services;
  // bytes stored and sent to everyone in the room; a message's own fields count too
  const wait = quotas.take(
    ctx.conn.address,
    'bytes',
    Buffer.byteLength(args.body) + MESSAGE_OVERHEAD,
  );
  if (wait > 0) throw quotaError(wait, 'Too many messages from your network address');
  // resolves only after the row is committed: what the sender sees confirmed survives a crash
  const object = await storage.messages.add({
    uuid: newId(),
    room_uuid: room,
    body: args.body,
    user: ctx.conn.user,
    created: ctx.services.now(),
  });
  if (!object) throw new ChatError('no_selected_room', 'The room no longer exists.');
  await ctx.publish({ to: 'room', room }, { message: 'message_created', object });
  roomChanges.sumMoved(room, ctx.origin);
};

/**
 * At most the bytes a message takes in a frame: every UTF-16 unit of its text is at most 6
 * bytes of JSON (`\u0001`), and its other fields are short. Cheap, and never too small.
 */
function bytesBound(m: Message): number {
  return 6 * (m.body.length + m.user.name.length) + 400;
}

/**
 * A page within LIMITS.pageBytes: the messages nearest the page's start are kept (the newest
 * of a page read backwards, the oldest of one read forwards), at least one, and `has_more`
 * says the rest is there.
 */
export function fitPage(
  page: { list: Message[]; has_more: boolean },
  forward: boolean,
  budget: number = LIMITS.pageBytes,
): { list: Message[]; has_more: boolean } {
  const list = forward ? page.list : page.list.slice().reverse();
  let used = 0;
  let n = 0;
  for (const m of list) {
    used += bytesBound(m);
    if (n > 0 && used > budget) break;
    n++;
  }
  if (n === list.length) return page;
  const kept = list.slice(0, n);
  return { list: forward ? kept : kept.reverse(), has_more: true };
}

export const listMessages: Handler<'list_messages'> = async (ctx, args) => {
  const room = requireRoom(ctx);
  const page = await ctx.services.storage.messages.list(room, {
    ...(args.before !== undefined ? { before: args.before } : {}),
    ...(args.after !== undefined ? { after: args.after } : {}),
    limit: clampLimit(args.limit, PAGES.messages),
  });
  const { list, has_more } = fitPage(page, args.after !== undefined);
  ctx.reply('messages_listed', { list, has_more, room_uuid: room });
};
