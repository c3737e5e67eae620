import { PAGES, type Room } from '@chat/protocol';
import type { ChatClient } from './client.ts';

export interface RoomsNamedOptions {
  /** How many pages of `list_rooms {query}` to read at most (default 5, 200 rooms a page). */
  maxPages?: number;
}

/**
 * The rooms called `name`, for a client that takes a room's name from a person: pages through
 * `list_rooms {query: name}` (a case-insensitive substring search) and keeps the rooms whose
 * name is `name`, both trimmed, compared without regard to case. Those spelled exactly so
 * come first, then the others; oldest first within each. Names are not unique, and an
 * unlisted room is found by nobody but its owner: enter by uuid when it matters.
 */
export async function roomsNamed(
  client: Pick<ChatClient, 'request'>,
  name: string,
  options: RoomsNamedOptions = {},
): Promise<Room[]> {
  const wanted = name.trim();
  const folded = wanted.toLowerCase();
  const found: Room[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < (options.maxPages ?? 5); page++) {
    const listed = await client.request('list_rooms', {
      query: wanted,
      limit: PAGES.rooms.max,
      ...(cursor === undefined ? {} : { cursor }),
    });
    found.push(...listed.list.filter((r) => r.name.trim().toLowerCase() === folded));
    if (listed.cursor === null) break;
    cursor = listed.cursor;
  }
  const exact = (r: Room) => (r.name.trim() === wanted ? 0 : 1);
  return found.sort(
    (a, b) =>
      exact(a) - exact(b) || a.created.localeCompare(b.created) || a.uuid.localeCompare(b.uuid),
  );
}
