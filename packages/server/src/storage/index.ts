import { MemoryStorage } from './memory/index.ts';
import { SqlStorage } from './sql/sqlStorage.ts';
import type { Storage, StorageLimits } from './storage.ts';

export type { Storage, StorageLimits } from './storage.ts';

/** A storage spec, read: what `--storage` names. */
export type StorageSpec =
  | { kind: 'memory' }
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; url: string; schema?: string };

const ACCEPTED = 'memory, sqlite:PATH (or sqlite::memory:) or postgres://USER@HOST/DATABASE';

/**
 * Reads a spec: `memory`, `sqlite:PATH` (`sqlite::memory:` keeps it in memory) or a
 * `postgres://` / `postgresql://` URL, where `?schema=NAME` keeps the tables in that schema.
 * Throws with a sentence that names what is accepted. The one reader of specs: the
 * configuration checks flags with it, and openStorage opens what it returns.
 */
export function parseStorageSpec(spec: string): StorageSpec {
  if (spec === 'memory') return { kind: 'memory' };
  if (spec.startsWith('sqlite:')) {
    const path = spec.slice('sqlite:'.length);
    if (path === '') throw new Error(`Storage "sqlite:" needs a path: use ${ACCEPTED}.`);
    return { kind: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//.test(spec)) {
    const url = new URL(spec);
    const schema = url.searchParams.get('schema') ?? undefined;
    if (schema === undefined) return { kind: 'postgres', url: spec };
    url.searchParams.delete('schema');
    return { kind: 'postgres', url: url.toString(), schema };
  }
  throw new Error(`Unknown storage "${describeStorage(spec)}": use ${ACCEPTED}.`);
}

/**
 * Opens the storage a spec names (the SQLite file and its directory are created when
 * missing; SQL storage is migrated to the current schema). `onError` hears errors of idle
 * database connections (a restart of PostgreSQL).
 */
export async function openStorage(
  spec: string,
  limits: StorageLimits,
  onError?: (err: Error) => void,
): Promise<Storage> {
  const read = parseStorageSpec(spec);
  if (read.kind === 'memory') return new MemoryStorage(limits);
  if (read.kind === 'sqlite') return SqlStorage.open({ kind: 'sqlite', path: read.path, limits });
  return SqlStorage.open({
    kind: 'postgres',
    url: read.url,
    limits,
    ...(read.schema === undefined ? {} : { schema: read.schema }),
    ...(onError === undefined ? {} : { onError }),
  });
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
