import type { Message, Room, User } from '@chat/protocol';
import { ChatClient, type SocketLike } from '../src/api/client.ts';
import { createStore } from '../src/store/index.ts';

export class FakeSocket implements SocketLike {
  readyState = 0;
  sent: string[] = [];
  onopen: ((ev: Event) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  closed = false;
  reconnects = 0;
  constructor(readonly url: () => string) {}
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.closed = true;
  }
  reconnect() {
    this.reconnects++;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
  result(message: string, data: Record<string, unknown> = {}, id?: string) {
    const payload = id === undefined ? { message, ...data } : { message, ...data, id };
    this.onmessage?.(
      new MessageEvent('message', { data: JSON.stringify({ type: 'result', payload }) }),
    );
  }
  error(message: string, data: Record<string, unknown> = {}) {
    const payload = { message, detail: `${message} detail`, ...data };
    this.onmessage?.(
      new MessageEvent('message', { data: JSON.stringify({ type: 'error', payload }) }),
    );
  }
  /** The calls sent, parsed. */
  calls(): { message: string; id?: string; [k: string]: unknown }[] {
    return this.sent.map(
      (s) => (JSON.parse(s) as { payload: { message: string; id?: string } }).payload,
    );
  }
  lastCall(message: string) {
    const all = this.calls().filter((c) => c.message === message);
    return all[all.length - 1];
  }
}

export function memoryStorage() {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    data,
  };
}

export function setup(options: { now?: () => number } = {}) {
  const store = createStore();
  const storage = memoryStorage();
  let socket: FakeSocket | null = null;
  const sounds: boolean[] = [];
  const client = new ChatClient(store, {
    storage,
    location: { protocol: 'http:', host: 'chat.test' },
    createSocket: (url) => (socket = new FakeSocket(url)),
    onNewMessage: (own) => sounds.push(own),
    ...options,
  });
  client.start();
  return { store, client, storage, socket: () => socket!, sounds };
}

export function user(n: number, room: string | null = null): User {
  return { uuid: `u${n}`, name: `user-${n}`, room_uuid: room };
}

export function room(n: number, extra: Partial<Room> = {}): Room {
  return {
    uuid: `r${n}`,
    name: `room-${n}`,
    color: '#5da247',
    users: [],
    sum: 0,
    created: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    user_count: 0,
    ...extra,
  };
}

export function msg(
  seq: number,
  roomUuid = 'r1',
  author: User = user(2),
  body = `m${seq}`,
): Message {
  return {
    uuid: `m-${roomUuid}-${seq}`,
    body,
    name: `message-${seq}`,
    user: author,
    room_uuid: roomUuid,
    created: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    seq,
  };
}

export function range(from: number, to: number, roomUuid = 'r1', author?: User): Message[] {
  const out: Message[] = [];
  for (let s = from; s <= to; s++) out.push(msg(s, roomUuid, author));
  return out;
}
