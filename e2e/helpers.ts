import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Locator,
  type Page,
} from 'playwright-core';
import { ARTIFACTS, DIST, ROOT } from './paths.ts';

export interface ChatServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** The server's own storage: the history tests seed rooms and messages straight into it. */
  storage?: {
    rooms: {
      create(r: {
        uuid: string;
        name: string;
        color: string;
        created: string;
        drawing_uuid: string;
      }): Promise<unknown>;
    };
    messages: {
      add(m: {
        uuid: string;
        room_uuid: string;
        body: string;
        user: { uuid: string; name: string; room_uuid: string | null };
        created: string;
      }): Promise<unknown>;
    };
  };
}

export interface ServerOptions {
  port?: number;
  host?: string;
  storage?: string;
  staticDir?: string;
  logLevel?: string;
  addressNewUsersPerHour?: number;
  addressRoomsPerHour?: number;
  addressCallsPerSecond?: number;
  addressMessageBytesPerSecond?: number;
}

type StartServer = (options: ServerOptions) => Promise<ChatServer>;

/** Starts the real chat server in this process (packages/server/src/app.ts). */
export async function startChat(options: ServerOptions = {}): Promise<ChatServer> {
  const app = pathToFileURL(join(ROOT, 'packages/server/src/app.ts')).href;
  const mod = (await import(/* @vite-ignore */ app)) as { startServer: StartServer };
  return mod.startServer({
    port: 0,
    host: '127.0.0.1',
    storage: 'memory',
    staticDir: DIST,
    logLevel: 'silent',
    // every browser of a test comes from one address: its quotas are not what is tested here
    addressNewUsersPerHour: 1_000_000,
    addressRoomsPerHour: 1_000_000,
    addressCallsPerSecond: 1_000_000,
    addressMessageBytesPerSecond: 1_000_000_000,
    ...options,
  });
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Opened {
  context: BrowserContext;
  page: Page;
  /** Script dialogs (alert, ...) the page opened: must stay empty. */
  dialogs: string[];
  errors: string[];
}

export const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
};

/** A fresh browser profile (its own localStorage and cookies) on a page of the app. */
export async function open(
  browser: Browser,
  url: string,
  options: BrowserContextOptions = DESKTOP,
): Promise<Opened> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await online(page);
  return { context, page, dialogs, errors };
}

/** Connected, and past the readable name a new identity gives itself (see web/src/names.ts). */
export async function online(page: Page, timeout = 15_000): Promise<void> {
  await page.locator('.connection-online').waitFor({ timeout });
  await page
    .getByTestId('my-name')
    .filter({ hasNotText: /^user-/ })
    .waitFor({ timeout });
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

export function roomItem(page: Page, uuid: string): Locator {
  return page.locator(`.room-item[data-room-uuid="${uuid}"]`);
}

/** Clicks "Add room" and returns the uuid of the room that appeared. */
export async function addRoom(page: Page): Promise<string> {
  const before = new Set(
    await page
      .locator('.room-item')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-room-uuid'))),
  );
  await page.getByRole('button', { name: 'Add room' }).click();
  for (let i = 0; i < 100; i++) {
    const now = await page
      .locator('.room-item')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-room-uuid')));
    const added = now.find((u) => u !== null && !before.has(u));
    if (added) return added;
    await page.waitForTimeout(50);
  }
  throw new Error('no room appeared after "Add room"');
}

export async function renameRoom(page: Page, uuid: string, name: string): Promise<void> {
  const item = roomItem(page, uuid);
  await item.getByRole('button', { name: /^Rename room/ }).click();
  const box = item.getByRole('textbox', { name: 'Room name' });
  await box.fill(name);
  await box.press('Enter');
  await item.locator('.room-name', { hasText: name }).waitFor();
}

export async function enterRoom(page: Page, uuid: string): Promise<void> {
  await roomItem(page, uuid).locator('.room-name').click();
  await page.waitForURL(`**/room/${uuid}`);
  await page.getByRole('textbox', { name: 'Write a message...' }).waitFor();
}

export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Write a message...' });
  await box.fill(text);
  await box.press('Enter');
}

/** Bodies of the confirmed messages on screen, top to bottom. */
export function shownMessages(page: Page): Promise<string[]> {
  return page
    .locator('.message:not(.pending) .message-body')
    .evaluateAll((els) => els.map((e) => e.textContent ?? ''));
}

export async function boardStats(page: Page): Promise<{ lines: number; points: number }> {
  const board = page.getByTestId('board');
  const [lines, points] = await Promise.all([
    board.getAttribute('data-lines'),
    board.getAttribute('data-points'),
  ]);
  return { lines: Number(lines), points: Number(points) };
}

/** Pixels of the drawing layer that are not transparent. */
export function inkedPixels(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvases = document.querySelectorAll<HTMLCanvasElement>('[data-testid=board] canvas');
    const layer = canvases[canvases.length - 1];
    const ctx = layer?.getContext('2d');
    if (!layer || !ctx) return 0;
    const data = ctx.getImageData(0, 0, layer.width, layer.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
    return n;
  });
}

export async function waitFor(
  check: () => Promise<boolean>,
  timeout = 5_000,
  message = 'condition',
): Promise<void> {
  const end = Date.now() + timeout;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${message}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
