/**
 * Storage alone, in its own process: messages committed per second through
 * `storage.addMessage` with many concurrent callers (group commit batches them).
 * `node --import tsx bench/storage-process.ts '{"kind":"sqlite"}'` or
 * `'{"kind":"postgres","url":"postgres://...","schema":"bench_..."}'`.
 */
import { randomUUID } from 'node:crypto';
import { newTimeId } from '../packages/server/src/ids.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOM_COLORS, type User } from '@chat/protocol';
import { openStorage, type Storage } from '../packages/server/src/storage/index.ts';
import { STORAGE_LIMITS } from '../packages/server/src/storage/storage.ts';
import { SqlStorage } from '../packages/server/src/storage/sql/sqlStorage.ts';
import type { StorageCommands, StorageRunResult } from './lib/commands.ts';
import { Histogram } from './lib/histogram.ts';
import { serve } from './lib/ipc.ts';

interface StorageConfig {
  kind: 'sqlite' | 'postgres';
  url?: string;
  schema?: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as StorageConfig;
const limits = STORAGE_LIMITS;

let dir: string | undefined;
let storage: Storage;
if (config.kind === 'sqlite') {
  dir = mkdtempSync(join(tmpdir(), 'chat-bench-storage-'));
  storage = await openStorage(`sqlite:${join(dir, 'chat.db')}`, limits);
} else {
  if (!config.url) throw new Error('postgres needs a url');
  storage = await SqlStorage.open({
    kind: 'postgres',
    url: config.url,
    limits,
    ...(config.schema !== undefined ? { schema: config.schema } : {}),
  });
}

let roomNo = 0;
async function newRooms(n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const uuid = randomUUID();
    await storage.rooms.create({
      uuid,
      name: `storage bench ${++roomNo}`,
      color: ROOM_COLORS[1],
      created: new Date(Date.now() + roomNo).toISOString(),
      drawing_uuid: randomUUID(),
    });
    out.push(uuid);
  }
  return out;
}

serve<StorageCommands>(
  {
    async addMessages({ callers, rooms, durationMs, bodyBytes }) {
      const roomIds = await newRooms(rooms);
      const users: User[] = roomIds.map((room) => {
        const uuid = randomUUID();
        return { uuid, name: `user-${uuid}`, room_uuid: room };
      });
      const latency = new Histogram();
      const body = 'storage benchmark message '.padEnd(bodyBytes, 'x');
      let committed = 0;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const end = t0 + durationMs;
      await Promise.all(
        Array.from({ length: callers }, async (_, i) => {
          const k = i % roomIds.length;
          while (performance.now() < end) {
            const t = performance.now();
            const m = await storage.messages.add({
              // as the server makes a message's uuid
              uuid: newTimeId(),
              room_uuid: roomIds[k]!,
              body,
              user: users[k]!,
              created: new Date().toISOString(),
            });
            if (!m) throw new Error('room vanished');
            latency.record(performance.now() - t);
            committed++;
          }
        }),
      );
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const result: StorageRunResult = {
        committed,
        ms,
        perSecond: (committed * 1000) / ms,
        latency: latency.data(),
        cpu: { cpuMs: (cpu.user + cpu.system) / 1000, wallMs: ms },
      };
      return result;
    },
  },
  { pid: process.pid },
  async () => {
    await storage.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  },
);
