import { randomBytes } from 'node:crypto';
import type { Storage, StorageLimits } from '../storage.ts';
import { MemoryBans } from './bans.ts';
import { MemoryDrawings } from './drawings.ts';
import { MemoryIdentity } from './identity.ts';
import { MemoryMessages } from './messages.ts';
import { MemoryPresence } from './presence.ts';
import { MemoryRooms } from './rooms.ts';
import { MemoryState } from './state.ts';

/** Keeps everything in this process: for tests and throwaway demos. */
export class MemoryStorage implements Storage {
  readonly kind = 'memory';
  readonly identity: MemoryIdentity;
  readonly presence: MemoryPresence;
  readonly rooms: MemoryRooms;
  readonly messages: MemoryMessages;
  readonly drawings: MemoryDrawings;
  readonly bans: MemoryBans;
  private readonly state: MemoryState;

  constructor(limits: StorageLimits) {
    const state = (this.state = new MemoryState(limits));
    this.identity = new MemoryIdentity(state);
    this.presence = new MemoryPresence(state);
    this.rooms = new MemoryRooms(state);
    this.messages = new MemoryMessages(state);
    this.drawings = new MemoryDrawings(state);
    this.bans = new MemoryBans(state);
  }

  async secret(name: string): Promise<string> {
    const secrets = this.state.secrets;
    let value = secrets.get(name);
    if (value === undefined) secrets.set(name, (value = randomBytes(32).toString('hex')));
    return value;
  }

  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}
