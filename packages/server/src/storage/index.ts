import { MemoryStorage } from './memory/memoryStorage.ts';
import { SqlStorage } from './sql/sqlStorage.ts';
import type { Storage, StorageLimits } from './storage.ts';

export type { Storage, StorageLimits } from './storage.ts';

const ACCEPTED = 'memory, sqlite:PATH (or sqlite::memory:) or postgres://USER@HOST/DATABASE';

/**
 * Opens the storage a spec names: `memory`, `sqlite:PATH` (the file and its directory
 * are created when missing; `sqlite::memory:` keeps it in memory) or a
 * `postgres://` / `postgresql://` URL. SQL storage is migrated to the current schema.
 */
export async function openStorage(spec: string, limits: StorageLimits): Promise<Storage> {
  if (spec === 'memory') return new MemoryStorage(limits);
  if (spec.startsWith('sqlite:')) {
    const path = spec.slice('sqlite:'.length);
    if (path === '') throw new Error(`Storage "sqlite:" needs a path: use ${ACCEPTED}.`);
    return SqlStorage.open({ kind: 'sqlite', path, limits });
  }
  if (/^postgres(ql)?:\/\//.test(spec)) {
    return SqlStorage.open({ kind: 'postgres', url: spec, limits });
  }
  throw new Error(`Unknown storage "${describeStorage(spec)}": use ${ACCEPTED}.`);
}

/** The spec with any password masked, for logs and error messages. */
export function describeStorage(spec: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) {
    try {
      const url = new URL(spec);
      if (url.password !== '') url.password = '***';
      for (const key of [...url.searchParams.keys()]) {
        if (/pass/i.test(key)) url.searchParams.set(key, '***');
      }
      return url.toString();
    } catch {
      // Not a URL after all: mask what looks like user:password@ below.
    }
  }
  return spec.replace(/(\/\/[^/:@]*:)[^@/]*@/, '$1***@');
}
