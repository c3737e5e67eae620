import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import {
  addRoom,
  DESKTOP,
  e2eSuite,
  enterRoom,
  online,
  open,
  PHONE,
  renameRoom,
  roomItem,
  send,
  shot,
  startChat,
  type ChatServer,
  type Opened,
} from './helpers.ts';
import { ARTIFACTS } from './paths.ts';

const suite = e2eSuite();

/** `base` followed by combining marks (U+0301..U+036F, above and below), `length` code points in all. */
function zalgo(base: string, length: number): string {
  let s = base;
  for (let i = 0; [...s].length < length; i++) s += String.fromCodePoint(0x301 + (i % 0x6f));
  return s;
}

/** What the boxes of other text paint: the same CSS the app drops the clipping with. */
const UNCLIPPED = `
  .message, .room-item, .user-item, .log-item, .typing, .notice, .banner, .room-title,
  .room-title-text, .user-name, .search-state {
    overflow: visible !important;
    contain: none !important;
  }`;

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The box of `l`, 2 px in on every side: a screenshot of a box with fractional edges is
 * rounded outwards, and would take in a row of the element next to it.
 */
async function inside(l: Locator): Promise<Rect> {
  await l.scrollIntoViewIfNeeded();
  const b = (await l.boundingBox())!;
  const x = Math.ceil(b.x) + 2;
  const y = Math.ceil(b.y) + 2;
  return {
    x,
    y,
    width: Math.floor(b.x + b.width) - 2 - x,
    height: Math.floor(b.y + b.height) - 2 - y,
  };
}

/**
 * Whether `text` paints anything in `region`: the region is captured with the text shown and
 * with it hidden (visibility, so nothing moves), and the pixels compared.
 */
async function paintsOver(page: Page, text: Locator, region: Rect): Promise<boolean> {
  const options = { clip: region, animations: 'disabled', caret: 'hide' } as const;
  // a focus ring is not always painted alike twice
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const shown = await page.screenshot(options);
  await text.evaluate((el: HTMLElement) => (el.style.visibility = 'hidden'));
  const hidden = await page.screenshot(options);
  await text.evaluate((el: HTMLElement) => (el.style.visibility = ''));
  if (process.env.E2E_DEBUG_SHOTS) {
    const n = ++debugShots;
    writeFileSync(join(ARTIFACTS, `paints-over-${n}-shown.png`), shown);
    writeFileSync(join(ARTIFACTS, `paints-over-${n}-hidden.png`), hidden);
  }
  return differs(shown, hidden);
}
let debugShots = 0;

/**
 * A channel of a pixel may differ by this much without counting: a region raster again can
 * come out a level apart at antialiased edges (seen on room rows and bubble corners the text
 * never reached). The ink of text changes pixels by far more.
 */
const RASTER_NOISE = 8;

function differs(a: Buffer, b: Buffer): boolean {
  const pa = pixels(a);
  const pb = pixels(b);
  if (pa.length !== pb.length) return true;
  for (let i = 0; i < pa.length; i++) {
    if (Math.abs(pa[i]! - pb[i]!) > RASTER_NOISE) return true;
  }
  return false;
}

/** The pixels of a PNG, as RGBA bytes. */
function pixels(png: Buffer): Uint8Array {
  return PNG.sync.read(png).data;
}

/**
 * Checks that `text` paints nothing over `neighbour` (an element, or a region of the page),
 * and that the check can fail: with the app's clipping switched off, the same text does.
 */
async function staysInside(page: Page, text: Locator, neighbour: Locator | Rect, what: string) {
  const region = 'x' in neighbour ? neighbour : await inside(neighbour);
  expect(await paintsOver(page, text, region), `${what} paints over its neighbour`).toBe(false);
  const style = await page.addStyleTag({ content: UNCLIPPED });
  // A message row is a flex box: each bubble paints whole, after the rows above it, and covers
  // unclipped ink reaching down into it. The text's row goes on top (without moving) so that
  // the check sees whether the ink reaches the neighbour at all.
  const lift = (on: boolean) =>
    text.evaluate((el, up) => {
      const row = el.closest<HTMLElement>('.message-row');
      if (!row) return;
      row.style.position = up ? 'relative' : '';
      row.style.zIndex = up ? '1' : '';
    }, on);
  await lift(true);
  try {
    expect(await paintsOver(page, text, region), `${what}, unclipped: the check sees it`).toBe(
      true,
    );
  } finally {
    await lift(false);
    await style.evaluate((el) => (el as HTMLStyleElement).remove());
  }
}

/** The room item shown `offset` rows from the room's own in a list. */
async function roomRow(page: Page, room: string, offset: number): Promise<Locator> {
  const index = await page
    .locator(`[data-index]:has(> .room-item[data-room-uuid="${room}"])`)
    .getAttribute('data-index');
  return page.locator(`[data-index="${Number(index) + offset}"] > .room-item`);
}

