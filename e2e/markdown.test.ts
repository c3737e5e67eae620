import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  addRoom,
  DESKTOP,
  e2eSuite,
  enterRoom,
  open,
  PHONE,
  renameRoom,
  send,
  shot,
  waitFor,
  type Opened,
} from './helpers.ts';

const suite = e2eSuite();
let a: Opened;
/** Without the page's Content-Security-Policy: an injected handler would run here. */
let b: Opened;
let room = '';

async function rename(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: /Change your name/ }).click();
  const box = page.getByRole('textbox', { name: 'Your name' });
  await box.fill(name);
  await box.press('Enter');
  await page.getByTestId('my-name').filter({ hasText: name }).waitFor();
}

async function theme(page: Page, n: number): Promise<void> {
  await page.getByRole('slider', { name: 'Theme selector' }).fill(String(n));
  await page.locator(`html[data-theme="${n}"]`).waitFor();
}

/** The bodies of the messages whose text is `text`, in the list of `page`. */
function bodyWith(page: Page, text: string) {
  return page.locator('.message-body', { hasText: text });
}

beforeAll(async () => {
  a = await open(suite.browser, suite.server.url);
  b = await open(suite.browser, suite.server.url, { ...DESKTOP, bypassCSP: true });
  await rename(a.page, 'alice');
  await rename(b.page, 'Bob');
  room = await addRoom(a.page);
  await renameRoom(a.page, room, 'Markdown');
  await enterRoom(a.page, room);
  await enterRoom(b.page, room);
});

const FORMATTED = [
  '**bold** *italic* ~~struck~~ `inline code` [a link](https://example.com/docs) and https://example.org/auto',
  '> a quote',
  '',
  '- one',
  '- two',
  '',
  '1. first',
  '2. second',
  '',
  '# not a shout',
].join('\n');

const LONG_CODE = '```\n' + `const line = '${'x'.repeat(400)}';\nshort();\n` + '```';

const XSS = [
  '<script>window.__xss=1</script>',
  '<img src=x onerror="window.__xss=1;alert(1)">',
  '[x](javascript:window.__xss=1)',
  '[x](JAVASCRIPT:alert(1))',
  '[x](data:text/html,<script>alert(1)</script>)',
  '<a href="javascript:alert(1)">x</a>',
  '![x](javascript:alert(1))',
  '<iframe src=//example.com>',
  '[x](  javascript:alert(1))',
  '<svg onload="window.__xss=1;alert(1)">',
  '<details open ontoggle="window.__xss=1">x</details>',
  '<javascript:alert(1)>',
];

/**
 * What no message may put in the list: forbidden elements, handlers, unsafe URLs, in what
 * users write (bodies, quoted excerpts, names); the page's own icons (an owner's crown) are
 * not theirs.
 */
function forbiddenIn(page: Page): Promise<string[]> {
  return page.locator('.message-list').evaluate((list) => {
    const found: string[] = [];
    const bad = ['script', 'img', 'iframe', 'svg', 'object', 'embed', 'style', 'details'];
    const written = '.message-body, .reply-quote, .message-author';
    const inside = [...list.querySelectorAll(written)].flatMap((w) => [
      w,
      ...w.querySelectorAll('*'),
    ]);
    for (const el of inside) {
      const tag = el.tagName.toLowerCase();
      if (bad.includes(tag)) found.push(`<${tag}>`);
      for (const attr of el.getAttributeNames()) {
        if (/^on/i.test(attr) || attr === 'src') found.push(`${tag}[${attr}]`);
      }
      const href = el.getAttribute('href');
      if (href !== null && !/^(?:https?:\/\/|mailto:)/i.test(href)) found.push(`href=${href}`);
    }
    return found;
  });
}

