import type { WebSocket } from 'ws';
import type { User } from '@chat/protocol';
import type { Logger } from '../logger.ts';

interface Held {
  frame: string;
  /** For message_created: its room and seq, to drop what a history page already held. */
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

  constructor(
    readonly session: string,
    user: User,
    private readonly ws: WebSocket,
    private readonly opts: ConnectionOptions,
  ) {
    this.user = user;
  }

  get room(): string | null {
    return this.user.room_uuid;
  }

  /** Writes a frame now, or closes a peer whose send queue is over the cap. */
  send(frame: string): void {
    if (this.closed) return;
    if (this.ws.bufferedAmount > this.opts.maxBufferedBytes) {
      this.opts.log.warn({ session: this.session, buffered: this.ws.bufferedAmount }, 'closing a connection that does not read');
      this.closed = true;
      this.ws.terminate();
      return;
    }
    if (this.opts.traceFrames) this.opts.log.debug({ session: this.session, frame }, 'out');
    this.ws.send(frame);
  }

  /** A broadcast frame: held back while a room entry is being answered. */
  deliver(frame: string, room?: string, seq?: number): void {
    if (this.held) this.held.push({ frame, room, seq });
    else this.send(frame);
  }

  hold(): void {
    this.held ??= [];
  }

  /** Sends what was held, less messages of `room` up to `seq` (the history page already had them). */
  release(room: string | null, seq: number): void {
    const held = this.held;
    this.held = null;
    if (!held) return;
    for (const h of held) {
      if (h.seq !== undefined && h.room === room && h.seq <= seq) continue;
      this.send(h.frame);
    }
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.ws.close(code, reason);
  }
}
