import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import {
  addRoom,
  DESKTOP,
  e2eSuite,
  enterRoom,
  messageRow,
  online,
  open,
  send,
  shot,
  waitFor,
  type Opened,
} from './helpers.ts';

const suite = e2eSuite();
let a: Opened;
let b: Opened;
let room = '';

const PHONE_360 = {
  viewport: { width: 360, height: 740 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
};

function box(page: Page): Locator {
  return page.getByRole('textbox', { name: 'Write a message...' });
}

/** The newest confirmed message whose body is `text` exactly. */
function body(page: Page, text: string): Locator {
  return page.locator('.message:not(.pending) .message-body', {
    hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
  });
}

/** The open completion list of the message box, by its name ("Emoji", "People in this room"). */
function list(page: Page, name: string): Locator {
  return page.getByRole('listbox', { name });
}

/** The option the message box says is active (aria-activedescendant). */
async function activeOption(page: Page): Promise<string> {
  const id = await box(page).getAttribute('aria-activedescendant');
  expect(id).toBeTruthy();
  const option = page.locator(`[id="${id}"]`);
  await expect(option.getAttribute('aria-selected')).resolves.toBe('true');
  return (await option.textContent()) ?? '';
}

beforeAll(async () => {
  a = await open(suite.browser, suite.server.url, DESKTOP);
  b = await open(suite.browser, suite.server.url, DESKTOP);
  room = await addRoom(a.page);
  await enterRoom(a.page, room);
  await enterRoom(b.page, room);
}, 60_000);

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
      origin: suite.server.url,
    });
    await a.page.getByRole('button', { name: 'Copy link' }).click();
    await a.page.getByRole('button', { name: 'Link copied' }).waitFor();
    await expect(a.page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(
      `${suite.server.url}/room/${room}`,
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
    const storage = suite.server.storage!;
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

describe('emoji and names in the message box', () => {
  beforeAll(async () => {
    // back at the end of the room (the reply above jumped 500 messages back)
    for (const o of [a, b]) {
      await o.page.reload();
      await online(o.page);
      await box(o.page).waitFor();
    }
  });

  it('a shortcode becomes its emoji when its closing colon is typed', async () => {
    await box(a.page).click();
    await box(a.page).pressSequentially('we did it :tada:');
    await expect.poll(() => box(a.page).inputValue()).toBe('we did it 🎉');
    await box(a.page).press('Enter');
    await body(b.page, 'we did it 🎉').waitFor();
    // a colon that does not open a word stays: times, addresses
    await box(a.page).pressSequentially('at 12:30: see http://x:tada:');
    await expect(box(a.page).inputValue()).resolves.toBe('at 12:30: see http://x:tada:');
    await box(a.page).fill('');
  });

  it('lists shortcodes after a colon and 2 letters: keys, Tab, Enter, the mouse, Escape', async () => {
    const page = a.page;
    await box(page).pressSequentially('ok :thu');
    const emoji = list(page, 'Emoji');
    await emoji.waitFor();
    await expect(box(page).getAttribute('aria-controls')).resolves.toBe(
      await emoji.getAttribute('id'),
    );
    await expect(activeOption(page)).resolves.toContain(':thumbsup:');
    await shot(page, 'emoji-shortcode-list-desktop');
    // Enter takes the active one, not sending the message
    await box(page).press('Enter');
    await expect(box(page).inputValue()).resolves.toBe('ok 👍');
    await expect(emoji.count()).resolves.toBe(0);
    // the arrow moves, Tab takes
    await box(page).pressSequentially(' :thu');
    await emoji.waitFor();
    await box(page).press('ArrowDown');
    await expect(activeOption(page)).resolves.toContain(':thumbsdown:');
    await box(page).press('Tab');
    await expect(box(page).inputValue()).resolves.toBe('ok 👍 👎');
    await expect(box(page).evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    // a click takes the one clicked
    await box(page).pressSequentially(' :heart');
    await emoji.getByRole('option', { name: /:heart:/ }).click();
    await expect(box(page).inputValue()).resolves.toBe('ok 👍 👎 ❤️');
    // Escape closes the list and leaves the text as typed
    await box(page).pressSequentially(' :smi');
    await emoji.waitFor();
    await box(page).press('Escape');
    await expect(emoji.count()).resolves.toBe(0);
    await expect(box(page).inputValue()).resolves.toBe('ok 👍 👎 ❤️ :smi');
    await box(page).press('Backspace');
    await box(page).press('Backspace');
    await box(page).press('Backspace');
    await box(page).press('Backspace');
    await box(page).press('Enter');
    await body(b.page, 'ok 👍 👎 ❤️').waitFor();
  });

  it('lists the names of the room after @, and a name chosen is a mention', async () => {
    const nameA = (await a.page.getByTestId('my-name').textContent())!;
    const nameB = (await b.page.getByTestId('my-name').textContent())!;
    await box(b.page).pressSequentially(`thanks @${nameA.slice(0, 3)}`);
    const people = list(b.page, 'People in this room');
    await people.waitFor();
    await expect(people.getByRole('option').allTextContents()).resolves.toContain(nameA);
    // one's own name is not offered
    expect(await people.getByRole('option').allTextContents()).not.toContain(nameB);
    await shot(b.page, 'mention-list-desktop');
    await people.getByRole('option', { name: nameA }).click();
    await expect(box(b.page).inputValue()).resolves.toBe(`thanks @${nameA} `);
    await box(b.page).pressSequentially('for the party');
    await box(b.page).press('Enter');
    const mention = a.page.locator('.message.mention', { hasText: 'for the party' });
    await mention.waitFor();
    await expect(mention.locator('.message-body').textContent()).resolves.toBe(
      `thanks @${nameA} for the party`,
    );
  });
});

describe('the emoji picker', () => {
  /** The picker's search result for 🚀 (its name: the emoji, its name, its shortcodes). */
  const ROCKET = /^🚀, rocket/;

  it('reacts with any emoji; the other browser sees it', async () => {
    const row = await messageRow(b.page, 'we did it 🎉');
    await row.getByRole('button', { name: 'Add a reaction' }).click();
    const more = row.getByRole('button', { name: 'More reactions' });
    await more.click();
    const dialog = b.page.getByRole('dialog', { name: 'Choose an emoji' });
    const search = dialog.getByRole('combobox', { name: 'Search' });
    // opened by the keyboard's user too: the search box has the focus
    await expect
      .poll(() => search.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement))
      .toBe(true);
    // Escape closes it and gives the focus back to its button
    await b.page.keyboard.press('Escape');
    await expect(dialog.count()).resolves.toBe(0);
    await expect(more.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    // so does a press outside it
    await more.click();
    await dialog.waitFor();
    await b.page.mouse.click(5, 400);
    await expect(dialog.count()).resolves.toBe(0);
    // searched and chosen by the keyboard
    await row.hover();
    await more.click();
    await search.fill('rocket');
    await dialog.getByRole('option', { name: ROCKET }).waitFor();
    await shot(b.page, 'emoji-picker-desktop');
    // the arrows walk the results (the astronauts come first: their tags say rocket)
    const selected = dialog.locator('button[role=option][aria-selected=true]');
    for (let i = 0; i < 10; i++) {
      await search.press('ArrowDown');
      if (ROCKET.test((await selected.getAttribute('aria-label')) ?? '')) break;
    }
    await expect(selected.getAttribute('aria-label')).resolves.toMatch(ROCKET);
    await search.press('Enter');
    await expect.poll(() => dialog.count()).toBe(0);
    const chip = a.page
      .locator('.message-row', { has: body(a.page, 'we did it 🎉') })
      .locator('.reaction', { hasText: '🚀' });
    await chip.filter({ hasText: '1' }).waitFor();
  });

  it('inserts an emoji in the message box', async () => {
    await box(a.page).fill('launch ');
    await a.page.getByRole('button', { name: 'Insert an emoji' }).click();
    const dialog = a.page.getByRole('dialog', { name: 'Choose an emoji' });
    await dialog.getByRole('combobox', { name: 'Search' }).fill('rocket');
    await dialog.getByRole('option', { name: ROCKET }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect(box(a.page).inputValue()).resolves.toBe('launch 🚀');
    await box(a.page).press('Enter');
    await body(b.page, 'launch 🚀').waitFor();
  });
});

describe('on a phone (360 x 740)', () => {
  it('shows the lists and the picker inside the screen, and the notification choice', async () => {
    const phone = await open(suite.browser, `${suite.server.url}/room/${room}`, PHONE_360);
    const p = phone.page;
    const inside = async (l: Locator) => {
      const r = (await l.boundingBox())!;
      expect(r.x).toBeGreaterThanOrEqual(0);
      expect(r.y).toBeGreaterThanOrEqual(0);
      expect(r.x + r.width).toBeLessThanOrEqual(360);
      expect(r.y + r.height).toBeLessThanOrEqual(740);
    };
    await box(p).pressSequentially('so :par');
    await inside(list(p, 'Emoji'));
    await shot(p, 'emoji-shortcode-list-phone');
    await box(p).press('Escape');
    await box(p).fill('');

    const insert = p.getByRole('button', { name: 'Insert an emoji' });
    await insert.tap();
    const dialog = p.getByRole('dialog', { name: 'Choose an emoji' });
    const search = dialog.getByRole('combobox', { name: 'Search' });
    await search.waitFor();
    await dialog.locator('.emoji-picker emoji-picker').waitFor();
    await inside(dialog);
    await shot(p, 'emoji-picker-phone');
    // no on-screen keyboard over the emoji: the search box waits for a tap
    await expect(
      search.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement),
    ).resolves.toBe(false);
    // Escape closes it all the same (the focus still on its button)
    await p.keyboard.press('Escape');
    await expect(dialog.count()).resolves.toBe(0);

    // the notification choice: a bell in the header, its choices in a menu
    const bell = p.getByRole('button', { name: 'Notifications: mentions' });
    await bell.tap();
    const menu = p.getByRole('dialog', { name: 'Notifications' });
    await inside(menu);
    await shot(p, 'notify-menu-phone');
    await menu.getByRole('radio', { name: 'Every message' }).tap();
    await p.getByRole('button', { name: 'Notifications: every message' }).waitFor();
    await expect(p.evaluate(() => localStorage.getItem('notify'))).resolves.toBe('all');
    await phone.context.close();
  });
});
