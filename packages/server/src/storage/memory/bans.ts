import type { BanStore } from '../storage.ts';
import type { MemoryState } from './state.ts';

export class MemoryBans implements BanStore {
  constructor(private readonly s: MemoryState) {}

  async add(roomUuid: string, subjects: string[], until: string): Promise<void> {
    const bans = this.s.rooms.get(roomUuid)?.bans;
    if (!bans) return;
    for (const subject of subjects) {
      const held = bans.get(subject);
      if (held === undefined || held < until) bans.set(subject, until);
    }
  }

  async until(roomUuid: string, subjects: string[], now: string): Promise<string | null> {
    const bans = this.s.rooms.get(roomUuid)?.bans;
    let latest: string | null = null;
    for (const subject of subjects) {
      const until = bans?.get(subject);
      if (until === undefined) continue;
      if (until <= now) bans!.delete(subject);
      else if (latest === null || until > latest) latest = until;
    }
    return latest;
  }
}
