import type { CallInput } from '@chat/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roomsNamed, type ChatClient } from '../src/index.ts';
import { chatServer, online, type ChatServer } from './helpers/server.ts';

let server: ChatServer;
let client: ChatClient;

beforeAll(async () => {
  server = await chatServer();
  client = (await online(server.url)).client;
});
afterAll(async () => {
  client.close();
  await server.dispose();
});

describe('roomsNamed', () => {
  it('finds rooms by their whole name, the exact spelling first, oldest first', async () => {
    const make = async (name: string) =>
      (await client.request('create_room', { name })).object.uuid;
    const lower = await make('kitchen');
    const first = await make('Kitchen');
    await make('Kitchen table');
    const second = await make('Kitchen');
    const found = await roomsNamed(client, '  Kitchen ');
    expect(found.map((r) => r.uuid)).toEqual([first, second, lower]);
    expect(await roomsNamed(client, 'Kitch')).toEqual([]);
  });

  it('pages through the search until its end', async () => {
    const target = (await client.request('create_room', { name: 'Attic' })).object.uuid;
    for (let i = 0; i < 5; i++) await client.request('create_room', { name: `Attic ${i}` });
    // pages of 2 rooms: the search reads several
    const pages: CallInput<'list_rooms'>[] = [];
    const small = {
      request: ((call: 'list_rooms', args: CallInput<'list_rooms'>) => {
        pages.push(args);
        return client.request(call, { ...args, limit: 2 });
      }) as ChatClient['request'],
    };
    const found = await roomsNamed(small, 'attic');
    expect(pages.length).toBe(3);
    expect(found.map((r) => r.uuid)).toEqual([target]);
  });
});
