import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LIMITS } from '@chat/protocol';
import { openBus } from './bus/index.ts';
import type { CallDeps } from './calls/call.ts';
import { TypingThrottle } from './calls/typingThrottle.ts';
import { Dispatcher } from './chat/dispatch.ts';
import { PresenceKeeper } from './chat/presence.ts';
import { RoomChanges } from './chat/roomChanges.ts';
import { resync } from './chat/resync.ts';
import { Sessions } from './chat/sessions.ts';
import { DEFAULTS, type Config } from './config.ts';
import { Hub } from './hub/hub.ts';
import { AddressQuotas } from './hub/quotas.ts';
import { Turns } from './hub/turns.ts';
import { Metrics } from './metrics.ts';
import { createLogger, type Logger } from './logger.ts';
import { describeStorage, openStorage } from './storage/index.ts';
import { STORAGE_LIMITS, type Storage } from './storage/storage.ts';
import { httpHandler } from './transport/http.ts';
import { guardSockets } from './transport/sockets.ts';
import { attachWebSocket } from './transport/websocket.ts';

export interface RunningServer {
  url: string;
  port: number;
  config: Config;
  /** The node's storage and hub, for tests and benchmarks that seed or count. */
  storage: Storage;
  hub: Hub;
  stop(): Promise<void>;
}

const HOUR_MS = 60 * 60 * 1000;

/** ISO times that never repeat or go back on this node. */
export function monotonicClock(): () => string {
  let last = 0;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return new Date(last).toISOString();
  };
}

/** The budgets of an address, from the configuration. */
function quotasOf(config: Config): AddressQuotas {
  return new AddressQuotas({
    calls: { perSecond: config.addressCallsPerSecond, burst: 3 * config.addressCallsPerSecond },
    users: {
      perSecond: config.addressNewUsersPerHour / 3600,
      burst: Math.ceil(config.addressNewUsersPerHour / 4),
    },
    rooms: { perSecond: config.addressRoomsPerHour / 3600, burst: config.addressRoomsPerHour },
    bytes: {
      perSecond: config.addressMessageBytesPerSecond,
      burst: 8 * config.addressMessageBytesPerSecond,
    },
  });
}

/** Opens storage and bus, then serves HTTP and WebSocket on one port. */
export async function startServer(
  options: Partial<Config> & { logger?: Logger } = {},
): Promise<RunningServer> {
  const config: Config = { ...DEFAULTS, ...options };
  const log = options.logger ?? createLogger(config.logLevel);
  const metrics = new Metrics();
  const storage = metrics.timed(
    await openStorage(
      config.storage,
      {
        ...STORAGE_LIMITS,
        drawingLines: config.maxDrawingLines,
        drawingChars: config.maxDrawingChars,
      },
      (err) => log.warn({ err: err.message }, 'a database connection failed'),
    ),
  );
  let bus;
  try {
    bus = await openBus(config.bus, log);
  } catch (err) {
    await storage.close();
    throw err;
  }
  const hub = new Hub(
    async (room, after, before) =>
      (
        await storage.messages.list(room, {
          after,
          limit: Math.max(1, Math.min(200, before - after - 1)),
        })
      ).list,
    (err) => log.error({ err }, 'filling a gap in delivery failed'),
    metrics,
    config.gapWaitMs,
  );
  const now = () => new Date().toISOString();
  const turns = new Turns();
  const quotas = quotasOf(config);
  const calls: CallDeps = {
    storage,
    quotas,
    clock: { now, roomClock: monotonicClock() },
    typing: new TypingThrottle(config.typingIntervalMs),
    turns,
  };
  const roomChanges = new RoomChanges(storage, bus, log, config.roomChangeIntervalMs);
  const presence = new PresenceKeeper({
    storage,
    bus,
    hub,
    roomChanges,
    log,
    metrics,
    nodeId: config.nodeId,
    leaseMs: config.leaseMs,
    now,
  });
  const dispatcher = new Dispatcher({
    calls,
    bus,
    hub,
    roomChanges,
    turns,
    metrics,
    log,
    nodeId: config.nodeId,
    maxFrameChars: config.maxFrameChars,
  });
  const sessions = new Sessions({ calls, bus, hub, presence, dispatcher, nodeId: config.nodeId });
  bus.subscribe((event) => {
    if (event.kind === 'deliver') hub.deliver(event);
    else sessions.closeTakenOver(event.user, event.session);
  });
  bus.onReconnect(() => {
    hub.catchUp();
    resync({ storage, hub, sessions, log }).catch((err: unknown) =>
      log.error({ err }, 'sending the stored state after a bus outage failed'),
    );
  });

  // what an earlier run of this node left behind: nobody is connected to it any more
  const stale = await storage.presence.releaseNode(config.nodeId);
  if (stale.length > 0)
    log.info({ rooms: stale.length }, 'cleared presence left by an earlier run');
  for (const room of stale) await roomChanges.changed(room);
  await presence.start();

  const purge = setInterval(() => {
    const before = new Date(Date.now() - LIMITS.tokenTtlDays * 24 * HOUR_MS).toISOString();
    storage.identity
      .purge(before)
      .catch((err: unknown) => log.error({ err }, 'purging expired users failed'));
  }, HOUR_MS);
  purge.unref();

  const handle = httpHandler({ config, storage, bus, hub, metrics }, config.staticDir);
  const server = createServer(
    {
      // a request (an upgrade too) must arrive whole within this, or its socket is closed
      headersTimeout: config.requestTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, config.requestTimeoutMs),
    },
    (req, res) => {
      if (sockets.refused(req.socket)) return;
      handle(req, res).catch((err: unknown) => {
        log.error({ err }, 'http request failed');
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    },
  );
  const sockets = guardSockets(
    server,
    { maxSockets: config.maxSockets, maxPerAddress: config.maxConnectionsPerIp },
    log,
    metrics,
  );
  const ws = attachWebSocket(
    server,
    { config, log, metrics, hub, quotas, sessions, dispatcher },
    sockets,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  log.info(
    {
      url,
      websocket: `ws://${host}:${port}/ws`,
      storage: describeStorage(config.storage),
      bus: describeStorage(config.bus),
      node: config.nodeId,
    },
    `listening on ${url}, storing in ${describeStorage(config.storage)}`,
  );

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    config,
    storage,
    hub,
    stop() {
      stopping ??= (async () => {
        clearInterval(purge);
        server.close();
        await ws.close();
        server.closeAllConnections();
        await presence.stop();
        roomChanges.stop();
        quotas.stop();
        hub.stop();
        await bus.close();
        await storage.close();
        log.info('stopped');
      })();
      return stopping;
    },
  };
}
