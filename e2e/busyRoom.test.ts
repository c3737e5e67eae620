import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import { CallError, ChatClient } from '@chat/client';
import type { Message } from '@chat/protocol';
import { addRoom, DESKTOP, e2eSuite, enterRoom, open, shot, waitFor } from './helpers.ts';

/** packages/web/src/store/messages.ts: MESSAGE_WINDOW and WINDOW_SLACK. */
const WINDOW = 2_000;
const SLACK = 100;
/** Messages posted quickly: more than twice the window. */
const BURST = 5_000;

const suite = e2eSuite();

/** A protocol client in the room; waits and posts again when the server asks it to. */
async function poster(room: string) {
  const client = new ChatClient({ url: suite.server.url, WebSocket });
  client.connect();
  await client.enterRoom(room);
  const post = async (body: string, reply_to?: string): Promise<Message> => {
    for (;;) {
      try {
        const reply = await client.request(
          'create_message',
          reply_to === undefined ? { body } : { body, reply_to },
        );
        return reply.object;
      } catch (err) {
        if (!(err instanceof CallError) || err.code !== 'rate_limited') throw err;
        await new Promise((r) => setTimeout(r, err.retryAfterMs ?? 100));
      }
    }
  };
  return { post, close: () => client.close() };
}

/** What the list holds and shows: data-held, and the seqs of the rows drawn. */
function listState(page: Page) {
  return page.evaluate(() => {
    const wrap = document.querySelector('.message-list-wrap');
    const seqs = [...document.querySelectorAll('.message[data-seq]')].map((e) =>
      Number(e.getAttribute('data-seq')),
    );
    const scroller = document.querySelector('.message-list');
    return {
      held: Number(wrap?.getAttribute('data-held') ?? NaN),
      seqs,
      atEnd: scroller
        ? scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= 60
        : false,
    };
  });
}

describe('a busy room', () => {
  it('keeps a window of messages at the bottom, loads older ones on scroll, keeps what is read', async () => {
    const a = await open(suite.browser, suite.server.url, DESKTOP);
    const page = a.page;
    const room = await addRoom(page);
    await enterRoom(page, room);
    const posters = await Promise.all(Array.from({ length: 8 }, () => poster(room)));
    const original = await posters[0]!.post('the original, at the start');

    // thousands of messages as fast as the server takes them; the page's list is sampled
    let most = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        most = Math.max(most, (await listState(page)).held || 0);
        await page.waitForTimeout(100);
      }
    })();
    let n = 0;
    let newest: number;
    try {
      await Promise.all(
        posters.map(async (p) => {
          while (n < BURST) await p.post(`busy message ${++n}`);
        }),
      );
      newest = (await posters[1]!.post('the newest')).seq;
      await page.locator(`.message[data-seq="${newest}"]`).waitFor({ timeout: 30_000 });
    } finally {
      sampling = false;
      await sampler;
    }
    await shot(page, 'busy-room-1280');

    // the store never held more than the window (and its slack), and ends at the newest
    expect(most).toBeGreaterThanOrEqual(WINDOW);
    expect(most).toBeLessThanOrEqual(WINDOW + SLACK);
    let s = await listState(page);
    expect(s.held).toBeLessThanOrEqual(WINDOW + SLACK);
    expect(Math.max(...s.seqs)).toBe(newest);
    expect(s.atEnd).toBe(true);
    // only what is in view (and a little around it) is drawn
    expect(s.seqs.length).toBeLessThan(100);
    const firstHeld = newest - s.held + 1;
    expect(await page.getByText('The beginning of this room.').count()).toBe(0);

    // scrolling up loads older pages again, without holes, and keeps them while reading
    const list = page.locator('.message-list');
    await list.hover();
    await waitFor(
      async () => {
        await page.mouse.wheel(0, -3_000);
        return (await listState(page)).held > s.held + 100;
      },
      20_000,
      'older pages while scrolling up',
    );
    s = await listState(page);
    const shown = [...s.seqs].sort((x, y) => x - y);
    expect(shown.every((q, i) => i === 0 || q === shown[i - 1]! + 1)).toBe(true);
    expect(s.atEnd).toBe(false);
    const readingHeld = s.held;
    for (let i = 0; i < 300; i++) await posters[i % posters.length]!.post(`while reading ${i}`);
    await waitFor(
      async () => (await listState(page)).held >= readingHeld + 300,
      10_000,
      'the messages posted while reading',
    );
    // nothing was let go while the reader was up there
    s = await listState(page);
    expect(Math.min(...s.seqs)).toBeLessThan(firstHeld);

    // back at the bottom, the list is cut back to the window and follows again
    await page.getByRole('button', { name: /^Jump to latest/ }).click();
    await waitFor(
      async () => (await listState(page)).held <= WINDOW,
      10_000,
      'the window again at the bottom',
    );
    const reply = await posters[2]!.post('answering the original', original.uuid);
    await page.locator(`.message[data-seq="${reply.seq}"]`).waitFor();
    s = await listState(page);
    expect(s.atEnd).toBe(true);
    expect(s.held).toBeLessThanOrEqual(WINDOW + SLACK);

    // the reply's original is 5,000 back, long let go: the quote loads the pages between
    await page
      .locator(`.message[data-seq="${reply.seq}"]`)
      .getByRole('button', { name: /^Go to the message/ })
      .click();
    const target = page.locator(`.message[data-seq="${original.seq}"]`);
    await target.waitFor({ timeout: 30_000 });
    await waitFor(
      () =>
        target.evaluate((el) => {
          const r = el.getBoundingClientRect();
          const box = document.querySelector('.message-list')!.getBoundingClientRect();
          return r.bottom > box.top && r.top < box.bottom;
        }),
      10_000,
      'the original in view',
    );
    // new messages do not pull the list away from the message jumped to, nor cut it away
    for (let i = 0; i < 50; i++) await posters[i % posters.length]!.post(`after the jump ${i}`);
    await page.waitForTimeout(500);
    expect(await target.isVisible()).toBe(true);
    expect(await page.getByText('The beginning of this room.').count()).toBe(1);

    expect(a.errors).toEqual([]);
    for (const p of posters) p.close();
    await a.context.close();
  });

  it('on a phone, the busy list follows its end', async () => {
    const a = await open(suite.browser, suite.server.url, {
      viewport: { width: 360, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    const page = a.page;
    const room = await addRoom(page);
    await enterRoom(page, room);
    const posters = await Promise.all(Array.from({ length: 4 }, () => poster(room)));
    let n = 0;
    let last: Message | undefined;
    await Promise.all(
      posters.map(async (p) => {
        while (n < 1_000) last = await p.post(`phone message ${++n} with some words in it`);
      }),
    );
    await page.locator(`.message[data-seq="${last!.seq}"]`).waitFor({ timeout: 30_000 });
    const s = await listState(page);
    expect(s.atEnd).toBe(true);
    await shot(page, 'busy-room-360');
    expect(a.errors).toEqual([]);
    for (const p of posters) p.close();
    await a.context.close();
  });
});
