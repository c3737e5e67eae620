import { defineCall, event, requireRoom } from './call.ts';
import { lineErrors } from './lineErrors.ts';
import { roomFor } from './owners.ts';

export const resetDrawing = defineCall({
  name: 'reset_drawing',
  writes: true,
  doc: {
    payload: '—',
    success: 'room: `drawing_got` (empty)',
    errors: ['no_selected_room', 'not_room_owner'],
    note: '(`not_room_owner`: a locked room, not its owner)',
  },
  async handle(_args, caller, { storage }) {
    const room = requireRoom(caller);
    await roomFor(storage, room, caller, 'reset its board');
    const object = await storage.drawings.reset(room);
    if (!object) throw lineErrors.no_room();
    return { events: [event({ to: 'room', room }, { message: 'drawing_got', object })] };
  },
});
