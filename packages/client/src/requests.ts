import {
  CALL_REPLIES,
  type AnsweredCall,
  type CallName,
  type CallReply,
  type ResultName,
  type ResultPayload,
} from '@chat/protocol';
import { ClientError, type ChatClientError } from './errors.ts';

/** What enter_room resolves with: its three answers, in the order they come. */
export interface EnterReply {
  room_entered: ResultPayload<'room_entered'>;
  messages_listed: ResultPayload<'messages_listed'>;
  drawing_got: ResultPayload<'drawing_got'>;
}

/** What request(call) resolves with: the result named in CALL_REPLIES (all three for enter_room). */
export type Reply<K extends AnsweredCall> = K extends 'enter_room'
  ? EnterReply
  : ResultPayload<NonNullable<CallReply<K>>>;

/** Results with the call's id that come before the one completing it. */
const PRECEDING: Partial<Record<CallName, readonly ResultName[]>> = {
  enter_room: ['room_entered', 'messages_listed'],
};

/** Calls that change nothing: sent again after a reconnect. */
export const READ_ONLY: ReadonlySet<CallName> = new Set([
  'list_rooms',
  'list_messages',
  'get_drawing',
  'list_room_users',
  'search_messages',
  'ping',
]);

/**
 * Calls that act in the caller's current room: one made for a room is never sent in another
 * (it waits in the outbox for its room, and is cancelled when another room is wanted).
 */
export const ROOM_CALLS: ReadonlySet<CallName> = new Set([
  'create_message',
  'list_messages',
  'get_drawing',
  'reset_drawing',
  'change_draw_line',
  'delete_draw_line',
  'edit_message',
  'delete_message',
  'react',
  'search_messages',
]);

/**
 * What happens to a call in flight when its connection drops: `resend` (read-only calls, and
 * create_message with the same id, which the server answers with the stored message if it
 * had it) or `reject` with connection_lost (other writes: their outcome is unknown).
 */
export type DropPolicy = 'resend' | 'reject';

export function dropPolicy(call: CallName): DropPolicy {
  return READ_ONLY.has(call) || call === 'create_message' ? 'resend' : 'reject';
}

export interface RequestFlags {
  /** Frames answering it are not emitted as events (the heartbeat's probe). */
  silent?: boolean;
  /** Its messages_listed is the room session's: emitted as a history event instead. */
  history?: boolean;
  /** Sent as soon as the connection is open, ahead of the outbox (the room session's own calls). */
  direct?: boolean;
  /** Overrides dropPolicy(call). */
  onDrop?: DropPolicy;
  /** Overrides the client's request timeout. */
  timeoutMs?: number;
}

export interface Pending {
  readonly id: string;
  readonly call: CallName;
  readonly frame: string;
  /** Order of the request() calls: the outbox sends in this order. */
  readonly order: number;
  readonly flags: RequestFlags;
  readonly timeoutMs: number;
  /** For ROOM_CALLS: the room wanted when the call was made (null: none). */
  readonly room: string | null | undefined;
  sent: boolean;
  timer: ReturnType<typeof setTimeout> | null;
  readonly before: Partial<Record<ResultName, ResultPayload>>;
  resolve(value: unknown): void;
  reject(error: ChatClientError): void;
}

/** Calls waiting for their answer, by id. */
export class Requests {
  private readonly byId = new Map<string, Pending>();
  private order = 0;

  add(
    call: AnsweredCall,
    id: string,
    frame: string,
    flags: RequestFlags,
    timeoutMs: number,
    room?: string | null,
  ): { pending: Pending; promise: Promise<unknown> } {
    let resolve!: (value: unknown) => void;
    let reject!: (error: ChatClientError) => void;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const pending: Pending = {
      id,
      call,
      frame,
      order: this.order++,
      flags,
      timeoutMs: flags.timeoutMs ?? timeoutMs,
      room,
      sent: false,
      timer: null,
      before: {},
      resolve,
      reject,
    };
    this.byId.set(id, pending);
    return { pending, promise };
  }

  get(id: string | undefined): Pending | undefined {
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** Every call waiting, in request order. */
  all(): Pending[] {
    return [...this.byId.values()].sort((a, b) => a.order - b.order);
  }

  /** The frame was written: the answer is awaited from now on. */
  sent(p: Pending): void {
    p.sent = true;
    if (p.timer !== null) clearTimeout(p.timer);
    p.timer = setTimeout(() => {
      this.fail(
        p,
        new ClientError('timeout', `No answer to ${p.call} in ${p.timeoutMs} ms.`, p.call, p.id),
      );
    }, p.timeoutMs);
  }

  /** The connection dropped: the answer will not come on it. */
  unsent(p: Pending): void {
    p.sent = false;
    if (p.timer !== null) clearTimeout(p.timer);
    p.timer = null;
  }

  /** Whether this result's name is part of p's answer (the completing one or one before it). */
  answers(p: Pending, name: string): boolean {
    return (
      CALL_REPLIES[p.call] === name || (PRECEDING[p.call]?.includes(name as ResultName) ?? false)
    );
  }

  /** A result carrying p's id: completes p, or is kept for the completing one. */
  result(p: Pending, payload: ResultPayload): void {
    const reply = CALL_REPLIES[p.call];
    if (payload.message !== reply) {
      if (PRECEDING[p.call]?.includes(payload.message)) p.before[payload.message] = payload;
      return;
    }
    const preceding = PRECEDING[p.call];
    if (!preceding) return this.settle(p, () => p.resolve(payload));
    const missing = preceding.find((name) => p.before[name] === undefined);
    if (missing !== undefined) {
      const error = new ClientError(
        'invalid_frame',
        `${p.call} was answered with ${reply} but without ${missing}.`,
        p.call,
        p.id,
      );
      return this.settle(p, () => p.reject(error));
    }
    this.settle(p, () => p.resolve({ ...p.before, [payload.message]: payload }));
  }

  fail(p: Pending, error: ChatClientError): void {
    this.settle(p, () => p.reject(error));
  }

  private settle(p: Pending, done: () => void): void {
    if (this.byId.get(p.id) !== p) return;
    this.byId.delete(p.id);
    if (p.timer !== null) clearTimeout(p.timer);
    p.timer = null;
    done();
  }
}
