import { beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContextOptions, Page } from 'playwright-core';
import {
  addRoom,
  boardStats,
  deleteRoom,
  DESKTOP,
  e2eSuite,
  enterRoom,
  online,
  open,
  roomItem,
  shot,
  waitFor,
  type Opened,
} from './helpers.ts';

// Rooms with owners, in two browsers: A owns the rooms, B is someone else. Every browser here
// comes from 127.0.0.1, and a kick bars the address it came from, so the kick comes last
// and bars only from its own room (the owner is never barred).

const SMALL: BrowserContextOptions = {
  viewport: { width: 360, height: 740 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
};
const LOCKED_TITLE = "Locked by the room's owner";

const suite = e2eSuite();
let a: Opened;
let b: Opened;
let hideout = '';

beforeAll(async () => {
  a = await open(suite.browser, suite.server.url, DESKTOP);
  b = await open(suite.browser, suite.server.url, DESKTOP);
}, 60_000);

const link = (room: string) => `${suite.server.url}/room/${room}`;

async function myName(page: Page): Promise<string> {
  return (await page.getByTestId('my-name').textContent())!;
}

/** Opens the owner's settings of the room shown. */
async function settings(page: Page) {
  await page.getByRole('button', { name: 'Room settings' }).click();
  return page.getByRole('dialog', { name: 'Room settings' });
}

/** A line drawn with the keyboard pen: down, `steps` to the right, up. */
async function drawLine(page: Page, steps: number): Promise<void> {
  await page.getByRole('application', { name: /Shared drawing board/ }).focus();
  await page.keyboard.press('Space');
  for (let i = 0; i < steps; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await page.keyboard.press('ArrowDown');
}

/** Opens a room from the lobby's list (on whichever tab the room page shows). */
async function goIn(page: Page, room: string): Promise<void> {
  await roomItem(page, room).locator('.room-name').click();
  await page.waitForURL(`**/room/${room}`);
  await page.locator('.room-head .room-title').waitFor();
}

async function lines(page: Page): Promise<number> {
  return (await boardStats(page)).lines;
}

/** Clears the board (Reset, then the question's Reset); the undo bar shows. */
async function reset(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Reset drawing' }).click();
  await page
    .getByRole('dialog', { name: /^Clear the board for everyone/ })
    .getByRole('button', { name: 'Reset', exact: true })
    .click();
  await page.getByRole('button', { name: 'Undo the reset' }).waitFor();
}

/** The shortest board `page` showed while `run` ran (sampled every 50 ms). */
async function fewestLines(page: Page, run: () => Promise<void>): Promise<number> {
  let fewest = await lines(page);
  let done = false;
  const watch = (async () => {
    while (!done) {
      fewest = Math.min(fewest, await lines(page));
      await page.waitForTimeout(50);
    }
  })();
  try {
    await run();
  } finally {
    done = true;
    await watch;
  }
  return fewest;
}

/** The local times, as the page writes them, a kick of `minutes` made about now may end at. */
function untilTimes(page: Page, minutes: number): Promise<string[]> {
  return page.evaluate((ms) => {
    const f = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
    return [-60_000, 0, 60_000].map((d) => f.format(Date.now() + ms + d));
  }, minutes * 60_000);
}

describe('rooms with owners, in two browsers', () => {
  it('an unlisted room is in no one else’s list, and its link opens it', async () => {
    await a.page.getByRole('button', { name: 'Add room' }).click();
    const dialog = a.page.getByRole('dialog', { name: 'New room' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Hideout');
    await dialog.getByRole('radio', { name: /^Unlisted/ }).check();
    await shot(a.page, 'desktop-create-room');
    await dialog.getByRole('button', { name: 'Create' }).click();
    // created, and opened
    await a.page.waitForURL(/\/room\/[0-9a-f-]{36}$/);
    hideout = new URL(a.page.url()).pathname.split('/').pop()!;
    await a.page.getByRole('heading', { name: 'Hideout' }).waitFor();
    await a.page.locator('.room-head').getByText('Only people with the link').waitFor();
    await a.page.getByRole('button', { name: 'Go back' }).click();
    await roomItem(a.page, hideout).waitFor();

    // a public room made after it reaches B; the unlisted one never did
    const open = await addRoom(a.page, { name: 'Open house' });
    await roomItem(b.page, open).waitFor();
    await expect(roomItem(b.page, hideout).count()).resolves.toBe(0);
    await b.page.reload();
    await online(b.page);
    await roomItem(b.page, open).waitFor();
    await expect(roomItem(b.page, hideout).count()).resolves.toBe(0);
    // nor in a search
    await b.page.getByRole('searchbox', { name: 'Search' }).fill('Hideout');
    await b.page.getByText('No room matches “Hideout”.').waitFor();

    await b.page.goto(link(hideout));
    await online(b.page);
    await b.page.getByRole('heading', { name: 'Hideout' }).waitFor();
    await b.page.getByText('No messages yet').waitFor();
    await b.page.locator('.room-head').getByText('Only people with the link').waitFor();
    await expect(b.page.getByRole('button', { name: 'Room settings' }).count()).resolves.toBe(0);
  });

  it('the owner locks it: the others’ rename, recolor, delete and reset are disabled, saying why', async () => {
    await enterRoom(a.page, hideout);
    // the owner's crown, to everyone
    await b.page.getByRole('button', { name: 'Show users' }).click();
    const owner = b.page.locator('.user-item', { hasText: await myName(a.page) });
    await owner.locator('.crown').waitFor();
    await expect(b.page.locator('.user-item .crown').count()).resolves.toBe(1);
    const s = await settings(a.page);
    await s.getByRole('checkbox', { name: /^Locked/ }).check();
    await s.getByRole('checkbox', { name: /^Unlisted/ }).uncheck();
    await b.page.locator('.room-head').getByText('Locked').waitFor();
    await shot(a.page, 'desktop-owner-settings');
    await a.page.keyboard.press('Escape');
    await expect(s.count()).resolves.toBe(0);

    await b.page.getByRole('button', { name: 'Show drawing' }).click();
    const resetB = b.page.getByRole('button', { name: 'Reset drawing' });
    await expect(resetB.isDisabled()).resolves.toBe(true);
    await expect(resetB.getAttribute('title')).resolves.toBe(LOCKED_TITLE);
    // the owner's is not
    await a.page.getByRole('button', { name: 'Show drawing' }).click();
    await expect(a.page.getByRole('button', { name: 'Reset drawing' }).isDisabled()).resolves.toBe(
      false,
    );
    await shot(b.page, 'desktop-locked-room');

    // made public: now in B's list, with its lock, and its controls the owner's
    await b.page.getByRole('button', { name: 'Go back' }).click();
    const item = roomItem(b.page, hideout);
    await item.waitFor();
    await item.locator('.room-flag', { hasText: 'Locked' }).waitFor();
    for (const name of [
      'Rename room Hideout',
      'Change color of room Hideout',
      'Delete room Hideout',
    ]) {
      const button = item.getByRole('button', { name });
      await expect(button.isDisabled()).resolves.toBe(true);
      await expect(button.getAttribute('title')).resolves.toBe(LOCKED_TITLE);
    }
    await shot(b.page, 'desktop-locked-list');
  });

  it('a reset undone within 10 s comes back, and the other browser never loses a line', async () => {
    const s = await settings(a.page);
    await s.getByRole('checkbox', { name: /^Locked/ }).uncheck();
    await a.page.keyboard.press('Escape');
    await goIn(b.page, hideout);
    await b.page.getByRole('button', { name: 'Show drawing' }).click();
    await drawLine(a.page, 4);
    await drawLine(a.page, 6);
    await waitFor(async () => (await lines(b.page)) === 2, 3_000, 'two lines in B');

    const fewest = await fewestLines(b.page, async () => {
      await reset(a.page);
      await expect(lines(a.page)).resolves.toBe(0);
      await a.page.locator('.undo-count').waitFor();
      await shot(a.page, 'desktop-reset-undo');
      await a.page.waitForTimeout(2_000);
      await a.page.getByRole('button', { name: 'Undo the reset' }).click();
      await expect(lines(a.page)).resolves.toBe(2);
      // past the 10 s: nothing was sent
      await a.page.waitForTimeout(9_000);
    });
    expect(fewest).toBe(2);
    await expect(lines(a.page)).resolves.toBe(2);
  });

  it('a reset not undone clears the other browser’s board after 10 s, not before', async () => {
    await reset(a.page);
    const at = Date.now();
    await a.page.waitForTimeout(8_000);
    await expect(lines(b.page)).resolves.toBe(2);
    await waitFor(async () => (await lines(b.page)) === 0, 5_000, 'an empty board in B');
    expect(Date.now() - at).toBeGreaterThanOrEqual(9_000);
    await expect(a.page.getByRole('button', { name: 'Undo the reset' }).count()).resolves.toBe(0);
    await expect(lines(a.page)).resolves.toBe(0);
  });

  it('a reset refused because the owner locked the room meanwhile says why, and nothing is lost', async () => {
    await drawLine(a.page, 3);
    await waitFor(async () => (await lines(b.page)) === 1, 3_000, 'a line in B');
    await reset(b.page);
    await expect(lines(b.page)).resolves.toBe(0);
    const s = await settings(a.page);
    await s.getByRole('checkbox', { name: /^Locked/ }).check();
    await a.page.keyboard.press('Escape');
    await b.page
      .locator('.notice', { hasText: 'This room is locked: only its owner may reset its board.' })
      .waitFor({ timeout: 15_000 });
    await waitFor(async () => (await lines(b.page)) === 1, 3_000, 'the line back in B');
    await expect(lines(a.page)).resolves.toBe(1);
    await shot(b.page, 'desktop-reset-refused');
  });

  it('deleting a room asks first', async () => {
    await a.page.getByRole('button', { name: 'Go back' }).click();
    const room = await addRoom(a.page, { name: 'Short-lived' });
    await b.page.getByRole('button', { name: 'Show rooms' }).click();
    await roomItem(b.page, room).waitFor();
    await roomItem(a.page, room).getByRole('button', { name: 'Delete room Short-lived' }).click();
    const ask = a.page.getByRole('dialog', {
      name: 'Delete the room Short-lived, its messages and its board?',
    });
    await ask.waitFor();
    await shot(a.page, 'desktop-delete-ask');
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await expect(ask.count()).resolves.toBe(0);
    await a.page.waitForTimeout(300);
    await expect(roomItem(b.page, room).count()).resolves.toBe(1);
    await deleteRoom(a.page, room, 'Short-lived');
    await waitFor(async () => (await roomItem(b.page, room).count()) === 0, 3_000, 'gone in B');
  });

  it('kicked: told why and until when, in the lobby; barred on return, a fresh identity too', async () => {
    await goIn(a.page, hideout);
    await a.page.getByRole('button', { name: 'Show users' }).click();
    const nameB = await myName(b.page);
    await a.page.locator('.user-item', { hasText: nameB }).waitFor();
    await a.page.getByRole('button', { name: `Kick ${nameB}` }).click();
    const ask = a.page.getByRole('dialog', { name: `Kick ${nameB}` });
    await shot(a.page, 'desktop-kick');
    const times = await untilTimes(b.page, 10);
    await ask.getByRole('button', { name: '10 minutes' }).click();

    await b.page.waitForURL(`${suite.server.url}/`);
    const notice = b.page.locator('.removal');
    await notice.waitFor();
    const text = (await notice.locator('span').first().textContent())!;
    expect(times.map((t) => `You were removed from Hideout until ${t}.`)).toContain(text);
    await shot(b.page, 'desktop-kicked');
    // gone from the room's users
    await waitFor(
      async () => (await a.page.locator('.user-item', { hasText: nameB }).count()) === 0,
      3_000,
      'B out of the user list',
    );

    await b.page.goto(link(hideout));
    await online(b.page);
    await b.page.getByText('You cannot enter this room now').waitFor();
    await expect(b.page.getByText(text).count()).resolves.toBe(1);
    await expect(b.page.getByText('Room does not exist').count()).resolves.toBe(0);
    await shot(b.page, 'desktop-barred');

    // another identity from the same address
    const c = await open(suite.browser, link(hideout));
    await c.page.getByText('You cannot enter this room now').waitFor();
    await expect(c.page.getByText(/^You were removed from .* until .+\.$/).count()).resolves.toBe(
      1,
    );
    await c.context.close();
    // the owner is never barred
    await a.page.reload();
    await online(a.page);
    await a.page.getByRole('heading', { name: 'Hideout' }).waitFor();
  });
});

describe('rooms with owners at 360x740', () => {
  it('the dialogs, the settings, a locked room, the undo bar and the kick fit a phone', async () => {
    const p = await open(suite.browser, suite.server.url, SMALL);
    const q = await open(suite.browser, suite.server.url, SMALL);
    try {
      await p.page.getByRole('button', { name: 'Add room' }).click();
      const dialog = p.page.getByRole('dialog', { name: 'New room' });
      await dialog.getByRole('textbox', { name: 'Name' }).fill('Pocket den');
      await fits(p.page, dialog);
      await shot(p.page, 'phone-create-room');
      await dialog.getByRole('button', { name: 'Create' }).click();
      await p.page.waitForURL(/\/room\/[0-9a-f-]{36}$/);
      const room = new URL(p.page.url()).pathname.split('/').pop()!;
      const s = await settings(p.page);
      await s.getByRole('checkbox', { name: /^Locked/ }).check();
      await fits(p.page, s);
      await shot(p.page, 'phone-owner-settings');
      await p.page.keyboard.press('Escape');

      await q.page.goto(link(room));
      await online(q.page);
      await q.page.locator('.room-head').getByText('Locked').waitFor();
      await q.page.getByRole('button', { name: 'Show drawing' }).click();
      await expect(
        q.page.getByRole('button', { name: 'Reset drawing' }).isDisabled(),
      ).resolves.toBe(true);
      await shot(q.page, 'phone-locked-room');

      await p.page.getByRole('button', { name: 'Show drawing' }).click();
      await drawLine(p.page, 5);
      await reset(p.page);
      await shot(p.page, 'phone-reset-undo');
      await p.page.getByRole('button', { name: 'Undo the reset' }).click();

      await p.page.getByRole('button', { name: 'Show users' }).click();
      const nameQ = await myName(q.page);
      await p.page.getByRole('button', { name: `Kick ${nameQ}` }).click();
      const kick = p.page.getByRole('dialog', { name: `Kick ${nameQ}` });
      await fits(p.page, kick);
      await shot(p.page, 'phone-kick');
      await kick.getByRole('button', { name: '1 hour' }).click();
      await q.page.locator('.removal').waitFor();
      await shot(q.page, 'phone-kicked');
    } finally {
      await p.context.close();
      await q.context.close();
    }
  });
});

/** A dialog inside the window, whole. */
async function fits(page: Page, dialog: ReturnType<Page['getByRole']>): Promise<void> {
  const box = (await dialog.boundingBox())!;
  const size = page.viewportSize()!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(size.width);
  expect(box.y + box.height).toBeLessThanOrEqual(size.height);
}
