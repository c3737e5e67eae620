import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import WebSocket from 'ws';
import { ChatClient } from '@chat/client';
import {
  addRoom,
  enterRoom,
  launch,
  online,
  open,
  renameRoom,
  send,
  shot,
  shownMessages,
  socketSwitch,
  startChat,
  tempSqlite,
  waitFor,
  type ChatServer,
  type Opened,
} from './helpers.ts';

const { storage, remove } = tempSqlite();
let server: ChatServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startChat({ storage }), launch()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  remove();
});

/** A protocol client (@chat/client on the ws package) that joins a room and posts messages. */
async function poster(url: string, room: string) {
  const client = new ChatClient({ url, WebSocket });
  client.connect();
  await client.enterRoom(room);
  return {
    async post(body: string) {
      await client.request('create_message', { body });
    },
    close: () => client.close(),
  };
}

/** Every message body of the room in B's list, scrolled through from the bottom to the top. */
async function allShown(o: Opened): Promise<string[]> {
  const seen = new Map<number, string>();
  const list = o.page.locator('.message-list');
  for (let i = 0; i < 200; i++) {
    const rows = await o.page
      .locator('.message[data-seq]')
      .evaluateAll((els) =>
        els.map(
          (e) =>
            [
              Number(e.getAttribute('data-seq')),
              e.querySelector('.message-body')?.textContent ?? '',
            ] as const,
        ),
      );
    const seqsOnScreen = rows.map(([s]) => s);
    expect(new Set(seqsOnScreen).size).toBe(seqsOnScreen.length);
    for (const [s, body] of rows) seen.set(s, body);
    const atTop = await list.evaluate((el) => el.scrollTop === 0);
    if (atTop && (await o.page.getByText('The beginning of this room.').count()) > 0) break;
    await list.hover();
    await o.page.mouse.wheel(0, -500);
    await o.page.waitForTimeout(60);
  }
  return [...seen.entries()].sort((x, y) => x[0] - y[0]).map(([, b]) => b);
}

describe('connection drops and server restarts', () => {
  it('fills the gap after a dropped connection: nothing lost, nothing doubled', async () => {
    const a = await open(browser, server.url);
    const b = await open(browser, server.url);
    // B's socket goes through a switch the test can open and close
    const socket = await socketSwitch(b.page);
    await b.page.reload();
    await online(b.page);
    const room = await addRoom(a.page);
    await renameRoom(a.page, room, 'Gap');
    await enterRoom(a.page, room);
    await enterRoom(b.page, room);
    await send(a.page, 'first');
    await b.page.locator('.message-body', { hasText: 'first' }).waitFor();

    await socket.cut();
    await b.page.locator('.connection-offline').waitFor();
    const p = await poster(server.url, room);
    for (let i = 1; i <= 120; i++) await p.post(`gap ${i}`);
    p.close();
    socket.restore();
    await online(b.page, 20_000);
    await b.page.locator('.message-body', { hasText: /^gap 120$/ }).waitFor({ timeout: 5_000 });
    const expected = ['first', ...Array.from({ length: 120 }, (_, i) => `gap ${i + 1}`)];
    await expect(allShown(b)).resolves.toEqual(expected);
    await shot(b.page, 'desktop-after-gap-fill');
    await a.context.close();
    await b.context.close();
  });

  it('survives a server restart with the same names and no duplicate or missing message', async () => {
    const a = await open(browser, server.url);
    const b = await open(browser, server.url);
    const room = await addRoom(a.page);
    await renameRoom(a.page, room, 'Persistent');
    await enterRoom(a.page, room);
    await enterRoom(b.page, room);
    await send(a.page, 'before 1');
    await send(b.page, 'before 2');
    await a.page.locator('.message-body', { hasText: 'before 2' }).waitFor();
    await b.page.locator('.message-body', { hasText: 'before 1' }).waitFor();
    const nameA = await a.page.getByTestId('my-name').textContent();
    const nameB = await b.page.getByTestId('my-name').textContent();

    const port = server.port;
    await server.stop();
    await a.page.locator('.connection-offline').waitFor();
    await b.page.locator('.connection-offline').waitFor();
    await send(b.page, 'written while down');
    await b.page.getByText('Not sent: waiting for the connection…').waitFor();
    await shot(b.page, 'desktop-offline');

    server = await startChat({ storage, port });
    await online(a.page, 20_000);
    await online(b.page, 20_000);
    await expect(a.page.getByTestId('my-name').textContent()).resolves.toBe(nameA);
    await expect(b.page.getByTestId('my-name').textContent()).resolves.toBe(nameB);
    await a.page
      .locator('.message-body', { hasText: 'written while down' })
      .waitFor({ timeout: 5_000 });
    await send(a.page, 'after 1');
    await b.page.locator('.message-body', { hasText: 'after 1' }).waitFor();
    const expected = ['before 1', 'before 2', 'written while down', 'after 1'];
    await waitFor(
      async () => JSON.stringify(await shownMessages(b.page)) === JSON.stringify(expected),
      3_000,
      'B shows every message once',
    );
    await expect(shownMessages(a.page)).resolves.toEqual(expected);
    await expect(b.page.locator('.message.pending').count()).resolves.toBe(0);
    // both are back in the room
    await a.page.getByRole('button', { name: 'Show users' }).click();
    await a.page.locator('.user-list', { hasText: nameB! }).waitFor();
    await a.context.close();
    await b.context.close();
  });
});
