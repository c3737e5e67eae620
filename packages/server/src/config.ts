import { readFileSync } from 'node:fs';
import { version } from './cli/commands.ts';
import { Command, InvalidArgumentError, Option } from 'commander';
import { LIMITS } from '@chat/protocol';
import { parseBusSpec } from './bus/index.ts';
import { parseStorageSpec } from './storage/index.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  port: number;
  host: string;
  /** `memory`, `sqlite:PATH` or `postgres://...` */
  storage: string;
  /** `local` or `redis://...` (`?channel=NAME`: the pub/sub channel, default `chat:events`) */
  bus: string;
  logLevel: LogLevel;
  /** The built web client; served with an SPA fallback when it exists. */
  staticDir: string;
  /** Identifies this process's presence in storage; `local` on a single node. */
  nodeId: string;
  /**
   * How long a node's lease lasts unrenewed: a node silent this long has its users removed
   * from their rooms.
   */
  leaseMs: number;
  /** Milliseconds between WebSocket pings; a peer that misses one is closed. */
  pingIntervalMs: number;
  /** Milliseconds between two `room_changed` of one room (the first goes at once, the last trails). */
  roomChangeIntervalMs: number;
  /** Milliseconds between two `typing` notices of one user that are passed on. */
  typingIntervalMs: number;
  /** Milliseconds in one of `kick_user`'s minutes: 60,000 (shorter only to test a bar's end). */
  kickMinuteMs: number;
  /** Milliseconds a message waits for an earlier one of its room before the gap is read from storage. */
  gapWaitMs: number;
  /** Bytes queued to one connection before it is closed as not reading. */
  maxBufferedBytes: number;
  /** Characters in one frame. */
  maxFrameChars: number;
  /** Lines in one drawing. */
  maxDrawingLines: number;
  /** Characters of all of one drawing's points, as JSON. */
  maxDrawingChars: number;
  /** Calls per second a connection may sustain, and its burst. */
  rateLimitPerSecond: number;
  rateLimitBurst: number;
  /** Open sockets (HTTP and WebSocket, counted from accept) allowed from one address. */
  maxConnectionsPerIp: number;
  /** Open sockets allowed in all: kept below the descriptor limit (see defaultMaxSockets). */
  maxSockets: number;
  /** Milliseconds a socket has to send a whole request (an upgrade included). */
  requestTimeoutMs: number;
  /**
   * Origins allowed to open a WebSocket besides the page's own (`*`: any). Clients that
   * send no Origin (not a browser) are always allowed.
   */
  allowedOrigins: string[];
  /** Serve /metrics to any address; by default only to loopback, never through a proxy. */
  publicMetrics: boolean;
  /**
   * The header a trusted reverse proxy puts the client's address in (e.g. `x-forwarded-for`,
   * whose last entry is taken): quotas then count by it. Empty: the socket's own address.
   */
  trustedProxyHeader: string;
  /** What one address may spend, whatever its number of connections (cost units of calls). */
  addressCallsPerSecond: number;
  /** New identities one address may make in an hour (a quarter of them at once). */
  addressNewUsersPerHour: number;
  /** Rooms one address may create in an hour (all of them at once). */
  addressRoomsPerHour: number;
  /** Bytes of messages one address may send a second (eight seconds' worth at once). */
  addressMessageBytesPerSecond: number;
}

/** A bad environment value (bad flags are reported by commander itself). */
export class ConfigError extends Error {}

export const DEFAULT_LEASE_MS = 15_000;

/**
 * Sockets the server may hold: its descriptor limit (Node raises the soft limit to the
 * hard one) less a tenth, at least 256, for the database, Redis, log and static files.
 */
export function defaultMaxSockets(): number {
  let limit = 10_000;
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.split(/\s{2,}/)[1]);
    if (Number.isInteger(soft) && soft > 0) limit = soft;
  } catch {
    // not Linux: the fallback above
  }
  return Math.max(64, limit - Math.max(256, Math.ceil(limit / 10)));
}

