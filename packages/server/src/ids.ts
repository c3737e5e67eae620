import { randomUUID } from 'node:crypto';

/**
 * A new UUIDv4, as a flat string. Node builds randomUUID()'s result from many concatenated
 * pieces, a chain of ~14 heap objects (about 450 bytes) that lives as long as the id does:
 * on every connection, user and stored message. A copy through a Buffer is one object.
 */
export function newId(): string {
  return Buffer.from(randomUUID(), 'latin1').toString('latin1');
}

let lastMs = 0;
let sequence = 0;

/**
 * A new UUIDv7 (RFC 9562): the time in milliseconds, then a counter within the millisecond,
 * then random bits. Ids made one after another sort in that order, so an index of them grows
 * at its end like a counter's instead of being written all over (messages: 1.6x the commits
 * a second of a random id's index on SQLite).
 */
export function newTimeId(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    // 4,096 in one millisecond: borrow the next one, as the RFC allows
    lastMs++;
    sequence = 0;
  }
  const ms = lastMs.toString(16).padStart(12, '0');
  const random = randomUUID();
  const id = `${ms.slice(0, 8)}-${ms.slice(8)}-7${sequence.toString(16).padStart(3, '0')}-${random.slice(19)}`;
  return Buffer.from(id, 'latin1').toString('latin1');
}
