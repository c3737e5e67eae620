import { defineCall, event, requireRoom } from './call.ts';
import { lineErrors } from './lineErrors.ts';

export const appendDrawPoints = defineCall({
  name: 'append_draw_points',
  writes: true,
  doc: {
    payload: '`uuid`, `points`, `color?`, `tool?`, *(wave 2)* `width?`',
    success: 'others in room: `draw_points_appended`',
    errors: [
      'no_selected_room',
      'not_valid_color',
      'not_valid_line',
      'drawing_full',
      'not_sufficient_data',
    ],
  },
  async handle(args, caller, { storage }) {
    const room = requireRoom(caller);
    const result = await storage.drawings.appendPoints(room, {
      uuid: args.uuid,
      points: args.points,
      ...(args.color !== undefined ? { color: args.color } : {}),
      ...(args.tool !== undefined ? { tool: args.tool } : {}),
      ...(args.width !== undefined ? { width: args.width } : {}),
      user_uuid: caller.user.uuid,
    });
    if (!result.ok) throw lineErrors[result.error]();
    return {
      events: [
        event(
          { to: 'room', room, except: caller.session },
          {
            message: 'draw_points_appended',
            uuid: args.uuid,
            points: args.points,
            color: result.color,
            tool: result.tool,
            user_uuid: result.user_uuid,
            ...(result.width !== undefined ? { width: result.width } : {}),
          },
        ),
      ],
    };
  },
});
