import { localDay } from './format.ts';

/** A message this close after one of its author's shares that one's header. */
export const GROUP_GAP_MS = 5 * 60_000;

/** Who wrote an item of the list, and when (ms since the epoch). */
export interface Stamp {
  author: string;
  at: number;
}

export interface Placement {
  /** A day separator goes above it. */
  day: boolean;
  /** It opens a group: avatar and author line; the others of a group are compact. */
  head: boolean;
}

/**
 * Where an item stands, from the item before it alone: appending never changes the items
 * already shown. The first item loaded gets a day separator only when it is the room's first
 * (`roomStart`): older pages, once prepended, say whether its day began before it.
 */
export function place(prev: Stamp | undefined, cur: Stamp, roomStart: boolean): Placement {
  const valid = Number.isFinite(cur.at);
  if (!prev) return { day: roomStart && valid, head: true };
  const day = valid && localDay(prev.at) !== localDay(cur.at);
  const near = Math.abs(cur.at - prev.at) <= GROUP_GAP_MS;
  return { day, head: day || prev.author !== cur.author || !near };
}

export type Placed<T> = Placement & { item: T };

export function placeAll<T>(
  items: readonly T[],
  stamp: (item: T) => Stamp,
  roomStart: boolean,
): Placed<T>[] {
  let prev: Stamp | undefined;
  return items.map((item) => {
    const cur = stamp(item);
    const placed = { item, ...place(prev, cur, roomStart) };
    prev = cur;
    return placed;
  });
}
