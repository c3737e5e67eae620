/**
 * The server under test, in its own process: the chat server (startServer) or the bare
 * baseline, with bench-only IPC commands: memory and CPU stats, and direct storage seeding.
 * Run by the orchestrator: `node --import tsx [--expose-gc] bench/server-process.ts CONFIG_JSON`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ROOM_COLORS, type User } from '@chat/protocol';
import { monotonicClock, startServer, type RunningServer } from '../packages/server/src/app.ts';
import { newTimeId } from '../packages/server/src/ids.ts';

/** Creation times that keep the order rooms are made in, as the server's own. */
const roomClock = monotonicClock();
import { startBareServer, type BareServer } from './bare-server.ts';
import type { ServerCommands, ServerConfig, ServerReady, ServerStats } from './lib/commands.ts';
import { serve } from './lib/ipc.ts';
import { seededRoomName } from './lib/roomNames.ts';

const config = JSON.parse(process.argv[2] ?? '{}') as ServerConfig;
const MAX = 1_000_000;

let dir: string | undefined;
let storageSpec = config.storage ?? 'sqlite-temp';
if (storageSpec === 'sqlite-temp') {
  dir = mkdtempSync(join(tmpdir(), 'chat-bench-'));
  storageSpec = `sqlite:${join(dir, 'chat.db')}`;
}

let chat: RunningServer | undefined;
let bare: BareServer | undefined;
if (config.kind === 'chat') {
  chat = await startServer({
    port: 0,
    host: '127.0.0.1',
    storage: storageSpec,
    logLevel: 'silent',
    staticDir: config.staticDir ?? '/nonexistent',
    rateLimitPerSecond: MAX,
    rateLimitBurst: MAX,
    maxConnectionsPerIp: MAX,
    // as many sockets as the bare server may hold (by default a tenth of the descriptors stays
    // free for the database and logs: the idle scenario leaves 100 itself)
    maxSockets: MAX,
    // every generated client comes from one address
    addressCallsPerSecond: MAX,
    addressNewUsersPerHour: MAX,
    addressRoomsPerHour: MAX,
    addressMessageBytesPerSecond: MAX,
    ...(config.maxBufferedBytes !== undefined ? { maxBufferedBytes: config.maxBufferedBytes } : {}),
  });
} else {
  bare = await startBareServer();
}

function services() {
  if (!chat) throw new Error('only the chat server stores anything');
  return chat;
}

async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  for (let i = 0; i < 3; i++) {
    gc();
    await nextTurn();
  }
}

const body = (n: number, bytes: number) => `seed message ${n} `.padEnd(bytes, 'x');

serve<ServerCommands>(
  {
    async stats({ gc }) {
      if (gc) await collectGarbage();
      const m = process.memoryUsage();
      const cpu = process.cpuUsage();
      const s: ServerStats = {
        rss: m.rss,
        heapUsed: m.heapUsed,
        heapTotal: m.heapTotal,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
        cpuMs: (cpu.user + cpu.system) / 1000,
        wallMs: performance.now(),
        connections: chat ? chat.hub.size : (bare?.connections() ?? 0),
      };
      return s;
    },
    async createRoom({ name }) {
      const s = services();
      const uuid = randomUUID();
      await s.storage.rooms.create({
        uuid,
        name: name ?? `bench room ${uuid.slice(0, 8)}`,
        color: ROOM_COLORS[0],
        created: roomClock(),
        drawing_uuid: randomUUID(),
      });
      return uuid;
    },
    async seedMessages({ room, count, concurrency, bodyBytes }) {
      const { storage } = services();
      const uuid = randomUUID();
      const user: User = { uuid, name: `user-${uuid}`, room_uuid: room };
      return inBatches(count, concurrency, (k) =>
        storage.messages.add({
          // as the server makes a message's uuid
          uuid: newTimeId(),
          room_uuid: room,
          body: body(k, bodyBytes),
          user,
          created: new Date().toISOString(),
        }),
      );
    },
    async seedRooms({ count, concurrency }) {
      const s = services();
      return inBatches(count, concurrency, (k) =>
        s.storage.rooms.create({
          uuid: randomUUID(),
          name: seededRoomName(k),
          color: ROOM_COLORS[k % ROOM_COLORS.length]!,
          created: roomClock(),
          drawing_uuid: randomUUID(),
        }),
      );
    },
    async roomSums({ rooms }) {
      const { storage } = services();
      let total = 0;
      for (const uuid of rooms) total += (await storage.rooms.get(uuid))?.sum ?? 0;
      return total;
    },
  },
  {
    port: chat?.port ?? bare?.port ?? 0,
    pid: process.pid,
    storage: config.kind === 'chat' ? storageSpec : 'none',
  } satisfies ServerReady,
  async () => {
    await chat?.stop();
    await bare?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  },
);

/** Runs `make(k)` for k = 0..count-1, `concurrency` at a time (so group commit has work). */
async function inBatches(
  count: number,
  concurrency: number,
  make: (k: number) => Promise<unknown>,
): Promise<{ ms: number }> {
  const t0 = performance.now();
  for (let done = 0; done < count; done += concurrency) {
    const n = Math.min(concurrency, count - done);
    await Promise.all(Array.from({ length: n }, (_, i) => make(done + i)));
  }
  return { ms: performance.now() - t0 };
}
