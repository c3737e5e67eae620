import { afterEach, describe, expect, it, vi } from 'vitest';
import { ERROR_DETAILS } from '@chat/protocol';
import { CallError, ClientError } from '../src/index.ts';
import { drawing, fakeClient, message, record, room, settle, user } from './helpers/fakes.ts';

function online() {
  const fake = fakeClient();
  fake.client.connect();
  const me = user();
  fake.socket().greet(me);
  fake.socket().newCalls();
  return { ...fake, me };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('request', () => {
  it('sends the call with a fresh id and resolves with the typed result of that id', async () => {
    const { client, socket } = online();
    const created = client.request('create_room', { name: 'Kitchen' });
    const listed = client.request('list_rooms', { limit: 5 });
    const [c, l] = socket().newCalls();
    expect(c).toMatchObject({ message: 'create_room', name: 'Kitchen' });
    expect(l).toMatchObject({ message: 'list_rooms', limit: 5 });
    expect(c?.id).not.toBe(l?.id);
    const r = room();
    // someone else's room_created (no id) completes nothing
    socket().result('room_created', { object: room() });
    socket().result('rooms_listed', { list: [r], cursor: null }, l?.id);
    socket().result('room_created', { object: r }, c?.id);
    const reply = await created;
    expect(reply.object.uuid).toBe(r.uuid);
    expect(reply.id).toBe(c?.id);
    expect((await listed).list).toEqual([r]);
  });

  it('emits every result as a typed event, telling its own from others', () => {
    const { client, socket } = online();
    const created = record(client, 'room_created');
    void client.request('create_room');
    const id = socket().last('create_room').id;
    const mine = room();
    socket().result('room_created', { object: room() });
    socket().result('room_created', { object: mine }, id);
    expect(created.map(([, meta]) => meta)).toEqual([
      { own: false },
      { own: true, id, call: 'create_room' },
    ]);
    expect(created[1]?.[0].object).toEqual(mine);
  });

  it('enter_room resolves with room_entered, messages_listed and drawing_got', async () => {
    const { client, socket, me } = online();
    const r = room();
    const entering = client.request('enter_room', { uuid: r.uuid });
    const id = socket().last('enter_room').id;
    const list = [message(r.uuid, 1, me)];
    socket().result('room_entered', { object: r }, id);
    socket().result('messages_listed', { list, has_more: false, room_uuid: r.uuid }, id);
    socket().result('room_changed', { object: r }, id);
    socket().result('drawing_got', { object: drawing(r.uuid) }, id);
    const reply = await entering;
    expect(reply.room_entered.object).toEqual(r);
    expect(reply.messages_listed.list).toEqual(list);
    expect(reply.drawing_got.object.room_uuid).toBe(r.uuid);
  });

  it('rejects with a CallError carrying the protocol error, as type error or as the original result', async () => {
    const { client, socket } = online();
    const entering = client.request('enter_room', { uuid: 'nope' });
    socket().error(
      'no_specified_room',
      { detail: 'The room does not exist.', call: 'enter_room' },
      socket().last('enter_room').id,
    );
    const refused = await entering.catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CallError);
    expect(refused).toMatchObject({
      code: 'no_specified_room',
      detail: 'The room does not exist.',
      call: 'enter_room',
    });

    const deleting = client.request('delete_room', { uuid: 'r' });
    // the original server: type "result", no detail
    socket().result('not_empty_room', {}, socket().last('delete_room').id);
    await expect(deleting).rejects.toMatchObject({
      code: 'not_empty_room',
      detail: ERROR_DETAILS.not_empty_room,
    });

    const sending = client.request('create_message', { body: 'hi' });
    socket().error(
      'rate_limited',
      { retry_after_ms: 250, until: '2026-11-28T02:00:00.000Z' },
      socket().last('create_message').id,
    );
    await expect(sending).rejects.toMatchObject({
      code: 'rate_limited',
      retryAfterMs: 250,
      until: '2026-11-28T02:00:00.000Z',
    });
  });

  it('a result that fails its schema rejects its request with invalid_frame', async () => {
    const { client, socket } = online();
    const errors = record(client, 'error');
    const listing = client.request('list_rooms');
    socket().result(
      'rooms_listed',
      { list: [{ uuid: 5 }], cursor: null },
      socket().last('list_rooms').id,
    );
    const error = await listing.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect(error).toMatchObject({ kind: 'invalid_frame', call: 'list_rooms' });
    expect((error as ClientError).message).toContain('rooms_listed');
    expect(errors).toEqual([]);
  });

  it('reports frames it cannot read as error events and goes on', async () => {
    const { client, socket } = online();
    const errors = record(client, 'error');
    const changed = record(client, 'room_changed');
    socket().raw('{not json');
    socket().raw(
      JSON.stringify({ type: 'result', payload: { message: 'room_changed', object: 7 } }),
    );
    // a newer server's result this client does not know
    socket().raw(JSON.stringify({ type: 'result', payload: { message: 'weather_changed', x: 1 } }));
    socket().raw(JSON.stringify({ type: 'call', payload: { message: 'typing' } }));
    expect(errors.map(([e]) => (e as ClientError).kind)).toEqual([
      'invalid_frame',
      'invalid_frame',
      'unknown_frame',
      'invalid_frame',
    ]);
    expect(changed).toEqual([]);
    const r = room();
    const listing = client.request('list_rooms');
    socket().result('rooms_listed', { list: [r], cursor: null }, socket().last('list_rooms').id);
    expect((await listing).list).toEqual([r]);
  });

  it('accepts and drops fields a newer server adds', async () => {
    const { client, socket, me } = online();
    const sending = client.request('create_message', { body: 'hi' });
    const m = message('r', 1, me);
    socket().result(
      'message_created',
      { object: { ...m, edited: null, reactions: [] }, extra: 1 },
      socket().last('create_message').id,
    );
    expect((await sending).object).toEqual(m);
  });

  it('times out after requestTimeoutMs, or the per-request timeout', async () => {
    vi.useFakeTimers();
    const { client, socket } = fakeClient({ requestTimeoutMs: 1000 });
    client.connect();
    socket().greet(user());
    const slow = client.request('list_rooms');
    const quick = client.request('get_drawing', undefined, { timeoutMs: 100 });
    const slowDone = slow.catch((e: unknown) => e);
    const quickDone = quick.catch((e: unknown) => e);
    vi.advanceTimersByTime(100);
    expect(await quickDone).toMatchObject({ kind: 'timeout', call: 'get_drawing' });
    vi.advanceTimersByTime(899);
    await settle();
    let slowSettled = false;
    void slowDone.then(() => (slowSettled = true));
    await settle();
    expect(slowSettled).toBe(false);
    vi.advanceTimersByTime(1);
    expect(await slowDone).toMatchObject({ kind: 'timeout', call: 'list_rooms' });
  });

  it('an answer after the timeout is still emitted as an event of its own', async () => {
    vi.useFakeTimers();
    const { client, socket } = fakeClient({ requestTimeoutMs: 50 });
    client.connect();
    socket().greet(user());
    const listed = record(client, 'rooms_listed');
    const listing = client.request('list_rooms').catch((e: unknown) => e);
    vi.advanceTimersByTime(50);
    expect(await listing).toMatchObject({ kind: 'timeout' });
    const id = socket().last('list_rooms').id;
    socket().result('rooms_listed', { list: [], cursor: null }, id);
    expect(listed.at(-1)?.[1]).toEqual({ own: true, id });
  });

  it('a call made again under the id of one that timed out (newCallId, options.id) goes with that id', async () => {
    vi.useFakeTimers();
    const { client, socket } = fakeClient({ requestTimeoutMs: 50 });
    client.connect();
    socket().greet(user());
    const id = client.newCallId();
    const first = client.request('create_message', { body: 'hi' }, { id }).catch((e: unknown) => e);
    vi.advanceTimersByTime(50);
    expect(await first).toMatchObject({ kind: 'timeout', id });
    // the retry: if the first was stored after all, the server answers with it
    const again = client.request('create_message', { body: 'hi' }, { id });
    expect(socket().last('create_message').id).toBe(id);
    socket().result('message_created', { object: message('r1', 1, user()) }, id);
    await expect(again).resolves.toMatchObject({ id });
    // an id still waiting for its answer is not taken twice
    const waiting = client.newCallId();
    void client.request('list_rooms', {}, { id: waiting }).catch(() => undefined);
    expect(() => client.request('list_rooms', {}, { id: waiting })).toThrow(/in use/);
    expect(client.newCallId()).not.toBe(waiting);
  });

  it('send(): errors of calls without an answer come as error events', () => {
    const { client, socket } = online();
    const errors = record(client, 'error');
    const id = client.send('typing');
    expect(id).not.toBeNull();
    socket().error('no_selected_room', { call: 'typing' }, id ?? undefined);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.[0]).toMatchObject({ code: 'no_selected_room' });
    expect(errors[0]?.[1]).toEqual({ own: true, id, call: 'typing' });
  });
});
