import { rmSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { roomsNamed } from '@chat/client';
import type { Message } from '@chat/protocol';
import { next, until } from '../../../packages/client/test/helpers/server.ts';
import { chatServer, scratch, TSX } from '../../../packages/cli/test/helpers.ts';
import { HELP } from '../src/answers.ts';
import { DiceBot, type BotOptions } from '../src/bot.ts';

const MAIN = new URL('../src/main.ts', import.meta.url).pathname;

// a kick's minute lasts 100 ms
const chat = chatServer({ kickMinuteMs: 100 });

async function bot(room: string, options: Partial<BotOptions> = {}) {
  const made = new DiceBot({
    url: chat.server.url,
    room,
    name: 'DiceBot',
    client: { WebSocket, reconnect: { minDelayMs: 20, maxDelayMs: 200 } },
    answerIntervalMs: 10,
    ...options,
  });
  chat.after(() => made.stop());
  return { bot: made, room: await made.start() };
}

/** Someone in the room (a plain @chat/client), who asks and reads the bot's answers. */
async function asker(uuid: string) {
  const client = await chat.client();
  await client.request('change_user_name', { name: 'ann' });
  await client.enterRoom(uuid);
  return {
    client,
    /** Says `body`, resolves with the bot's next message. */
    async ask(body: string): Promise<Message> {
      const answered = next(
        client,
        'message_created',
        (p) => p.object.user.name === 'DiceBot' && !p.object.body.startsWith('!'),
      );
      await client.request('create_message', { body });
      return (await answered)[0].object;
    },
  };
}

describe('the dice bot', () => {
  it('makes its room when none has the name, answers !roll 2d6 with two dice and !help', async () => {
    const { room } = await bot('Game night');
    expect(room.name).toBe('Game night');
    const ann = await asker(room.uuid);
    for (let i = 0; i < 5; i++) {
      const reply = await ann.ask('!roll 2d6');
      const [, a, b, total] = /^ann rolled 2d6: (\d+) \+ (\d+) = (\d+)$/.exec(reply.body)!;
      for (const die of [a, b]) expect(Number(die)).toBeGreaterThanOrEqual(1);
      for (const die of [a, b]) expect(Number(die)).toBeLessThanOrEqual(6);
      expect(Number(total)).toBe(Number(a) + Number(b));
      expect(Number(total)).toBeGreaterThanOrEqual(2);
      expect(Number(total)).toBeLessThanOrEqual(12);
    }
    expect((await ann.ask('!help')).body).toBe(HELP);
    expect((await ann.ask('!roll 3 bananas')).body).toBe(
      'ann: "3 bananas" is not dice notation: write NdM for N dice of M sides, as in 2d6 or d20+3.',
    );
    expect((await ann.ask('!roll 1000d6')).body).toBe(
      'ann: Roll from 1 to 100 dice at a time (not 1000).',
    );
  });

  it('enters an existing room by name or uuid, answers once per question, never itself', async () => {
    const client = await chat.client();
    const made = (await client.request('create_room', { name: 'Tavern' })).object;
    const byName = await bot('Tavern');
    expect(byName.room.uuid).toBe(made.uuid);
    byName.bot.stop();
    const { bot: b } = await bot(made.uuid);
    const ann = await asker(made.uuid);
    // the bot's own "!help" is not a question to it: one answer, to ann's
    await b.client.request('create_message', { body: '!help' });
    await ann.ask('!roll d20');
    await ann.ask('!help');
    const said = (await b.client.request('list_messages', {})).list;
    expect(said.map((m) => `${m.user.name}: ${m.body.replace(/: \d+$/, ': N')}`)).toEqual([
      'DiceBot: !help',
      'ann: !roll d20',
      'DiceBot: ann rolled 1d20: N',
      'ann: !help',
      `DiceBot: ${HELP}`,
    ]);
    expect(await roomsNamed(client, 'Tavern')).toHaveLength(1);
  });

  it('keeps answering after its connection drops', async () => {
    const proxy = await chat.proxy();
    const { bot: b, room } = await bot('Shaky table', { url: proxy.url });
    const ann = await asker(room.uuid);
    await ann.ask('!roll 1d6');
    proxy.drop();
    await until(b.client, 'offline');
    await until(b.client, 'online');
    // asked while it enters the room again, then once it is back
    expect((await ann.ask('!roll 1d4+1')).body).toMatch(/rolled 1d4\+1: [1-4] \+ 1 = [2-5]$/);
    expect((await ann.ask('!roll d2')).body).toMatch(/rolled 1d2: [12]$/);
  });
  it('comes back to its room after a kick, and answers again', async () => {
    const owner = await chat.client();
    const made = (await owner.request('create_room', { name: 'Strict' })).object;
    await owner.enterRoom(made.uuid);
    const { bot: b } = await bot(made.uuid);
    const ann = await asker(made.uuid);
    await ann.ask('!roll d6');
    const kicked = next(b.client, 'user_kicked');
    await owner.request('kick_user', { uuid: made.uuid, user: b.client.user!.uuid, minutes: 1 });
    await kicked;
    expect(b.client.room).toBeNull();
    await next(b.client, 'room_entered', () => true, 10_000);
    expect(b.client.room).toBe(made.uuid);
    expect((await ann.ask('!roll d6')).body).toMatch(/rolled 1d6: [1-6]$/);
  });
});

describe('its program', () => {
  it('runs from the command line, keeps its identity, stops on SIGTERM', async () => {
    const home = scratch();
    try {
      const start = () =>
        chat.spawn(['--import', TSX, MAIN, chat.server.url, 'Parlour', '--name', 'Dicey'], home);
      const first = start();
      await first.line('out', /in the room Parlour/);
      const client = await chat.client();
      const [room] = await roomsNamed(client, 'Parlour');
      await client.enterRoom(room!.uuid);
      const answered = next(client, 'message_created', (p) => p.object.user.name === 'Dicey');
      await client.request('create_message', { body: '!roll 2d6' });
      expect((await answered)[0].object.body).toMatch(/ rolled 2d6: \d+ \+ \d+ = \d+$/);
      const uuid = (await answered)[0].object.user.uuid;
      first.signal('SIGTERM');
      await expect(first.exited).resolves.toBe(0);

      const second = start();
      await second.line('out', /in the room Parlour/);
      const back = next(client, 'message_created', (p) => p.object.user.uuid === uuid);
      await client.request('create_message', { body: '!help' });
      await back;
      second.signal('SIGINT');
      await expect(second.exited).resolves.toBe(0);

      const bad = chat.spawn(['--import', TSX, MAIN, chat.server.url], join(home, 'x'));
      await expect(bad.exited).resolves.toBe(2);
      expect(bad.lines.err[0]).toBe('error: give URL and ROOM');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