export const DEFAULTS: Config = {
  port: 9000,
  host: '127.0.0.1',
  storage: 'sqlite:./data/chat.db',
  bus: 'local',
  logLevel: 'info',
  staticDir: new URL('../../web/dist', import.meta.url).pathname,
  nodeId: 'local',
  leaseMs: DEFAULT_LEASE_MS,
  pingIntervalMs: 30_000,
  roomChangeIntervalMs: LIMITS.sumCoalesceMs,
  typingIntervalMs: LIMITS.typingIntervalMs,
  kickMinuteMs: 60_000,
  gapWaitMs: 100,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxFrameChars: LIMITS.frameChars,
  maxDrawingLines: LIMITS.drawingLines,
  maxDrawingChars: LIMITS.drawingChars,
  rateLimitPerSecond: 100,
  rateLimitBurst: 300,
  maxConnectionsPerIp: 200,
  maxSockets: defaultMaxSockets(),
  requestTimeoutMs: 5_000,
  allowedOrigins: [],
  publicMetrics: false,
  trustedProxyHeader: '',
  addressCallsPerSecond: 1_000,
  addressNewUsersPerHour: 120,
  addressRoomsPerHour: 30,
  addressMessageBytesPerSecond: 64 * 1024,
};

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        `expected a whole number from ${min} to ${max}, got "${value}"`,
      );
    }
    return n;
  };
}

function logLevel(value: string): LogLevel {
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
  }
  return value as LogLevel;
}

function origins(value: string): string[] {
  const list = value
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const o of list) {
    if (o !== '*' && !/^https?:\/\/[^/]+$/.test(o))
      throw new InvalidArgumentError(
        `expected * or origins like https://chat.example.com, got "${o}"`,
      );
  }
  return list;
}

function boolean(value: string): boolean {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new InvalidArgumentError(`expected true or false, got "${value}"`);
}

