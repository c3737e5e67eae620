import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TestClient } from './helpers/client.ts';
import { dropSchema, postgresUrlOrSkip, testSchemaName } from './helpers/postgres.ts';
import { GENEROUS_FLAGS, startServerProcess, type ServerProcess } from './helpers/process.ts';

/**
 * Crash safety: a message whose message_created reached its sender is in the history after
 * the server is killed with SIGKILL mid-burst and started again on the same storage.
 */
const dir = mkdtempSync(join(tmpdir(), 'chat-crash-'));
const servers = new Set<ServerProcess>();
afterAll(() => {
  servers.forEach((s) => s.child.kill('SIGKILL'));
  rmSync(dir, { recursive: true, force: true });
});

async function start(storage: string): Promise<ServerProcess> {
  const server = await startServerProcess('server', ['--storage', storage, ...GENEROUS_FLAGS], dir);
  servers.add(server);
  void server.exited.then(() => servers.delete(server));
  return server;
}

async function killedMidBurst(storage: string): Promise<{ acked: number; kept: number }> {
  let server = await start(storage);
  const writers = await Promise.all([1, 2, 3].map(() => TestClient.connect(server.url)));
  writers[0]!.call('create_room', { name: 'crash' });
  const room = (await writers[0]!.next('room_created')).object.uuid;
  for (const w of writers) {
    w.call('enter_room', { uuid: room });
    await w.next('drawing_got');
  }
  // every writer keeps sending; the acknowledgements are the sender's own copies (with its id)
  const acked = new Set<string>();
  let sending = true;
  const bursts = writers.map(async (w, k) => {
    for (let i = 0; sending; i++) {
      for (let j = 0; j < 20; j++)
        w.call('create_message', { body: `w${k} ${i}.${j}` }, `w${k}-${i}-${j}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  });
  const collect = (w: TestClient) => {
    w.ws.on('message', (data: Buffer) => {
      const f = JSON.parse(data.toString('utf8')) as {
        payload: { message: string; id?: string; object?: { uuid: string } };
      };
      if (f.payload.message === 'message_created' && f.payload.id)
        acked.add(f.payload.object!.uuid);
    });
  };
  writers.forEach(collect);
  while (acked.size < 1000) await new Promise((r) => setTimeout(r, 5));
  server.child.kill('SIGKILL');
  await Promise.all(writers.map((w) => w.closed));
  sending = false;
  await Promise.all(bursts);

  server = await start(storage);
  const reader = await TestClient.connect(server.url);
  reader.call('enter_room', { uuid: room });
  await reader.next('drawing_got');
  reader.drain();
  const stored = new Set<string>();
  let seq = 0;
  for (let after = 0; ;) {
    reader.call('list_messages', { after, limit: 200 });
    const page = await reader.next('messages_listed', (p) => p.id !== undefined);
    for (const m of page.list) {
      expect(m.seq).toBe(++seq);
      stored.add(m.uuid);
    }
    if (!page.has_more) break;
    after = page.list.at(-1)!.seq;
  }
  const missing = [...acked].filter((u) => !stored.has(u));
  expect(missing).toEqual([]);
  await reader.close();
  await server.stop();
  return { acked: acked.size, kept: stored.size };
}

describe('crash safety', () => {
  it('SQLite: every acknowledged message survives SIGKILL', async () => {
    const { acked, kept } = await killedMidBurst(`sqlite:${join(dir, 'chat.db')}`);
    console.info(
      `crash (SQLite): ${acked} acknowledged before SIGKILL, ${kept} in the history after restart, none missing`,
    );
  }, 60_000);

  const url = postgresUrlOrSkip();
  it.skipIf(!url)(
    'PostgreSQL: every acknowledged message survives SIGKILL',
    async () => {
      const schema = testSchemaName();
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`create schema ${admin.escapeIdentifier(schema)}`);
      await admin.end();
      try {
        const storage = `${url!}${url!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
        const { acked, kept } = await killedMidBurst(storage);
        console.info(
          `crash (PostgreSQL): ${acked} acknowledged before SIGKILL, ${kept} in the history after restart, none missing`,
        );
      } finally {
        await dropSchema(url!, schema);
      }
    },
    60_000,
  );
});
