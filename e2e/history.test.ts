import { describe, expect, it } from 'vitest';
import { addRoom, DESKTOP, e2eSuite, enterRoom, online, open, shot } from './helpers.ts';

const TOTAL = 100_000;
const suite = e2eSuite();

describe('many rooms', () => {
  it('pages older rooms in as the list scrolls, and searches over all of them', async () => {
    const storage = suite.server.storage!;
    const t0 = Date.parse('2025-01-01T00:00:00.000Z');
    for (let i = 1; i <= 250; i++) {
      const hex = i.toString(16).padStart(12, '0');
      await storage.rooms.create({
        uuid: `00000000-0000-4000-9000-${hex}`,
        name: `seeded room ${i}`,
        color: '#5da247',
        created: new Date(t0 + i * 1000).toISOString(),
        drawing_uuid: `00000000-0000-4000-a000-${hex}`,
      });
    }
    const a = await open(suite.browser, suite.server.url);
    const page = a.page;
    await page.getByText('seeded room 250', { exact: true }).waitFor();
    // newest first; the oldest room is two pages away
    const list = page.locator('.room-list');
    await list.hover();
    for (let i = 0; i < 80; i++) {
      if ((await page.getByText('seeded room 1', { exact: true }).count()) > 0) break;
      await page.mouse.wheel(0, 2_000);
      await page.waitForTimeout(60);
    }
    await page.getByText('seeded room 1', { exact: true }).waitFor({ timeout: 2_000 });
    await page.getByRole('searchbox', { name: 'Search' }).fill('room 17');
    // 17 and 170-179 match; newest first, from the top
    await page.getByText('seeded room 179', { exact: true }).waitFor();
    await page.getByText('seeded room 172', { exact: true }).waitFor();
    await expect(page.getByText('seeded room 250', { exact: true }).count()).resolves.toBe(0);
    await shot(page, 'desktop-search-many');
    await a.context.close();
  });
});

describe('a search over many rooms', () => {
  it('finds a rare match thousands of rooms back: reads the short pages by itself, saying "Searching…"', async () => {
    // a search page examines at most 5,000 rooms: the one match is three pages back
    const storage = suite.server.storage!;
    const t0 = Date.parse('2024-01-01T00:00:00.000Z');
    for (let i = 1; i <= 12_000; i++) {
      const hex = i.toString(16).padStart(12, '0');
      await storage.rooms.create({
        uuid: `00000000-0000-4000-b000-${hex}`,
        name: i === 1 ? 'the rare needle' : `filler ${i}`,
        color: '#888888',
        created: new Date(t0 + i * 1000).toISOString(),
        drawing_uuid: `00000000-0000-4000-c000-${hex}`,
      });
    }
    const context = await suite.browser.newContext(DESKTOP);
    const page = await context.newPage();
    // the search's pages come a little late, as from a busy server, and are counted
    const asked: string[] = [];
    await page.routeWebSocket(
      (u) => u.pathname === '/ws',
      (ws) => {
        const upstream = ws.connectToServer();
        ws.onMessage((m) => {
          if (typeof m === 'string' && m.includes('"rare needle"')) asked.push(m);
          upstream.send(m);
        });
        upstream.onMessage((m) => {
          if (typeof m === 'string' && m.includes('"rare needle"'))
            setTimeout(() => ws.send(m), 300);
          else ws.send(m);
        });
      },
    );
    await page.goto(suite.server.url);
    await online(page);
    await page.getByRole('searchbox', { name: 'Search' }).fill('rare needle');
    await page.getByText('Searching…', { exact: true }).waitFor();
    await expect(page.getByText(/No room matches/).count()).resolves.toBe(0);
    await shot(page, 'desktop-search-searching');
    await page.getByText('the rare needle', { exact: true }).waitFor({ timeout: 10_000 });
    // no page was asked for by the user: the list read on by itself, and says it is done
    expect(asked.length).toBeGreaterThanOrEqual(3);
    expect(asked.filter((m) => m.includes('"cursor"'))).toHaveLength(asked.length - 1);
    await page.getByText(/^Searching…/).waitFor({ state: 'detached' });
    await shot(page, 'desktop-search-far-back');
    await context.close();
  });
});

describe('a room with 100,000 messages', () => {
  it('opens at the newest, pages back on scroll, stays virtualized and smooth', async () => {
    const storage = suite.server.storage;
    expect(storage, 'startServer exposes its storage').toBeDefined();
    const a = await open(suite.browser, suite.server.url);
    const room = await addRoom(a.page);
    const author = {
      uuid: '11111111-1111-4111-8111-111111111111',
      name: 'seeder',
      room_uuid: room,
    };
    const t0 = Date.parse('2026-01-01T00:00:00.000Z');
    for (let i = 1; i <= TOTAL; i++) {
      await storage!.messages.add({
        uuid: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
        room_uuid: room,
        body: `message number ${i}`,
        user: author,
        created: new Date(t0 + i * 1000).toISOString(),
      });
    }
    await enterRoom(a.page, room);
    const page = a.page;
    await page.locator('.message-body', { hasText: `message number ${TOTAL}` }).waitFor();

    // measure frames while scrolling up through several pages of history
    await page.evaluate(() => {
      const w = window as unknown as { frames_: number[] };
      w.frames_ = [];
      let last = performance.now();
      const tick = (t: number) => {
        w.frames_.push(t - last);
        last = t;
        if (w.frames_.length < 100_000) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const list = page.locator('.message-list');
    await list.hover();
    for (let i = 0; i < 60; i++) {
      await page.mouse.wheel(0, -800);
      await page.waitForTimeout(40);
    }
    const oldest = await page
      .locator('.message[data-seq]')
      .evaluateAll((els) => Math.min(...els.map((e) => Number(e.getAttribute('data-seq')))));
    expect(oldest).toBeLessThan(TOTAL - 300);
    const rendered = await page.locator('.message').count();
    expect(rendered).toBeLessThan(150);
    const frames = await page.evaluate(() => (window as unknown as { frames_: number[] }).frames_);
    const sorted = [...frames].sort((x, y) => x - y);
    const p95 = sorted[Math.floor(sorted.length * 0.95)] ?? 0;
    const worst = sorted[sorted.length - 1] ?? 0;
    console.log(
      `scrolling: ${frames.length} frames, p95 ${p95.toFixed(1)} ms, worst ${worst.toFixed(1)} ms, oldest seq ${oldest}`,
    );
    expect(p95).toBeLessThan(100);
    expect(worst).toBeLessThan(1_000);

    // "Jump to latest" brings the newest back
    await page.getByRole('button', { name: 'Jump to latest' }).click();
    await page.locator('.message-body', { hasText: `message number ${TOTAL}` }).waitFor();
    await shot(page, 'desktop-history-100k');
    await a.context.close();
  });
});
