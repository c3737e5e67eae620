import { defaultName } from '@chat/protocol';
import { defineCall, event, requireRoom } from './call.ts';
import { lineErrors } from './lineErrors.ts';

export const changeDrawLine = defineCall({
  name: 'change_draw_line',
  writes: true,
  doc: {
    payload: '`uuid`, `points`, `color`, `tool`, *(wave 2)* `width?`',
    success: 'room: `draw_line_changed`',
    errors: ['no_selected_room', 'not_valid_color', 'not_valid_line', 'drawing_full'],
  },
  async handle(args, caller, { storage }) {
    const room = requireRoom(caller);
    const result = await storage.drawings.putLine(room, {
      uuid: args.uuid,
      name: defaultName('line', args.uuid),
      points: args.points,
      tool: args.tool,
      color: args.color,
      user_uuid: caller.user.uuid,
      ...(args.width !== undefined ? { width: args.width } : {}),
    });
    if (!result.ok) throw lineErrors[result.error]();
    return {
      events: [event({ to: 'room', room }, { message: 'draw_line_changed', object: result.line })],
    };
  },
});
