import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.ts';
import { TestClient } from './helpers/client.ts';

const MAIN = new URL('../src/main.ts', import.meta.url).pathname;
// the test runs the CLI from a temporary directory: load tsx from this repository
const TSX = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
const dir = mkdtempSync(join(tmpdir(), 'chat-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Resolves with the listening line's fields once the server logs it. */
function listening(child: ChildProcess): Promise<{ url: string; storage: string; msg: string }> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as { url?: string; storage: string; msg: string };
      if (entry.url) resolve(entry as { url: string; storage: string; msg: string });
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('the command line', () => {
  it('starts on SQLite in ./data by default and says where it listens', async () => {
    const child = run(['--port', '0']);
    const line = await listening(child);
    expect(line.msg).toMatch(
      /^listening on http:\/\/127\.0\.0\.1:\d+, storing in sqlite:\.\/data\/chat\.db$/,
    );
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });

  it('stops on SIGTERM and SIGINT: sockets closed with 1001, exit 0', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const child = run(['--port', '0', '--storage', 'memory']);
      const { url } = await listening(child);
      const c = await TestClient.connect(url);
      const code = exited(child);
      child.kill(signal);
      expect(await c.closed).toBe(1001);
      expect(await code).toBe(0);
    }
  });

  it('--log-level debug logs every statement in and out (the verbose log)', async () => {
    const child = run(['--port', '0', '--storage', 'memory', '--log-level', 'debug']);
    const entries: { msg: string; frame?: string }[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) =>
      entries.push(JSON.parse(line) as { msg: string }),
    );
    const { url } = await listening(child);
    const c = await TestClient.connect(url);
    c.call('list_rooms', {}, 'verbose-1');
    await c.next('rooms_listed', (p) => p.id === 'verbose-1');
    await c.close();
    child.kill('SIGTERM');
    await exited(child);
    expect(entries.some((e) => e.msg === 'in' && e.frame?.includes('"verbose-1"'))).toBe(true);
    expect(entries.some((e) => e.msg === 'out' && e.frame?.includes('user_created'))).toBe(true);
    expect(entries.some((e) => e.msg === 'out' && e.frame?.includes('"verbose-1"'))).toBe(true);
  });

  it('refuses a bad flag or environment value with a clear message', async () => {
    for (const [args, env, text] of [
      [['--port', 'abc'], {}, /--port.*whole number/],
      [['--storage', 'mysql://x'], {}, /memory, sqlite:PATH or postgres/],
      [['--log-level', 'loud'], {}, /expected one of/],
      [[], { PORT: '99999' }, /PORT.*whole number/],
    ] as const) {
      const child = run([...args], env);
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      expect(await exited(child)).not.toBe(0);
      expect(stderr).toMatch(text);
    }
  });

  it('reads flags over environment over defaults', () => {
    expect(parseConfig([], {})).toMatchObject({
      port: 9000,
      host: '127.0.0.1',
      storage: 'sqlite:./data/chat.db',
      bus: 'local',
      logLevel: 'info',
    });
    expect(parseConfig([], { PORT: '1234', STORAGE: 'memory', LOG_LEVEL: 'debug' })).toMatchObject({
      port: 1234,
      storage: 'memory',
      logLevel: 'debug',
    });
    expect(parseConfig(['--port', '4321'], { PORT: '1234' }).port).toBe(4321);
  });

  it('maps every flag and every environment variable to its setting', () => {
    const expected = {
      port: 1,
      host: '::1',
      storage: 'memory',
      bus: 'redis://h:1',
      logLevel: 'warn',
      staticDir: '/s',
      nodeId: 'n',
      pingIntervalMs: 1000,
      maxBufferedBytes: 2048,
      maxFrameChars: 5000,
      maxDrawingLines: 9,
      maxDrawingChars: 99,
      rateLimitPerSecond: 7,
      rateLimitBurst: 8,
      maxConnectionsPerIp: 3,
      leaseMs: 1500,
      allowedOrigins: ['https://a.example', 'http://b.example:8080'],
    };
    const values = [
      '1',
      '::1',
      'memory',
      'redis://h:1',
      'warn',
      '/s',
      'n',
      '1000',
      '2048',
      '5000',
      '9',
      '99',
      '7',
      '8',
      '3',
      'https://a.example, http://b.example:8080',
      '1500',
    ];
    const flags = [
      '--port',
      '--host',
      '--storage',
      '--bus',
      '--log-level',
      '--static-dir',
      '--node-id',
      '--ping-interval-ms',
      '--max-buffered-bytes',
      '--max-frame-chars',
      '--max-drawing-lines',
      '--max-drawing-chars',
      '--rate-limit',
      '--rate-burst',
      '--max-connections-per-ip',
      '--allowed-origins',
      '--lease-ms',
    ];
    const envs = [
      'PORT',
      'HOST',
      'STORAGE',
      'BUS',
      'LOG_LEVEL',
      'STATIC_DIR',
      'NODE_ID',
      'PING_INTERVAL_MS',
      'MAX_BUFFERED_BYTES',
      'MAX_FRAME_CHARS',
      'MAX_DRAWING_LINES',
      'MAX_DRAWING_CHARS',
      'RATE_LIMIT',
      'RATE_BURST',
      'MAX_CONNECTIONS_PER_IP',
      'ALLOWED_ORIGINS',
      'LEASE_MS',
    ];
    expect(
      parseConfig(
        flags.flatMap((f, i) => [f, values[i]!]),
        {},
      ),
    ).toEqual(expected);
    expect(parseConfig([], Object.fromEntries(envs.map((e, i) => [e, values[i]!])))).toEqual(
      expected,
    );
  });
});
