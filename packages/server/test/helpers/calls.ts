import { expect } from 'vitest';
import type { ErrorPayload, Room } from '@chat/protocol';
import type { TestClient } from './client.ts';

/** The short conversations with the server that many tests have. */

/** Creates a room; resolves with it once the caller's own copy arrives. */
export async function createRoom(
  c: TestClient,
  fields: Record<string, unknown> = {},
): Promise<Room> {
  const id = c.call('create_room', fields);
  return (await c.next('room_created', (p) => p.id === id)).object;
}

/** Enters a room; resolves once its drawing (the entry's last answer) arrived. */
export async function enterRoom(c: TestClient, room: string): Promise<void> {
  c.call('enter_room', { uuid: room });
  await c.next('drawing_got');
}

/** Makes a call that must fail: resolves with the error answering it. */
export async function refused(
  c: TestClient,
  call: string,
  fields: Record<string, unknown> = {},
): Promise<ErrorPayload> {
  const id = c.call(call, fields);
  const error = await c.error();
  expect(error).toMatchObject({ call, id });
  return error;
}

/** The uuids of the rooms a client is listed (a search with `query`). */
export async function listedRooms(c: TestClient, query?: string): Promise<string[]> {
  const id = c.call('list_rooms', query === undefined ? {} : { query });
  return (await c.next('rooms_listed', (p) => p.id === id)).list.map((r) => r.uuid);
}
