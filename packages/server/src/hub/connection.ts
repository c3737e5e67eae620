import type { WebSocket } from 'ws';
import type { User } from '@chat/protocol';
import type { Logger } from '../logger.ts';
import type { RateLimit } from './rateLimit.ts';

interface Held {
  frame: string;
  room?: string;
  seq?: number;
}

export interface ConnectionOptions {
  maxBufferedBytes: number;
  log: Logger;
  /** Log every frame (the verbose log). */
  traceFrames: boolean;
}

/** One live WebSocket and the user behind it. Handlers never touch the socket; the hub does. */
export class Connection {
  user: User;
  /** Set when another connection resumed this identity: closing must not leave the room. */
  takenOver = false;
  closed = false;
  /** Frames kept back while the caller's room entry is answered, so nothing overtakes its history. */
  private held: Held[] | null = null;
  /** The newest message of its room this connection has been sent: nothing at or below it again. */
  private seqFloor = 0;

  constructor(
    readonly session: string,
    user: User,
    private readonly ws: WebSocket,
    /** The network address quotas count it under (see addressKey). */
    readonly address: string,
    /** Its calls' budget (the socket's, shared: charged on arrival and again by cost). */
    readonly limit: RateLimit,
    /** 1: an original client; 2: ours, which asked for the extended protocol with `?v=2`. */
    readonly version: 1 | 2,
    private readonly opts: ConnectionOptions,
  ) {
    this.user = user;
  }

  get room(): string | null {
    return this.user.room_uuid;
  }

  /**
   * Writes a frame now, or closes a peer whose send queue is over the cap. `logged` is what
   * the verbose log shows instead of the frame, when the frame holds a secret.
   */
  send(frame: string, logged: string = frame): void {
    if (this.closed) return;
    if (this.ws.bufferedAmount > this.opts.maxBufferedBytes) {
      this.opts.log.warn(
        { session: this.session, buffered: this.ws.bufferedAmount },
        'closing a connection that does not read',
      );
      this.closed = true;
      this.ws.terminate();
      return;
    }
    if (this.opts.traceFrames) {
      this.opts.log.debug({ session: this.session, frame: logged }, 'out');
    }
    this.ws.send(frame);
  }

  /**
   * A broadcast frame: held back while a room entry is being answered. Messages of the
   * connection's room go out once each, in seq order as they arrive.
   */
  deliver(frame: string, room?: string, seq?: number): void {
    if (this.held) {
      this.held.push({ frame, room, seq });
      return;
    }
    if (seq !== undefined && room === this.user.room_uuid) {
      if (seq <= this.seqFloor) return;
      this.seqFloor = seq;
    }
    this.send(frame);
  }

  hold(): void {
    this.held ??= [];
  }

  /** Sends what was held, after a history page of the connection's room that ended at `seq`. */
  release(seq?: number): void {
    if (seq !== undefined) this.seqFloor = seq;
    const held = this.held;
    this.held = null;
    for (const h of held ?? []) this.deliver(h.frame, h.room, h.seq);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.ws.close(code, reason);
  }
}
