import { newId } from '../ids.ts';
import { clampLimit, PAGES } from '@chat/protocol';
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
  const object = await storage.addMessage({
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

export const listMessages: Handler<'list_messages'> = async (ctx, args) => {
  const room = requireRoom(ctx);
  const page = await ctx.services.storage.listMessages(room, {
    ...(args.before !== undefined ? { before: args.before } : {}),
    ...(args.after !== undefined ? { after: args.after } : {}),
    limit: clampLimit(args.limit, PAGES.messages),
  });
  ctx.reply('messages_listed', { list: page.list, has_more: page.has_more, room_uuid: room });
};
