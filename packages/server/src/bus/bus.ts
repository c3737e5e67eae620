import type { ResultPayload } from '@chat/protocol';

/** Who receives a delivery, on every node. Sessions are connection ids. */
export type Audience =
  /** `version`: only the connections of that protocol version (a node's own resync). */
  | { to: 'all'; version?: 1 | 2 }
  /** `owner`: that user's connections hear it too, wherever they are (an unlisted room's owner). */
  | { to: 'room'; room: string; except?: string; owner?: string }
  /** The room's members and every connection in no room (those who see the room list). */
  | { to: 'watchers'; room: string }
  /** The connections in no room (the room list's part of `watchers`, on many nodes). */
  | { to: 'lobby' }
  | { to: 'session'; session: string };

/** An event a handler caused, to be written to every connection of its audience. */
export interface Delivery {
  kind: 'deliver';
  audience: Audience;
  /** The result payload without `id`. */
  payload: ResultPayload;
  /** The connection whose call caused it, and that call's id, echoed in its own copy only. */
  origin?: { session: string; id?: string };
}

/** A resumed identity: whichever node holds an older connection of this user closes it. */
export interface TakeOver {
  kind: 'take_over';
  user: string;
  /** The new connection, which is kept. */
  session: string;
  /**
   * The room the user is in: the node of its older connection hears that room's topic (in
   * no room: every node hears the event).
   */
  room: string | null;
}

/** A user kicked from a room: whichever node holds its connection takes it out (Sessions.kicked). */
export interface KickEvent {
  kind: 'kick';
  user: string;
  room: string;
  until: string;
}

export type BusEvent = Delivery | TakeOver | KickEvent;

/**
 * Publishes each event to the nodes that hear its topic (bus/topics.ts), this one included,
 * in publish order on each topic.
 */
export interface Bus {
  /**
   * Never rejects: when other nodes cannot be reached, the event is handled on this node
   * only (what it reports has already happened in storage, so this node's clients see it).
   */
  publish(event: BusEvent): Promise<void>;
  subscribe(handler: (event: BusEvent) => void): void;
  /**
   * Starts hearing a topic; resolves once events published from then on will arrive (the
   * lobby and this node's own topic are heard from the start). Idempotent.
   */
  join(topic: string): Promise<void>;
  /** Stops hearing a topic. */
  leave(topic: string): void;
  /** Runs `handler` each time the bus is back after an outage: events of other nodes may have been missed. */
  onReconnect(handler: () => void): void;
  /** False while the bus cannot reach other nodes. */
  ready(): boolean;
  close(): Promise<void>;
}
