import type { ErrorName, ErrorPayload } from '@chat/protocol';

/** The server refused a call: `code` is the protocol's error name. */
export class CallError extends Error {
  override readonly name = 'CallError';
  readonly kind = 'call';
  readonly code: ErrorName;
  /** The server's sentence. */
  readonly detail: string;
  /** The failed call's name, when the server could read it. */
  readonly call: string | undefined;
  readonly id: string | undefined;
  /** rate_limited: milliseconds until the next call is allowed. */
  readonly retryAfterMs: number | undefined;
  /** user_banned: when the bar ends (an ISO time). */
  readonly until: string | undefined;

  constructor(
    readonly payload: ErrorPayload,
    until?: string,
  ) {
    super(`${payload.message}: ${payload.detail}`);
    this.code = payload.message;
    this.detail = payload.detail;
    this.call = payload.call;
    this.id = payload.id;
    this.retryAfterMs = payload.retry_after_ms;
    this.until = until;
  }
}

/**
 * Something went wrong on this side:
 * - timeout: no answer within the request's timeout;
 * - connection_lost: the connection dropped with a write in flight (its outcome is unknown);
 * - closed: the client was closed;
 * - cancelled: a newer enterRoom or a leaveRoom replaced this one, or this call was meant for
 *   the room wanted before (it waited in the outbox, and is never sent in another room);
 * - invalid_frame: a frame from the server failed the protocol's schemas;
 * - unknown_frame: a frame named a statement this client does not know (a newer server).
 */
export type ClientErrorKind =
  'timeout' | 'connection_lost' | 'closed' | 'cancelled' | 'invalid_frame' | 'unknown_frame';

export class ClientError extends Error {
  override readonly name = 'ClientError';

  constructor(
    readonly kind: ClientErrorKind,
    message: string,
    readonly call?: string,
    readonly id?: string,
    /** The frame's text, for invalid_frame and unknown_frame. */
    readonly frame?: string,
  ) {
    super(message);
  }
}

export type ChatClientError = CallError | ClientError;