/** A spec checked by the reader that will open it (one reader: no second list of what is accepted). */
function checkedWith(read: (spec: string) => unknown) {
  return (value: string): string => {
    try {
      read(value);
      return value;
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };
}
const storageSpec = checkedWith(parseStorageSpec);
const busSpec = checkedWith(parseBusSpec);

/**
 * Flags > environment > defaults. Throws (commander prints the message and exits) on a bad value.
 * Each option: flag, environment variable, parser, description.
 */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): Config {
  const options = [
    [
      '--port <n>',
      'PORT',
      integer(0, 65535),
      'port for HTTP and WebSocket (0: any free port)',
      'port',
    ],
    ['--host <addr>', 'HOST', String, 'address to listen on', 'host'],
    [
      '--storage <spec>',
      'STORAGE',
      storageSpec,
      'memory, sqlite:PATH or postgres://...',
      'storage',
    ],
    [
      '--bus <spec>',
      'BUS',
      busSpec,
      'local, redis://host:port or redis-cluster://host:port,host:port to share events between nodes',
      'bus',
    ],
    [
      '--log-level <level>',
      'LOG_LEVEL',
      logLevel,
      `${LOG_LEVELS.join('|')}; debug logs every statement`,
      'logLevel',
    ],
    ['--static-dir <dir>', 'STATIC_DIR', String, 'built web client to serve', 'staticDir'],
    ['--node-id <id>', 'NODE_ID', String, 'name of this node in shared storage', 'nodeId'],
    [
      '--lease-ms <n>',
      'LEASE_MS',
      integer(300, 3_600_000),
      `a node silent this long has its users removed from their rooms (default ${DEFAULT_LEASE_MS})`,
      'leaseMs',
    ],
    [
      '--ping-interval-ms <n>',
      'PING_INTERVAL_MS',
      integer(100, 3_600_000),
      'WebSocket ping interval',
      'pingIntervalMs',
    ],
    [
      '--room-change-interval-ms <n>',
      'ROOM_CHANGE_INTERVAL_MS',
      integer(1, 3_600_000),
      "time between two room_changed of a room (a room's later changes fold into one)",
      'roomChangeIntervalMs',
    ],
    [
      '--kick-minute-ms <n>',
      'KICK_MINUTE_MS',
      integer(1, 60_000),
      "milliseconds in one of kick_user's minutes (shorter only to test when a bar ends)",
      'kickMinuteMs',
    ],
    [
      '--typing-interval-ms <n>',
      'TYPING_INTERVAL_MS',
      integer(1, 3_600_000),
      'time between two typing notices of a user that are passed on',
      'typingIntervalMs',
    ],
    [
      '--gap-wait-ms <n>',
      'GAP_WAIT_MS',
      integer(1, 60_000),
      'time a message waits for an earlier one before the gap is read from storage',
      'gapWaitMs',
    ],
    [
      '--max-buffered-bytes <n>',
      'MAX_BUFFERED_BYTES',
      integer(1024, 2 ** 31),
      'send queue cap per connection',
      'maxBufferedBytes',
    ],
    [
      '--max-frame-chars <n>',
      'MAX_FRAME_CHARS',
      integer(1000, 10_000_000),
      'longest accepted frame',
      'maxFrameChars',
    ],
    [
      '--max-drawing-lines <n>',
      'MAX_DRAWING_LINES',
      integer(1, 1_000_000),
      'lines per drawing',
      'maxDrawingLines',
    ],
    [
      '--max-drawing-chars <n>',
      'MAX_DRAWING_CHARS',
      integer(1, 1_000_000_000),
      "characters of a drawing's points (as JSON), all lines together",
      'maxDrawingChars',
    ],
    [
      '--rate-limit <n>',
      'RATE_LIMIT',
      integer(1, 1_000_000),
      'calls per second per connection',
      'rateLimitPerSecond',
    ],
    [
      '--rate-burst <n>',
      'RATE_BURST',
      integer(1, 1_000_000),
      'burst of calls per connection',
      'rateLimitBurst',
    ],
    [
      '--max-connections-per-ip <n>',
      'MAX_CONNECTIONS_PER_IP',
      integer(1, 1_000_000),
      'open sockets from one address (IPv6: one /64)',
      'maxConnectionsPerIp',
    ],
    [
      '--max-sockets <n>',
      'MAX_SOCKETS',
      integer(1, 10_000_000),
      'open sockets in all (default: the descriptor limit less a tenth)',
      'maxSockets',
    ],
    [
      '--request-timeout-ms <n>',
      'REQUEST_TIMEOUT_MS',
      integer(100, 600_000),
      'time a socket has to send a whole request or WebSocket upgrade',
      'requestTimeoutMs',
    ],
    [
      '--allowed-origins <list>',
      'ALLOWED_ORIGINS',
      origins,
      "comma-separated origins allowed to open a WebSocket besides the page's own (* for any)",
      'allowedOrigins',
    ],
    [
      '--public-metrics <bool>',
      'PUBLIC_METRICS',
      boolean,
      'serve /metrics to any address (default: loopback only)',
      'publicMetrics',
    ],
    [
      '--trusted-proxy-header <name>',
      'TRUSTED_PROXY_HEADER',
      (v: string) => v.trim().toLowerCase(),
      "header in which a trusted reverse proxy names the client's address (e.g. x-forwarded-for)",
      'trustedProxyHeader',
    ],
    [
      '--address-calls-per-second <n>',
      'ADDRESS_CALLS_PER_SECOND',
      integer(1, 10_000_000),
      'cost of calls one address may make a second, all its connections together',
      'addressCallsPerSecond',
    ],
    [
      '--address-new-users-per-hour <n>',
      'ADDRESS_NEW_USERS_PER_HOUR',
      integer(1, 10_000_000),
      'new identities one address may make an hour',
      'addressNewUsersPerHour',
    ],
    [
      '--address-rooms-per-hour <n>',
      'ADDRESS_ROOMS_PER_HOUR',
      integer(1, 10_000_000),
      'rooms one address may create an hour',
      'addressRoomsPerHour',
    ],
    [
      '--address-message-bytes-per-second <n>',
      'ADDRESS_MESSAGE_BYTES_PER_SECOND',
      integer(1, 1_000_000_000),
      'bytes of messages one address may send a second',
      'addressMessageBytesPerSecond',
    ],
  ] as const;
  const program = new Command('socket-chat')
    .usage('[serve] [options]')
    .description(
      'WebSocket realtime chat server. Other commands: migrate, backup, export-room (socket-chat COMMAND --help).',
    )
    .version(version())
    .exitOverride();
  for (const [flag, envName, parse, description] of options) {
    program.option(flag, `${description} (env ${envName})`, parse as (v: string) => unknown);
  }
  program.parse(argv, { from: 'user' });
  const flags = program.opts<Record<string, unknown>>();
  const config: Record<string, unknown> = { ...DEFAULTS };
  for (const [flag, envName, parse, , key] of options) {
    // commander keeps a flag's value under its camel-cased name (--rate-burst: rateBurst)
    const fromFlag = flags[new Option(flag).attributeName()];
    if (fromFlag !== undefined) config[key] = fromFlag;
    else if (env[envName] !== undefined && env[envName] !== '') {
      try {
        config[key] = (parse as (v: string) => unknown)(env[envName]);
      } catch (e) {
        throw new ConfigError(`${envName} (or ${flag.split(' ')[0]}): ${(e as Error).message}`);
      }
    }
  }
  if (config.bus !== 'local' && flags.nodeId === undefined && !env.NODE_ID) {
    config.nodeId = `node-${crypto.randomUUID()}`;
  }
  return config as unknown as Config;
}
