import { ChatError, defineCall, event, reply, requireRoom } from './call.ts';
import { isOwner } from './owners.ts';

export const deleteDrawLine = defineCall({
  name: 'delete_draw_line',
  writes: true,
  doc: {
    payload: '`uuid`',
    success: 'room: `draw_line_deleted` (unknown line: caller only)',
    errors: ['no_selected_room', 'not_valid_line', 'not_room_owner'],
    note: "(`not_room_owner`: another's line in a locked room)",
  },
  async handle(args, caller, { storage }) {
    const room = requireRoom(caller);
    const object = await storage.rooms.get(room);
    // in a locked room, only the owner deletes lines others drew
    const mine = object?.locked && !isOwner(object, caller) ? caller.user.uuid : undefined;
    const deleted = await storage.drawings.deleteLine(room, args.uuid, mine);
    if (deleted === 'not_author') {
      throw new ChatError(
        'not_room_owner',
        'This room is locked: only its owner may delete lines others drew.',
      );
    }
    // an unknown line changes nothing: only the caller hears back (decisions.md, 3)
    return deleted
      ? { events: [event({ to: 'room', room }, { message: 'draw_line_deleted', uuid: args.uuid })] }
      : { replies: [reply('draw_line_deleted', { uuid: args.uuid })] };
  },
});
