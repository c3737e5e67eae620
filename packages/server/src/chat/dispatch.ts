import {
  errorFrame,
  parseStatement,
  resultFrame,
  resultFrameWithObject,
  type ErrorPayload,
  type ResultPayload,
} from '@chat/protocol';
import type { Bus, Delivery } from '../bus/bus.ts';
import { ChatError, type CallDeps, type Caller, type Outcome, type Reply } from '../calls/call.ts';
import { callModule } from '../calls/index.ts';
import type { Connection } from '../hub/connection.ts';
import type { Hub } from '../hub/hub.ts';
import type { Turns } from '../hub/turns.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { StorageBusy } from '../storage/storage.ts';
import type { RoomChanges } from './roomChanges.ts';

/** The `detail` of `unavailable` when a shared service is away. */
export const UNAVAILABLE = {
  bus: 'The server cannot reach its other nodes right now, so nothing was changed; try again shortly.',
  storage: 'The server could not reach its database; try again shortly.',
  busy: 'The server is too busy right now, so nothing was changed; try again shortly.',
} as const;

/** What a caller is told when storage failed (not a refusal of the call): `unavailable`. */
export function storageFailed(err: unknown): ErrorPayload {
  return {
    message: 'unavailable',
    detail: err instanceof StorageBusy ? UNAVAILABLE.busy : UNAVAILABLE.storage,
  };
}

export interface DispatcherDeps {
  calls: CallDeps;
  bus: Bus;
  hub: Hub;
  roomChanges: RoomChanges;
  turns: Turns;
  metrics: Metrics;
  log: Logger;
  nodeId: string;
  maxFrameChars: number;
}

/** The caller's id, echoed on every frame the caller gets because of its call. */
type Origin = { session: string; id?: string };

/**
 * Runs calls: parses a frame, charges its cost, waits its turn of the event loop, refuses
 * writes while the bus is away, runs the call's module, and applies the outcome in one
 * place, in order: the caller's user, its room (holding broadcasts while it enters), its
 * replies, the events for every node, and the rooms whose `room_changed` is due.
 */
export class Dispatcher {
  constructor(private readonly d: DispatcherDeps) {}

  /** Parses one frame and carries its call out; every failure becomes an error statement. */
  async dispatch(conn: Connection, frame: string): Promise<void> {
    const { metrics } = this.d;
    const { quotas } = this.d.calls;
    const parsed = parseStatement(frame, this.d.maxFrameChars);
    if (!parsed.ok) {
      this.sendError(conn, parsed.error);
      return;
    }
    const { call, id } = parsed;
    metrics.calls.inc({ call: call.name });
    const module = callModule(call.name);
    // a write with an id may commit a message its caller must get with that id (Hub.running)
    const ended =
      module.writes && id !== undefined && conn.room !== null
        ? this.d.hub.callStarted(conn.room)
        : undefined;
    try {
      // every frame paid 1 on arrival; dearer calls pay the rest, to the connection and address
      const cost = module.cost ?? 1;
      if (cost > 1) {
        const wait = conn.limit.take(cost - 1) || quotas.take(conn.address, 'calls', cost - 1);
        if (wait > 0) throw new ChatError('rate_limited', undefined, { retry_after_ms: wait });
      }
      await this.d.turns.next();
      // refused before anything is stored: a change other nodes would not hear of is no change
      if (module.writes && !this.d.bus.ready()) throw new ChatError('unavailable', UNAVAILABLE.bus);
      const outcome = await module.handle(call.args, this.callerOf(conn, id), this.d.calls);
      await this.apply(
        conn,
        outcome,
        id === undefined ? { session: conn.session } : { session: conn.session, id },
      );
    } catch (err) {
      this.sendError(conn, this.callError(err, call.name, id));
    } finally {
      ended?.();
    }
  }

  private callerOf(conn: Connection, callId: string | undefined): Caller {
    return {
      session: conn.session,
      callId,
      user: conn.user,
      room: conn.room,
      address: conn.address,
      version: conn.version,
      holder: { node: this.d.nodeId, session: conn.session },
    };
  }

  private async apply(conn: Connection, outcome: Outcome, origin: Origin): Promise<void> {
    const { hub, roomChanges } = this.d;
    if (outcome.user) conn.user = outcome.user;
    if (outcome.move) {
      const { room, entry } = outcome.move;
      // held from the moment it joins until its history page is out: none lost, none doubled
      if (entry) conn.hold();
      try {
        if (conn.room !== room) {
          hub.leave(conn, conn.room, room !== null);
          conn.user = { ...conn.user, room_uuid: room };
          if (room !== null) hub.join(conn, room);
        }
        if (room === null) await hub.heardList();
        if (entry && room !== null) {
          await hub.heardRoom(room);
          const { replies, seen } = await entry();
          for (const r of replies) this.reply(conn, r, origin.id);
          hub.track(room, seen);
          conn.release(seen);
        }
      } finally {
        if (entry) conn.release();
      }
    }
    for (const r of outcome.replies ?? []) this.reply(conn, r, origin.id);
    for (const e of outcome.events ?? []) await this.publish(e.audience, e.payload, origin);
    for (const k of outcome.kicks ?? []) await this.d.bus.publish({ kind: 'kick', ...k });
    for (const c of outcome.changed ?? []) {
      if (c.sum) roomChanges.sumMoved(c.room, origin);
      else await roomChanges.changed(c.room, origin);
    }
    for (const room of outcome.settled ?? []) roomChanges.settle(room);
  }

  /** Publishes to every node; the caller's own copy carries its call's id. */
  private publish(audience: Delivery['audience'], payload: ResultPayload, origin: Origin) {
    const delivery: Delivery = { kind: 'deliver', audience, payload, origin };
    this.d.hub.expectOwn(delivery);
    return this.d.bus.publish(delivery);
  }

  private reply(conn: Connection, r: Reply, id: string | undefined): void {
    const frame =
      'objectJson' in r
        ? resultFrameWithObject(r.message, r.objectJson, id)
        : resultFrame({
            message: r.message,
            ...r.data,
            ...(id === undefined ? {} : { id }),
          } as ResultPayload);
    this.d.metrics.delivered(frame.length, 1);
    conn.send(frame);
  }

  sendError(conn: Connection, error: ErrorPayload): void {
    this.d.metrics.errors.inc({ error: error.message });
    conn.send(errorFrame(error));
  }

  private callError(err: unknown, call: string, id: string | undefined): ErrorPayload {
    // storage threw (a bug would too: it is logged below)
    const error: ErrorPayload = err instanceof ChatError ? err.payload() : storageFailed(err);
    if (err instanceof StorageBusy) this.d.log.warn({ call }, 'call failed: storage busy');
    else if (!(err instanceof ChatError)) this.d.log.error({ err, call }, 'call failed');
    error.call = call;
    if (id !== undefined) error.id = id;
    return error;
  }
}