describe('the identity token', () => {
  it('is never in a URL the page opens, and the event log shows it masked', async () => {
    const o = await open(suite.browser, suite.server.url);
    const urls: string[] = [];
    o.context.on('request', (r) => urls.push(r.url()));
    o.page.on('websocket', (ws) => urls.push(ws.url()));
    const token = await o.page.evaluate(() => localStorage.getItem('token'));
    expect(token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const name = await o.page.getByTestId('my-name').textContent();
    // resumes the same identity: the token went as a subprotocol
    await o.page.reload();
    await online(o.page);
    await expect(o.page.getByTestId('my-name').textContent()).resolves.toBe(name);
    const room = await addRoom(o.page);
    await enterRoom(o.page, room);
    await send(o.page, 'hello');
    await o.page.locator('.message.own .message-body', { hasText: 'hello' }).waitFor();
    const sockets = urls.filter((u) => u.startsWith('ws'));
    expect(sockets).toEqual([`${suite.server.url.replace(/^http/, 'ws')}/ws?v=2`]);
    for (const u of urls) {
      expect(u).not.toContain(token!);
      expect(u).not.toContain(encodeURIComponent(token!));
    }
    // the log's user_created frame, opened: the token is masked
    await o.page.getByRole('button', { name: 'Show event log' }).click();
    const log = o.page.locator('.log-list');
    await log.hover();
    for (let i = 0; i < 20; i++) await o.page.mouse.wheel(0, -2_000);
    const greeting = o.page.locator('.log-item', { hasText: 'user_created' }).first();
    await greeting.locator('.log-summary').click();
    await expect(greeting.locator('.log-text').textContent()).resolves.toContain(
      '"token":"(hidden)"',
    );
    expect(await o.page.evaluate(() => document.body.innerText)).not.toContain(token!);
    await o.context.close();
  });
});

for (const [label, options] of [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const) {
  describe(`text of thousands of combining marks stays in its box (${label})`, () => {
    let z: Opened;
    let other: Opened;
    let room = '';
    const body = zalgo('a', 10_000);
    const name = zalgo('Z', 64);

    beforeAll(async () => {
      z = await open(suite.browser, suite.server.url, options);
      other = await open(suite.browser, suite.server.url);
      if (label === 'phone') await z.page.getByRole('button', { name: 'Show rooms' }).click();
      // a room, then the one the test uses, then another: it has neighbours on both sides
      await addRoom(z.page);
      room = await addRoom(z.page);
      await renameRoom(z.page, room, 'Neighbours');
      await addRoom(z.page);
      // the name: in the header, on messages, in member lists
      await z.page.getByRole('button', { name: /Change your name/ }).click();
      const box = z.page.getByRole('textbox', { name: 'Your name' });
      await box.fill(name);
      await box.press('Enter');
      await z.page.getByTestId('my-name').filter({ hasText: name }).waitFor();
      await enterRoom(other.page, room);
      await enterRoom(z.page, room);
      await send(other.page, 'the message above');
      await z.page.locator('.message-body', { hasText: 'the message above' }).waitFor();
      await send(z.page, body);
      await z.page.locator('.message.own:not(.pending)').waitFor();
      await send(other.page, 'the message below');
      await z.page.locator('.message-body', { hasText: 'the message below' }).waitFor();
    });
    afterAll(async () => {
      await z?.context.close();
      await other?.context.close();
    });

    it('a body of 10,000 code points does not paint over the messages around it', async () => {
      const p = z.page;
      const zalgoRow = p.locator('.message.own:not(.pending)');
      await shot(p, `${label}-zalgo-message`);
      const above = p.locator('.message', { hasText: 'the message above' });
      const below = p.locator('.message', { hasText: 'the message below' });
      await staysInside(
        p,
        zalgoRow.locator('.message-body'),
        above,
        'the body, over the one above',
      );
      await staysInside(
        p,
        zalgoRow.locator('.message-body'),
        below,
        'the body, over the one below',
      );
      // and in the other browser, where it is someone else's
      const there = other.page.locator('.message:not(.own)', {
        has: other.page.locator('.message-author', { hasText: 'Z' }),
      });
      await staysInside(
        other.page,
        there.locator('.message-body'),
        other.page.locator('.message', { hasText: 'the message below' }),
        "someone else's body",
      );
    });

    it('a name of 64 combining-heavy characters stays in the header, the author line and the member list', async () => {
      const p = z.page;
      // the header's name: over the header around its button, and the gap below the header
      const button = await p.locator('.header .user-name').boundingBox();
      const header = await p.locator('.header').boundingBox();
      const x = Math.ceil(button!.x) + 2;
      const width = Math.floor(button!.width) - 4;
      const top = Math.ceil(header!.y) + 1;
      const above = { x, y: top, width, height: Math.floor(button!.y) - 2 - top };
      const bottom = Math.ceil(button!.y + button!.height) + 2;
      const below = {
        x,
        y: bottom,
        width,
        height: Math.floor(header!.y + header!.height) + 6 - bottom,
      };
      await staysInside(p, p.getByTestId('my-name'), above, 'the name in the header, upwards');
      await staysInside(p, p.getByTestId('my-name'), below, 'the name in the header, downwards');
      // the author's name (the top line of its message) over the message above
      const author = p.locator('.message.own:not(.pending) .message-author');
      await staysInside(
        p,
        author,
        p.locator('.message', { hasText: 'the message above' }),
        'the author line',
      );
      // the member list, seen by the other browser (whose own readable name may hold a "z")
      await other.page.getByRole('button', { name: 'Show users' }).click();
      const zItem = other.page.locator('.user-item:not(.own)');
      const otherItem = other.page.locator('.user-item.own');
      await staysInside(other.page, zItem, otherItem, 'the name in the member list');
      await other.page.getByRole('button', { name: 'Show messages' }).click();
    });

    it('a room name of 64 combining-heavy characters stays in the room list and the room title', async () => {
      const roomName = zalgo('R', 64);
      const home = await open(suite.browser, suite.server.url);
      try {
        const p = home.page;
        await roomItem(p, room).waitFor();
        await renameRoom(p, room, roomName);
        const zRoom = roomItem(p, room);
        // the room listed above it (below it come its own buttons)
        const above = await roomRow(p, room, -1);
        await staysInside(
          p,
          zRoom.locator('.room-name'),
          above,
          'the room name, over the room above',
        );
        await shot(p, `${label}-zalgo-room-list`);
      } finally {
        await home.context.close();
      }
      // the compact list beside a room: the rooms above and below it
      const o = other.page;
      await o.getByRole('button', { name: 'Show rooms' }).click();
      await roomItem(o, room).waitFor();
      for (const offset of [-1, 1]) {
        await staysInside(
          o,
          roomItem(o, room).locator('.room-name'),
          await roomRow(o, room, offset),
          `the room name in the compact list, over the room ${offset < 0 ? 'above' : 'below'}`,
        );
      }
      await shot(o, `${label}-zalgo-room-compact`);
      await o.getByRole('button', { name: 'Show event log' }).click();
      // the title of the room, over what is below it
      const title = z.page.locator('.room-title-text', { hasText: 'R' });
      await title.waitFor();
      const box = (await z.page.locator('.room-title').boundingBox())!;
      const y = Math.ceil(box.y + box.height) + 2;
      const strip = { x: Math.ceil(box.x), y, width: Math.floor(box.width), height: 30 };
      await staysInside(z.page, title, strip, 'the room title');
    });
  });
}

describe('quotas of a network address', () => {
  const strict: ChatServer[] = [];
  afterAll(async () => {
    for (const s of strict) await s.stop();
  });

  it('rooms: the refusal says why and for how long', async () => {
    // two rooms an hour from one address
    const quota = await startChat({ addressRoomsPerHour: 2 });
    strict.push(quota);
    const o = await open(suite.browser, quota.url);
    await addRoom(o.page);
    await addRoom(o.page);
    await o.page.getByRole('button', { name: 'Add room' }).click();
    await o.page
      .getByRole('dialog', { name: 'New room' })
      .getByRole('button', { name: 'Create' })
      .click();
    await o.page
      .locator('.notice', {
        hasText: /^Too many rooms created from your network address: try again in \d+ min\./,
      })
      .waitFor();
    await shot(o.page, 'desktop-quota-rooms');
    await o.context.close();
  });

  it('identities: a new one is refused, told why, and the page waits instead of hammering', async () => {
    // one new identity per 15 minutes from one address, none saved up
    const quota = await startChat({ addressNewUsersPerHour: 4 });
    strict.push(quota);
    const first = await open(suite.browser, quota.url);
    // coming back with its token is no new identity
    await first.page.reload();
    await online(first.page);
    const context = await suite.browser.newContext(DESKTOP);
    const page = await context.newPage();
    let sockets = 0;
    page.on('websocket', () => sockets++);
    await page.goto(quota.url);
    await page
      .locator('.notice', {
        hasText: /^Too many new users from your network address: try again in \d+ min\./,
      })
      .waitFor();
    await page
      .locator('.connection-offline', {
        hasText: /^Offline: the server asked to wait, reconnecting in 1\d min$/,
      })
      .waitFor();
    await shot(page, 'desktop-quota-identities');
    await page.waitForTimeout(2_500);
    expect(sockets).toBe(1);
    await context.close();
    await first.context.close();
  });
});
