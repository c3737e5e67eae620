import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import {
  addRoom,
  boardStats,
  e2eSuite,
  open,
  PHONE,
  renameRoom,
  roomItem,
  send,
  shot,
  waitFor,
  type Opened,
} from './helpers.ts';

const suite = e2eSuite();
let phone: Opened;
let desk: Opened;

beforeAll(async () => {
  phone = await open(suite.browser, suite.server.url, PHONE);
  desk = await open(suite.browser, suite.server.url);
});

async function noSideScroll(page: Page): Promise<void> {
  const [scroll, width] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    window.innerWidth,
  ]);
  expect(scroll).toBeLessThanOrEqual(width);
}

describe('the whole flow at a phone viewport (390x844, touch)', () => {
  it('rooms, log, a room with messages, users and drawing, and back', async () => {
    const p = phone.page;
    await p.getByRole('button', { name: 'Show rooms' }).waitFor();
    await expect(p.getByRole('button', { name: 'Show event log' }).isVisible()).resolves.toBe(true);
    await expect(p.getByRole('slider', { name: 'Theme selector' }).isVisible()).resolves.toBe(true);
    const room = await addRoom(p);
    await renameRoom(p, room, 'Pocket');
    await roomItem(desk.page, room).locator('.room-name', { hasText: 'Pocket' }).waitFor();
    await noSideScroll(p);
    await shot(p, 'phone-home');

    await p.getByRole('button', { name: 'Show event log' }).click();
    await p.locator('.log-item', { hasText: 'room_created' }).first().waitFor();
    await shot(p, 'phone-log');
    await p.getByRole('button', { name: 'Show rooms' }).click();

    await roomItem(p, room).locator('.room-name').tap();
    await p.waitForURL(`**/room/${room}`);
    await p.getByText('No messages yet').waitFor();
    await roomItem(desk.page, room).locator('.room-name').click();
    await desk.page.getByRole('textbox', { name: 'Write a message...' }).waitFor();

    await send(p, 'hello from the phone');
    await desk.page
      .locator('.message-body', { hasText: 'hello from the phone' })
      .waitFor({ timeout: 1_000 });
    await send(desk.page, 'hello back');
    await p.locator('.message-body', { hasText: 'hello back' }).waitFor({ timeout: 1_000 });
    await noSideScroll(p);
    await shot(p, 'phone-room-messages');

    // your name is changed in the header's second row, without spilling sideways
    await p.getByRole('button', { name: /Change your name/ }).tap();
    const nameBox = p.getByRole('textbox', { name: 'Your name' });
    await noSideScroll(p);
    await nameBox.fill('Pocket person');
    await nameBox.press('Enter');
    await p.getByTestId('my-name').filter({ hasText: 'Pocket person' }).waitFor();
    // two rows: the app's name beside Info, your name beside the theme slider
    const middle = async (l: Locator) => {
      const b = (await l.boundingBox())!;
      return b.y + b.height / 2;
    };
    const [title, info, name, slider] = await Promise.all([
      middle(p.locator('.app-name')),
      middle(p.getByRole('link', { name: 'Info' })),
      middle(p.getByTestId('my-name')),
      middle(p.getByRole('slider', { name: 'Theme selector' })),
    ]);
    expect(Math.abs(title - info)).toBeLessThan(8);
    expect(Math.abs(name - slider)).toBeLessThan(8);

    await p.getByRole('button', { name: 'Show users' }).click();
    const me = (await p.getByTestId('my-name').textContent())!;
    expect(me).toBe('Pocket person');
    await p.locator('.user-list', { hasText: me }).waitFor();
    await shot(p, 'phone-room-users');

    await p.getByRole('button', { name: 'Show drawing' }).click();
    await desk.page.getByRole('button', { name: 'Show drawing' }).click();
    const canvas = p.locator('[data-testid=board] canvas').first();
    await canvas.waitFor();
    await desk.page.locator('[data-testid=board] canvas').first().waitFor();
    // the board's viewport (its canvases may reach past it: a margin kept for panning)
    const box = (await p.locator('.board').boundingBox())!;
    expect(box.width).toBeLessThanOrEqual(390);
    // a finger stroke, through the browser's touch input
    const cdp = await phone.context.newCDPSession(p);
    const at = (i: number) => ({ x: box.x + 20 + i * 12, y: box.y + 20 + i * 6 });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(0)] });
    for (let i = 1; i <= 10; i++) {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at(i)] });
      await p.waitForTimeout(20);
    }
    await waitFor(
      async () => (await boardStats(desk.page)).points > 4,
      2_000,
      'live touch stroke on desktop',
    );
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await waitFor(
      async () => {
        const [a, b] = await Promise.all([boardStats(p), boardStats(desk.page)]);
        return a.lines === 1 && b.lines === 1 && a.points === b.points;
      },
      2_000,
      'the finished touch line in both',
    );
    await noSideScroll(p);
    await shot(p, 'phone-room-drawing');

    await p.getByRole('button', { name: 'Show rooms' }).click();
    await roomItem(p, room).waitFor();
    await shot(p, 'phone-room-rooms');
    await p.getByRole('button', { name: 'Show messages' }).click();
    await p.locator('.message-body', { hasText: 'hello back' }).waitFor();

    await p.getByRole('button', { name: 'Go back' }).tap();
    await p.waitForURL(suite.server.url + '/');
    await roomItem(p, room).waitFor();
    await p.goto(`${suite.server.url}/info`);
    await p.getByRole('heading', { name: 'About Socket Chat' }).waitFor();
    await noSideScroll(p);
    await shot(p, 'phone-info');
    expect(phone.errors).toEqual([]);
    expect(phone.dialogs).toEqual([]);
  });
});
