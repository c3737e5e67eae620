import { createHmac } from 'node:crypto';
import type { Storage } from '../storage/storage.ts';

/**
 * What a kick bars, as BanStore keeps it: the user, and the network address it was kicked
 * from, as a keyed hash (HMAC-SHA-256 under the deployment's secret), never the address.
 */
export const userSubject = (user: string) => `user:${user}`;

const keys = new WeakMap<Storage, Promise<string>>();

export async function addressSubject(storage: Storage, address: string): Promise<string> {
  let key = keys.get(storage);
  if (!key) {
    keys.set(storage, (key = storage.secret('address')));
    // a failed read is tried again next time, not remembered
    key.catch(() => keys.delete(storage));
  }
  return `address:${createHmac('sha256', await key)
    .update(address)
    .digest('base64url')}`;
}

/** The subjects a connection is barred by: its user and its address. */
export async function subjectsOf(storage: Storage, user: string, address: string) {
  return [userSubject(user), await addressSubject(storage, address)];
}
