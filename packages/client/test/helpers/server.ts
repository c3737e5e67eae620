import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { socketProtocols, socketUrl } from '@chat/protocol';
import { startServer, type RunningServer } from '../../../server/src/app.ts';
import type { Config } from '../../../server/src/config.ts';
import { ChatClient, type ChatClientOptions, type ClientListeners } from '../../src/index.ts';
import { memoryStorage } from './fakes.ts';

/** Rate limits and address quotas these tests, all from one address, never reach. */
const GENEROUS = {
  rateLimitPerSecond: 100_000,
  rateLimitBurst: 100_000,
  addressCallsPerSecond: 1_000_000,
  addressNewUsersPerHour: 10_000_000,
  addressRoomsPerHour: 10_000_000,
  addressMessageBytesPerSecond: 1_000_000_000,
} satisfies Partial<Config>;

export interface ChatServer extends RunningServer {
  dispose(): Promise<void>;
}

/** The real chat server in this process, on a random loopback port, storing in memory. */
export async function chatServer(config: Partial<Config> = {}): Promise<ChatServer> {
  const dir = mkdtempSync(join(tmpdir(), 'chat-client-test-'));
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    storage: 'memory',
    logLevel: 'silent',
    staticDir: join(dir, 'www'),
    ...GENEROUS,
    ...config,
  });
  return {
    ...server,
    async dispose() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A client on the `ws` package, reconnecting fast, with its own token storage. */
export function nodeClient(url: string, options: Partial<ChatClientOptions> = {}) {
  const storage = memoryStorage();
  const client = new ChatClient({
    url,
    WebSocket,
    storage,
    reconnect: { minDelayMs: 20, maxDelayMs: 200, connectionTimeoutMs: 2_000 },
    ...options,
  });
  return { client, storage };
}

/** The next event of that name (that passes `where`), or a rejection after `ms`. */
export function next<K extends keyof ClientListeners>(
  client: ChatClient,
  name: K,
  where: (...args: Parameters<ClientListeners[K]>) => boolean = () => true,
  ms = 5_000,
): Promise<Parameters<ClientListeners[K]>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${String(name)} event within ${ms} ms`));
    }, ms);
    const off = client.on(name, ((...args: Parameters<ClientListeners[K]>) => {
      if (!where(...args)) return;
      clearTimeout(timer);
      off();
      resolve(args);
    }) as ClientListeners[K]);
  });
}

/** Resolves once the client is in that state. */
export async function until(client: ChatClient, state: ChatClient['state'], ms = 5_000) {
  if (client.state === state) return;
  await next(client, 'state', (s) => s === state, ms);
}

/** Connects and waits for the identity. */
export async function online(url: string, options: Partial<ChatClientOptions> = {}) {
  const made = nodeClient(url, options);
  made.client.connect();
  await until(made.client, 'online');
  return made;
}

/**
 * Whether the server answers a create_message repeated with the same id (same identity) with
 * the message it already stored instead of storing it twice: asked with a bare socket.
 */
export async function serverDedupesMessageIds(url: string): Promise<boolean> {
  const ws = new WebSocket(socketUrl(url), socketProtocols(null));
  const frames: { message: string; id?: string; object?: { uuid: string } }[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data: Buffer) => {
    frames.push(
      (JSON.parse(data.toString('utf8')) as { payload: (typeof frames)[number] }).payload,
    );
    for (const w of waiters.splice(0)) w();
  });
  const frame = async (message: string, id: string) => {
    for (;;) {
      const found = frames.find((f) => f.message === message && f.id === id);
      if (found) {
        frames.splice(frames.indexOf(found), 1);
        return found;
      }
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  const call = (message: string, id: string, fields: object = {}) =>
    ws.send(JSON.stringify({ type: 'call', payload: { ...fields, message, id } }));
  try {
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    call('create_room', 'r');
    const room = (await frame('room_created', 'r')).object?.uuid;
    call('enter_room', 'e', { uuid: room });
    await frame('drawing_got', 'e');
    call('create_message', 'dup', { body: 'probe' });
    const first = await frame('message_created', 'dup');
    call('create_message', 'dup', { body: 'probe' });
    const second = await frame('message_created', 'dup');
    return first.object?.uuid === second.object?.uuid;
  } finally {
    ws.close();
  }
}
