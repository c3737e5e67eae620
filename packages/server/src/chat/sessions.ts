import { createHash, randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import {
  CLOSE_CODES,
  defaultName,
  ERROR_DETAILS,
  errorFrame,
  LIMITS,
  resultFrame,
  type ErrorPayload,
  type ResultPayloads,
  type User,
} from '@chat/protocol';
import type { Bus, KickEvent } from '../bus/bus.ts';
import { addressSubject } from '../calls/bans.ts';
import { ChatError, quotaError, type CallDeps } from '../calls/call.ts';
import { everyRoom, roomsPage } from '../calls/pages.ts';
import { Connection, type ConnectionOptions } from '../hub/connection.ts';
import type { Hub } from '../hub/hub.ts';
import type { RateLimit } from '../hub/rateLimit.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { newId } from '../ids.ts';
import type { Dispatcher } from './dispatch.ts';
import { storageFailed, UNAVAILABLE } from './dispatch.ts';
import type { PresenceKeeper } from './presence.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface Identity {
  user: User;
  token: string;
  resumed: boolean;
}

export interface SessionDeps {
  calls: CallDeps;
  bus: Bus;
  hub: Hub;
  presence: PresenceKeeper;
  dispatcher: Dispatcher;
  nodeId: string;
  log: Logger;
  metrics: Metrics;
  connection: ConnectionOptions;
}

/** A socket's side of a new connection: who it claims to be and where it comes from. */
export interface Opening {
  session: string;
  token: string | null;
  address: string;
  version: 1 | 2;
  limit: RateLimit;
}

/** A connection's life: who it is, its greeting, its end, and a takeover of its identity. */
export class Sessions {
  constructor(private readonly d: SessionDeps) {}

  /**
   * A new connection on `socket`: identifies its user and greets it; undefined when it is
   * refused (told why, then closed: 1013 for a spent quota, 1011 when storage failed).
   */
  async open(socket: WebSocket, o: Opening): Promise<Connection | undefined> {
    const { hub, log, metrics } = this.d;
    try {
      const identity = await this.identify(o.session, o.token, o.address);
      const conn = new Connection(
        o.session,
        identity.user,
        socket,
        o.address,
        o.limit,
        o.version,
        this.d.connection,
      );
      if (socket.readyState !== socket.OPEN) conn.closed = true;
      hub.add(conn);
      metrics.connections.inc();
      log.info(
        {
          session: o.session,
          user: identity.user.uuid,
          resumed: identity.resumed,
          address: o.address,
        },
        'connected',
      );
      await this.greet(conn, identity);
      return conn;
    } catch (err) {
      const known = err instanceof ChatError;
      if (known)
        log.warn(
          { session: o.session, address: o.address, reason: err.detail },
          'refused a connection',
        );
      else log.error({ err, session: o.session }, 'could not identify a connection');
      const error: ErrorPayload = known ? err.payload() : storageFailed(err);
      metrics.errors.inc({ error: error.message });
      socket.send(errorFrame(error));
      // 1013: try again later (a quota), 1011: the server failed
      if (error.message === 'rate_limited') socket.close(CLOSE_CODES.tryAgainLater, 'rate limited');
      else socket.close(CLOSE_CODES.internalError, 'unavailable');
      return undefined;
    }
  }

  /** A connection's socket closed: at once out of the hub; its user leaves its room (farewell). */
  closed(conn: Connection): void {
    conn.closed = true;
    this.d.hub.remove(conn);
    this.d.metrics.connections.dec();
  }

