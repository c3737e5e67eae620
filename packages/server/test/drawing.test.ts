import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Room } from '@chat/protocol';
import { lineId, TestClient } from './helpers/client.ts';
import { roomWithMembers, STORAGES, testServer, type TestServer } from './helpers/server.ts';

/** What a line of the tests below takes in a drawing besides its points (uuids are 36 long). */
const U = lineId('u');
const META =
  JSON.stringify({
    uuid: U,
    name: `line-${U}`,
    points: [],
    tool: 'pen',
    color: '#ff0000',
    user_uuid: U,
  }).length - 2;

describe.each(STORAGES)('drawing on %s', (kind) => {
  let server: TestServer;
  let a: TestClient;
  let b: TestClient;
  let outsider: TestClient;
  let room: Room;

  beforeEach(async () => {
    server = await testServer(kind, { maxDrawingLines: 3, maxDrawingChars: 100_000 + 3 * META });
    ({ a, b, outsider, room } = await roomWithMembers(server));
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close(), outsider.close()]);
    await server.dispose();
  });

  const line = (uuid: string, points: number[] = [0, 0, 10, 10]) => ({
    uuid,
    points,
    color: '#ff0000',
    tool: 'pen',
  });

  it('change_draw_line goes to the whole room, the caller included, and is an upsert', async () => {
    const id = a.call('change_draw_line', line(lineId('l1')));
    const mine = await a.next('draw_line_changed');
    expect(mine).toMatchObject({
      id,
      object: {
        uuid: lineId('l1'),
        name: `line-${lineId('l1')}`,
        points: [0, 0, 10, 10],
        tool: 'pen',
        color: '#ff0000',
        user_uuid: a.user.uuid,
      },
    });
    expect((await b.next('draw_line_changed')).id).toBeUndefined();
    b.call('change_draw_line', { ...line(lineId('l1'), [1, 2, 3, 4, 5, 6]), tool: 'eraser' });
    expect((await a.next('draw_line_changed')).object).toMatchObject({
      points: [1, 2, 3, 4, 5, 6],
      tool: 'eraser',
    });
    b.call('get_drawing');
    const drawing = (await b.next('drawing_got')).object;
    expect(drawing).toMatchObject({ room_uuid: room.uuid, name: `drawing-${drawing.uuid}` });
    expect(drawing.lines).toHaveLength(1);
    expect(drawing.lines[0]!.points).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await outsider.quiet(50, (f) => f.payload.message === 'draw_line_changed')).toEqual([]);
  });

  it('bad lines are refused with the precise error', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...line(lineId('x')), points: [1, 2, 3] }, 'not_valid_line'],
      [{ ...line(lineId('x')), points: [1, '2'] }, 'not_valid_line'],
      [{ ...line(lineId('x')), points: new Array(20_002).fill(1) }, 'not_valid_line'],
      [{ ...line(lineId('x')), tool: 'brush' }, 'not_valid_line'],
      [{ ...line(lineId('x')), color: 'blue' }, 'not_valid_color'],
      [{ ...line(lineId('x')), points: '1,2' }, 'not_sufficient_data'],
      [{ ...line(lineId('x')), uuid: 42 }, 'not_sufficient_data'],
      [{ uuid: lineId('x'), points: [1, 2] }, 'not_sufficient_data'],
      // a line's uuid is a UUID: it is stored and sent to everyone who enters
      [{ ...line('x') }, 'not_valid_line'],
      [{ ...line(`${lineId('x')}0`) }, 'not_valid_line'],
      [{ ...line('x'.repeat(99_000)) }, 'not_valid_line'],
    ];
    for (const [fields, error] of cases) {
      a.call('change_draw_line', fields);
      expect((await a.error()).message, JSON.stringify(fields).slice(0, 80)).toBe(error);
    }
    a.sendRaw(
      '{"type":"call","payload":{"message":"change_draw_line","uuid":"x","points":[1,1e999],"color":"#fff","tool":"pen"}}',
    );
    expect((await a.error()).message).toBe('not_valid_line');
    outsider.call('change_draw_line', line(lineId('x')));
    expect((await outsider.error()).message).toBe('no_selected_room');
    expect(await b.quiet(50, (f) => f.payload.message === 'draw_line_changed')).toEqual([]);
  });

  it('append_draw_points streams to the others only and is part of the drawing at once', async () => {
    a.call('append_draw_points', {
      uuid: lineId('s1'),
      points: [1, 1],
      color: '#00ff00',
      tool: 'pen',
    });
    expect(await b.next('draw_points_appended')).toEqual({
      message: 'draw_points_appended',
      uuid: lineId('s1'),
      points: [1, 1],
      color: '#00ff00',
      tool: 'pen',
      user_uuid: a.user.uuid,
    });
    a.call('append_draw_points', { uuid: lineId('s1'), points: [2, 2, 3, 3] });
    expect((await b.next('draw_points_appended')).points).toEqual([2, 2, 3, 3]);
    b.call('get_drawing');
    expect((await b.next('drawing_got')).object.lines[0]).toMatchObject({
      uuid: lineId('s1'),
      points: [1, 1, 2, 2, 3, 3],
      color: '#00ff00',
    });
    expect(await a.quiet(50, (f) => f.payload.message === 'draw_points_appended')).toEqual([]);
    // the whole line at the end replaces the streamed one
    a.call('change_draw_line', line(lineId('s1'), [1, 1, 2, 2, 3, 3, 4, 4]));
    expect((await b.next('draw_line_changed')).object.points).toHaveLength(8);
  });

  it("a line's width goes with its stroke, its appends and the drawing; a bad width is refused", async () => {
    a.call('append_draw_points', {
      uuid: lineId('w1'),
      points: [1, 1],
      color: '#00ff00',
      tool: 'eraser',
      width: 24,
    });
    expect(await b.next('draw_points_appended')).toMatchObject({ width: 24, tool: 'eraser' });
    a.call('append_draw_points', { uuid: lineId('w1'), points: [2, 2] });
    expect((await b.next('draw_points_appended')).width).toBe(24);
    a.call('change_draw_line', { ...line(lineId('w1'), [1, 1, 2, 2]), width: 2.5 });
    expect((await b.next('draw_line_changed')).object.width).toBe(2.5);
    a.call('change_draw_line', line(lineId('w2')));
    expect((await b.next('draw_line_changed')).object).not.toHaveProperty('width');
    b.call('get_drawing');
    expect((await b.next('drawing_got')).object.lines.map((l) => l.width)).toEqual([
      2.5,
      undefined,
    ]);
    for (const width of [0, 65, -1]) {
      a.call('change_draw_line', { ...line(lineId('w3')), width });
      expect((await a.error()).message).toBe('not_valid_line');
    }
  });

  it('append_draw_points errors: new line without style, over the per-line limit, bad points', async () => {
    a.call('append_draw_points', { uuid: lineId('n'), points: [1, 1] });
    expect((await a.error()).message).toBe('not_sufficient_data');
    a.call('append_draw_points', {
      uuid: lineId('big'),
      points: new Array(20_000).fill(1),
      color: '#000',
      tool: 'pen',
    });
    await b.next('draw_points_appended');
    a.call('append_draw_points', { uuid: lineId('big'), points: [1, 1] });
    expect((await a.error()).message).toBe('not_valid_line');
    a.call('append_draw_points', { uuid: lineId('n'), points: [1], color: '#000', tool: 'pen' });
    expect((await a.error()).message).toBe('not_valid_line');
    a.call('append_draw_points', { uuid: lineId('n'), points: [1, 1], color: 'x', tool: 'pen' });
    expect((await a.error()).message).toBe('not_valid_color');
    a.call('append_draw_points', {
      uuid: 'y'.repeat(99_000),
      points: [1, 1],
      color: '#000',
      tool: 'pen',
    });
    expect((await a.error()).message).toBe('not_valid_line');
    outsider.call('append_draw_points', {
      uuid: lineId('n'),
      points: [1, 1],
      color: '#000',
      tool: 'pen',
    });
    expect((await outsider.error()).message).toBe('no_selected_room');
  });

  it('drawing_full once the configured number of lines is reached; replacing a line still works', async () => {
    for (const id of ['1', '2', '3']) {
      a.call('change_draw_line', line(lineId(id)));
      await a.next('draw_line_changed');
    }
    a.call('change_draw_line', line(lineId('4')));
    expect((await a.error()).message).toBe('drawing_full');
    a.call('append_draw_points', { uuid: lineId('4'), points: [1, 1], color: '#000', tool: 'pen' });
    expect((await a.error()).message).toBe('drawing_full');
    a.call('change_draw_line', line(lineId('2'), [5, 5, 6, 6]));
    expect((await a.next('draw_line_changed')).object.uuid).toBe(lineId('2'));
  });

  it('drawing_full once the drawing would pass its configured size, with call and id', async () => {
    // whole lines count; k one-digit numbers are 2k + 1 characters of JSON, so the points
    // take 40,001 + 40,001 + 19,981 of the 100,000 left beside three lines' other fields
    const ones = (k: number, n = 1) => new Array<number>(k).fill(n);
    for (const [label, k] of [
      ['s1', 20_000],
      ['s2', 20_000],
      ['s3', 9_990],
    ] as const) {
      a.call('change_draw_line', line(lineId(label), ones(k)));
      await a.next('draw_line_changed');
      await b.next('draw_line_changed');
    }
    // 12 more numbers are 24 more characters: 100,007
    const id = a.call('append_draw_points', { uuid: lineId('s3'), points: ones(12, 3) });
    expect(await a.error()).toMatchObject({
      message: 'drawing_full',
      call: 'append_draw_points',
      id,
    });
    // a longer line in s3's place is refused too
    a.call('change_draw_line', line(lineId('s3'), ones(10_000)));
    expect((await a.error()).message).toBe('drawing_full');
    expect(await b.quiet(100, (f) => f.payload.message !== 'room_changed')).toEqual([]);
    // what fits still goes: 8 numbers, 16 characters, 99,999 in all
    a.call('append_draw_points', { uuid: lineId('s3'), points: ones(8, 4) });
    expect((await b.next('draw_points_appended')).points).toHaveLength(8);
    a.call('get_drawing');
    const got = (await a.next('drawing_got')).object.lines;
    expect(got.map((l) => l.points.length)).toEqual([20_000, 20_000, 9_998]);
    expect(got.reduce((n, l) => n + JSON.stringify(l).length, 0)).toBe(99_999 + 3 * META);
  });

  it('delete_draw_line removes a line for the room; an unknown line changes nothing', async () => {
    a.call('change_draw_line', line(lineId('d1')));
    await b.next('draw_line_changed');
    const id = b.call('delete_draw_line', { uuid: lineId('d1') });
    expect((await a.next('draw_line_deleted')).uuid).toBe(lineId('d1'));
    expect(await b.next('draw_line_deleted')).toMatchObject({ uuid: lineId('d1'), id });
    a.call('delete_draw_line', { uuid: lineId('nope') });
    await a.next('draw_line_deleted');
    expect(await b.quiet(100, (f) => f.payload.message === 'draw_line_deleted')).toEqual([]);
    a.call('delete_draw_line', { uuid: 'nope' });
    expect((await a.error()).message).toBe('not_valid_line');
    outsider.call('delete_draw_line', { uuid: lineId('d1') });
    expect((await outsider.error()).message).toBe('no_selected_room');
  });

  it('reset_drawing sends the empty drawing to the room; get_drawing needs a room', async () => {
    a.call('change_draw_line', line(lineId('r1')));
    await b.next('draw_line_changed');
    a.call('reset_drawing');
    expect((await b.next('drawing_got')).object.lines).toEqual([]);
    expect((await a.next('drawing_got')).object.lines).toEqual([]);
    outsider.call('reset_drawing');
    expect((await outsider.error()).message).toBe('no_selected_room');
    outsider.call('get_drawing');
    expect((await outsider.error()).message).toBe('no_selected_room');
  });

  it('move_cursor: the others in the room see it, at most 20 a second per user; never stored; needs a room', async () => {
    a.call('move_cursor', { x: 10.5, y: -3 });
    const seen = await b.next('cursor_moved');
    expect(seen).toEqual({
      message: 'cursor_moved',
      user_uuid: a.user.uuid,
      name: a.user.name,
      x: 10.5,
      y: -3,
    });
    // a burst: most are dropped silently, none comes back to the caller
    const started = Date.now();
    for (let i = 0; i < 40; i++) a.call('move_cursor', { x: i, y: i });
    await a.sync();
    const elapsed = Date.now() - started;
    const passed = await b.quiet(100, (f) => f.payload.message === 'cursor_moved');
    // one per 50 ms at most (a burst within 50 ms of the first is dropped whole)
    expect(passed.length).toBeLessThanOrEqual(Math.ceil((elapsed + 100) / 50) + 1);
    expect(a.pending('cursor_moved')).toEqual([]);
    expect(await outsider.quiet(0, (f) => f.payload.message === 'cursor_moved')).toEqual([]);
    // the next one after the window goes out
    await new Promise((r) => setTimeout(r, 60));
    a.call('move_cursor', { x: 99, y: 98 });
    expect(await b.next('cursor_moved', (p) => p.x === 99)).toMatchObject({ y: 98 });
    // never stored
    b.call('get_drawing', {});
    expect((await b.next('drawing_got')).object.lines).toEqual([]);
    // outside a room; bad coordinates
    outsider.call('move_cursor', { x: 1, y: 2 });
    expect((await outsider.error()).message).toBe('no_selected_room');
    a.call('move_cursor', { x: 1, y: 'up' });
    expect((await a.error()).message).toBe('not_sufficient_data');
  });

  it('the drawing comes with enter_room, in drawing order', async () => {
    for (const id of ['z', 'a', 'm']) {
      a.call('change_draw_line', line(lineId(id)));
      await a.next('draw_line_changed');
    }
    outsider.call('enter_room', { uuid: room.uuid });
    expect((await outsider.next('drawing_got')).object.lines.map((l) => l.uuid)).toEqual(
      ['z', 'a', 'm'].map(lineId),
    );
  });
});
