import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roomsNamed } from '@chat/client';
import { testServer, type TestServer } from '../../../packages/server/test/helpers/server.ts';
import { next, online } from '../../../packages/client/test/helpers/server.ts';
import { Child, scratch, TSX } from '../../../packages/cli/test/helpers.ts';

const MINIMAL = new URL('../src/minimal.ts', import.meta.url);
const DOC = new URL('../../../docs/bots.md', import.meta.url);

let server: TestServer;

beforeAll(async () => {
  server = await testServer('memory');
});
afterAll(async () => {
  await server.dispose();
});

describe('docs/bots.md', () => {
  it('shows the minimal bot as it is in examples/bot/src/minimal.ts', () => {
    const doc = readFileSync(DOC, 'utf8');
    const section = doc.slice(doc.indexOf('## A minimal bot'));
    const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code).toBe(readFileSync(MINIMAL, 'utf8'));
  });

  it('whose minimal bot answers !ping, as the same user on its next run', async () => {
    const dir = scratch();
    const start = () =>
      new Child(['--import', TSX, MINIMAL.pathname, server.url, 'Ping'], dir, dir);
    try {
      const { client } = await online(server.url);
      await client.request('change_user_name', { name: 'ann' });
      const ping = async () => {
        const answered = next(client, 'message_created', (p) => p.object.body.startsWith('pong'));
        await client.request('create_message', { body: '!ping' });
        return (await answered)[0].object;
      };
      const uuids: string[] = [];
      for (let run = 0; run < 2; run++) {
        const bot = start();
        await bot.line('out', /^in Ping; Ctrl-C stops$/);
        if (run === 0) await client.enterRoom((await roomsNamed(client, 'Ping'))[0]!.uuid);
        const pong = await ping();
        expect(pong.body).toBe('pong, ann');
        uuids.push(pong.user.uuid);
        bot.signal('SIGINT');
        await expect(bot.exited).resolves.toBe(0);
      }
      expect(uuids[1]).toBe(uuids[0]);
      client.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
