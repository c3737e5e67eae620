import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULTS, parseConfig, type Config } from '../src/config.ts';
import { TestClient } from './helpers/client.ts';
import { built, TSX_MAIN } from './helpers/process.ts';

const dir = mkdtempSync(join(tmpdir(), 'chat-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI from its bundle (as `npm start` does) or, with `asStarted`, from its sources (as `npm run dev` does). */
function run(args: string[], env: Record<string, string> = {}, asStarted = false): ChildProcess {
  return spawn(process.execPath, [...(asStarted ? TSX_MAIN : [built('main')]), ...args], {
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
    const child = run(['--port', '0'], {}, true);
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
    const cases = [
      [['--port', 'abc'], {}, /--port.*whole number/],
      [['--storage', 'mysql://x'], {}, /memory, sqlite:PATH .*postgres/],
      [['--log-level', 'loud'], {}, /expected one of/],
      [[], { PORT: '99999' }, /PORT.*whole number/],
    ] as const;
    await Promise.all(
      cases.map(async ([args, env, text]) => {
        const child = run([...args], env);
        let stderr = '';
        child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        expect(await exited(child)).not.toBe(0);
        expect(stderr).toMatch(text);
      }),
    );
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
    // flag, environment variable, value given, setting, value read
    const table: [string, string, string, keyof Config, unknown][] = [
      ['--port', 'PORT', '1', 'port', 1],
      ['--host', 'HOST', '::1', 'host', '::1'],
      ['--storage', 'STORAGE', 'memory', 'storage', 'memory'],
      ['--bus', 'BUS', 'redis://h:1', 'bus', 'redis://h:1'],
      ['--log-level', 'LOG_LEVEL', 'warn', 'logLevel', 'warn'],
      ['--static-dir', 'STATIC_DIR', '/s', 'staticDir', '/s'],
      ['--node-id', 'NODE_ID', 'n', 'nodeId', 'n'],
      ['--ping-interval-ms', 'PING_INTERVAL_MS', '1000', 'pingIntervalMs', 1000],
      ['--room-change-interval-ms', 'ROOM_CHANGE_INTERVAL_MS', '21', 'roomChangeIntervalMs', 21],
      ['--typing-interval-ms', 'TYPING_INTERVAL_MS', '22', 'typingIntervalMs', 22],
      ['--gap-wait-ms', 'GAP_WAIT_MS', '23', 'gapWaitMs', 23],
      ['--max-buffered-bytes', 'MAX_BUFFERED_BYTES', '2048', 'maxBufferedBytes', 2048],
      ['--max-frame-chars', 'MAX_FRAME_CHARS', '5000', 'maxFrameChars', 5000],
      ['--max-drawing-lines', 'MAX_DRAWING_LINES', '9', 'maxDrawingLines', 9],
      ['--max-drawing-chars', 'MAX_DRAWING_CHARS', '99', 'maxDrawingChars', 99],
      ['--rate-limit', 'RATE_LIMIT', '7', 'rateLimitPerSecond', 7],
      ['--rate-burst', 'RATE_BURST', '8', 'rateLimitBurst', 8],
      ['--max-connections-per-ip', 'MAX_CONNECTIONS_PER_IP', '3', 'maxConnectionsPerIp', 3],
      ['--max-sockets', 'MAX_SOCKETS', '4', 'maxSockets', 4],
      ['--request-timeout-ms', 'REQUEST_TIMEOUT_MS', '700', 'requestTimeoutMs', 700],
      [
        '--allowed-origins',
        'ALLOWED_ORIGINS',
        'https://a.example, http://b.example:8080',
        'allowedOrigins',
        ['https://a.example', 'http://b.example:8080'],
      ],
      ['--public-metrics', 'PUBLIC_METRICS', 'true', 'publicMetrics', true],
      [
        '--trusted-proxy-header',
        'TRUSTED_PROXY_HEADER',
        'X-Forwarded-For',
        'trustedProxyHeader',
        'x-forwarded-for',
      ],
      ['--address-calls-per-second', 'ADDRESS_CALLS_PER_SECOND', '11', 'addressCallsPerSecond', 11],
      [
        '--address-new-users-per-hour',
        'ADDRESS_NEW_USERS_PER_HOUR',
        '12',
        'addressNewUsersPerHour',
        12,
      ],
      ['--address-rooms-per-hour', 'ADDRESS_ROOMS_PER_HOUR', '13', 'addressRoomsPerHour', 13],
      [
        '--address-message-bytes-per-second',
        'ADDRESS_MESSAGE_BYTES_PER_SECOND',
        '14',
        'addressMessageBytesPerSecond',
        14,
      ],
      ['--lease-ms', 'LEASE_MS', '1500', 'leaseMs', 1500],
      ['--kick-minute-ms', 'KICK_MINUTE_MS', '500', 'kickMinuteMs', 500],
    ];
    const expected = Object.fromEntries(table.map(([, , , key, value]) => [key, value]));
    // every setting has its flag (the defaults hold the full list)
    expect(Object.keys(expected).sort()).toEqual(Object.keys(DEFAULTS).sort());
    expect(
      parseConfig(
        table.flatMap(([flag, , value]) => [flag, value]),
        {},
      ),
    ).toEqual(expected);
    const env = Object.fromEntries(table.map(([, name, value]) => [name, value]));
    expect(parseConfig([], env)).toEqual(expected);
  });
});
