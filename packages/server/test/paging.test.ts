import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@chat/protocol';
import { TestClient } from './helpers/client.ts';
import { STORAGES, testServer, type TestServer } from './helpers/server.ts';

const TOTAL = 100_000;

describe.each(STORAGES)('a room with 100,000 messages on %s', (kind) => {
  let server: TestServer;
  let roomUuid: string;

  beforeAll(async () => {
    server = await testServer(kind);
    const c = await TestClient.connect(server.url);
    c.call('create_room', { name: 'big' });
    roomUuid = (await c.next('room_created')).object.uuid;
    await c.close();
    const storage = server.storage;
    const user = { uuid: randomUUID(), name: 'writer', room_uuid: roomUuid };
    const created = new Date().toISOString();
    for (let i = 0; i < TOTAL; i += 1000) {
      await Promise.all(
        Array.from({ length: 1000 }, (_, j) =>
          storage.messages.add({
            uuid: randomUUID(),
            room_uuid: roomUuid,
            body: `m${i + j + 1}`,
            user,
            created,
          }),
        ),
      );
    }
  }, 120_000);
  afterAll(async () => {
    await server.dispose();
  });

  it('enter_room answers with the newest 50, and paging back reaches the first without gaps', async () => {
    const c = await TestClient.connect(server.url);
    c.call('enter_room', { uuid: roomUuid });
    const entered = await c.next('room_entered');
    expect(entered.object.sum).toBe(TOTAL);
    const first = await c.next('messages_listed');
    expect(first.list).toHaveLength(50);
    expect(first.list[0]!.seq).toBe(TOTAL - 49);
    expect(first.list.at(-1)!.seq).toBe(TOTAL);
    expect(first.has_more).toBe(true);
    let oldest = first.list[0]!.seq;
    let expected = TOTAL - 50;
    let pages = 0;
    let page: { list: Message[]; has_more: boolean };
    do {
      c.call('list_messages', { before: oldest, limit: 200 });
      page = await c.next('messages_listed');
      for (let i = page.list.length - 1; i >= 0; i--) {
        const m = page.list[i]!;
        if (m.seq !== expected || m.body !== `m${expected}`)
          throw new Error(`expected seq ${expected}, got ${m.seq}`);
        expected--;
      }
      oldest = page.list[0]?.seq ?? oldest;
      pages++;
    } while (page.has_more);
    expect(expected).toBe(0);
    expect(oldest).toBe(1);
    expect(pages).toBe(Math.ceil((TOTAL - 50) / 200));
    await c.close();
  }, 120_000);
});
