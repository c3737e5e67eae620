import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  addRoom,
  DESKTOP,
  enterRoom,
  launch,
  messageRow,
  open,
  send,
  shot,
  startChat,
  waitFor,
  type ChatServer,
  type Opened,
} from './helpers.ts';

let server: ChatServer;
let browser: Browser;
let a: Opened;
let b: Opened;
let room = '';

beforeAll(async () => {
  server = await startChat();
  browser = await launch();
  a = await open(browser, server.url, DESKTOP);
  b = await open(browser, server.url, DESKTOP);
  room = await addRoom(a.page);
  await enterRoom(a.page, room);
  await enterRoom(b.page, room);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the conversation in two browsers', () => {
  it('a reply, an edit, reactions and a deletion show in the other browser', async () => {
    const nameA = (await a.page.getByTestId('my-name').textContent())!;
    await send(a.page, 'is anyone here');
    // B answers it
    const question = await messageRow(b.page, 'is anyone here');
    await question.getByRole('button', { name: 'Reply' }).click();
    await b.page.locator('.composer-bar', { hasText: `Replying to ${nameA}` }).waitFor();
    await send(b.page, 'I am');
    const answer = await messageRow(a.page, 'I am');
    await expect(answer.locator('.reply-quote').textContent()).resolves.toContain('is anyone here');
    // A fixes its message with the Up arrow in the empty box
    const box = a.page.getByRole('textbox', { name: 'Write a message...' });
    await box.press('ArrowUp');
    await a.page.locator('.composer-bar', { hasText: 'Editing your message' }).waitFor();
    await expect(box.inputValue()).resolves.toBe('is anyone here');
    await box.fill('is anyone here?');
    await box.press('Enter');
    const edited = await messageRow(b.page, 'is anyone here\\?');
    await edited.locator('.message-edited').waitFor();
    // B reacts; A adds the same reaction by its chip
    await edited.getByRole('button', { name: 'Add a reaction' }).click();
    await edited.getByRole('button', { name: 'React with 🎉' }).click();
    const chipA = (await messageRow(a.page, 'is anyone here\\?')).locator('.reaction');
    await chipA.filter({ hasText: '1' }).waitFor();
    await chipA.click();
    await chipA.filter({ hasText: '2' }).waitFor();
    await expect(chipA.getAttribute('aria-pressed')).resolves.toBe('true');
    await edited.locator('.reaction', { hasText: '2' }).waitFor();
    await expect(edited.locator('.reaction').getAttribute('title')).resolves.toBe(
      `🎉 by you, ${nameA}`,
    );
    await shot(a.page, 'desktop-conversation');
    // B takes its answer back, after saying yes twice
    const mine = await messageRow(b.page, 'I am');
    await mine.getByRole('button', { name: 'Delete' }).click();
    await mine.getByRole('button', { name: 'Delete', exact: true }).click();
    await a.page.locator('.message.deleted').waitFor();
    await expect(a.page.locator('.message-body', { hasText: /^I am$/ }).count()).resolves.toBe(0);
    // naming someone: their browser marks the message, the others' do not
    const nameB = (await b.page.getByTestId('my-name').textContent())!;
    await send(a.page, `@${nameB} are you there`);
    await b.page
      .locator('.message.mention', { hasText: 'are you there' })
      .waitFor({ timeout: 5_000 });
    await a.page.locator('.message-body', { hasText: 'are you there' }).waitFor();
    await expect(a.page.locator('.message.mention').count()).resolves.toBe(0);
    // only one's own messages offer edit and delete
    const theirs = await messageRow(a.page, 'is anyone here\\?');
    await expect(theirs.getByRole('button', { name: 'Edit' }).count()).resolves.toBe(1);
    const others = b.page.locator('.message-row', { hasText: 'is anyone here?' });
    await others.hover();
    await expect(others.getByRole('button', { name: 'Edit' }).count()).resolves.toBe(0);
    // the room's link, to share it
    await a.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: server.url,
    });
    await a.page.getByRole('button', { name: 'Copy link' }).click();
    await a.page.getByRole('button', { name: 'Link copied' }).waitFor();
    await expect(a.page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(
      `${server.url}/room/${room}`,
    );
  });

  it('a room read before counts what came since in the room list, and marks where it begins', async () => {
    for (const o of [a, b]) await o.page.getByRole('button', { name: 'Go back' }).click();
    const other = await addRoom(b.page);
    await enterRoom(b.page, other);
    await send(b.page, 'read by A');
    await enterRoom(a.page, other);
    await a.page.locator('.message-body', { hasText: 'read by A' }).waitFor();
    // A leaves for the lobby; B writes three more
    await a.page.getByRole('button', { name: 'Go back' }).click();
    for (const text of ['unread one', 'unread two', 'unread three']) await send(b.page, text);
    const badge = a.page.locator(`.room-item[data-room-uuid="${other}"] .unread-badge`);
    const count = badge.locator('[aria-hidden="true"]');
    await waitFor(async () => (await count.textContent()) === '3', 5_000, 'a count of 3');
    await expect(badge.getAttribute('title')).resolves.toBe('3 unread messages');
    // the room A is in counts nothing; a room never read here neither
    await shot(a.page, 'desktop-unread');
    await enterRoom(a.page, other);
    const divider = a.page.locator('.new-separator');
    await divider.waitFor();
    // right above the first unread
    const [line, first] = await Promise.all([
      divider.boundingBox(),
      a.page.locator('.message-row', { hasText: 'unread one' }).boundingBox(),
    ]);
    expect(line!.y).toBeLessThan(first!.y);
    await a.page.getByRole('button', { name: 'Go back' }).click();
    await a.page.locator(`.room-item[data-room-uuid="${other}"]`).waitFor();
    await expect(badge.count()).resolves.toBe(0);
    await b.page.getByRole('button', { name: 'Go back' }).click();
    for (const o of [a, b]) await enterRoom(o.page, room);
  });

  it('a reply to a message 500 back jumps to it, loading the pages between', async () => {
    const storage = server.storage!;
    const u = { uuid: randomUUID(), name: 'Seeder', room_uuid: room };
    const add = (body: string, extra: object = {}) =>
      storage.messages.add({
        uuid: randomUUID(),
        room_uuid: room,
        body,
        user: u,
        created: new Date().toISOString(),
        ...extra,
      }) as Promise<{ uuid: string; seq: number }>;
    const original = await add('the original, far back');
    for (let i = 0; i < 500; i++) await add(`filler ${i}`);
    await add('answering the original', {
      reply_to: { uuid: original.uuid, seq: original.seq, name: 'Seeder', excerpt: 'the original' },
    });
    await b.page.reload();
    await b.page.locator('.message-body', { hasText: 'answering the original' }).waitFor();
    await b.page
      .locator('.message', { hasText: 'answering the original' })
      .locator('.reply-quote')
      .click();
    const target = b.page.locator(`.message[data-seq="${original.seq}"]`);
    await target.waitFor({ timeout: 10_000 });
    await waitFor(
      async () => {
        const box = await target.boundingBox();
        const list = await b.page.locator('.message-list').boundingBox();
        return box !== null && list !== null && box.y >= list.y && box.y < list.y + list.height;
      },
      5_000,
      'the original in view',
    );
    await expect(target.getAttribute('class')).resolves.toContain('jumped');
    await shot(b.page, 'desktop-reply-jump');
    // the same message found by a search of the room, from the newest messages
    await b.page.reload();
    await b.page.locator('.message-body', { hasText: 'answering the original' }).waitFor();
    await b.page.getByRole('button', { name: 'Search messages' }).click();
    const box = b.page.getByRole('searchbox', { name: 'Search messages' });
    await box.fill('FAR original');
    await box.press('Enter');
    const results = b.page.locator('.search-result');
    await results.first().waitFor();
    await expect(results.count()).resolves.toBe(1);
    await shot(b.page, 'desktop-message-search');
    await results.first().click();
    await waitFor(
      async () => (await target.getAttribute('class'))?.includes('jumped') === true,
      10_000,
      'the found message in view',
    );
  });
});
