import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CALL_REPLIES,
  CALLS,
  errorPayloadSchema,
  RESULTS,
  resultSchemas,
  type Drawing,
  type ErrorName,
  type ErrorPayload,
  type Line,
  type Message,
  type ResultPayloads,
  type Room,
  type Tool,
  type User,
} from '../src/index.ts';

// The hand-written interfaces the schemas replaced: the derived types must stay the same.
interface OldUser {
  uuid: string;
  name: string;
  room_uuid: string | null;
}
interface OldRoom {
  uuid: string;
  name: string;
  color: string;
  users: OldUser[];
  sum: number;
  created: string;
  user_count: number;
  owner: string | null;
  locked: boolean;
  visibility: 'public' | 'unlisted';
}
interface OldMessage {
  uuid: string;
  body: string;
  name: string;
  user: OldUser;
  room_uuid: string;
  created: string;
  seq: number;
  // wave 2
  edited: string | null;
  deleted: string | null;
  reply_to: { uuid: string; seq: number; name: string; excerpt: string } | null;
  reactions: { emoji: string; count: number; users: string[] }[];
  rev: number;
}
interface OldLine {
  uuid: string;
  name: string;
  points: number[];
  tool: Tool;
  color: string;
  user_uuid: string;
  width?: number | undefined;
}
interface OldDrawing {
  uuid: string;
  name: string;
  lines: OldLine[];
  room_uuid: string;
}
interface OldResultPayloads {
  user_created: { object: OldUser; token: string; resumed: boolean };
  rooms_listed: { list: OldRoom[]; cursor: string | null; query?: string };
  room_created: { object: OldRoom };
  room_deleted: { object: OldRoom };
  room_entered: { object: OldRoom };
  room_left: { object: OldRoom };
  room_changed: { object: OldRoom };
  user_changed: { object: OldUser };
  messages_listed: {
    list: OldMessage[];
    has_more: boolean;
    room_uuid: string;
    changed_after?: number;
  };
  message_created: { object: OldMessage };
  drawing_got: { object: OldDrawing };
  draw_line_changed: { object: OldLine };
  draw_points_appended: {
    uuid: string;
    points: number[];
    color: string;
    tool: Tool;
    user_uuid: string;
    width?: number | undefined;
  };
  draw_line_deleted: { uuid: string };
  room_users_listed: { uuid: string; list: OldUser[]; cursor: string | null };
  user_typing: { object: OldUser };
  message_changed: { object: OldMessage };
  message_deleted: { object: OldMessage };
  messages_found: { list: OldMessage[]; query: string; has_more: boolean; room_uuid: string };
  user_kicked: { room_uuid: string; until: string };
  cursor_moved: { user_uuid: string; name: string; x: number; y: number };
  pong: { time: string };
}
interface OldErrorPayload {
  message: ErrorName;
  detail: string;
  call?: string;
  id?: string;
  retry_after_ms?: number;
  until?: string;
}

const user = { uuid: 'u1', name: 'Ann', room_uuid: null };
const room = {
  uuid: 'r1',
  name: 'Kitchen',
  color: '#cf2e24',
  users: [user],
  sum: 2,
  created: '2026-11-28T01:02:03.456Z',
  user_count: 1,
};
const message = {
  uuid: 'm1',
  body: 'hi',
  name: 'message-m1',
  user,
  room_uuid: 'r1',
  created: '2026-11-28T01:02:03.456Z',
  seq: 1,
};

describe('result schemas', () => {
  it('derive the same types as the interfaces they replaced', () => {
    expectTypeOf<User>().toEqualTypeOf<OldUser>();
    expectTypeOf<Room>().toEqualTypeOf<OldRoom>();
    expectTypeOf<Message>().toEqualTypeOf<OldMessage>();
    expectTypeOf<Line>().toEqualTypeOf<OldLine>();
    expectTypeOf<Drawing>().toEqualTypeOf<OldDrawing>();
    expectTypeOf<ResultPayloads>().toEqualTypeOf<OldResultPayloads>();
    expectTypeOf<ErrorPayload>().toEqualTypeOf<OldErrorPayload>();
  });

  it('has a schema for every result', () => {
    expect(Object.keys(resultSchemas).sort()).toEqual([...RESULTS].sort());
  });

  it('accepts fields it does not know and drops them', () => {
    const parsed = resultSchemas.message_created.parse({
      message: 'message_created',
      id: 'a1',
      object: { ...message, pinned: true, user: { ...user, avatar: 'x' } },
      extra: true,
    });
    // an older server's message: the wave-2 fields take their defaults
    expect(parsed).toEqual({
      message: 'message_created',
      id: 'a1',
      object: { ...message, edited: null, deleted: null, reply_to: null, reactions: [], rev: 0 },
    });
  });

  it("gives an older server's room no owner, unlocked and public", () => {
    const parsed = resultSchemas.room_created.parse({ message: 'room_created', object: room });
    expect(parsed.object).toEqual({ ...room, owner: null, locked: false, visibility: 'public' });
    expect(
      resultSchemas.room_created.safeParse({
        message: 'room_created',
        object: { ...room, visibility: 'secret' },
      }).success,
    ).toBe(false);
  });

  it('rejects a missing field, a wrong type and a wrong message name', () => {
    const listed = { message: 'rooms_listed', list: [room], cursor: null };
    expect(resultSchemas.rooms_listed.safeParse(listed).success).toBe(true);
    expect(resultSchemas.rooms_listed.safeParse({ ...listed, cursor: undefined }).success).toBe(
      false,
    );
    expect(
      resultSchemas.rooms_listed.safeParse({ ...listed, list: [{ ...room, sum: '2' }] }).success,
    ).toBe(false);
    expect(
      resultSchemas.room_created.safeParse({ ...listed, message: 'room_created' }).success,
    ).toBe(false);
    expect(
      resultSchemas.draw_line_changed.safeParse({
        message: 'draw_line_changed',
        object: {
          uuid: 'l',
          name: 'line-l',
          points: [1, 2],
          tool: 'brush',
          color: '#000',
          user_uuid: 'u1',
        },
      }).success,
    ).toBe(false);
  });

  it('error payloads: known names, detail required, extras dropped', () => {
    expect(
      errorPayloadSchema.parse({
        message: 'rate_limited',
        detail: 'Too many calls: slow down.',
        retry_after_ms: 120,
        id: 'a1',
        later: true,
      }),
    ).toEqual({
      message: 'rate_limited',
      detail: 'Too many calls: slow down.',
      retry_after_ms: 120,
      id: 'a1',
    });
    expect(errorPayloadSchema.safeParse({ message: 'no_such_error', detail: 'x' }).success).toBe(
      false,
    );
    expect(errorPayloadSchema.safeParse({ message: 'bad_data' }).success).toBe(false);
  });
});

describe('CALL_REPLIES', () => {
  it('names the completing result of every call, or null', () => {
    expect(Object.keys(CALL_REPLIES).sort()).toEqual([...CALLS].sort());
    for (const reply of Object.values(CALL_REPLIES)) {
      if (reply !== null) expect(RESULTS).toContain(reply);
    }
    expect(CALL_REPLIES.enter_room).toBe('drawing_got');
    expect(CALL_REPLIES.typing).toBeNull();
    expect(CALL_REPLIES.append_draw_points).toBeNull();
  });
});
