import { LIMITS } from '@chat/protocol';

/** Characters of the random prefix of a client's call ids. */
export const ID_PREFIX_CHARS = 10;

/** Call ids of one client: a random base36 prefix, then a base36 counter. */
export interface IdSource {
  readonly prefix: string;
  next(): string;
  /** Whether `id` is one of this source's ids. */
  owns(id: string): boolean;
}

export function createIdSource(random: () => number = Math.random): IdSource {
  let prefix = '';
  for (let i = 0; i < ID_PREFIX_CHARS; i++) prefix += Math.floor(random() * 36).toString(36);
  let n = 0;
  return {
    prefix,
    next() {
      const id = prefix + (n++).toString(36);
      // 10 + 54 base36 digits is more calls than a client will ever make
      if (id.length > LIMITS.idChars) throw new Error('call ids exhausted');
      return id;
    },
    owns: (id) => id.length > prefix.length && id.startsWith(prefix),
  };
}
