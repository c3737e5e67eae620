import { randomUUID } from 'node:crypto';

/**
 * A new UUIDv4, as a flat string. Node builds randomUUID()'s result from many concatenated
 * pieces, a chain of ~14 heap objects (about 450 bytes) that lives as long as the id does:
 * on every connection, user and stored message. A copy through a Buffer is one object.
 */
export function newId(): string {
  return Buffer.from(randomUUID(), 'latin1').toString('latin1');
}
