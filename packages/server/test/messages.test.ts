import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Room } from '@chat/protocol';
import { TestClient } from './helpers/client.ts';
import { roomWithMembers, STORAGES, testServer, type TestServer } from './helpers/server.ts';

describe.each(STORAGES)('messages on %s', (kind) => {
  let server: TestServer;
  let a: TestClient;
  let b: TestClient;
  let outsider: TestClient;
  let room: Room;

  beforeEach(async () => {
    server = await testServer(kind);
    ({ a, b, outsider, room } = await roomWithMembers(server));
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close(), outsider.close()]);
    await server.dispose();
  });

  it('create_message: the room gets message_created, only the caller with its id; outsiders only see the sum move', async () => {
    // let the room go quiet after the fixture's entries: a quiet room's room_changed goes out at once
    // (the entries' broadcasts keep it throttled for up to two intervals)
    await new Promise((r) => setTimeout(r, 2 * server.config.roomChangeIntervalMs + 100));
    const id = a.call('create_message', { body: '  hello  ' });
    const mine = await a.next('message_created');
    const theirs = await b.next('message_created');
    expect(mine.id).toBe(id);
    expect(theirs.id).toBeUndefined();
    expect(theirs.object).toEqual(mine.object);
    const m = mine.object;
    expect(m).toMatchObject({
      body: 'hello',
      room_uuid: room.uuid,
      seq: 1,
      name: `message-${m.uuid}`,
      user: { uuid: a.user.uuid, name: a.user.name, room_uuid: room.uuid },
    });
    expect(new Date(m.created).toISOString()).toBe(m.created);
    const changed = await outsider.next('room_changed', (p) => p.object.sum > 0);
    expect(changed.object).toMatchObject({ uuid: room.uuid, sum: 1 });
    expect(changed.id).toBeUndefined();
    // the caller's own copy of the room_changed its message caused carries its id
    expect(await a.next('room_changed', (p) => p.object.sum === 1)).toMatchObject({ id });
    expect(await outsider.quiet(100, (f) => f.payload.message === 'message_created')).toEqual([]);
  });

  it('create_message outside a room is no_selected_room; a bad body is refused and nothing is stored', async () => {
    outsider.call('create_message', { body: 'hi' });
    expect(await outsider.error()).toMatchObject({
      message: 'no_selected_room',
      call: 'create_message',
    });
    a.call('create_message', { body: ' \n\t ' });
    expect((await a.error()).message).toBe('not_valid_body');
    a.call('create_message', { body: 'x'.repeat(10_001) });
    expect((await a.error()).message).toBe('not_valid_body');
    a.call('create_message', { body: 42 });
    expect((await a.error()).message).toBe('not_sufficient_data');
    a.call('create_message');
    expect((await a.error()).message).toBe('not_sufficient_data');
    // 10,000 code points of a 2-unit character are allowed
    a.call('create_message', { body: '😀'.repeat(10_000) });
    expect((await a.next('message_created')).object.seq).toBe(1);
  });

  it('bodies keep inner new lines and are never altered otherwise', async () => {
    const body = 'line 1\nline 2 <b>not html</b> & "quotes"';
    a.call('create_message', { body });
    expect((await b.next('message_created')).object.body).toBe(body);
  });

  it('seq runs 1, 2, 3 without gaps, in order for everyone, under a burst', async () => {
    for (let i = 0; i < 100; i++) {
      (i % 2 ? a : b).call('create_message', { body: `m${i}` }, null);
    }
    const seqs: number[] = [];
    while (seqs.length < 100) seqs.push((await a.next('message_created')).object.seq);
    expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('a moving sum is told to the room and to those in no room, not to those in other rooms', async () => {
    const elsewhere = await TestClient.connect(server.url);
    elsewhere.call('create_room');
    const other = (await elsewhere.next('room_created')).object;
    elsewhere.call('enter_room', { uuid: other.uuid });
    await elsewhere.next('drawing_got');
    // once the entries' own broadcasts are over (they go to everyone)
    await new Promise((r) => setTimeout(r, 2 * server.config.roomChangeIntervalMs + 100));
    elsewhere.drain();
    a.call('create_message', { body: 'counted' });
    await outsider.next('room_changed', (p) => p.object.uuid === room.uuid && p.object.sum === 1);
    await b.next('room_changed', (p) => p.object.uuid === room.uuid && p.object.sum === 1);
    expect(await elsewhere.quiet(200, (f) => f.payload.message === 'room_changed')).toEqual([]);
    // who is in a room is still told to everyone
    outsider.call('enter_room', { uuid: room.uuid });
    await elsewhere.next(
      'room_changed',
      (p) => p.object.uuid === room.uuid && p.object.user_count === 3,
      3000,
    );
    await elsewhere.close();
  });

  it('room_changed caused by a moving sum is coalesced and ends on the final count', async () => {
    for (let i = 0; i < 30; i++) a.call('create_message', { body: `m${i}` }, null);
    let last = 0;
    let count = 0;
    while (last < 30) {
      last = (await outsider.next('room_changed', () => true, 3000)).object.sum;
      count++;
    }
    // one per 50 ms here: far fewer than 30 however slow the machine (a loaded one takes
    // a few hundred ms for the 30)
    expect(count).toBeLessThan(10);
  });

  it('list_messages pages by seq: before, after, limit, has_more; both together is not_sufficient_data', async () => {
    for (let i = 1; i <= 120; i++) a.call('create_message', { body: `m${i}` }, null);
    await a.next('message_created', (p) => p.object.seq === 120);
    a.call('list_messages');
    let page = await a.next('messages_listed');
    expect(page.list.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 71 + i));
    expect(page).toMatchObject({ has_more: true, room_uuid: room.uuid });
    a.call('list_messages', { before: 71, limit: 60 });
    page = await a.next('messages_listed');
    expect(page.list.map((m) => m.seq)).toEqual(Array.from({ length: 60 }, (_, i) => 11 + i));
    expect(page.has_more).toBe(true);
    a.call('list_messages', { before: 11, limit: 60 });
    page = await a.next('messages_listed');
    expect(page.list.map((m) => m.seq)).toEqual(Array.from({ length: 10 }, (_, i) => 1 + i));
    expect(page.has_more).toBe(false);
    a.call('list_messages', { after: 115 });
    page = await a.next('messages_listed');
    expect(page.list.map((m) => m.seq)).toEqual([116, 117, 118, 119, 120]);
    expect(page.has_more).toBe(false);
    a.call('list_messages', { after: 0, limit: 3 });
    page = await a.next('messages_listed');
    expect(page.list.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(page.has_more).toBe(true);
    a.call('list_messages', { limit: 1000 });
    expect((await a.next('messages_listed')).list).toHaveLength(120);
    a.call('list_messages', { before: 5, after: 1 });
    expect((await a.error()).message).toBe('not_sufficient_data');
    a.call('list_messages', { before: '5' });
    expect((await a.error()).message).toBe('not_sufficient_data');
    outsider.call('list_messages');
    expect((await outsider.error()).message).toBe('no_selected_room');
  });

  it('enter_room sends only the newest 50 messages', async () => {
    for (let i = 1; i <= 60; i++) a.call('create_message', { body: `m${i}` }, null);
    await a.next('message_created', (p) => p.object.seq === 60);
    outsider.call('enter_room', { uuid: room.uuid });
    const page = await outsider.next('messages_listed');
    expect(page.list.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 11 + i));
    expect(page.has_more).toBe(true);
  });

  it('pages of long messages stay within 1 MiB, and paging goes on through all of them', async () => {
    // 10,000 characters that JSON writes as 6 bytes each: 60 KB a message, 3.6 MB in all
    const body = (i: number) => `${i} ${'\u0001'.repeat(9_990)}`;
    for (let i = 1; i <= 60; i++) a.call('create_message', { body: body(i) }, null);
    await a.next('message_created', (p) => p.object.seq === 60, 10_000);
    const bytes = (list: unknown[]) => Buffer.byteLength(JSON.stringify(list));
    outsider.call('enter_room', { uuid: room.uuid });
    const first = await outsider.next('messages_listed');
    expect(first.has_more).toBe(true);
    expect(first.list.at(-1)!.seq).toBe(60);
    expect(bytes(first.list)).toBeLessThanOrEqual(1024 * 1024);
    expect(first.list.length).toBeGreaterThan(10);
    const seen = first.list.map((m) => m.seq);
    for (let before = seen[0]!; before > 1;) {
      outsider.call('list_messages', { before, limit: 200 });
      const page = await outsider.next('messages_listed');
      expect(bytes(page.list)).toBeLessThanOrEqual(1024 * 1024);
      seen.unshift(...page.list.map((m) => m.seq));
      before = page.list[0]!.seq;
      expect(page.has_more).toBe(before > 1);
    }
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    // forwards too: the oldest that fit, and has_more
    outsider.call('list_messages', { after: 0, limit: 200 });
    const forward = await outsider.next('messages_listed');
    expect(forward.list[0]!.seq).toBe(1);
    expect(forward.has_more).toBe(true);
    expect(bytes(forward.list)).toBeLessThanOrEqual(1024 * 1024);
  });

  it('a joiner gets every message exactly once across the join, while others keep sending', async () => {
    let sent = 0;
    const sending = (async () => {
      for (; sent < 200; sent++) {
        a.call('create_message', { body: `m${sent}` }, null);
        if (sent % 10 === 0) await new Promise((r) => setTimeout(r, 1));
      }
    })();
    await new Promise((r) => setTimeout(r, 5));
    outsider.call('enter_room', { uuid: room.uuid });
    const listed = await outsider.next('messages_listed');
    await sending;
    await a.next('message_created', (p) => p.object.seq === 200);
    const live: number[] = [];
    const last = listed.list.at(-1)?.seq ?? 0;
    while (last + live.length < 200) live.push((await outsider.next('message_created')).object.seq);
    expect(
      [...listed.list.map((m) => m.seq), ...live].slice(-(200 - last + listed.list.length)),
    ).toEqual(
      Array.from(
        { length: 200 - last + listed.list.length },
        (_, i) => last - listed.list.length + 1 + i,
      ),
    );
    expect(await outsider.quiet(100, (f) => f.payload.message === 'message_created')).toEqual([]);
  });

  it('typing reaches the others in the room only, at most once per 2 s per user', async () => {
    a.call('typing');
    a.call('typing');
    // the same user on a new connection (resumed) is still the same typist
    const again = await TestClient.connect(server.url, { token: a.token });
    again.call('enter_room', { uuid: room.uuid });
    await again.next('drawing_got');
    again.call('typing');
    a = again;
    expect((await b.next('user_typing')).object.uuid).toBe(a.user.uuid);
    expect(await b.quiet(150, (f) => f.payload.message === 'user_typing')).toEqual([]);
    expect(await a.quiet(0, (f) => f.payload.message === 'user_typing')).toEqual([]);
    expect(await outsider.quiet(0, (f) => f.payload.message === 'user_typing')).toEqual([]);
    outsider.call('typing');
    expect((await outsider.error()).message).toBe('no_selected_room');
  });

  it('change_user_name: user_changed to the caller, room_changed to all when in a room', async () => {
    const id = a.call('change_user_name', { name: '  Alice ' });
    expect(await a.next('user_changed')).toMatchObject({
      id,
      object: { uuid: a.user.uuid, name: 'Alice', room_uuid: room.uuid },
    });
    const changed = await outsider.next(
      'room_changed',
      (p) => p.id === undefined && p.object.users.some((u) => u.name === 'Alice'),
    );
    expect(changed.object.users.find((u) => u.uuid === a.user.uuid)?.name).toBe('Alice');
    a.call('create_message', { body: 'hi' });
    expect((await b.next('message_created')).object.user.name).toBe('Alice');
    outsider.call('change_user_name', { name: 'Bob' });
    expect((await outsider.next('user_changed')).object.name).toBe('Bob');
    expect(
      await b.quiet(
        100,
        (f) => f.payload.message === 'room_changed' && JSON.stringify(f).includes('Bob'),
      ),
    ).toEqual([]);
    // empty, too long, control characters, nothing visible, a direction override
    for (const name of ['', 'x'.repeat(65), 'a\u0000b', '\u200b\u3164\u2800', 'ab\u202ecd']) {
      a.call('change_user_name', { name });
      expect((await a.error()).message).toBe('not_valid_name');
    }
    a.call('change_user_name', { name: ['x'] });
    expect((await a.error()).message).toBe('not_sufficient_data');
  });
});
