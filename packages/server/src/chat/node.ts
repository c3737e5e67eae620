import { LIMITS } from '@chat/protocol';
import { openBus } from '../bus/index.ts';
import type { Bus } from '../bus/bus.ts';
import type { CallDeps } from '../calls/call.ts';
import { UserThrottle } from '../calls/userThrottle.ts';
import type { Config } from '../config.ts';
import { Hub } from '../hub/hub.ts';
import { AddressQuotas } from '../hub/quotas.ts';
import { Turns } from '../hub/turns.ts';
import { createLogger, type Logger } from '../logger.ts';
import { Metrics } from '../metrics.ts';
import { openStorage } from '../storage/index.ts';
import { STORAGE_LIMITS, type Storage } from '../storage/storage.ts';
import { Dispatcher } from './dispatch.ts';
import { PresenceKeeper } from './presence.ts';
import { RoomChanges } from './roomChanges.ts';
import { resync } from './resync.ts';
import { Sessions } from './sessions.ts';

/** What a node is, once made. */
export interface ChatNode {
  config: Config;
  log: Logger;
  metrics: Metrics;
  storage: Storage;
  bus: Bus;
  hub: Hub;
  quotas: AddressQuotas;
  sessions: Sessions;
  dispatcher: Dispatcher;
  /** Stops its work and closes bus and storage (its connections are the caller's to close first). */
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

/**
 * A node of the chat: storage, bus, hub, and what serves connections (sessions, the
 * dispatcher), with the work that keeps it (presence, purges), but no network: startServer
 * puts HTTP and WebSocket around it, tests' in-process harness its own sockets.
 */
export async function createNode(config: Config, logger?: Logger): Promise<ChatNode> {
  const log = logger ?? createLogger(config.logLevel);
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
    bus = await openBus(config.bus, log, (chars) => {
      metrics.busEvents.inc();
      metrics.busBytes.inc(chars);
    });
  } catch (err) {
    await storage.close();
    throw err;
  }
  const hub = new Hub(
    bus,
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
    typing: new UserThrottle(config.typingIntervalMs),
    cursors: new UserThrottle(LIMITS.cursorIntervalMs),
    kickMinuteMs: config.kickMinuteMs,
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
  const sessions = new Sessions({
    calls,
    bus,
    hub,
    presence,
    dispatcher,
    nodeId: config.nodeId,
    log,
    metrics,
    connection: {
      maxBufferedBytes: config.maxBufferedBytes,
      log,
      // the verbose log: every frame in and out
      traceFrames: log.isLevelEnabled('debug'),
    },
  });
  bus.subscribe((event) => {
    if (event.kind === 'deliver') hub.deliver(event);
    else if (event.kind === 'kick') {
      sessions
        .kicked(event)
        .catch((err: unknown) => log.error({ err, room: event.room }, 'a kick failed'));
    } else sessions.closeTakenOver(event.user, event.session);
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

  let stopping: Promise<void> | undefined;
  return {
    config,
    log,
    metrics,
    storage,
    bus,
    hub,
    quotas,
    sessions,
    dispatcher,
    stop() {
      stopping ??= (async () => {
        clearInterval(purge);
        await presence.stop();
        roomChanges.stop();
        quotas.stop();
        hub.stop();
        await bus.close();
        await storage.close();
      })();
      return stopping;
    },
  };
}
