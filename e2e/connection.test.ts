import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  addRoom,
  connectionAt,
  enterRoom,
  launch,
  messageRow,
  online,
  openWatched,
  restartChat,
  retryAtCap,
  send,
  shot,
  shownMessages,
  spawnChat,
  tempSqlite,
  waitFor,
  type ChatProcess,
} from './helpers.ts';

/** What the issue asks: a frozen or vanished server is noticed within 10 s. */
const NOTICE_MS = 10_000;
/** Reconnect attempts at most 3 s apart; a page is back within 1 s of its next attempt. */
const ATTEMPT_CAP_MS = 3_000;
const BACK_MS = ATTEMPT_CAP_MS + 1_000;
/** The shortest wait between attempts once the backoff is at its cap (2 to 3 s, jittered). */
const CAP_MIN_MS = 2_000;

const { storage, remove } = tempSqlite();
let server: ChatProcess;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([spawnChat({ storage }), launch()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.kill();
  remove();
});

const watched = (switched = false) => openWatched(browser, server.url, switched);

/** A and B (B's socket through a switch when `switched`) in a new room, where A wrote `texts`. */
async function twoInARoom(texts: string[], switched = false) {
  const a = await watched();
  const b = await watched(switched);
  const room = await addRoom(a.page);
  await enterRoom(a.page, room);
  await enterRoom(b.page, room);
  for (const text of texts) await send(a.page, text);
  await b.page.locator('.message-body', { hasText: texts.at(-1)! }).waitFor();
  return { a, b };
}

/** Whether both pages show exactly `expected`, confirmed, and nothing pending. */
async function bothShow(pages: Page[], expected: string[]): Promise<void> {
  for (const page of pages) {
    await waitFor(
      async () =>
        JSON.stringify(await shownMessages(page)) === JSON.stringify(expected) &&
        (await page.locator('.message.pending').count()) === 0,
      5_000,
      `${JSON.stringify(expected)} shown once each`,
    );
  }
}

describe('a frozen server', () => {
  it('is noticed within 10 s; a message written meanwhile says it is not sent, offers a retry, and goes once after', async () => {
    const { a, b } = await twoInARoom(['before the freeze']);

    const frozen = Date.now();
    server.signal('SIGSTOP');
    try {
      await send(b.page, 'written while frozen');
      const pending = b.page.locator('.message.pending', { hasText: 'written while frozen' });
      await pending.waitFor();
      const [offA, offB] = await Promise.all(
        [a, b].map((o) => connectionAt(o.page, 'offline', frozen, NOTICE_MS + 5_000)),
      );
      console.log(`frozen server noticed after ${offA! - frozen} ms (A), ${offB! - frozen} ms (B)`);
      expect(offA! - frozen).toBeLessThanOrEqual(NOTICE_MS);
      expect(offB! - frozen).toBeLessThanOrEqual(NOTICE_MS);
      await b.page.getByRole('button', { name: 'Reconnect now' }).waitFor();
      // the message says it is not sent, with a retry, instead of "Sending…"
      const retry = pending.getByRole('button', { name: /^Retry/ });
      await retry.waitFor({ timeout: 2_000 });
      await expect(pending.locator('.pending-state').textContent()).resolves.toMatch(/^Not sent/);
      await shot(b.page, 'desktop-frozen-server');
      // retrying while the server is still frozen sends nothing twice
      await retry.click();
      await pending.locator('.pending-state', { hasText: /^Not sent/ }).waitFor();
    } finally {
      server.signal('SIGCONT');
    }
    const thawed = Date.now();
    const [onA, onB] = await Promise.all(
      [a, b].map((o) => connectionAt(o.page, 'online', thawed, 15_000)),
    );
    console.log(`back after the thaw in ${onA! - thawed} ms (A), ${onB! - thawed} ms (B)`);
    // sent once, by itself
    await bothShow([a.page, b.page], ['before the freeze', 'written while frozen']);
    await send(a.page, 'after the thaw');
    await bothShow(
      [a.page, b.page],
      ['before the freeze', 'written while frozen', 'after the thaw'],
    );
    expect([...a.errors, ...b.errors]).toEqual([]);
    await a.context.close();
    await b.context.close();
  });
});

