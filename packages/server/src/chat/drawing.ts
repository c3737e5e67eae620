import { defaultName } from '@chat/protocol';
import { ChatError, requireRoom, type Handler } from './context.ts';

const lineErrors = {
  no_room: () => new ChatError('no_selected_room', 'The room no longer exists.'),
  drawing_full: () => new ChatError('drawing_full'),
  line_too_long: () =>
    new ChatError('not_valid_line', 'The line would hold more numbers than allowed.'),
  needs_style: () =>
    new ChatError('not_sufficient_data', 'A new line needs color and tool with its first points.'),
} as const;

export const changeDrawLine: Handler<'change_draw_line'> = async (ctx, args) => {
  const room = requireRoom(ctx);
  const result = await ctx.services.storage.drawings.putLine(room, {
    uuid: args.uuid,
    name: defaultName('line', args.uuid),
    points: args.points,
    tool: args.tool,
    color: args.color,
    user_uuid: ctx.conn.user.uuid,
  });
  if (!result.ok) throw lineErrors[result.error]();
  await ctx.publish({ to: 'room', room }, { message: 'draw_line_changed', object: result.line });
};

export const appendDrawPoints: Handler<'append_draw_points'> = async (ctx, args) => {
  const room = requireRoom(ctx);
  const result = await ctx.services.storage.drawings.appendPoints(room, {
    uuid: args.uuid,
    points: args.points,
    ...(args.color !== undefined ? { color: args.color } : {}),
    ...(args.tool !== undefined ? { tool: args.tool } : {}),
    user_uuid: ctx.conn.user.uuid,
  });
  if (!result.ok) throw lineErrors[result.error]();
  await ctx.publish(
    { to: 'room', room, except: ctx.conn.session },
    {
      message: 'draw_points_appended',
      uuid: args.uuid,
      points: args.points,
      color: result.color,
      tool: result.tool,
      user_uuid: result.user_uuid,
    },
  );
};

export const deleteDrawLine: Handler<'delete_draw_line'> = async (ctx, args) => {
  const room = requireRoom(ctx);
  const deleted = await ctx.services.storage.drawings.deleteLine(room, args.uuid);
  // an unknown line changes nothing: only the caller hears back
  if (deleted)
    await ctx.publish({ to: 'room', room }, { message: 'draw_line_deleted', uuid: args.uuid });
  else ctx.reply('draw_line_deleted', { uuid: args.uuid });
};

export const getDrawing: Handler<'get_drawing'> = async (ctx) => {
  const room = requireRoom(ctx);
  const object = await ctx.services.storage.drawings.getJson(room);
  if (object === undefined) throw lineErrors.no_room();
  ctx.replyJson('drawing_got', object);
};

export const resetDrawing: Handler<'reset_drawing'> = async (ctx) => {
  const room = requireRoom(ctx);
  const object = await ctx.services.storage.drawings.reset(room);
  if (!object) throw lineErrors.no_room();
  await ctx.publish({ to: 'room', room }, { message: 'drawing_got', object });
};
