import type { User } from '@chat/protocol';
import type { IdentityStore } from '../storage.ts';
import type { MemoryState } from './state.ts';

export class MemoryIdentity implements IdentityStore {
  constructor(private readonly s: MemoryState) {}

  async create(user: User, tokenHash: string, now: string): Promise<void> {
    this.s.users.set(user.uuid, {
      uuid: user.uuid,
      name: user.name,
      tokenHash,
      lastUsed: now,
      room: null,
      entered: null,
      holder: null,
    });
    this.s.tokens.set(tokenHash, user.uuid);
  }

  async get(uuid: string): Promise<User | undefined> {
    const r = this.s.users.get(uuid);
    return r && this.s.userOf(r);
  }

  async resume(tokenHash: string, usedSince: string, now: string): Promise<User | undefined> {
    const uuid = this.s.tokens.get(tokenHash);
    const r = uuid === undefined ? undefined : this.s.users.get(uuid);
    if (!r || r.lastUsed < usedSince) return undefined;
    r.lastUsed = now;
    return this.s.userOf(r);
  }

  async touch(uuid: string, now: string): Promise<void> {
    const r = this.s.users.get(uuid);
    if (r) r.lastUsed = now;
  }

  async rename(uuid: string, name: string): Promise<User | undefined> {
    const r = this.s.users.get(uuid);
    if (!r) return undefined;
    r.name = name;
    return this.s.userOf(r);
  }

  async purge(usedBefore: string): Promise<number> {
    let n = 0;
    for (const r of this.s.users.values()) {
      if (r.lastUsed < usedBefore && r.room === null) {
        this.s.users.delete(r.uuid);
        this.s.tokens.delete(r.tokenHash);
        n++;
      }
    }
    return n;
  }
}
