import { defineCall, event, reply, requireRoom } from './call.ts';

export const deleteDrawLine = defineCall({
  name: 'delete_draw_line',
  writes: true,
  doc: {
    payload: '`uuid`',
    success: 'room: `draw_line_deleted` (unknown line: caller only)',
    errors: ['no_selected_room', 'not_valid_line'],
  },
  async handle(args, caller, { storage }) {
    const room = requireRoom(caller);
    const deleted = await storage.drawings.deleteLine(room, args.uuid);
    // an unknown line changes nothing: only the caller hears back (decisions.md, 3)
    return deleted
      ? { events: [event({ to: 'room', room }, { message: 'draw_line_deleted', uuid: args.uuid })] }
      : { replies: [reply('draw_line_deleted', { uuid: args.uuid })] };
  },
});
