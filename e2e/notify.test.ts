import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  addRoom,
  DESKTOP,
  e2eSuite,
  enterRoom,
  online,
  open,
  send,
  type Opened,
} from './helpers.ts';

/** The notes of packages/web/src/sound.ts: someone else's message, and one naming the reader. */
const CHIME = [660, 990];
const MENTION_CHIME = [784, 1047, 1319];

interface Recorded {
  asked: number;
  notified: { title: string; body: string; tag: string }[];
  /** Frequencies of the notes played, in order. */
  notes: number[];
}

/**
 * Fakes in the page, before it loads: Notification (permission 'default' until asked, every
 * notification and request recorded), the page's visibility (setHidden) and the AudioContext
 * (the notes played recorded).
 */
async function fakeBrowser(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const rec: Recorded = { asked: 0, notified: [], notes: [] };
    let permission: NotificationPermission = 'default';
    let hidden = false;
    const w = window as unknown as Record<string, unknown>;
    w.recorded = rec;
    w.Notification = class {
      static get permission() {
        return permission;
      }
      static requestPermission() {
        rec.asked++;
        permission = 'granted';
        return Promise.resolve(permission);
      }
      constructor(title: string, options: { body: string; tag: string }) {
        rec.notified.push({ title, body: options.body, tag: options.tag });
      }
      close() {}
    };
    Object.defineProperty(Document.prototype, 'hidden', { get: () => hidden });
    Object.defineProperty(Document.prototype, 'visibilityState', {
      get: () => (hidden ? 'hidden' : 'visible'),
    });
    w.setHidden = (h: boolean) => {
      hidden = h;
      document.dispatchEvent(new Event('visibilitychange'));
    };
    const param = () => ({
      setValueAtTime: () => undefined,
      exponentialRampToValueAtTime: () => undefined,
    });
    w.AudioContext = class {
      state = 'running';
      currentTime = 0;
      destination = {};
      resume() {
        return Promise.resolve();
      }
      createOscillator() {
        return {
          type: 'sine',
          frequency: { setValueAtTime: (f: number) => rec.notes.push(f) },
          connect: (n: unknown) => n,
          start: () => undefined,
          stop: () => undefined,
        };
      }
      createGain() {
        return { gain: param(), connect: (n: unknown) => n };
      }
    };
  });
}

const suite = e2eSuite();
let a: Opened;
let b: Opened;
let nameA = '';

const recorded = (): Promise<Recorded> =>
  a.page.evaluate(() => (window as unknown as { recorded: Recorded }).recorded);
const setHidden = (hidden: boolean) =>
  a.page.evaluate(
    (h) => (window as unknown as { setHidden: (h: boolean) => void }).setHidden(h),
    hidden,
  );

/** B writes `text`; resolves once A shows it (A's page has handled it). */
async function fromB(text: string): Promise<void> {
  await send(b.page, text);
  await a.page.locator('.message-body', { hasText: text }).waitFor();
}

/** What A recorded while `act` ran: the notifications shown and the notes played. */
async function during(act: () => Promise<void>): Promise<Omit<Recorded, 'asked'>> {
  const before = await recorded();
  await act();
  const after = await recorded();
  return {
    notified: after.notified.slice(before.notified.length),
    notes: after.notes.slice(before.notes.length),
  };
}

async function chooseLevel(label: string): Promise<void> {
  await a.page.getByRole('combobox', { name: 'Desktop notifications' }).selectOption({ label });
}

beforeAll(async () => {
  a = await open(suite.browser, suite.server.url, DESKTOP, fakeBrowser);
  b = await open(suite.browser, suite.server.url, DESKTOP);
  nameA = (await a.page.getByTestId('my-name').textContent())!;
  const room = await addRoom(b.page);
  await enterRoom(a.page, room);
  await enterRoom(b.page, room);
});

describe('desktop notifications and sounds', () => {
  it('asks for the permission from its button only, never at load', async () => {
    await expect(recorded()).resolves.toMatchObject({ asked: 0 });
    await a.page.reload();
    await online(a.page);
    await a.page.getByRole('textbox', { name: 'Write a message...' }).waitFor();
    await expect(recorded()).resolves.toMatchObject({ asked: 0 });
    await a.page.getByRole('button', { name: 'Allow notifications' }).click();
    await a.page
      .getByRole('button', { name: 'Allow notifications' })
      .waitFor({ state: 'detached' });
    await expect(recorded()).resolves.toMatchObject({ asked: 1 });
  });

  it('mentions (the default): a hidden page tells of a message naming its user, with the mention sound, and of nothing else', async () => {
    await expect(
      a.page.getByRole('combobox', { name: 'Desktop notifications' }).inputValue(),
    ).resolves.toBe('mentions');
    await setHidden(true);
    const plain = await during(() => fromB('nobody named here'));
    expect(plain.notified).toEqual([]);
    expect(plain.notes).toEqual(CHIME);
    const named = await during(() => fromB(`@${nameA} are you there?`));
    expect(named.notified).toEqual([
      {
        title: expect.stringContaining(' named you in ') as unknown,
        body: `@${nameA} are you there?`,
        tag: expect.any(String) as unknown,
      },
    ]);
    expect(named.notes).toEqual(MENTION_CHIME);
    // a page that is seen tells nothing
    await setHidden(false);
    const seen = await during(() => fromB(`@${nameA} seen at once`));
    expect(seen.notified).toEqual([]);
  });

  it('every message: a hidden page tells of each one from someone else', async () => {
    await chooseLevel('Notify: every message');
    await setHidden(true);
    const all = await during(async () => {
      await fromB('first of two');
      await fromB('second of two');
    });
    expect(all.notified.map((n) => n.body)).toEqual(['first of two', 'second of two']);
    // one's own messages never
    const own = await during(async () => {
      await send(a.page, 'written by A');
      await b.page.locator('.message-body', { hasText: 'written by A' }).waitFor();
    });
    expect(own.notified).toEqual([]);
    await setHidden(false);
  });

  it('off: no notification, even when named; the Sound switch mutes the sound', async () => {
    await chooseLevel('Notify: off');
    await setHidden(true);
    const off = await during(async () => {
      await fromB(`@${nameA} still there?`);
      await fromB('anything at all');
    });
    expect(off.notified).toEqual([]);
    await a.page.getByRole('switch', { name: 'Sounds' }).uncheck();
    const muted = await during(() => fromB(`@${nameA} muted`));
    expect(muted.notes).toEqual([]);
    await setHidden(false);
    // asked once in all: from the button
    await expect(recorded()).resolves.toMatchObject({ asked: 1 });
  });
});
