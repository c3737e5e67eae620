import type { SocketHandlers, SocketLike, SocketTarget } from '@chat/client';
import type { Message, Room, User } from '@chat/protocol';
import { ChatApi, type ChatApiOptions } from '../src/api/chatApi.ts';
import { createStore } from '../src/store/index.ts';

export interface SentCall {
  message: string;
  id?: string;
  [field: string]: unknown;
}

/**
 * The socket @chat/client's ChatClient is given in tests (its createSocket option): the test
 * plays the server. Like partysocket's, one object lives across reconnects.
 */
export class FakeSocket implements SocketLike {
  sent: string[] = [];
  isOpen = false;
  closed = false;
  reconnects = 0;

  constructor(
    readonly target: SocketTarget,
    private readonly handlers: SocketHandlers,
  ) {}

  // ---- what the client calls
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
    this.drop(code, reason);
  }

  // ---- the server's side
  url(): string {
    return this.target.url();
  }
  protocols(): string[] {
    return this.target.protocols();
  }
  open(): void {
    this.isOpen = true;
    this.handlers.open();
  }
  drop(code = 1006, reason = ''): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.handlers.close(code, reason);
  }
  raw(data: string): void {
    this.handlers.message(data);
  }
  result(message: string, data: Record<string, unknown> = {}, id?: string): void {
    const payload = id === undefined ? { message, ...data } : { message, ...data, id };
    this.raw(JSON.stringify({ type: 'result', payload }));
  }
  error(message: string, data: Record<string, unknown> = {}): void {
    this.raw(
      JSON.stringify({ type: 'error', payload: { message, detail: `${message} detail`, ...data } }),
    );
  }
  /** The calls sent, parsed. */
  calls(): SentCall[] {
    return this.sent.map((s) => (JSON.parse(s) as { payload: SentCall }).payload);
  }
  callsOf(message: string): SentCall[] {
    return this.calls().filter((c) => c.message === message);
  }
  lastCall(message: string): SentCall | undefined {
    return this.callsOf(message).at(-1);
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

/** A ChatApi on a fake socket, started; `socket()` is the socket its client made. */
export function setup(options: Pick<ChatApiOptions, 'now' | 'batch'> = {}) {
  const store = createStore();
  const storage = memoryStorage();
  let socket: FakeSocket | null = null;
  const sounds: boolean[] = [];
  const api = new ChatApi(store, {
    url: 'http://chat.test',
    storage,
    client: {
      createSocket: (target, handlers) => (socket = new FakeSocket(target, handlers)),
      // no probes unless a test asks for them
      heartbeatMs: 3_600_000,
      heartbeatTimeoutMs: 3_600_000,
    },
    onNewMessage: (own) => sounds.push(own),
    ...options,
  });
  api.start();
  return {
    store,
    api,
    storage,
    sounds,
    socket: (): FakeSocket => {
      if (!socket) throw new Error('no socket yet');
      return socket;
    },
  };
}

/** Lets promise callbacks (answers settling requests) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
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
    owner: null,
    locked: false,
    visibility: 'public',
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
    edited: null,
    deleted: null,
    reply_to: null,
    reactions: [],
    rev: seq,
  };
}

export function range(from: number, to: number, roomUuid = 'r1', author?: User): Message[] {
  const out: Message[] = [];
  for (let s = from; s <= to; s++) out.push(msg(s, roomUuid, author));
  return out;
}

export function drawing(roomUuid = 'r1', lines: unknown[] = []) {
  return { uuid: `d-${roomUuid}`, name: 'drawing', lines, room_uuid: roomUuid };
}
