import { LIMITS } from '@chat/protocol';
import { ChatError, requireRoom, type Handler } from './context.ts';

export const changeUserName: Handler<'change_user_name'> = async (ctx, args) => {
  const { storage, roomChanges } = ctx.services;
  const user = await storage.identity.rename(ctx.conn.user.uuid, args.name);
  if (!user) throw new ChatError('unavailable', 'Your identity is no longer stored; reconnect.');
  ctx.conn.user = { ...ctx.conn.user, name: user.name };
  ctx.reply('user_changed', { object: ctx.conn.user });
  if (ctx.conn.room !== null) await roomChanges.changed(ctx.conn.room, ctx.origin);
};

/** Last typing notice passed on, per user on this node: more than one per interval is dropped silently. */
const lastTyping = new Map<string, number>();

/** Forgets a user's typing time (when its connection closes). */
export function forgetTyping(user: string): void {
  lastTyping.delete(user);
}

export const typing: Handler<'typing'> = async (ctx) => {
  const room = requireRoom(ctx);
  const now = Date.now();
  const last = lastTyping.get(ctx.conn.user.uuid);
  if (last !== undefined && now - last < LIMITS.typingIntervalMs) return;
  lastTyping.set(ctx.conn.user.uuid, now);
  await ctx.publish(
    { to: 'room', room, except: ctx.conn.session },
    { message: 'user_typing', object: ctx.conn.user },
  );
};
