import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import axe from 'axe-core';
import type { Page } from 'playwright-core';
import {
  addRoom,
  DESKTOP,
  e2eSuite,
  open,
  PHONE,
  renameRoom,
  send,
  type Opened,
} from './helpers.ts';

/** The WCAG 2.1 A and AA rules axe-core checks on a rendered page (contrast included). */
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const suite = e2eSuite();

/** axe-core's WCAG violations on the page as it is now, one line each (empty: none). */
async function violations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.addScriptTag({ content: axe.source });
  }
  return page.evaluate(async (tags) => {
    const run = (window as unknown as { axe: typeof axe }).axe.run;
    const result = await run(document, { runOnly: { type: 'tag', values: tags } });
    return result.violations.map(
      (v) =>
        `${v.id} (${v.impact ?? 'n/a'}): ${v.help}: ${v.nodes
          .slice(0, 4)
          .map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`.replace(/\s+/g, ' '))
          .join(' | ')}`,
    );
  }, WCAG);
}

/** How many themes the slider offers. */
async function themeCount(page: Page): Promise<number> {
  const slider = page.getByRole('slider', { name: 'Theme selector' });
  return Number(await slider.getAttribute('max')) - Number(await slider.getAttribute('min')) + 1;
}

async function theme(page: Page, n: number): Promise<void> {
  await page.getByRole('slider', { name: 'Theme selector' }).fill(String(n));
  await page.locator(`html[data-theme="${n}"]`).waitFor();
}

/** Opens a tab and gives its panel a moment to render. */
async function tab(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name }).click();
  await page.waitForTimeout(100);
}

// bypassCSP: the page's Content-Security-Policy would rightly refuse the injected axe script
for (const [label, options] of [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const) {
  describe(`accessibility (${label}, axe-core, WCAG 2.1 AA)`, () => {
    let o: Opened;
    let room: string;

    beforeAll(async () => {
      o = await open(suite.browser, suite.server.url, { ...options, bypassCSP: true });
      if (label === 'phone') await o.page.getByRole('button', { name: 'Show rooms' }).click();
      room = await addRoom(o.page);
      await renameRoom(o.page, room, `Checked ${label}`);
    });
    afterAll(async () => {
      await o?.context.close();
    });

    it('home, the info page and the 404 page, in every theme', async () => {
      const themes = await themeCount(o.page);
      expect(themes).toBe(8);
      for (let n = 0; n < themes; n++) {
        await theme(o.page, n);
        expect(await violations(o.page), `home, theme ${n}`).toEqual([]);
      }
      await theme(o.page, 0);
      await o.page.goto(`${suite.server.url}/info`);
      await o.page.getByRole('heading', { name: /About/ }).waitFor();
      expect(await violations(o.page), 'info').toEqual([]);
      await o.page.goto(`${suite.server.url}/no/such/page`);
      await o.page.getByRole('heading', { name: /404/ }).waitFor();
      expect(await violations(o.page), '404').toEqual([]);
    });

    it('a room: messages in every theme, then users, drawing and the event log', async () => {
      await o.page.goto(`${suite.server.url}/room/${room}`);
      await o.page.getByRole('textbox', { name: 'Write a message...' }).waitFor();
      await send(o.page, 'a message, and a link: https://example.com/');
      await o.page.locator('.message.own').last().waitFor();
      // someone else's, in markdown: an avatar, a colored name, a group, code and a quote
      const other = await open(suite.browser, `${suite.server.url}/room/${room}`);
      await other.page.getByRole('textbox', { name: 'Write a message...' }).waitFor();
      await send(other.page, '**bold** `code` [a link](https://example.com/)\n> quoted');
      await send(other.page, '```\nconst x = 1;\n```');
      await o.page.locator('.message-row.compact pre').waitFor();
      await other.context.close();
      for (let n = 0; n < (await themeCount(o.page)); n++) {
        await theme(o.page, n);
        expect(await violations(o.page), `messages, theme ${n}`).toEqual([]);
      }
      await theme(o.page, 0);
      await tab(o.page, 'Show users');
      expect(await violations(o.page), 'users').toEqual([]);
      await tab(o.page, 'Show drawing');
      await o.page.getByTestId('board').waitFor();
      expect(await violations(o.page), 'drawing').toEqual([]);
      await tab(o.page, 'Show event log');
      expect(await violations(o.page), 'event log').toEqual([]);
    });
  });
}
