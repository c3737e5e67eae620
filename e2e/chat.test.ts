import { beforeAll, describe, expect, it } from 'vitest';
import {
  addRoom,
  boardStats,
  deleteRoom,
  e2eSuite,
  enterRoom,
  inkedPixels,
  open,
  renameRoom,
  roomItem,
  send,
  shot,
  shownMessages,
  waitFor,
  type Opened,
} from './helpers.ts';

const suite = e2eSuite();
let a: Opened;
let b: Opened;
let room = '';

beforeAll(async () => {
  a = await open(suite.browser, suite.server.url);
  b = await open(suite.browser, suite.server.url);
});

describe('two browsers (desktop)', () => {
  it('home page: header, event log, rooms', async () => {
    const p = a.page;
    await expect(p.getByRole('link', { name: 'Socket Chat' }).isVisible()).resolves.toBe(true);
    // a first visit names itself readably, not user-<uuid>
    await expect(p.getByTestId('my-name').textContent()).resolves.toMatch(
      /^[A-Z][a-z]+ [A-Z][a-z]+$/,
    );
    await expect(p.getByRole('slider', { name: 'Theme selector' }).isVisible()).resolves.toBe(true);
    await expect(p.getByRole('searchbox', { name: 'Search' }).isVisible()).resolves.toBe(true);
    await expect(p.getByRole('button', { name: 'Show event log' }).isVisible()).resolves.toBe(true);
    await p.locator('.log-item', { hasText: 'user_created' }).first().waitFor();
    await p.locator('.log-item', { hasText: 'rooms_listed' }).first().waitFor();
  });

  it('room create, rename, recolor show live in the other browser', async () => {
    room = await addRoom(a.page);
    await roomItem(b.page, room).waitFor({ timeout: 2_000 });
    await renameRoom(a.page, room, 'Alpha');
    await roomItem(b.page, room)
      .locator('.room-name', { hasText: 'Alpha' })
      .waitFor({ timeout: 2_000 });
    const item = roomItem(a.page, room);
    await item.getByRole('button', { name: 'Change color of room Alpha' }).click();
    await item.getByRole('button', { name: 'Color #cf2e24' }).click();
    await waitFor(
      async () =>
        (await roomItem(b.page, room)
          .locator('.room-color')
          .evaluate((e) => getComputedStyle(e).backgroundColor)) === 'rgb(207, 46, 36)',
      2_000,
      'the new color in the other browser',
    );
    // server-side search
    await b.page.getByRole('searchbox', { name: 'Search' }).fill('alph');
    await waitFor(async () => (await b.page.locator('.room-item').count()) === 1, 3_000, 'search');
    await shot(b.page, 'desktop-home-search');
    await b.page.getByRole('searchbox', { name: 'Search' }).fill('');
    await waitFor(
      async () => (await b.page.locator('.room-item').count()) >= 1,
      3_000,
      'list back',
    );
    await shot(a.page, 'desktop-home');
  });

  it('two browsers chat: a message appears in the other within a second', async () => {
    await enterRoom(a.page, room);
    await enterRoom(b.page, room);
    await a.page.getByText('No messages yet').waitFor();
    // typing
    await a.page.getByRole('textbox', { name: 'Write a message...' }).pressSequentially('hel');
    await b.page.getByText(/is typing\.\.\./).waitFor({ timeout: 3_000 });
    await a.page.getByRole('textbox', { name: 'Write a message...' }).fill('');

    const started = Date.now();
    await send(a.page, 'hello from A');
    await b.page.locator('.message-body', { hasText: 'hello from A' }).waitFor({ timeout: 1_000 });
    expect(Date.now() - started).toBeLessThan(1_000);
    // own message set apart, the other's not
    await expect(
      a.page.locator('.message.own .message-body', { hasText: 'hello from A' }).count(),
    ).resolves.toBe(1);
    await expect(
      b.page.locator('.message:not(.own) .message-body', { hasText: 'hello from A' }).count(),
    ).resolves.toBe(1);
    await send(b.page, 'hi from B\nsecond line');
    await a.page.locator('.message-body', { hasText: 'second line' }).waitFor({ timeout: 1_000 });
    await expect(shownMessages(a.page)).resolves.toEqual([
      'hello from A',
      'hi from B\nsecond line',
    ]);
    await shot(a.page, 'desktop-room-messages');
  });

  it('markup and javascript: URLs render as text, links are safe', async () => {
    await send(a.page, '<img src=x onerror=alert(1)>');
    await send(a.page, 'javascript:alert(1)');
    await send(a.page, 'see https://example.com/page');
    await b.page.locator('.message-body', { hasText: 'https://example.com/page' }).waitFor();
    for (const p of [a.page, b.page]) {
      await p.locator('.message-body', { hasText: '<img src=x onerror=alert(1)>' }).waitFor();
      await expect(p.locator('.message-list img').count()).resolves.toBe(0);
      await expect(p.locator('.message-list a[href^="javascript"]').count()).resolves.toBe(0);
      const link = p.locator('.message-body a', { hasText: 'https://example.com/page' });
      await expect(link.getAttribute('rel')).resolves.toBe('noopener noreferrer');
      await expect(link.getAttribute('href')).resolves.toBe('https://example.com/page');
    }
    await a.page.waitForTimeout(200);
    expect(a.dialogs).toEqual([]);
    expect(b.dialogs).toEqual([]);
  });

  it("counts others' messages in the title while the page is hidden", async () => {
    const title = await a.page.title();
    expect(title).toMatch(/^Alpha · Socket Chat$/);
    // headless Chromium never hides a page: report it hidden, as a browser does for a background tab
    const setHidden = (hidden: boolean) =>
      a.page.evaluate((h) => {
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
        document.dispatchEvent(new Event('visibilitychange'));
      }, hidden);
    await setHidden(true);
    await send(b.page, 'while A looks away');
    await send(b.page, 'and again');
    await a.page.waitForFunction((t) => document.title === `(2) ${t}`, title, { timeout: 2_000 });
    await send(a.page, 'my own does not count');
    await a.page
      .locator('.message.own .message-body', { hasText: 'my own does not count' })
      .waitFor();
    expect(await a.page.title()).toBe(`(2) ${title}`);
    await setHidden(false);
    await a.page.waitForFunction((t) => document.title === t, title, { timeout: 2_000 });
  });

  it('a rename shows in the other browser user list', async () => {
    await b.page.getByRole('button', { name: /Change your name/ }).click();
    const box = b.page.getByRole('textbox', { name: 'Your name' });
    await box.fill('Bob the tester');
    await box.press('Enter');
    await b.page.getByTestId('my-name').filter({ hasText: 'Bob the tester' }).waitFor();
    await a.page.getByRole('button', { name: 'Show users' }).click();
    await a.page.locator('.user-list', { hasText: 'Bob the tester' }).waitFor({ timeout: 2_000 });
    await shot(a.page, 'desktop-room-users');
  });

  it('a stroke appears in the other browser while it is being drawn', async () => {
    await a.page.getByRole('button', { name: 'Show drawing' }).click();
    await b.page.getByRole('button', { name: 'Show drawing' }).click();
    const canvas = a.page.locator('[data-testid=board] canvas').first();
    await canvas.waitFor();
    await b.page.locator('[data-testid=board] canvas').first().waitFor();
    await a.page.getByRole('button', { name: 'Color #cf2e24' }).click();
    // the board's viewport (its canvases may reach past it: a margin kept for panning)
    const box = (await a.page.locator('.board').boundingBox())!;
    await a.page.mouse.move(box.x + 40, box.y + 40);
    await a.page.mouse.down();
    for (let i = 1; i <= 12; i++) {
      await a.page.mouse.move(box.x + 40 + i * 15, box.y + 40 + i * 8);
      await a.page.waitForTimeout(20);
    }
    // still drawing: the other browser already has the line
    await waitFor(async () => (await boardStats(b.page)).points > 4, 2_000, 'live points');
    await waitFor(async () => (await inkedPixels(b.page)) > 50, 2_000, 'ink on the other board');
    await a.page.mouse.up();
    await waitFor(
      async () => {
        const [sa, sb] = await Promise.all([boardStats(a.page), boardStats(b.page)]);
        return sa.lines === 1 && sb.lines === 1 && sa.points === sb.points;
      },
      2_000,
      'the finished line in both',
    );
    await shot(b.page, 'desktop-room-drawing');
    // undo removes it for everyone
    await a.page.getByRole('button', { name: 'Undo my last stroke' }).click();
    await waitFor(async () => (await boardStats(b.page)).lines === 0, 2_000, 'undo in the other');
    // PNG export
    const download = a.page.waitForEvent('download');
    await a.page.getByRole('button', { name: 'Export PNG of the drawing' }).click();
    expect((await download).suggestedFilename()).toBe('drawing.png');
  });

  it('the board can be drawn on with the keyboard alone', async () => {
    const board = a.page.getByRole('application', { name: /Shared drawing board/ });
    await expect(board.getAttribute('aria-describedby')).resolves.toBe('board-keys');
    const before = await boardStats(b.page);
    await board.focus();
    await a.page.keyboard.press('Space');
    for (let i = 0; i < 5; i++) await a.page.keyboard.press('ArrowRight');
    for (let i = 0; i < 2; i++) await a.page.keyboard.press('Shift+ArrowDown');
    await a.page.keyboard.press('Enter');
    // pen down, five steps right, two large steps down, pen up: one line of 8 points
    await waitFor(
      async () => {
        const after = await boardStats(b.page);
        return after.lines === before.lines + 1 && after.points === before.points + 16;
      },
      2_000,
      'the keyboard line in the other browser',
    );
    await a.page.getByRole('button', { name: 'Undo my last stroke' }).click();
    await waitFor(async () => (await boardStats(b.page)).lines === before.lines, 2_000, 'undo');
  });

  it('the event log lists statements with time, direction and type', async () => {
    await a.page.getByRole('button', { name: 'Show event log' }).click();
    // a statement made now, so that it is among the newest the virtualized log renders
    await a.page.getByRole('button', { name: 'Show messages' }).click();
    await send(a.page, 'seen in the log');
    await a.page.locator('.log-item', { hasText: 'create_message' }).last().waitFor();
    const text = await a.page.locator('.log-item').last().textContent();
    expect(text).toMatch(/^\d\d:\d\d:\d\d\.\d{3} [↑↓] (call|result|error) \w+/);
    // statements arriving faster than frames are painted: the log still follows them
    for (let i = 0; i < 30; i++) await send(a.page, `burst ${i}`);
    await waitFor(
      () =>
        a.page.locator('.log-list').evaluate((el) => {
          const count = /^(\d+) statements/.exec(
            el.closest('.log')?.querySelector('.panel-toolbar span')?.textContent ?? '',
          );
          const last = [...el.querySelectorAll('[data-index]')].at(-1);
          const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight < 2;
          return (
            atEnd && count !== null && last?.getAttribute('data-index') === String(+count[1]! - 1)
          );
        }),
      5_000,
      'the log at its newest statement after a burst',
    );
    // and the other browser's message list follows the burst to its last message
    await b.page.getByRole('button', { name: 'Show messages' }).click();
    await waitFor(
      () =>
        b.page.locator('.message-list').evaluate((el) => {
          const bodies = el.querySelectorAll('.message-body');
          const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight < 2;
          return atEnd && bodies[bodies.length - 1]?.textContent === 'burst 29';
        }),
      5_000,
      'the last message of the burst in view in the other browser',
    );
    await expect(b.page.getByRole('button', { name: 'Jump to latest' }).count()).resolves.toBe(0);
    await a.page.getByRole('button', { name: 'Show rooms' }).click();
    await roomItem(a.page, room).waitFor();
    await shot(a.page, 'desktop-room-log-rooms');
    await a.page.getByRole('button', { name: 'Show event log' }).click();
  });

  it('deleting a room with users shows the error; an empty room is deleted live', async () => {
    await b.page.getByRole('button', { name: 'Go back' }).click();
    await b.page.waitForURL(suite.server.url + '/');
    await deleteRoom(b.page, room, 'Alpha');
    await b.page.locator('.notice').first().waitFor({ timeout: 2_000 });
    await expect(roomItem(b.page, room).count()).resolves.toBe(1);
    await shot(b.page, 'desktop-delete-error');
    await a.page.getByRole('button', { name: 'Go back' }).click();
    await a.page.waitForURL(suite.server.url + '/');
    // A's leave_room is a statement in flight: delete once B has seen the room empty,
    // as a person would, or the server rightly answers not_empty_room again
    await roomItem(b.page, room)
      .getByTitle('Users in the room')
      .filter({ hasText: /^0 users$/ })
      .waitFor({ timeout: 3_000 });
    await deleteRoom(b.page, room, 'Alpha');
    await waitFor(
      async () => (await roomItem(a.page, room).count()) === 0,
      2_000,
      'room gone in A',
    );
  });

  it('deep links, unknown rooms, 404 and /info', async () => {
    const other = await addRoom(a.page);
    await renameRoom(a.page, other, 'Deep');
    const c = await open(suite.browser, `${suite.server.url}/room/${other}`);
    await c.page.getByRole('heading', { name: 'Deep' }).waitFor();
    await c.page.getByText('No messages yet').waitFor();
    await c.page.goto(`${suite.server.url}/room/00000000-0000-4000-8000-000000000000`);
    await c.page.getByText('Room does not exist').waitFor();
    await shot(c.page, 'desktop-room-missing');
    await c.page.goto(`${suite.server.url}/no/such/page`);
    await c.page.getByRole('heading', { name: /404/ }).waitFor();
    await shot(c.page, 'desktop-404');
    await c.page.goto(`${suite.server.url}/info`);
    await c.page.getByRole('heading', { name: 'About Socket Chat' }).waitFor();
    await shot(c.page, 'desktop-info');
    await c.context.close();
  });

  it('a second tab takes the identity over; "Use here" takes it back', async () => {
    const first = a.page;
    const name = await first.getByTestId('my-name').textContent();
    const second = await a.context.newPage();
    await second.goto(suite.server.url);
    await second.locator('.connection-online').waitFor();
    await expect(second.getByTestId('my-name').textContent()).resolves.toBe(name);
    await first.getByText('This chat is open in another tab.').waitFor({ timeout: 3_000 });
    await shot(first, 'desktop-taken-over');
    await first.getByRole('button', { name: 'Use here' }).click();
    await first.locator('.connection-online').waitFor();
    await second.getByText('This chat is open in another tab.').waitFor({ timeout: 3_000 });
    await second.close();
  });

  it('the theme survives a reload, kept only as a number in the theme cookie', async () => {
    const slider = a.page.getByRole('slider', { name: 'Theme selector' });
    await slider.fill('5');
    await a.page.locator('html[data-theme="5"]').waitFor();
    await a.page.reload();
    await a.page.locator('.connection-online').waitFor();
    await expect(slider.inputValue()).resolves.toBe('5');
    await expect(a.page.locator('html').getAttribute('data-theme')).resolves.toBe('5');
    const cookies = await a.context.cookies();
    expect(cookies.map((c) => `${c.name}=${c.value}`)).toEqual(['theme=5']);
    const keys = await a.page.evaluate(() => Object.keys(localStorage).sort());
    // this browser's own: the identity token, the sound switch, how far rooms were read, drafts
    expect(keys.filter((k) => !/^(token|muted|read|draft:.+)$/.test(k))).toEqual([]);
    await shot(a.page, 'desktop-theme-5');
    for (const n of [0, 1, 2, 3, 4, 6, 7]) {
      await slider.fill(String(n));
      await a.page.locator(`html[data-theme="${n}"]`).waitFor();
      await shot(a.page, `desktop-theme-${n}`);
    }
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });
});
