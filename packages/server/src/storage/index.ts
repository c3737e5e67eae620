import { MemoryStorage } from './memory/memoryStorage.ts';
import { SqlStorage } from './sql/sqlStorage.ts';
import type { Storage, StorageLimits } from './storage.ts';

export type { Storage, StorageLimits } from './storage.ts';

const ACCEPTED = 'memory, sqlite:PATH (or sqlite::memory:) or postgres://USER@HOST/DATABASE';

/**
 * Opens the storage a spec names: `memory`, `sqlite:PATH` (the file and its directory
 * are created when missing; `sqlite::memory:` keeps it in memory) or a
 * `postgres://` / `postgresql://` URL, where `?schema=NAME` keeps the tables in that
 * schema (created when missing). SQL storage is migrated to the current schema.
 * `onError` hears errors of idle database connections (a restart of PostgreSQL).
 */
export async function openStorage(
  spec: string,
  limits: StorageLimits,
  onError?: (err: Error) => void,
): Promise<Storage> {
  if (spec === 'memory') return new MemoryStorage(limits);
  if (spec.startsWith('sqlite:')) {
    const path = spec.slice('sqlite:'.length);
    if (path === '') throw new Error(`Storage "sqlite:" needs a path: use ${ACCEPTED}.`);
    return SqlStorage.open({ kind: 'sqlite', path, limits });
  }
  if (/^postgres(ql)?:\/\//.test(spec)) {
    const url = new URL(spec);
    const schema = url.searchParams.get('schema') ?? undefined;
    url.searchParams.delete('schema');
    return SqlStorage.open({
      kind: 'postgres',
      url: schema === undefined ? spec : url.toString(),
      limits,
      ...(schema === undefined ? {} : { schema }),
      ...(onError === undefined ? {} : { onError }),
    });
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
