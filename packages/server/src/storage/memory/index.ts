import type { Storage, StorageLimits } from '../storage.ts';
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

  constructor(limits: StorageLimits) {
    const state = new MemoryState(limits);
    this.identity = new MemoryIdentity(state);
    this.presence = new MemoryPresence(state);
    this.rooms = new MemoryRooms(state);
    this.messages = new MemoryMessages(state);
    this.drawings = new MemoryDrawings(state);
  }

  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}
