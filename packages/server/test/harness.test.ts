import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Harness } from './helpers/harness.ts';

/** The in-process harness itself: a node without a network, for fast call tests. */
describe('the in-process harness', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('serves calls as a served node does: replies with ids, broadcasts, a leave on close', async () => {
    const [a, b] = [await h.connect(), await h.connect()];
    const id = a.call('create_room', { name: 'kitchen' });
    const created = await a.next('room_created');
    expect(created).toMatchObject({ id, object: { name: 'kitchen' } });
    expect((await b.next('room_created')).id).toBeUndefined();
    for (const c of [a, b]) {
      c.call('enter_room', { uuid: created.object.uuid });
      await c.next('drawing_got');
    }
    a.call('create_message', { body: 'hi' });
    expect((await b.next('message_created')).object.body).toBe('hi');
    await b.close();
    const left = await a.next('room_changed', (p) => p.object.user_count === 1);
    expect(left.object.users.map((u) => u.uuid)).toEqual([a.user.uuid]);
  });

  it('resumes an identity with its token, and an original client is told only what the original said', async () => {
    const first = await h.connect();
    const again = await h.connect({ token: first.token });
    expect(again.resumed).toBe(true);
    expect(again.user.uuid).toBe(first.user.uuid);
    expect(await first.closed).toBe(4000);
    const original = await h.connect({ version: 1 });
    again.call('create_room');
    const room = (await again.next('room_created')).object;
    for (const c of [again, original]) {
      c.call('enter_room', { uuid: room.uuid });
      await c.next('drawing_got');
    }
    again.call('typing');
    again.call('create_message', { body: 'after typing' });
    await original.next('message_created');
    expect(original.received.map((f) => f.payload.message)).not.toContain('user_typing');
  });
});
