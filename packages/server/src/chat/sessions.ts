import { createHash, randomBytes } from 'node:crypto';
import { newId } from '../ids.ts';
import {
  defaultName,
  ERROR_DETAILS,
  errorFrame,
  resultFrame,
  resultFrameWithObject,
  type ResultPayload,
  LIMITS,
  parseStatement,
  type CallName,
  type ErrorPayload,
  type User,
} from '@chat/protocol';
import type { Delivery } from '../bus/bus.ts';
import type { Connection } from '../hub/connection.ts';
import {
  ChatError,
  holderOf,
  quotaError,
  UNAVAILABLE,
  type CallContext,
  type Services,
} from './context.ts';
import { CALL_COSTS, CALLER_ONLY, handlers } from './handlers.ts';
import { sendRooms } from './rooms.ts';
import { forgetTyping } from './users.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface Identity {
  user: User;
  token: string;
  resumed: boolean;
}

/**
 * Who a new connection is: the user behind a live token (taking its place, room included,
 * from any older connection on any node), or a new anonymous user.
 */
export async function identify(
  services: Services,
  session: string,
  token: string | null,
  address: string,
): Promise<Identity> {
  const { storage, bus } = services;
  const now = services.now();
  if (token) {
    // the older session may be on another node: ending it needs the bus
    if (!bus.ready()) throw new ChatError('unavailable', UNAVAILABLE.bus);
    const usedSince = new Date(Date.now() - LIMITS.tokenTtlDays * DAY_MS).toISOString();
    const found = await storage.identity.resume(hashToken(token), usedSince, now);
    if (found) {
      const user =
        (await storage.presence.takeOver(found.uuid, { node: services.config.nodeId, session })) ??
        found;
      await bus.publish({ kind: 'take_over', user: user.uuid, session });
      return { user, token, resumed: true };
    }
  }
  const wait = services.quotas.take(address, 'users');
  if (wait > 0) throw quotaError(wait, 'Too many new users from your network address');
  const uuid = newId();
  const user: User = { uuid, name: defaultName('user', uuid), room_uuid: null };
  const fresh = randomBytes(32).toString('base64url');
  await storage.identity.create(user, hashToken(fresh), now);
  return { user, token: fresh, resumed: false };
}

/** The first frames of a connection: who you are, then the rooms. */
export async function greet(
  services: Services,
  conn: Connection,
  identity: Identity,
): Promise<void> {
  const greeting = (token: string) =>
    resultFrame({
      message: 'user_created',
      object: identity.user,
      token,
      resumed: identity.resumed,
    });
  // the token is the identity: it never reaches a log, at any level
  conn.send(greeting(identity.token), greeting('[redacted]'));
  await sendRooms(services, replyTo(services, conn, undefined), {});
}

/** A closed connection's user leaves its room, unless another connection took it over. */
export async function farewell(services: Services, conn: Connection): Promise<void> {
  services.hub.remove(conn);
  if (!conn.takenOver) {
    forgetTyping(conn.user.uuid);
    await services.presence.leave(conn.user.uuid, holderOf(services, conn));
  }
  await services.storage.identity.touch(conn.user.uuid, services.now());
}

/** Closes this node's older connections of a user whose identity was resumed elsewhere. */
export function closeTakenOver(services: Services, user: string, keep: string): void {
  for (const conn of services.hub.ofUser(user)) {
    if (conn.session === keep) continue;
    conn.takenOver = true;
    services.hub.remove(conn);
    sendError(services, conn, {
      message: 'session_taken_over',
      detail: ERROR_DETAILS.session_taken_over,
    });
    conn.close(4000, 'session taken over');
  }
}

function replyTo(
  services: Services,
  conn: Connection,
  id: string | undefined,
): CallContext['reply'] {
  return (message, data) => {
    const payload = id === undefined ? { message, ...data } : { message, ...data, id };
    const frame = resultFrame(payload as ResultPayload);
    services.metrics.delivered(frame, 1);
    conn.send(frame);
  };
}

export function sendError(services: Services, conn: Connection, error: ErrorPayload): void {
  services.metrics.errors.inc({ error: error.message });
  conn.send(errorFrame(error));
}

/** Parses one frame and runs its handler; every failure becomes an error statement to the caller. */
export async function dispatch(services: Services, conn: Connection, frame: string): Promise<void> {
  const parsed = parseStatement(frame, services.config.maxFrameChars);
  if (!parsed.ok) {
    sendError(services, conn, parsed.error);
    return;
  }
  const { call, id } = parsed;
  services.metrics.calls.inc({ call: call.name });
  const origin = id === undefined ? { session: conn.session } : { session: conn.session, id };
  const ctx: CallContext = {
    services,
    conn,
    id,
    holder: holderOf(services, conn),
    origin,
    reply: replyTo(services, conn, id),
    replyJson: (message, objectJson) => {
      const frame = resultFrameWithObject(message, objectJson, id);
      services.metrics.delivered(frame, 1);
      conn.send(frame);
    },
    publish: (audience, payload) => {
      const event: Delivery = { kind: 'deliver', audience, payload, origin };
      services.hub.publishing(event);
      return services.bus.publish(event);
    },
  };
  const handler = handlers[call.name] as (ctx: CallContext, args: unknown) => Promise<void>;
  try {
    // every frame paid 1 on arrival; dearer calls pay the rest, to the connection and address
    const cost = CALL_COSTS[call.name] ?? 1;
    if (cost > 1) {
      const wait =
        conn.limit.take(cost - 1) || services.quotas.take(conn.address, 'calls', cost - 1);
      if (wait > 0) throw new ChatError('rate_limited', undefined, { retry_after_ms: wait });
    }
    await services.turns.next();
    // refused before anything is stored: a change other nodes would not hear of is no change
    if (!CALLER_ONLY.has(call.name) && !services.bus.ready()) {
      throw new ChatError('unavailable', UNAVAILABLE.bus);
    }
    await handler(ctx, call.args);
  } catch (err) {
    sendError(services, conn, callError(services, err, call.name, id));
  }
}

function callError(
  services: Services,
  err: unknown,
  call: CallName,
  id: string | undefined,
): ErrorPayload {
  const error: ErrorPayload =
    err instanceof ChatError
      ? err.payload()
      : // storage threw (a bug would too: it is logged below)
        { message: 'unavailable', detail: UNAVAILABLE.storage };
  if (!(err instanceof ChatError)) services.log.error({ err, call }, 'call failed');
  error.call = call;
  if (id !== undefined) error.id = id;
  return error;
}
