import { defineCall, requireRoom } from './call.ts';
import { lineErrors } from './lineErrors.ts';

export const getDrawing = defineCall({
  name: 'get_drawing',
  writes: false,
  // a drawing may be 2 MB
  cost: 10,
  doc: {
    payload: '—',
    success: 'caller: `drawing_got`',
    errors: ['no_selected_room'],
  },
  async handle(_args, caller, { storage }) {
    const room = requireRoom(caller);
    const objectJson = await storage.drawings.getJson(room);
    if (objectJson === undefined) throw lineErrors.no_room();
    return { replies: [{ message: 'drawing_got', objectJson }] };
  },
});
