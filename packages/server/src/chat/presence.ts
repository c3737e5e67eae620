import type { Bus } from '../bus/bus.ts';
import type { Hub } from '../hub/hub.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { Holder, Storage } from '../storage/storage.ts';
import type { RoomChanges } from './roomChanges.ts';

export interface PresenceDeps {
  storage: Storage;
  bus: Bus;
  hub: Hub;
  roomChanges: RoomChanges;
  log: Logger;
  metrics: Metrics;
  nodeId: string;
  leaseMs: number;
  now: () => string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Keeps who-is-where right in shared storage, whichever node dies or loses a service:
 * - renews this node's lease every third of a lease;
 * - takes the users of nodes whose lease ended (killed, or cut off for a whole lease) out
 *   of their rooms, with `room_changed` to all;
 * - puts this node's users back in their rooms if it was itself taken for dead;
 * - makes the leaves that could not be made (or announced) while storage or bus was away.
 */
export class PresenceKeeper {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  /** Since when every renewal succeeded; undefined while they fail. */
  private healthySince: number | undefined;
  /** This node's lease lapsed: its users may have been taken out of their rooms. */
  private mustRestore = false;
  /** Leaves to make once storage and bus answer. */
  private readonly pending: { user: string; holder: Holder }[] = [];

  constructor(private readonly d: PresenceDeps) {}

  /** Takes this node's lease (before it accepts connections), then keeps it. */
  async start(): Promise<void> {
    const now = Date.now();
    await this.d.storage.presence.renewLease(this.d.nodeId, iso(now), iso(now + this.d.leaseMs));
    this.healthySince = Date.now();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
  }

  /** A connection's user leaves its room, now, or once storage and bus answer again. */
  async leave(user: string, holder: Holder): Promise<void> {
    const { storage, bus, roomChanges } = this.d;
    // a leave that others would not hear of waits for the bus
    if (!bus.ready()) {
      this.pending.push({ user, holder });
      return;
    }
    let room: string | null;
    try {
      room = await storage.presence.release(user, holder);
    } catch (err) {
      this.pending.push({ user, holder });
      throw err;
    }
    if (room !== null) await roomChanges.changed(room);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(
      () => {
        this.ticking = this.tick()
          .catch((err: unknown) => this.d.log.warn({ err }, 'keeping presence failed'))
          .finally(() => {
            this.ticking = undefined;
            this.schedule();
          });
      },
      Math.floor(this.d.leaseMs / 3),
    );
  }

  private async tick(): Promise<void> {
    const { storage, bus, nodeId, leaseMs, log, metrics } = this.d;
    const now = Date.now();
    let held: boolean;
    try {
      held = await storage.presence.renewLease(nodeId, iso(now), iso(now + leaseMs));
    } catch (err) {
      metrics.leaseFailures.inc();
      if (this.healthySince !== undefined) log.warn({ err }, "renewing this node's lease failed");
      this.healthySince = undefined;
      return;
    }
    if (this.healthySince === undefined) {
      log.info("this node's lease is renewed again");
      this.healthySince = now;
    }
    if (!held) this.mustRestore = true;
    // what follows changes presence, which all nodes must hear of
    if (!bus.ready()) return;
    if (this.mustRestore) await this.restore();
    await this.retryLeaves();
    // others may have been cut off as long as this node was: give them a lease to renew
    if (now - this.healthySince >= leaseMs) await this.reap(now);
  }

  private async reap(now: number): Promise<void> {
    const { storage, nodeId, log, metrics, roomChanges } = this.d;
    for (const node of await storage.presence.expiredNodes(iso(now))) {
      if (node === nodeId) continue;
      const rooms = await storage.presence.reapNode(node, iso(now));
      metrics.reapedNodes.inc();
      log.warn({ node, rooms: rooms.length }, 'removed the users of a node whose lease ended');
      for (const room of rooms) await roomChanges.changed(room);
    }
  }

  private async retryLeaves(): Promise<void> {
    const { storage, roomChanges } = this.d;
    while (this.pending.length > 0) {
      const { user, holder } = this.pending[0]!;
      const room = await storage.presence.release(user, holder);
      this.pending.shift();
      if (room !== null) await roomChanges.changed(room);
    }
  }

  /** Puts this node's users back in the rooms their connections are in. */
  private async restore(): Promise<void> {
    const { storage, hub, log, roomChanges, nodeId, now } = this.d;
    const changed = new Set<string>();
    for (const conn of [...hub.connections()]) {
      const room = conn.room;
      if (room === null || conn.closed) continue;
      const holder = { node: nodeId, session: conn.session };
      const moved = await storage.presence.set(conn.user.uuid, room, holder, now());
      if (moved === 'no_room') {
        // deleted while its users were out of it (all were told with room_deleted)
        hub.leave(conn);
        conn.user = { ...conn.user, room_uuid: null };
      } else if (moved.previous !== room) changed.add(room);
    }
    this.mustRestore = false;
    if (changed.size > 0) {
      log.warn({ rooms: changed.size }, 'this node was taken for dead: its users are back');
    }
    for (const room of changed) await roomChanges.changed(room);
  }
}
