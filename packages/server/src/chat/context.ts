import {
  ERROR_DETAILS,
  type CallName,
  type CallPayloads,
  type ErrorName,
  type ErrorPayload,
  type ResultName,
  type ResultPayload,
  type ResultPayloads,
} from '@chat/protocol';
import type { Audience, Bus } from '../bus/bus.ts';
import type { Config } from '../config.ts';
import type { Connection } from '../hub/connection.ts';
import type { Hub } from '../hub/hub.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { AddressQuotas } from '../hub/quotas.ts';
import type { Turns } from '../hub/turns.ts';
import type { Holder, Storage } from '../storage/storage.ts';
import type { PresenceKeeper } from './presence.ts';
import type { RoomChanges } from './roomChanges.ts';

/** A call that failed in a way PROTOCOL.md names: sent to the caller as an error statement. */
export class ChatError extends Error {
  constructor(
    readonly error: ErrorName,
    readonly detail?: string,
    /** Fields some errors carry beside `detail` (`retry_after_ms`). */
    readonly extra: Pick<ErrorPayload, 'retry_after_ms'> = {},
  ) {
    super(detail ?? error);
  }

  /** The error statement's payload (without call and id). */
  payload(): ErrorPayload {
    return { message: this.error, detail: this.detail ?? ERROR_DETAILS[this.error], ...this.extra };
  }
}

/** A spent quota: `rate_limited` with the wait, and a sentence that says which. */
export function quotaError(waitMs: number, what: string): ChatError {
  const wait =
    waitMs < 60_000 ? `${Math.ceil(waitMs / 1000)} s` : `${Math.ceil(waitMs / 60_000)} min`;
  return new ChatError('rate_limited', `${what}: try again in ${wait}.`, {
    retry_after_ms: waitMs,
  });
}

/** The `detail` of `unavailable` when a shared service is away. */
export const UNAVAILABLE = {
  bus: 'The server cannot reach its other nodes right now, so nothing was changed; try again shortly.',
  storage: 'The server could not reach its database; try again shortly.',
} as const;

/** What every handler may use. One per node. */
export interface Services {
  storage: Storage;
  bus: Bus;
  hub: Hub;
  config: Config;
  log: Logger;
  roomChanges: RoomChanges;
  presence: PresenceKeeper;
  metrics: Metrics;
  /** What each network address may still spend. */
  quotas: AddressQuotas;
  /** Shares the event loop between connections. */
  turns: Turns;
  now(): string;
  /** Like now(), but strictly increasing on this node, so rooms created in one millisecond keep their order. */
  roomClock(): string;
}

/** One call being handled. */
export interface CallContext {
  services: Services;
  conn: Connection;
  /** The call's id, echoed on every frame the caller gets because of it. */
  id: string | undefined;
  holder: Holder;
  /** The caller and its call id, for the caller's copy of a broadcast. */
  origin: { session: string; id?: string };
  /** Sends a result to the caller only. */
  reply<K extends ResultName>(this: void, message: K, data: ResultPayloads[K]): void;
  /** Sends a result whose `object` is JSON text already (a drawing) to the caller only. */
  replyJson(this: void, message: ResultName, objectJson: string): void;
  /** Publishes to every node; the caller's own copy carries the call's id. */
  publish(audience: Audience, payload: ResultPayload): Promise<void>;
}

export type Handler<K extends CallName> = (
  ctx: CallContext,
  args: CallPayloads[K],
) => Promise<void>;
export type HandlerTable = { [K in CallName]: Handler<K> };

/** The room the caller is in, or no_selected_room. */
export function requireRoom(ctx: CallContext): string {
  const room = ctx.conn.room;
  if (room === null) throw new ChatError('no_selected_room');
  return room;
}

export function holderOf(services: Services, conn: Connection): Holder {
  return { node: services.config.nodeId, session: conn.session };
}
