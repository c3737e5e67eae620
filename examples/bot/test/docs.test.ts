import { readFileSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { roomsNamed } from '@chat/client';
import { next } from '../../../packages/client/test/helpers/server.ts';
import { chatServer, scratch, TSX } from '../../../packages/cli/test/helpers.ts';

const MINIMAL = new URL('../src/minimal.ts', import.meta.url);
const DOC = new URL('../../../docs/bots.md', import.meta.url);

const chat = chatServer();

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
      chat.spawn(['--import', TSX, MINIMAL.pathname, chat.server.url, 'Ping'], dir, dir);
    try {
      const client = await chat.client();
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
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
