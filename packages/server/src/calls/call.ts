import {
  ERROR_DETAILS,
  type CallName,
  type CallPayloads,
  type ErrorName,
  type ErrorPayload,
  type ResultName,
  type ResultPayload,
  type ResultPayloads,
  type User,
} from '@chat/protocol';
import type { Audience } from '../bus/bus.ts';
import type { AddressQuotas } from '../hub/quotas.ts';
import type { Holder, Storage } from '../storage/storage.ts';
import type { UserThrottle } from './userThrottle.ts';

/**
 * A call is one module: its name (its schema is the protocol package's), whether it
 * changes something, what it costs, how it is documented, and a `handle` that reads and
 * writes through storage and returns what should happen: the Outcome. The dispatcher
 * (chat/dispatch.ts) applies it; a call never touches a socket or the hub.
 */
export interface CallModule<K extends CallName = CallName> {
  readonly name: K;
  /**
   * It changes something, or tells others: refused with `unavailable`, before anything is
   * stored, while the bus to the other nodes is away. The reads answer the caller alone.
   */
  readonly writes: boolean;
  /** What it costs its connection's and address's budgets (default 1): more for what sends pages. */
  readonly cost?: number;
  /** Its row in the index of docs/protocol.md. */
  readonly doc: CallDoc;
  handle(args: CallPayloads[K], caller: Caller, deps: CallDeps): Promise<Outcome>;
}

/** A call's row in the index of docs/protocol.md (markdown, as the table shows it). */
export interface CallDoc {
  /** The payload beside `message` (`—` when none; `name?` when optional). */
  payload: string;
  /** Who receives what on success, in order. */
  success: string;
  /** The errors of the call's own (the envelope's errors apply to every call). */
  errors: readonly ErrorName[];
  /** What the errors column says besides them. */
  note?: string;
}

/** A call module, typed by its name. */
export function defineCall<K extends CallName>(module: CallModule<K>): CallModule<K> {
  return module;
}

/** The connection whose call it is, as it is when the call starts, and the call's id. */
export interface Caller {
  readonly session: string;
  /** The call's `payload.id`, when it has one. */
  readonly callId: string | undefined;
  readonly user: User;
  /** The room the caller is in (its user's `room_uuid`). */
  readonly room: string | null;
  /** Its network address, as quotas count it. */
  readonly address: string;
  /** 1: an original client; 2: ours (`?v=2`). */
  readonly version: 1 | 2;
  /** Who holds its presence in storage: this node and this connection. */
  readonly holder: Holder;
}

/** Per-node clocks. */
export interface Clock {
  now(): string;
  /** Like now(), but strictly increasing on this node (rooms created in one millisecond keep their order). */
  roomClock(): string;
}

/** What a call may use. */
export interface CallDeps {
  storage: Storage;
  quotas: AddressQuotas;
  clock: Clock;
  typing: UserThrottle;
  /** `move_cursor`: LIMITS.cursorIntervalMs per user. */
  cursors: UserThrottle;
  /** Milliseconds in one of `kick_user`'s minutes (Config.kickMinuteMs). */
  kickMinuteMs: number;
  /** Resolves on a later turn of the event loop: long work goes on there, a step at a time. */
  turns: { next(): Promise<void> };
}

/** A result for the caller alone (its call's id is added), or one whose `object` is JSON text already. */
export type Reply =
  | { [K in ResultName]: { message: K; data: ResultPayloads[K] } }[ResultName]
  | { message: ResultName; objectJson: string };

/** An event for every node: written to each connection of its audience. */
export interface Event {
  audience: Audience;
  payload: ResultPayload;
}

/** What a room change is: anything about it, or only its message count (coalesced, to fewer). */
export type RoomChange = { room: string; sum?: true };

/** A user removed from a room by its owner, barred until `until` (see Sessions.kicked). */
export interface Kick {
  user: string;
  room: string;
  until: string;
}

/** What should happen, in this order (each part is optional). */
export interface Outcome {
  /** The caller's user as it is now (a rename). */
  user?: User;
  /**
   * The caller moves to `room` (null: to no room). On entering, broadcasts to the caller are
   * held until `entry`'s history page is out, so that nothing is lost or doubled.
   */
  move?: { room: string | null; entry?: () => Promise<Entry> };
  /** Results for the caller alone, in order, each with the call's id. */
  replies?: Reply[];
  /** Events for every node, in order; the caller's own copy carries the call's id. */
  events?: Event[];
  /** Rooms whose `room_changed` is due (throttled per room). */
  changed?: RoomChange[];
  /** Users to take out of a room, wherever their connection is (after the events). */
  kicks?: Kick[];
  /** Rooms just broadcast in full by `events`: a throttled broadcast in flight ends on their final state. */
  settled?: string[];
}

/** What entering a room sends the caller: `room_entered`, its history page, its drawing. */
export interface Entry {
  replies: Reply[];
  /** The newest seq of the history page: the room's broadcasts are sent from after it. */
  seen: number;
}

/** A call that failed in a way PROTOCOL.md names: sent to the caller as an error statement. */
export class ChatError extends Error {
  constructor(
    readonly error: ErrorName,
    readonly detail?: string,
    /** Fields some errors carry beside `detail` (`retry_after_ms`, `until`). */
    readonly extra: Pick<ErrorPayload, 'retry_after_ms' | 'until'> = {},
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

/** The room the caller is in, or no_selected_room. */
export function requireRoom(caller: Caller): string {
  if (caller.room === null) throw new ChatError('no_selected_room');
  return caller.room;
}

/** The caller's answer, as a Reply. */
export function reply<K extends ResultName>(message: K, data: ResultPayloads[K]): Reply {
  return { message, data } as Reply;
}

/** An event, as the dispatcher publishes it. */
export function event(audience: Audience, payload: ResultPayload): Event {
  return { audience, payload };
}
