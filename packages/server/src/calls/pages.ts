import { clampLimit, PAGES, type Message, type ResultPayloads, type Room } from '@chat/protocol';
import type { CallDeps } from './call.ts';
import { readRoomCursor, roomCursor } from './cursors.ts';
import type { RoomPosition } from '../storage/storage.ts';

/**
 * What an original client (no `?v=2`) is given whole, since it never pages (PROTOCOL.md,
 * "Versions"): every room and a room's history, up to these counts and bytes of JSON.
 */
export const ORIGINAL_CLIENT = { rooms: 10_000, messages: 10_000, bytes: 2_000_000 } as const;

/** Items read per step when gathering a whole list: the loop turns between steps. */
const STEP = 500;

/** At most the bytes an item takes in a frame: 6 per UTF-16 unit of its text, and the rest. */
const roomBytes = (r: Room) =>
  6 * r.name.length + r.users.reduce((n, u) => n + 6 * u.name.length + 120, 0) + 250;
export const messageBytes = (m: Message) =>
  6 * (m.body.length + m.user.name.length) +
  (m.reply_to ? 6 * (m.reply_to.excerpt.length + m.reply_to.name.length) + 150 : 0) +
  m.reactions.reduce((n, r) => n + 6 * r.emoji.length + 40 * r.users.length + 40, 0) +
  500;

/**
 * The items nearest a list's start that fit `budget` bytes (at least one): the newest of a
 * list read backwards (`newestFirst`), the oldest of one read forwards. `cut` says some were left out.
 */
export function fitBytes<T>(
  list: T[],
  bytes: (item: T) => number,
  budget: number,
  newestFirst: boolean,
): { list: T[]; cut: boolean } {
  const ordered = newestFirst ? list.slice().reverse() : list;
  let used = 0;
  let n = 0;
  for (const item of ordered) {
    used += bytes(item);
    if (n > 0 && used > budget) break;
    n++;
  }
  if (n === list.length) return { list, cut: false };
  const kept = ordered.slice(0, n);
  return { list: newestFirst ? kept.reverse() : kept, cut: true };
}

/** A page of the rooms `viewer` may see (public ones and its own), as `rooms_listed` carries it. */
export async function roomsPage(
  { storage }: CallDeps,
  viewer: string,
  opts: { query?: string; cursor?: string; limit?: number },
): Promise<ResultPayloads['rooms_listed']> {
  const before = opts.cursor === undefined ? undefined : readRoomCursor(opts.cursor, opts.query);
  const page = await storage.rooms.list({
    viewer,
    ...(opts.query !== undefined ? { query: opts.query } : {}),
    ...(before ? { before } : {}),
    limit: clampLimit(opts.limit, PAGES.rooms),
  });
  return {
    list: page.list,
    cursor: roomCursor(page.next, opts.query),
    ...(opts.query !== undefined ? { query: opts.query } : {}),
  };
}

/**
 * Every room, oldest first, up to the newest ORIGINAL_CLIENT.rooms and .bytes: what an
 * original client is given on connect and for `list_rooms`, read a step at a time.
 */
export async function everyRoom(
  deps: CallDeps,
  viewer: string,
  query?: string,
): Promise<ResultPayloads['rooms_listed']> {
  const newest: Room[] = [];
  let before: RoomPosition | undefined;
  let bytes = 0;
  for (;;) {
    const page = await deps.storage.rooms.list({
      viewer,
      ...(query !== undefined ? { query } : {}),
      ...(before ? { before } : {}),
      limit: STEP,
    });
    newest.unshift(...page.list);
    bytes += page.list.reduce((n, r) => n + roomBytes(r), 0);
    if (!page.next || newest.length >= ORIGINAL_CLIENT.rooms || bytes > ORIGINAL_CLIENT.bytes) {
      const counted = newest.slice(-ORIGINAL_CLIENT.rooms);
      const { list, cut } = fitBytes(counted, roomBytes, ORIGINAL_CLIENT.bytes, true);
      const oldest = list[0];
      const more = cut || counted.length < newest.length || page.next !== null;
      return {
        list,
        cursor:
          more && oldest ? roomCursor({ created: oldest.created, uuid: oldest.uuid }, query) : null,
        ...(query !== undefined ? { query } : {}),
      };
    }
    before = page.next;
    await deps.turns.next();
  }
}

/**
 * A room's newest messages up to ORIGINAL_CLIENT.messages and .bytes (an original client's
 * history on entry), read a step at a time.
 */
export async function wholeHistory(
  deps: CallDeps,
  room: string,
): Promise<{ list: Message[]; has_more: boolean }> {
  const newest: Message[] = [];
  let bytes = 0;
  for (let before: number | undefined; ;) {
    const page = await deps.storage.messages.list(room, {
      ...(before !== undefined ? { before } : {}),
      limit: STEP,
    });
    newest.unshift(...page.list);
    bytes += page.list.reduce((n, m) => n + messageBytes(m), 0);
    const first = page.list[0];
    if (
      !page.has_more ||
      !first ||
      newest.length >= ORIGINAL_CLIENT.messages ||
      bytes > ORIGINAL_CLIENT.bytes
    ) {
      const counted = newest.slice(-ORIGINAL_CLIENT.messages);
      const { list, cut } = fitBytes(counted, messageBytes, ORIGINAL_CLIENT.bytes, true);
      return { list, has_more: cut || counted.length < newest.length || page.has_more };
    }
    before = first.seq;
    await deps.turns.next();
  }
}
