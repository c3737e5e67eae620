import { ChatError } from './call.ts';

/** Storage's refusals of a line change, as the errors the caller gets. */
export const lineErrors = {
  no_room: () => new ChatError('no_selected_room', 'The room no longer exists.'),
  drawing_full: () => new ChatError('drawing_full'),
  line_too_long: () =>
    new ChatError('not_valid_line', 'The line would hold more numbers than allowed.'),
  needs_style: () =>
    new ChatError('not_sufficient_data', 'A new line needs color and tool with its first points.'),
} as const;
