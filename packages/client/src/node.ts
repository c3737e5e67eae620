import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KeyValueStore } from './client.ts';

/**
 * Node only (`@chat/client/node`): a store that keeps the identity token in one file, for
 * programs that should come back as the same user (a terminal client, a bot). The file holds
 * the token alone (the key is not written); it is made readable by its owner only, its folder
 * made when missing, and replaced whole (written beside it, then renamed). Reading a missing
 * or empty file gives null; a failed write throws (ChatClient then keeps the token in memory).
 */
export function tokenFile(path: string): KeyValueStore {
  return {
    getItem() {
      try {
        return readFileSync(path, 'utf8').trim() || null;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    setItem(_key, value) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, `${value}\n`, { mode: 0o600 });
      renameSync(tmp, path);
    },
  };
}
