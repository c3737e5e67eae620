import type { Message, ResultName, ResultPayload, User } from '@chat/protocol';
import type { ChatClientError } from './errors.ts';

/**
 * - connecting: a socket is being opened, or is open and waits for `user_created`;
 * - online: identified (the room, if any, may still be re-entering: see `ready`);
 * - offline: the connection dropped; reconnecting with backoff;
 * - taken_over: another connection resumed this identity; no reconnecting until reconnect();
 * - closed: before connect() and after close().
 */
export type ConnectionState = 'connecting' | 'online' | 'offline' | 'taken_over' | 'closed';

/** What a frame from the server is, besides its payload. */
export interface FrameMeta {
  /** The call id the frame carries (only the caller's copies carry one). */
  id?: string;
  /** The frame answers, or is the caller's copy of something caused by, one of this client's calls. */
  own: boolean;
  /** The name of that call, when known. */
  call?: string;
}

export interface Identity {
  user: User;
  token: string;
  /** The server gave back the identity of the token offered. */
  resumed: boolean;
}

/**
 * Messages of the entered room: `initial` is the newest page on first entry; `newer` is what
 * was missed while away, after each re-entry (possibly empty); `older` is a page loadOlder()
 * asked for; `changed`: messages the client had that were edited, deleted or reacted to while
 * it was away, as they are now (to replace, by seq, those it holds; never to add).
 * `has_more`: older messages remain (always false for `newer` and `changed`).
 */
export interface History {
  room: string;
  list: Message[];
  mode: 'initial' | 'newer' | 'older' | 'changed';
  has_more: boolean;
}

export interface RawFrame {
  direction: 'in' | 'out';
  data: string;
  /** Milliseconds since the epoch. */
  at: number;
}

export type ResultListeners = {
  [N in ResultName]: (payload: ResultPayload<N>, meta: FrameMeta) => void;
};

export interface ClientListeners extends ResultListeners {
  state: (state: ConnectionState, previous: ConnectionState) => void;
  identity: (identity: Identity) => void;
  history: (history: History) => void;
  /** Errors tied to no request: refused send() calls, session_taken_over, invalid frames. */
  error: (error: ChatClientError, meta: FrameMeta) => void;
  /** Every frame, both ways, as text (for an event log). */
  frame: (frame: RawFrame) => void;
}

type Listener = (...args: never[]) => void;

/** A typed event emitter; a listener that throws does not disturb the others or the client. */
export class Emitter<M extends { [K in keyof M]: Listener }> {
  private readonly listeners = new Map<keyof M, Set<M[keyof M]>>();

  on<K extends keyof M>(name: K, listener: M[K]): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener);
    return () => this.off(name, listener);
  }

  off<K extends keyof M>(name: K, listener: M[K]): void {
    this.listeners.get(name)?.delete(listener);
  }

  has(name: keyof M): boolean {
    return (this.listeners.get(name)?.size ?? 0) > 0;
  }

  emit<K extends keyof M>(name: K, ...args: Parameters<M[K]>): void {
    this.emitUnchecked(name, ...args);
  }

  /** emit() for a name known only at run time; the caller vouches for the arguments. */
  emitUnchecked(name: keyof M, ...args: unknown[]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as unknown as (...a: unknown[]) => void)(...args);
      } catch (err) {
        // surfaces as an uncaught error without breaking the frame being handled
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
