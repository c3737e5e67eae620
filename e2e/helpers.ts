import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Locator,
  type Page,
  type WebSocketRoute,
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

/** A fresh SQLite file in a temporary folder, for a server that restarts on it; remove() after. */
export function tempSqlite(): { storage: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'chat-e2e-'));
  return {
    storage: `sqlite:${join(dir, 'chat.db')}`,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The real chat server in a process of its own: it can be frozen (SIGSTOP) or killed. */
export interface ChatProcess {
  url: string;
  port: number;
  pid: number;
  /** Its --storage. */
  storage: string;
  /** When it said it listens (its log line's time, ms since the epoch). */
  listening: number;
  /** SIGSTOP freezes it (its sockets stay open, nothing answers), SIGCONT thaws it. */
  signal(signal: NodeJS.Signals): void;
  /** Kills it (SIGKILL, as a crash) and waits until it is gone. */
  kill(): Promise<void>;
}

/**
 * Starts the server's command line (packages/server/src/main.ts under tsx) with the options
 * startChat uses; resolves once it listens.
 */
export async function spawnChat(
  options: { port?: number; storage?: string } = {},
): Promise<ChatProcess> {
  const storage = options.storage ?? 'memory';
  const flags = {
    port: String(options.port ?? 0),
    host: '127.0.0.1',
    storage,
    'static-dir': DIST,
    'log-level': 'info',
    'address-new-users-per-hour': '1000000',
    'address-rooms-per-hour': '1000000',
    'address-calls-per-second': '1000000',
    'address-message-bytes-per-second': '1000000000',
  };
  const args = Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v]);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'packages/server/src/main.ts'), ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = await new Promise<{ url: string; time: number }>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { url?: unknown; time?: unknown };
        if (typeof entry.url === 'string' && typeof entry.time === 'number') {
          resolve({ url: entry.url, time: entry.time });
        }
      } catch {
        // not a log line
      }
    });
    void exited.then(() => reject(new Error(`the server exited: ${stderr}`)));
  });
  return {
    url: started.url,
    port: Number(new URL(started.url).port),
    pid: child.pid!,
    storage,
    listening: started.time,
    signal: (signal) => void child.kill(signal),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
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

/** The server and the browser a test file shares (see e2eSuite). */
export interface E2eSuite {
  readonly server: ChatServer;
  readonly browser: Browser;
}

/**
 * The usual set-up of a test file: startChat(`options`) and launch() at once in a beforeAll,
 * the browser closed and the server stopped in an afterAll. Call it at the top of the file:
 * the file's own hooks come after it, so they run once both are up and before they close
 * (Vitest runs hooks as a stack).
 */
export function e2eSuite(options: ServerOptions = {}): E2eSuite {
  let server: ChatServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startChat(options), launch()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} starts in e2eSuite's beforeAll`);
    return value;
  };
  return {
    get server() {
      return started(server, 'the server');
    },
    get browser() {
      return started(browser, 'the browser');
    },
  };
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

/**
 * A fresh browser profile (its own localStorage and cookies) on a page of the app; `prepare`
 * runs before the page loads (init scripts, routes).
 */
export async function open(
  browser: Browser,
  url: string,
  options: BrowserContextOptions = DESKTOP,
  prepare?: (page: Page) => Promise<unknown>,
): Promise<Opened> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await prepare?.(page);
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

/** A switch in a page's WebSocket: cut() drops it and refuses every new one until restore(). */
export interface SocketSwitch {
  cut(): Promise<void>;
  restore(): void;
  /** When each connection attempt was refused (ms since the epoch). */
  refused: number[];
}

/** Puts the page's WebSockets through a switch: before the page loads, or reload it after. */
export async function socketSwitch(page: Page): Promise<SocketSwitch> {
  let blocked = false;
  const open: WebSocketRoute[] = [];
  const refused: number[] = [];
  await page.routeWebSocket(
    (u) => u.pathname === '/ws',
    (ws) => {
      if (blocked) {
        refused.push(Date.now());
        void ws.close({ code: 4001, reason: 'blocked by the test' });
        return;
      }
      ws.connectToServer();
      open.push(ws);
    },
  );
  return {
    refused,
    async cut() {
      blocked = true;
      for (const ws of open.splice(0))
        await ws.close({ code: 4001, reason: 'dropped by the test' });
    },
    restore() {
      blocked = false;
    },
  };
}

/**
 * open() on a page that records its connection status (connectionAt); with `switched`, its
 * WebSocket goes through a switch (socketSwitch: the test's proxy, only where it cuts it).
 */
export async function openWatched(
  browser: Browser,
  url: string,
  switched = false,
): Promise<Opened & { socket: SocketSwitch | null }> {
  const made: { socket: SocketSwitch | null } = { socket: null };
  const o = await open(browser, url, DESKTOP, async (page) => {
    await recordConnection(page);
    if (switched) made.socket = await socketSwitch(page);
  });
  return { ...o, socket: made.socket };
}

type ConnectionLog = { state: string; at: number }[];

