import { randomUUID } from 'node:crypto';
import type { Message, Room, User } from '@chat/protocol';
import {
  ChatClient,
  type ChatClientOptions,
  type ClientListeners,
  type SocketHandlers,
  type SocketLike,
  type SocketTarget,
} from '../../src/index.ts';

interface SentPayload {
  message: string;
  id?: string;
  [field: string]: unknown;
}

/** A socket the test drives: it plays the server. */
export class FakeSocket implements SocketLike {
  readonly sent: string[] = [];
  isOpen = false;
  closed = false;
  reconnects = 0;
  private read = 0;

  constructor(
    readonly target: SocketTarget,
    private readonly handlers: SocketHandlers,
  ) {}

  // ---- SocketLike (called by the client) -----------------------------------------------
  send(data: string): void {
    if (!this.isOpen) throw new Error(`sent while not open: ${data}`);
    this.sent.push(data);
  }
  close(code = 1000, reason = ''): void {
    this.closed = true;
    this.drop(code, reason);
  }
  reconnect(code = 1000, reason = ''): void {
    this.reconnects++;
    this.closed = false;
    this.drop(code, reason);
  }

  // ---- the server's side ----------------------------------------------------------------
  open(): void {
    this.isOpen = true;
    this.handlers.open();
  }
  /** Opens and sends the greeting. */
  greet(user: User, token = 'tok-' + user.uuid, resumed = false): void {
    this.open();
    this.result('user_created', { object: user, token, resumed });
    this.result('rooms_listed', { list: [], cursor: null });
  }
  drop(code = 1006, reason = ''): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.handlers.close(code, reason);
  }
  raw(data: string): void {
    this.handlers.message(data);
  }
  result(message: string, data: object = {}, id?: string): void {
    const payload = id === undefined ? { message, ...data } : { message, ...data, id };
    this.raw(JSON.stringify({ type: 'result', payload }));
  }
  error(message: string, data: object = {}, id?: string): void {
    const payload = { message, detail: `${message} detail`, ...data, ...(id ? { id } : {}) };
    this.raw(JSON.stringify({ type: 'error', payload }));
  }

  /** Every call sent, parsed. */
  calls(): SentPayload[] {
    return this.sent.map((s) => (JSON.parse(s) as { payload: SentPayload }).payload);
  }
  /** The calls sent since the last time this was asked. */
  newCalls(): SentPayload[] {
    const all = this.calls();
    const fresh = all.slice(this.read);
    this.read = all.length;
    return fresh;
  }
  last(message: string): SentPayload {
    const found = this.calls().filter((c) => c.message === message);
    const call = found[found.length - 1];
    if (!call) throw new Error(`no ${message} was sent`);
    return call;
  }
  /** Answers the room session's enter_room with the three frames. */
  answerEnter(room: Room, messages: Message[], hasMore = false): void {
    const id = this.last('enter_room').id;
    this.result('room_entered', { object: room }, id);
    this.result('messages_listed', { list: messages, has_more: hasMore, room_uuid: room.uuid }, id);
    this.result('drawing_got', { object: drawing(room.uuid) }, id);
  }
}

export function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    data,
  };
}

/** A client on a fake socket; `socket()` is the socket the client made. */
export function fakeClient(options: Partial<ChatClientOptions> = {}) {
  let socket: FakeSocket | null = null;
  const client = new ChatClient({
    url: 'http://chat.test',
    createSocket: (target, handlers) => (socket = new FakeSocket(target, handlers)),
    heartbeatMs: 60_000,
    heartbeatTimeoutMs: 60_000,
    ...options,
  });
  return {
    client,
    socket: (): FakeSocket => {
      if (!socket) throw new Error('no socket yet');
      return socket;
    },
  };
}

/** Records every event of a kind. */
export function record<K extends keyof ClientListeners>(client: ChatClient, name: K) {
  const seen: Parameters<ClientListeners[K]>[] = [];
  client.on(name, ((...args: Parameters<ClientListeners[K]>) => {
    seen.push(args);
  }) as ClientListeners[K]);
  return seen;
}

export function user(name = 'Ann', room: string | null = null): User {
  return { uuid: randomUUID(), name, room_uuid: room };
}

export function room(uuid: string = randomUUID(), users: User[] = []): Room {
  return {
    uuid,
    name: 'Kitchen',
    color: '#cf2e24',
    users,
    sum: 0,
    created: '2026-11-28T01:02:03.456Z',
    owner: null,
    locked: false,
    visibility: 'public',
    user_count: users.length,
  };
}

export function message(roomUuid: string, seq: number, author: User, body = `m${seq}`): Message {
  return {
    uuid: randomUUID(),
    body,
    name: 'message',
    user: author,
    room_uuid: roomUuid,
    created: '2026-11-28T01:02:03.456Z',
    seq,
    edited: null,
    deleted: null,
    reply_to: null,
    reactions: [],
    rev: seq,
  };
}

export function messages(roomUuid: string, from: number, to: number, author: User): Message[] {
  const list: Message[] = [];
  for (let s = from; s <= to; s++) list.push(message(roomUuid, s, author));
  return list;
}

export function drawing(roomUuid: string) {
  return { uuid: randomUUID(), name: 'drawing', lines: [], room_uuid: roomUuid };
}

/** Lets promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}
