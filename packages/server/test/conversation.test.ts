import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message, Room } from '@chat/protocol';
import { TestClient } from './helpers/client.ts';
import { roomWithMembers, STORAGES, testServer, type TestServer } from './helpers/server.ts';

describe.each(STORAGES)('the conversation on %s', (kind) => {
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

  async function say(c: TestClient, body: string, extra: Record<string, unknown> = {}) {
    const id = c.call('create_message', { body, ...extra });
    return (await c.next('message_created', (p) => p.id === id)).object;
  }

  /** The error answering call `id`. */
  async function refused(c: TestClient, call: string, fields: Record<string, unknown>) {
    const id = c.call(call, fields);
    const error = await c.error();
    expect(error).toMatchObject({ call, id });
    return error.message;
  }

  async function page(c: TestClient): Promise<Message[]> {
    const id = c.call('list_messages', {});
    return (await c.next('messages_listed', (p) => p.id === id)).list;
  }

  it('edit_message: the author edits, the room sees it with edited and a higher rev, outsiders nothing', async () => {
    const m = await say(a, 'helo');
    const id = a.call('edit_message', { uuid: m.uuid, body: '  hello  ' });
    const mine = await a.next('message_changed');
    const theirs = await b.next('message_changed');
    expect(mine.id).toBe(id);
    expect(theirs.id).toBeUndefined();
    expect(mine.object).toEqual(theirs.object);
    expect(mine.object).toMatchObject({ uuid: m.uuid, seq: m.seq, body: 'hello', deleted: null });
    expect(mine.object.edited).not.toBeNull();
    expect(mine.object.rev).toBeGreaterThan(m.rev);
    expect((await page(b)).find((x) => x.uuid === m.uuid)).toEqual(mine.object);
    expect(await outsider.quiet(100, (f) => f.payload.message === 'message_changed')).toEqual([]);
  });

  it('edit_message refuses: another author, an unknown or deleted message, a bad body, no room', async () => {
    const m = await say(a, 'mine');
    expect(await refused(b, 'edit_message', { uuid: m.uuid, body: 'yours' })).toBe(
      'not_message_author',
    );
    expect(await refused(a, 'edit_message', { uuid: crypto.randomUUID(), body: 'x' })).toBe(
      'no_specified_message',
    );
    expect(await refused(a, 'edit_message', { uuid: m.uuid, body: ' ' })).toBe('not_valid_body');
    expect(await refused(a, 'edit_message', { uuid: m.uuid })).toBe('not_sufficient_data');
    expect(await refused(outsider, 'edit_message', { uuid: m.uuid, body: 'x' })).toBe(
      'no_selected_room',
    );
    a.call('delete_message', { uuid: m.uuid });
    await a.next('message_deleted');
    expect(await refused(a, 'edit_message', { uuid: m.uuid, body: 'back' })).toBe(
      'no_specified_message',
    );
    // nothing changed by the refusals
    expect((await page(a)).map((x) => [x.body, x.edited])).toEqual([['', null]]);
  });

  it("delete_message: the room sees it emptied in its place; only its author (or the room's owner) may; a message of another room is not found", async () => {
    // a created the room: it owns it; b does not
    const first = await say(b, 'first');
    const second = await say(a, 'second');
    expect(await refused(b, 'delete_message', { uuid: second.uuid })).toBe('not_message_author');
    const id = a.call('delete_message', { uuid: second.uuid });
    const mine = await a.next('message_deleted');
    expect(mine.id).toBe(id);
    expect((await b.next('message_deleted')).object).toEqual(mine.object);
    expect(mine.object).toMatchObject({ uuid: second.uuid, seq: 2, body: '', reply_to: null });
    expect(mine.object.deleted).not.toBeNull();
    expect((await page(a)).map((x) => [x.seq, x.body])).toEqual([
      [1, 'first'],
      [2, ''],
    ]);
    expect(await refused(a, 'delete_message', { uuid: second.uuid })).toBe('no_specified_message');
    // a message of another room, named from this one
    outsider.call('create_room', {});
    const other = (await outsider.next('room_created')).object;
    outsider.call('enter_room', { uuid: other.uuid });
    await outsider.next('drawing_got');
    const elsewhere = await say(outsider, 'elsewhere');
    expect(await refused(a, 'delete_message', { uuid: elsewhere.uuid })).toBe(
      'no_specified_message',
    );
    expect(await refused(outsider, 'delete_message', { uuid: first.uuid })).toBe(
      'no_specified_message',
    );
  });

  it("react toggles the caller's reaction, told to the room; one emoji, at most 20 different", async () => {
    const m = await say(a, 'party?');
    const id = b.call('react', { uuid: m.uuid, emoji: '🎉' });
    const added = await b.next('message_changed', (p) => p.id === id);
    expect(added.object.reactions).toEqual([{ emoji: '🎉', count: 1, users: [b.user.uuid] }]);
    expect((await a.next('message_changed')).object.reactions).toEqual(added.object.reactions);
    a.call('react', { uuid: m.uuid, emoji: '🎉' });
    const both = await a.next('message_changed', (p) => p.object.reactions[0]?.count === 2);
    expect(both.object.reactions[0]!.users).toEqual([b.user.uuid, a.user.uuid]);
    b.call('react', { uuid: m.uuid, emoji: '🎉' });
    const taken = await b.next('message_changed', (p) => p.object.reactions[0]?.count === 1);
    expect(taken.object.reactions).toEqual([{ emoji: '🎉', count: 1, users: [a.user.uuid] }]);
    for (const emoji of ['ok', '🎉🎉', '', ':tada:', 'a🎉']) {
      expect(await refused(b, 'react', { uuid: m.uuid, emoji })).toBe('not_valid_emoji');
    }
    // flags, skin tones, families and a pictograph without its selector are one emoji each
    for (const emoji of ['🇫🇷', '👍🏽', '👨‍👩‍👧', '❤', '❤️', '1️⃣']) {
      b.call('react', { uuid: m.uuid, emoji });
      await b.next('message_changed', (p) => p.object.reactions.some((r) => r.emoji === emoji));
    }
    const more = ['😀', '😃', '😄', '😁', '😆', '😅', '😂', '🤣', '😊', '😇', '🙂', '🙃', '😉'];
    for (const emoji of more) {
      b.call('react', { uuid: m.uuid, emoji });
      await b.next('message_changed', (p) => p.object.reactions.some((r) => r.emoji === emoji));
    }
    expect(await refused(b, 'react', { uuid: m.uuid, emoji: '🚀' })).toBe('not_valid_emoji');
    expect(await refused(b, 'react', { uuid: crypto.randomUUID(), emoji: '🚀' })).toBe(
      'no_specified_message',
    );
    expect(await refused(outsider, 'react', { uuid: m.uuid, emoji: '🚀' })).toBe(
      'no_selected_room',
    );
  });

  it('create_message with reply_to carries the answered message as it was', async () => {
    const q = await say(a, `question ${'?'.repeat(300)}`);
    const r = await say(b, 'answer', { reply_to: q.uuid });
    expect(r.reply_to).toEqual({
      uuid: q.uuid,
      seq: q.seq,
      name: a.user.name,
      excerpt: [...q.body].slice(0, 200).join(''),
    });
    expect((await a.next('message_created', (p) => p.object.uuid === r.uuid)).object).toEqual(r);
    // the reply keeps its quote when the original changes or goes
    a.call('delete_message', { uuid: q.uuid });
    await a.next('message_deleted');
    expect((await page(a)).find((x) => x.uuid === r.uuid)?.reply_to).toEqual(r.reply_to);
    expect(await refused(b, 'create_message', { body: 'to nothing', reply_to: q.uuid })).toBe(
      'no_specified_message',
    );
    expect(await refused(b, 'create_message', { body: 'x', reply_to: crypto.randomUUID() })).toBe(
      'no_specified_message',
    );
    expect(await refused(b, 'create_message', { body: 'x', reply_to: 7 })).toBe(
      'not_sufficient_data',
    );
    expect((await page(a)).map((x) => x.seq)).toEqual([1, 2]);
  });

  it("search_messages: the room's messages holding every word, newest first, paged", async () => {
    for (const body of ['Hello world', 'unrelated', 'hello there, World!', 'worldwide hellos']) {
      await say(a, body);
    }
    // whole words: "worldwide hellos" has neither
    const id = b.call('search_messages', { query: ' hello WORLD ', limit: 1 });
    const found = await b.next('messages_found', (p) => p.id === id);
    expect(found).toMatchObject({ query: 'hello WORLD', has_more: true, room_uuid: room.uuid });
    expect(found.list.map((m) => m.seq)).toEqual([3]);
    const next = b.call('search_messages', { query: 'hello WORLD', before: 3 });
    const rest = await b.next('messages_found', (p) => p.id === next);
    expect([rest.list.map((m) => m.seq), rest.has_more]).toEqual([[1], false]);
    expect(await refused(b, 'search_messages', { query: '   ' })).toBe('not_valid_query');
    expect(await refused(b, 'search_messages', { query: 'x'.repeat(201) })).toBe('not_valid_query');
    expect(await refused(outsider, 'search_messages', { query: 'hello' })).toBe('no_selected_room');
  });

  it('a client that was away catches up on every edit, deletion, reaction and new message by rev', async () => {
    const m1 = await say(a, 'one');
    const m2 = await say(a, 'two');
    await say(a, 'three');
    const seen = Math.max(...(await page(b)).map((m) => m.rev));
    const token = b.token;
    await b.close();
    a.call('edit_message', { uuid: m1.uuid, body: 'uno' });
    await a.next('message_changed');
    a.call('delete_message', { uuid: m2.uuid });
    await a.next('message_deleted');
    a.call('react', { uuid: m1.uuid, emoji: '👍' });
    await a.next('message_changed', (p) => p.object.reactions.length > 0);
    await say(a, 'four');
    b = await TestClient.connect(server.url, { token });
    b.call('enter_room', { uuid: room.uuid });
    await b.next('drawing_got');
    const id = b.call('list_messages', { changed_after: seen, limit: 2 });
    const first = await b.next('messages_listed', (p) => p.id === id);
    expect(first).toMatchObject({ changed_after: seen, has_more: true });
    const next = b.call('list_messages', { changed_after: first.list.at(-1)!.rev });
    const second = await b.next('messages_listed', (p) => p.id === next);
    expect(second.has_more).toBe(false);
    const changes = [...first.list, ...second.list];
    // each message once, as it is now, oldest change first
    expect(changes.map((m) => [m.seq, m.body, m.reactions.length])).toEqual([
      [2, '', 0],
      [1, 'uno', 1],
      [4, 'four', 0],
    ]);
    const revs = changes.map((m) => m.rev);
    expect(revs).toEqual([...revs].sort((x, y) => x - y));
    expect(revs[0]).toBeGreaterThan(seen);
    expect(await refused(b, 'list_messages', { changed_after: 0, after: 1 })).toBe(
      'not_sufficient_data',
    );
  });

  it('an original client hears no changes but its history shows them', async () => {
    const original = await TestClient.open(server.url, { path: '/', version: 1 });
    try {
      original.call('enter_room', { uuid: room.uuid });
      await original.next('drawing_got');
      const m = await say(a, 'typo');
      await original.next('message_created');
      a.call('edit_message', { uuid: m.uuid, body: 'fixed' });
      await b.next('message_changed');
      a.call('delete_message', { uuid: m.uuid });
      await b.next('message_deleted');
      expect(
        await original.quiet(150, (f) => /^message_(changed|deleted)$/.test(f.payload.message)),
      ).toEqual([]);
      const id = original.call('list_messages', {});
      const listed = await original.next('messages_listed', (p) => p.id === id);
      expect(listed.list.map((x) => [x.body, x.deleted !== null])).toEqual([['', true]]);
    } finally {
      await original.close();
    }
  });
});

describe('ping', () => {
  it('answers pong with the server time, to the caller alone, in a room or not', async () => {
    const server = await testServer('memory');
    const fixture = await roomWithMembers(server);
    const { a, b, outsider } = fixture;
    try {
      for (const c of [a, outsider]) {
        const id = c.call('ping', {});
        const pong = await c.next('pong', (p) => p.id === id);
        expect(Math.abs(Date.parse(pong.time) - Date.now())).toBeLessThan(5_000);
      }
      expect(await b.quiet(100, (f) => f.payload.message === 'pong')).toEqual([]);
    } finally {
      await fixture.close();
      await server.dispose();
    }
  });
});
