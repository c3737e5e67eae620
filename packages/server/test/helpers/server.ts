import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../src/app.ts';
import type { Room } from '@chat/protocol';
import type { Config } from '../../src/config.ts';
import type { Logger } from '../../src/logger.ts';
import { TestClient } from './client.ts';

/** Storages every server test runs on. */
export const STORAGES = (process.env.TEST_STORAGES?.split(',') ?? ['memory', 'sqlite']) as (
  'memory' | 'sqlite'
)[];
export type StorageKind = (typeof STORAGES)[number];

export interface TestServer extends RunningServer {
  dir: string;
  /** Stops the server and removes its files. */
  dispose(): Promise<void>;
}

/** Rate limits and address quotas that tests, all on one address, never reach. */
export const GENEROUS_LIMITS = {
  rateLimitPerSecond: 100_000,
  rateLimitBurst: 100_000,
  addressCallsPerSecond: 1_000_000,
  addressNewUsersPerHour: 10_000_000,
  addressRoomsPerHour: 10_000_000,
  addressMessageBytesPerSecond: 1_000_000_000,
} satisfies Partial<Config>;

/** Timings of a server under test: throttles that fold changes within 50 ms instead of 1 s. */
export const FAST_TIMINGS = {
  roomChangeIntervalMs: 50,
} satisfies Partial<Config>;

/** A real server on a random loopback port, on fresh storage of the given kind. */
export async function testServer(
  kind: StorageKind,
  config: Partial<Config> & { logger?: Logger } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'chat-test-'));
  const storage =
    kind === 'memory' ? 'memory' : kind === 'sqlite' ? `sqlite:${join(dir, 'chat.db')}` : kind;
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    storage,
    logLevel: (process.env.TEST_LOG_LEVEL as Config['logLevel'] | undefined) ?? 'silent',
    staticDir: join(dir, 'www'),
    // generous: tests send bursts from one address; rate limits and quotas have their own tests
    ...GENEROUS_LIMITS,
    // short: what the tests wait for comes sooner (the same rules, at test speed)
    ...FAST_TIMINGS,
    ...config,
  });
  return {
    ...server,
    dir,
    async dispose() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Two clients in one room (a created it) and one outside it, with their queues drained. */
export interface RoomFixture {
  a: TestClient;
  b: TestClient;
  outsider: TestClient;
  room: Room;
  close(): Promise<void>;
}

export async function roomWithMembers(server: TestServer): Promise<RoomFixture> {
  const [a, b, outsider] = (await Promise.all(
    [1, 2, 3].map(() => TestClient.connect(server.url)),
  )) as [TestClient, TestClient, TestClient];
  a.call('create_room');
  const room = (await a.next('room_created')).object;
  for (const c of [a, b]) {
    c.call('enter_room', { uuid: room.uuid });
    await c.next('drawing_got');
  }
  for (const c of [a, b, outsider]) c.drain();
  return {
    a,
    b,
    outsider,
    room,
    async close() {
      await Promise.all([a.close(), b.close(), outsider.close()]);
    },
  };
}
