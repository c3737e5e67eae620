import type { MemberPosition, RoomPosition } from '../storage/storage.ts';
import { ChatError } from './call.ts';

/** Cursors are opaque to clients: base64url JSON of a position (and, for rooms, the query). */
function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decode(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function unreadable(): never {
  throw new ChatError(
    'not_sufficient_data',
    'The cursor cannot be read (it belongs to another list or query).',
  );
}

const isString = (v: unknown): v is string => typeof v === 'string';

export function roomCursor(
  position: RoomPosition | null,
  query: string | undefined,
): string | null {
  return position && encode({ q: query ?? '', c: position.created, u: position.uuid });
}

export function readRoomCursor(cursor: string, query: string | undefined): RoomPosition {
  const v = decode(cursor) as { q?: unknown; c?: unknown; u?: unknown } | undefined;
  if (!v || !isString(v.q) || !isString(v.c) || !isString(v.u) || v.q !== (query ?? ''))
    unreadable();
  return { created: v.c, uuid: v.u };
}

export function memberCursor(room: string, position: MemberPosition | null): string | null {
  return position && encode({ r: room, e: position.entered, u: position.uuid });
}

export function readMemberCursor(cursor: string, room: string): MemberPosition {
  const v = decode(cursor) as { r?: unknown; e?: unknown; u?: unknown } | undefined;
  if (!v || v.r !== room || !isString(v.e) || !isString(v.u)) unreadable();
  return { entered: v.e, uuid: v.u };
}