/**
 * Records in the page when its connection status (the header's .connection-<state>) changes,
 * read by connectionAt(). Call before the page loads.
 */
export async function recordConnection(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const log: { state: string; at: number }[] = [];
    (window as unknown as { connectionLog: typeof log }).connectionLog = log;
    new MutationObserver(() => {
      const el = document.querySelector('.connection');
      const state = [...(el?.classList ?? [])]
        .map((c) => /^connection-(connecting|online|offline|taken_over)$/.exec(c)?.[1])
        .find((c) => c !== undefined);
      if (state !== undefined && state !== log.at(-1)?.state) log.push({ state, at: Date.now() });
    }).observe(document, { subtree: true, childList: true, attributes: true });
  });
}

/** When the page's status first became `state` at or after `after` (waits for it). */
export async function connectionAt(
  page: Page,
  state: 'connecting' | 'online' | 'offline',
  after: number,
  timeout = 15_000,
): Promise<number> {
  const found = await page.waitForFunction(
    ([s, t]) =>
      (window as unknown as { connectionLog: ConnectionLog }).connectionLog.find(
        (e) => e.state === s && e.at >= t,
      )?.at,
    [state, after] as const,
    { timeout, polling: 50 },
  );
  return (await found.jsonValue())!;
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

export function roomItem(page: Page, uuid: string): Locator {
  return page.locator(`.room-item[data-room-uuid="${uuid}"]`);
}

/**
 * Creates a room with "Add room" (public, named by the server unless `name`), which opens it;
 * returns its uuid, the page back in the lobby unless `stay`.
 */
export async function addRoom(
  page: Page,
  options: { name?: string; unlisted?: boolean; stay?: boolean } = {},
): Promise<string> {
  await page.getByRole('button', { name: 'Add room' }).click();
  const dialog = page.getByRole('dialog', { name: 'New room' });
  if (options.name !== undefined) {
    await dialog.getByRole('textbox', { name: 'Name' }).fill(options.name);
  }
  if (options.unlisted) await dialog.getByRole('radio', { name: /^Unlisted/ }).check();
  await dialog.getByRole('button', { name: 'Create' }).click();
  await page.waitForURL(/\/room\/[0-9a-f-]{36}$/);
  const uuid = new URL(page.url()).pathname.split('/').pop()!;
  if (!options.stay) {
    await page.getByRole('button', { name: 'Go back' }).click();
    await roomItem(page, uuid).waitFor();
  }
  return uuid;
}

/** Deletes a room from the lobby's list: its Delete, then the Delete of the question asked. */
export async function deleteRoom(page: Page, uuid: string, name: string): Promise<void> {
  await roomItem(page, uuid)
    .getByRole('button', { name: `Delete room ${name}` })
    .click();
  await page
    .getByRole('dialog', { name: `Delete the room ${name}, its messages and its board?` })
    .getByRole('button', { name: 'Delete', exact: true })
    .click();
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

/** The row of the message of `page` whose body is `text`, hovered so that its actions show. */
export async function messageRow(page: Page, text: string): Promise<Locator> {
  const m = page.locator('.message-row', {
    has: page.locator('.message-body', { hasText: new RegExp(`^${text}$`) }),
  });
  await m.waitFor();
  await m.hover();
  return m;
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

/**
 * Kills the server, waits until every page says it is offline, and `downMs` more (the pages'
 * attempts reach their cap), then starts it again on the same port and storage. Returns it,
 * and how long after it listened each page was back online (ms).
 */
export async function restartChat(
  server: ChatProcess,
  pages: Page[],
  downMs: number,
): Promise<{ server: ChatProcess; back: number[] }> {
  const killed = Date.now();
  await server.kill();
  await Promise.all(pages.map((page) => connectionAt(page, 'offline', killed)));
  await new Promise((r) => setTimeout(r, downMs));
  const restarted = await spawnChat({ port: server.port, storage: server.storage });
  const online = await Promise.all(pages.map((page) => connectionAt(page, 'online', killed)));
  return { server: restarted, back: online.map((at) => at - restarted.listening) };
}

/**
 * Cuts the page's WebSocket until its backoff is at its cap (4 attempts refused: the next one
 * would wait 2 to 3 s), lets connections through again and runs `trigger` (Reconnect now, say)
 * at once. Returns how long after the trigger, and after the last refused attempt, the page
 * was back online (ms).
 */
export async function retryAtCap(
  page: Page,
  socket: SocketSwitch,
  trigger: () => Promise<unknown>,
): Promise<{ sinceTrigger: number; sinceLastAttempt: number }> {
  const dropped = Date.now();
  await socket.cut();
  await connectionAt(page, 'offline', dropped);
  const before = socket.refused.length;
  await waitFor(async () => socket.refused.length >= before + 4, 20_000, '4 refused attempts');
  const last = socket.refused.at(-1)!;
  socket.restore();
  const asked = Date.now();
  await trigger();
  const back = await connectionAt(page, 'online', asked);
  return { sinceTrigger: back - asked, sinceLastAttempt: back - last };
}