describe('message markdown between two browsers', () => {
  it('a formatted message shows formatted in the other browser', async () => {
    await send(a.page, FORMATTED);
    const body = bodyWith(b.page, 'not a shout');
    await body.waitFor({ timeout: 2_000 });
    await expect(body.locator('strong', { hasText: 'bold' }).count()).resolves.toBe(1);
    await expect(body.locator('em').textContent()).resolves.toBe('italic');
    await expect(body.locator('del').textContent()).resolves.toBe('struck');
    await expect(body.locator('code').textContent()).resolves.toBe('inline code');
    await expect(body.locator('blockquote').textContent()).resolves.toContain('a quote');
    await expect(body.locator('ul > li').allTextContents()).resolves.toEqual(['one', 'two']);
    await expect(body.locator('ol > li').allTextContents()).resolves.toEqual(['first', 'second']);
    await expect(body.locator('h1, h2, h3, h4, h5, h6').count()).resolves.toBe(0);
    await expect(body.locator('.md-heading strong').textContent()).resolves.toBe('not a shout');
    const links = body.locator('a');
    await expect(
      links.evaluateAll((els) => els.map((e) => [e.getAttribute('href'), e.getAttribute('rel')])),
    ).resolves.toEqual([
      ['https://example.com/docs', 'noopener noreferrer'],
      ['https://example.org/auto', 'noopener noreferrer'],
    ]);
    await expect(links.first().getAttribute('target')).resolves.toBe('_blank');
    // inline code is monospace
    const font = await body.locator('code').evaluate((e) => getComputedStyle(e).fontFamily);
    expect(font).toMatch(/mono/i);
  });

  it('a long code line scrolls inside its block and never widens the page', async () => {
    await send(a.page, LONG_CODE);
    for (const p of [a.page, b.page]) {
      const pre = bodyWith(p, 'short();').locator('pre');
      await pre.waitFor();
      const box = await pre.evaluate((e) => ({
        scroll: e.scrollWidth,
        client: e.clientWidth,
        overflow: getComputedStyle(e).overflowX,
        font: getComputedStyle(e).fontFamily,
      }));
      expect(box.overflow).toBe('auto');
      expect(box.scroll).toBeGreaterThan(box.client);
      expect(box.font).toMatch(/mono/i);
      const [message, list] = await Promise.all([
        p.locator('.message', { has: pre }).boundingBox(),
        p.locator('.message-list').boundingBox(),
      ]);
      expect(message!.x + message!.width).toBeLessThanOrEqual(list!.x + list!.width);
      const width = await p.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(1280);
    }
  });

  it('hostile messages run nothing and render no forbidden element', async () => {
    await b.page.evaluate(() => {
      (window as unknown as { __xss?: number }).__xss = undefined;
    });
    for (const x of XSS) await send(a.page, x);
    await send(a.page, 'all hostile messages sent');
    await bodyWith(b.page, 'all hostile messages sent').waitFor({ timeout: 3_000 });
    await bodyWith(a.page, 'all hostile messages sent').waitFor({ timeout: 3_000 });
    // the markup shows as the text it is
    await bodyWith(b.page, '<script>window.__xss=1</script>').waitFor();
    await bodyWith(b.page, '<svg onload=').waitFor();
    // give a handler the time it would take to fire
    await b.page.waitForTimeout(300);
    for (const o of [a, b]) {
      expect(await forbiddenIn(o.page)).toEqual([]);
      expect(await o.page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBe(
        undefined,
      );
      expect(o.dialogs).toEqual([]);
      expect(o.errors).toEqual([]);
    }
    // the check can see a handler: one put in by hand runs, and is found
    await b.page.locator('.message-list').evaluate((list) => {
      const img = document.createElement('img');
      img.setAttribute('src', 'data:,x');
      img.setAttribute('onerror', 'window.__xss=1');
      list.querySelector('.message-body')!.append(img);
    });
    await waitFor(
      async () =>
        (await b.page.evaluate(() => (window as unknown as { __xss?: number }).__xss)) === 1,
      2_000,
      'the planted handler to run',
    );
    expect(await forbiddenIn(b.page)).toEqual(['<img>', 'img[src]', 'img[onerror]']);
    await b.page.reload();
    await b.page.getByRole('textbox', { name: 'Write a message...' }).waitFor();
  });

  it('groups, avatars, colors and the day separator', async () => {
    await send(b.page, 'first from Bob');
    await send(b.page, 'second from Bob');
    await send(b.page, 'third from **Bob**');
    const p = a.page;
    await bodyWith(p, 'third from Bob').waitFor({ timeout: 2_000 });
    const row = (text: string) =>
      p.locator('.message-row', { has: p.locator('.message-body', { hasText: text }) });
    // the first of Bob's opens a group: avatar and author line; the next are compact
    const head = row('first from Bob');
    await expect(head.getAttribute('class')).resolves.toContain('head');
    await expect(head.locator('.avatar').textContent()).resolves.toBe('B');
    await expect(head.locator('.message-author').textContent()).resolves.toBe('Bob');
    for (const text of ['second from Bob', 'third from Bob']) {
      await expect(row(text).getAttribute('class')).resolves.toContain('compact');
      await expect(row(text).locator('.avatar, .message-author').count()).resolves.toBe(0);
    }
    // alice's own messages in a row are one group too (its head may be scrolled out of the
    // virtualized list), without an avatar
    await expect(p.locator('.message-row.own.head').count()).resolves.toBeLessThanOrEqual(1);
    await expect(p.locator('.message-row.own.compact').count()).resolves.toBeGreaterThan(5);
    await expect(p.locator('.message-row.own .avatar').count()).resolves.toBe(0);
    // the name is written in the color of the avatar, its initial readable on it
    const colors = await head.evaluate((r) => {
      const avatar = getComputedStyle(r.querySelector('.avatar')!);
      return {
        fill: avatar.backgroundColor,
        ink: avatar.color,
        name: getComputedStyle(r.querySelector('.message-author')!).color,
      };
    });
    expect(colors.fill).toBe(colors.name);
    expect(colors.fill).not.toBe('rgba(0, 0, 0, 0)');
    expect(colors.ink).not.toBe(colors.fill);
    // a compact message shows its time on hover, among its actions, with the full date and
    // time as its title
    const actions = row('second from Bob').locator('.message-actions');
    await expect(actions.evaluate((e) => getComputedStyle(e).visibility)).resolves.toBe('hidden');
    await row('second from Bob').hover();
    await waitFor(
      async () => (await actions.evaluate((e) => getComputedStyle(e).visibility)) === 'visible',
      2_000,
      'the time shown on hover',
    );
    const hoverTime = actions.locator('.message-actions-time time');
    await expect(hoverTime.getAttribute('title')).resolves.toMatch(/\d/);
    // beside the bubble, inside the list, and taking no room from it
    const [time, bubble, list] = await Promise.all([
      hoverTime.boundingBox(),
      row('second from Bob').locator('.message').boundingBox(),
      p.locator('.message-list').boundingBox(),
    ]);
    expect(time!.x).toBeGreaterThanOrEqual(bubble!.x + bubble!.width);
    expect(time!.x + time!.width).toBeLessThanOrEqual(list!.x + list!.width);
    // an own one: on the left of the bubble
    const own = row('all hostile messages sent');
    await own.hover();
    const [ownActions, ownBubble] = await Promise.all([
      own.locator('.message-actions').boundingBox(),
      own.locator('.message').boundingBox(),
    ]);
    expect(ownActions!.x + ownActions!.width).toBeLessThanOrEqual(ownBubble!.x);
    expect(ownActions!.x).toBeGreaterThanOrEqual(list!.x);
    await shot(p, 'desktop-markdown-hover');
    // the room began today: one separator, above its first message
    await b.page.locator('.message-list').evaluate((e) => e.scrollTo(0, 0));
    await b.page.locator('.day-separator', { hasText: 'Today' }).waitFor();
    await p.mouse.move(0, 0);
    await shot(p, 'desktop-markdown');
    await shot(b.page, 'desktop-markdown-other');
  });

  it('readable in a dark theme and at a phone size', async () => {
    await theme(a.page, 5);
    await shot(a.page, 'desktop-markdown-theme-5');
    await theme(a.page, 0);
    const phone = await open(suite.browser, suite.server.url, PHONE);
    try {
      await phone.page.getByRole('button', { name: 'Show rooms' }).click();
      await enterRoom(phone.page, room);
      await bodyWith(phone.page, 'third from Bob').waitFor();
      const pre = bodyWith(phone.page, 'short();').locator('pre');
      await pre.scrollIntoViewIfNeeded();
      const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(390);
      await shot(phone.page, 'phone-markdown-code');
      await phone.page.locator('.message-list').evaluate((e) => e.scrollTo(0, e.scrollHeight));
      await shot(phone.page, 'phone-markdown');
      await theme(phone.page, 6);
      await shot(phone.page, 'phone-markdown-theme-6');
      expect(phone.errors).toEqual([]);
      expect(phone.dialogs).toEqual([]);
    } finally {
      await phone.context.close();
    }
  });
});
