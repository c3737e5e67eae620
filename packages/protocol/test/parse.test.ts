import { describe, expect, it } from 'vitest';
import {
  CALLS,
  callSchemas,
  clampLimit,
  codePoints,
  ERROR_DETAILS,
  ERRORS,
  isValidColor,
  PAGES,
  parseStatement,
  ROOM_COLORS,
} from '../src/index.ts';

const call = (payload: unknown) => JSON.stringify({ type: 'call', payload });
/** A line's uuid: lines need UUIDs. */
const L = '0d3d1c5e-7a52-4b7e-9a51-2f5c8e0b6d41';
const errorOf = (frame: string) => {
  const p = parseStatement(frame);
  return p.ok ? 'ok' : p.error.message;
};

describe('parseStatement', () => {
  it('has a schema for every call name and a detail for every error', () => {
    expect(Object.keys(callSchemas).sort()).toEqual([...CALLS].sort());
    expect(Object.keys(ERROR_DETAILS).sort()).toEqual([...ERRORS].sort());
  });

  it('accepts every call of the original client with only its original fields', () => {
    const original = [
      { message: 'create_room' },
      { message: 'delete_room', uuid: 'u' },
      { message: 'list_rooms' },
      { message: 'enter_room', uuid: 'u' },
      { message: 'leave_room' },
      { message: 'change_color', uuid: 'u', color: '#ff0000' },
      { message: 'change_name', uuid: 'u', name: 'n' },
      { message: 'change_user_name', name: 'n' },
      { message: 'create_message', body: 'b' },
      { message: 'list_messages' },
      { message: 'change_draw_line', uuid: L, points: [1, 2, 3, 4], color: '#000', tool: 'pen' },
      { message: 'get_drawing' },
      { message: 'reset_drawing' },
    ];
    for (const p of original) expect(errorOf(call(p)), p.message).toBe('ok');
  });

  it('accepts the extensions', () => {
    const ext = [
      { message: 'create_room', name: 'n', color: '#abcdef80' },
      { message: 'list_rooms', query: 'q', cursor: 'c', limit: 5 },
      { message: 'list_rooms', cursor: null },
      { message: 'list_messages', before: 10, limit: 20 },
      { message: 'list_messages', after: 10 },
      { message: 'append_draw_points', uuid: L, points: [1, 2] },
      {
        message: 'append_draw_points',
        uuid: L.toUpperCase(),
        points: [],
        color: '#fff',
        tool: 'eraser',
      },
      { message: 'delete_draw_line', uuid: L },
      { message: 'list_rooms', query: 'é'.repeat(200) },
      { message: 'list_rooms', query: '😀'.repeat(200) },
      { message: 'change_user_name', name: 'Zoë 🦊' },
      { message: 'change_user_name', name: 'שלום' },
      { message: 'change_user_name', name: 'e\u0301' },
      { message: 'list_room_users', uuid: 'u', cursor: 'c', limit: 3 },
      { message: 'typing', id: 'x'.repeat(64) },
      { message: 'create_room', visibility: 'unlisted' },
      { message: 'change_room_settings', uuid: 'r', locked: true, visibility: 'public' },
      { message: 'change_room_settings', uuid: 'r' },
      { message: 'kick_user', uuid: 'r', user: 'u' },
      { message: 'kick_user', uuid: 'r', user: 'u', minutes: 1440 },
      { message: 'move_cursor', x: -12.5, y: 1e6 },
      {
        message: 'change_draw_line',
        uuid: L,
        points: [1, 2],
        color: '#000',
        tool: 'pen',
        width: 64,
      },
      {
        message: 'append_draw_points',
        uuid: L,
        points: [],
        color: '#000',
        tool: 'pen',
        width: 1.5,
      },
    ];
    for (const p of ext) expect(errorOf(call(p)), JSON.stringify(p)).toBe('ok');
  });

  it('trims names and bodies, strips unknown fields and returns the id', () => {
    const p = parseStatement(
      call({ message: 'create_message', body: '  hi\n ', id: 'a', extra: 1, __proto__: 5 }),
    );
    expect(p).toEqual({
      ok: true,
      id: 'a',
      call: { name: 'create_message', args: { body: 'hi' } },
    });
    const q = parseStatement(call({ message: 'change_user_name', name: '\tBob ' }));
    expect(q.ok && q.call.args).toEqual({ name: 'Bob' });
  });

  it.each([
    ['', 'bad_data'],
    ['{', 'bad_data'],
    ['7', 'bad_data'],
    ['{"type":"error","payload":{"message":"x"}}', 'bad_data'],
    ['{"type":"call","payload":"x"}', 'not_sufficient_data'],
    [call({ message: 'nope' }), 'unknown_statement'],
    [call({ message: 'hasOwnProperty' }), 'unknown_statement'],
    [call({ message: 'create_message', body: 42 }), 'not_sufficient_data'],
    [call({ message: 'create_message', body: '' }), 'not_valid_body'],
    [call({ message: 'create_message', body: 'x'.repeat(10_001) }), 'not_valid_body'],
    [call({ message: 'change_user_name', name: 'x'.repeat(65) }), 'not_valid_name'],
    [call({ message: 'change_user_name', name: 'a\u007fb' }), 'not_valid_name'],
    [call({ message: 'change_user_name', name: 'a\u0085b' }), 'not_valid_name'],
    [call({ message: 'change_user_name', name: null }), 'not_sufficient_data'],
    // names that draw nothing, or reorder the text around them
    [call({ message: 'change_user_name', name: '\u200b\u200b' }), 'not_valid_name'],
    [call({ message: 'change_user_name', name: '\u3164' }), 'not_valid_name'],
    [call({ message: 'change_user_name', name: '\u115f\u1160' }), 'not_valid_name'],
    [call({ message: 'change_user_name', name: '\u2800\u2800' }), 'not_valid_name'],
    [call({ message: 'change_user_name', name: '\u0301\u0302' }), 'not_valid_name'],
    [call({ message: 'change_user_name', name: '\u00a0\u2003\ufeff' }), 'not_valid_name'],
    [call({ message: 'create_room', name: '\u2060\u180e' }), 'not_valid_name'],
    [call({ message: 'change_user_name', name: 'abc\u202edef' }), 'not_valid_name'],
    [call({ message: 'change_name', uuid: 'u', name: 'x\u2067y' }), 'not_valid_name'],
    [call({ message: 'list_rooms', query: 'x'.repeat(201) }), 'not_valid_query'],
    [call({ message: 'list_rooms', query: '😀'.repeat(201) }), 'not_valid_query'],
    [
      call({ message: 'change_draw_line', uuid: 'l', points: [1, 2], color: '#000', tool: 'pen' }),
      'not_valid_line',
    ],
    [call({ message: 'append_draw_points', uuid: `${L}x`, points: [1, 2] }), 'not_valid_line'],
    [call({ message: 'delete_draw_line', uuid: 'x'.repeat(99_000) }), 'not_valid_line'],
    [call({ message: 'change_color', uuid: 'u', color: '#ggg' }), 'not_valid_color'],
    [call({ message: 'change_color', uuid: 'u', color: 5 }), 'not_sufficient_data'],
    [
      call({ message: 'change_draw_line', uuid: 'l', points: [1], color: '#000', tool: 'pen' }),
      'not_valid_line',
    ],
    [
      call({
        message: 'change_draw_line',
        uuid: 'l',
        points: [[1], 2],
        color: '#000',
        tool: 'pen',
      }),
      'not_valid_line',
    ],
    [
      call({
        message: 'change_draw_line',
        uuid: 'l',
        points: [1, 2],
        color: '#000',
        tool: 'spray',
      }),
      'not_valid_line',
    ],
    [
      call({ message: 'change_draw_line', uuid: 'l', points: [1, 2], color: '#000', tool: 1 }),
      'not_sufficient_data',
    ],
    [
      call({ message: 'change_draw_line', uuid: 'l', points: {}, color: '#000', tool: 'pen' }),
      'not_sufficient_data',
    ],
    [call({ message: 'create_room', color: 'red' }), 'not_valid_color'],
    [call({ message: 'create_room', name: '' }), 'not_valid_name'],
    [call({ message: 'list_messages', before: 1, after: 2 }), 'not_sufficient_data'],
    [call({ message: 'list_messages', limit: 'all' }), 'not_sufficient_data'],
    [call({ message: 'list_rooms', query: [] }), 'not_sufficient_data'],
    [call({ message: 'typing', id: 5 }), 'not_sufficient_data'],
    [call({ message: 'create_room', visibility: 'private' }), 'not_valid_visibility'],
    [call({ message: 'change_room_settings', uuid: 'r', visibility: '' }), 'not_valid_visibility'],
    [call({ message: 'change_room_settings', uuid: 'r', visibility: 1 }), 'not_sufficient_data'],
    [call({ message: 'change_room_settings', uuid: 'r', locked: 'yes' }), 'not_sufficient_data'],
    [call({ message: 'kick_user', uuid: 'r' }), 'not_sufficient_data'],
    [call({ message: 'move_cursor', x: 1 }), 'not_sufficient_data'],
    [
      call({
        message: 'change_draw_line',
        uuid: L,
        points: [],
        color: '#000',
        tool: 'pen',
        width: 0.5,
      }),
      'not_valid_line',
    ],
    [call({ message: 'append_draw_points', uuid: L, points: [], width: 65 }), 'not_valid_line'],
    [
      call({ message: 'append_draw_points', uuid: L, points: [], width: '2' }),
      'not_sufficient_data',
    ],
    [call({ message: 'move_cursor', x: '1', y: 2 }), 'not_sufficient_data'],
    [call({ message: 'kick_user', uuid: 'r', user: 'u', minutes: 0 }), 'not_sufficient_data'],
    [call({ message: 'kick_user', uuid: 'r', user: 'u', minutes: 1441 }), 'not_sufficient_data'],
    [call({ message: 'kick_user', uuid: 'r', user: 'u', minutes: 2.5 }), 'not_sufficient_data'],
    [call({ message: 'typing', id: 'x'.repeat(65) }), 'not_sufficient_data'],
  ])('%s -> %s', (frame, error) => {
    expect(errorOf(frame)).toBe(error);
  });

  it('a wrong type wins over a bad value in the same call', () => {
    expect(errorOf(call({ message: 'change_color', uuid: 1, color: 'bad' }))).toBe(
      'not_sufficient_data',
    );
  });

  it('reports data_too_long before parsing', () => {
    expect(errorOf('x'.repeat(100_001))).toBe('data_too_long');
    expect(errorOf(call({ message: 'create_message', body: 'x'.repeat(99_900) }))).toBe(
      'not_valid_body',
    );
  });

  it('errors carry a detail and the call name when it could be read', () => {
    const p = parseStatement(call({ message: 'enter_room', id: 'k' }));
    expect(p).toMatchObject({
      ok: false,
      error: { message: 'not_sufficient_data', call: 'enter_room', id: 'k' },
    });
    const q = parseStatement('nope');
    expect(q.ok || q.error.call).toBeUndefined();
  });
});

describe('limits', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(codePoints('😀😀')).toBe(2);
    expect(codePoints('')).toBe(0);
    expect(codePoints('a😀b')).toBe(3);
    expect(codePoints('\ud800')).toBe(1);
    expect(codePoints('\ud800\ud800\udc00')).toBe(2);
  });
  it('clamps page limits', () => {
    expect(clampLimit(undefined, PAGES.messages)).toBe(50);
    expect(clampLimit(0, PAGES.messages)).toBe(1);
    expect(clampLimit(1e9, PAGES.rooms)).toBe(200);
    expect(clampLimit(7.9, PAGES.roomUsers)).toBe(7);
  });
  it('room colors are valid colors', () => {
    for (const c of ROOM_COLORS) expect(isValidColor(c)).toBe(true);
    for (const c of ['#fff', '#ffffff', '#ffffff00']) expect(isValidColor(c)).toBe(true);
    for (const c of ['fff', '#ffff', '#fffffff', '#ffffff0', 'red'])
      expect(isValidColor(c)).toBe(false);
  });
});