  /**
   * Who a new connection is: the user behind a live token (taking its place, room included,
   * from any older connection on any node), or a new anonymous user.
   */
  async identify(session: string, token: string | null, address: string): Promise<Identity> {
    const { bus } = this.d;
    const { storage, clock, quotas } = this.d.calls;
    const now = clock.now();
    if (token) {
      // the older session may be on another node: ending it needs the bus
      if (!bus.ready()) throw new ChatError('unavailable', UNAVAILABLE.bus);
      const usedSince = new Date(Date.now() - LIMITS.tokenTtlDays * DAY_MS).toISOString();
      const found = await storage.identity.resume(hashToken(token), usedSince, now);
      if (found) {
        const user =
          (await storage.presence.takeOver(found.uuid, { node: this.d.nodeId, session })) ?? found;
        await bus.publish({ kind: 'take_over', user: user.uuid, session, room: user.room_uuid });
        return { user, token, resumed: true };
      }
    }
    const wait = quotas.take(address, 'users');
    if (wait > 0) throw quotaError(wait, 'Too many new users from your network address');
    const uuid = newId();
    const user: User = { uuid, name: defaultName('user', uuid), room_uuid: null };
    const fresh = randomBytes(32).toString('base64url');
    await storage.identity.create(user, hashToken(fresh), now);
    return { user, token: fresh, resumed: false };
  }

  /** The first frames of a connection: who it is, then the rooms. */
  async greet(conn: Connection, identity: Identity): Promise<void> {
    const greeting = (token: string) =>
      resultFrame({
        message: 'user_created',
        object: identity.user,
        token,
        resumed: identity.resumed,
      });
    // the token is the identity: it never reaches a log, at any level
    conn.send(greeting(identity.token), greeting('[redacted]'));
    if (conn.room === null) await this.d.hub.heardList();
    const rooms = await this.rooms(conn.version, conn.user.uuid);
    conn.send(resultFrame({ message: 'rooms_listed', ...rooms }));
  }

  /**
   * The rooms a connection is shown first: a page, or for an original client all of them;
   * with `viewer`'s own unlisted rooms (without: public rooms only).
   */
  rooms(version: 1 | 2, viewer = ''): Promise<ResultPayloads['rooms_listed']> {
    return version === 1 ? everyRoom(this.d.calls, viewer) : roomsPage(this.d.calls, viewer, {});
  }

  /** A closed connection's user leaves its room, unless another connection took it over. */
  async farewell(conn: Connection): Promise<void> {
    const { hub, presence } = this.d;
    const { storage, clock, typing, cursors } = this.d.calls;
    hub.remove(conn);
    if (!conn.takenOver) {
      typing.forget(conn.user.uuid);
      cursors.forget(conn.user.uuid);
      await presence.leave(conn.user.uuid, { node: this.d.nodeId, session: conn.session });
    }
    await storage.identity.touch(conn.user.uuid, clock.now());
  }

  /**
   * A user kicked from a room (its presence is out of the room already): this node's
   * connections of it in that room bar their address too, hear why (`user_kicked`, for a
   * client that can show it) and leave (`room_left`).
   */
  async kicked(kick: KickEvent): Promise<void> {
    const { hub } = this.d;
    const { storage } = this.d.calls;
    for (const conn of hub.ofUser(kick.user)) {
      if (conn.room !== kick.room) continue;
      await storage.bans.add(kick.room, [await addressSubject(storage, conn.address)], kick.until);
      const object = await storage.rooms.get(kick.room);
      if (conn.room !== kick.room) continue;
      hub.leave(conn);
      conn.user = { ...conn.user, room_uuid: null };
      if (conn.version === 2) {
        conn.send(resultFrame({ message: 'user_kicked', room_uuid: kick.room, until: kick.until }));
      }
      if (object) conn.send(resultFrame({ message: 'room_left', object }));
    }
  }

  /** Closes this node's older connections of a user whose identity was resumed elsewhere. */
  closeTakenOver(user: string, keep: string): void {
    for (const conn of this.d.hub.ofUser(user)) {
      if (conn.session === keep) continue;
      conn.takenOver = true;
      this.d.hub.remove(conn);
      this.d.dispatcher.sendError(conn, {
        message: 'session_taken_over',
        detail: ERROR_DETAILS.session_taken_over,
      });
      conn.close(4000, 'session taken over');
    }
  }
}