describe('a server restart', () => {
  it('has every page back within the attempt cap + 1 s of the server listening', async () => {
    const { a, b } = await twoInARoom(['before the restart']);

    // down long enough for the attempts to be at their cap
    const restarted = await restartChat(server, [a.page, b.page], 6_000);
    server = restarted.server;
    console.log(`back ${restarted.back.join(' ms, ')} ms after the server listened`);
    for (const back of restarted.back) expect(back).toBeLessThanOrEqual(BACK_MS);
    await send(b.page, 'after the restart');
    await bothShow([a.page, b.page], ['before the restart', 'after the restart']);
    await a.context.close();
    await b.context.close();
  });
});

describe('asking to reconnect', () => {
  it("comes back at once, not after the backoff, on 'Reconnect now', the network's return and the tab becoming visible", async () => {
    const a = await watched(true);
    const cut = a.socket!;
    const triggers: Record<string, (page: Page) => Promise<unknown>> = {
      'Reconnect now': (page) => page.getByRole('button', { name: 'Reconnect now' }).click(),
      online: (page) => page.evaluate(() => window.dispatchEvent(new Event('online'))),
      visible: (page) => page.evaluate(() => document.dispatchEvent(new Event('visibilitychange'))),
    };
    for (const [name, trigger] of Object.entries(triggers)) {
      const back = await retryAtCap(a.page, cut, () => trigger(a.page));
      console.log(
        `${name}: back ${back.sinceTrigger} ms after asking, ${back.sinceLastAttempt} ms after the last attempt`,
      );
      // before the backoff would have tried again
      expect(back.sinceLastAttempt).toBeLessThan(CAP_MIN_MS);
    }
    await online(a.page);
    await a.context.close();
  });
});

describe('catching up', () => {
  it('a page that was away shows the edits, deletions and reactions it missed, without a reload', async () => {
    const texts = ['to be edited', 'to be deleted', 'to be liked', 'left alone'];
    const { a, b } = await twoInARoom(texts, true);
    const cut = b.socket!;
    const seqOf = (text: string) =>
      b.page
        .locator('.message[data-seq]', { hasText: text })
        .getAttribute('data-seq')
        .then((s) => `.message[data-seq="${s}"]`);
    const [edited, deleted, liked] = await Promise.all(
      ['to be edited', 'to be deleted', 'to be liked'].map(seqOf),
    );

    const dropped = Date.now();
    await cut.cut();
    await connectionAt(b.page, 'offline', dropped);
    // A edits, deletes and reacts while B is away
    const mine = await messageRow(a.page, 'to be edited');
    await mine.getByRole('button', { name: 'Edit' }).click();
    const box = a.page.getByRole('textbox', { name: 'Write a message...' });
    await box.fill('edited while B was away');
    await box.press('Enter');
    await a.page.locator('.message-body', { hasText: 'edited while B was away' }).waitFor();
    const doomed = await messageRow(a.page, 'to be deleted');
    await doomed.getByRole('button', { name: 'Delete' }).click();
    await doomed.getByRole('button', { name: 'Delete', exact: true }).click();
    await a.page.locator('.message.deleted').waitFor();
    const chosen = await messageRow(a.page, 'to be liked');
    await chosen.getByRole('button', { name: 'Add a reaction' }).click();
    await chosen.getByRole('button', { name: 'React with 🎉' }).click();
    await chosen.locator('.reaction', { hasText: '1' }).waitFor();
    // B still shows it as it was
    await expect(b.page.locator(edited!).locator('.message-body').textContent()).resolves.toBe(
      'to be edited',
    );

    cut.restore();
    await connectionAt(b.page, 'online', dropped, 15_000);
    await b.page
      .locator(edited!)
      .locator('.message-body', { hasText: /^edited while B was away$/ })
      .waitFor({ timeout: 5_000 });
    await b.page.locator(edited!).locator('.message-edited').waitFor();
    await b.page.locator(`${deleted!}.deleted`, { hasText: 'This message was deleted.' }).waitFor();
    await b.page.locator(liked!).locator('.reaction', { hasText: '🎉' }).waitFor();
    await expect(b.page.locator(liked!).locator('.reaction').textContent()).resolves.toContain('1');
    await expect(shownMessages(b.page)).resolves.toEqual([
      'edited while B was away',
      'This message was deleted.',
      'to be liked',
      'left alone',
    ]);
    await shot(b.page, 'desktop-caught-up');
    await a.context.close();
    await b.context.close();
  });
});
