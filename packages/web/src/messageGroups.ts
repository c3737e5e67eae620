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
/** An item's place, and the item before it that it was placed after. */
export interface PlaceOf<T> {
  after: T | undefined;
  placed: Placed<T>;
}

/**
 * Each item's place. With `cache`, an item placed before after the same item (and not
 * first) keeps its place, the same object: a list that grows at its end places only what is
 * new, and what is unchanged stays equal for whoever memoizes on it.
 */
export function placeAll<T extends object>(
  items: readonly T[],
  stamp: (item: T) => Stamp,
  roomStart: boolean,
  cache?: WeakMap<T, PlaceOf<T>>,
): Placed<T>[] {
  let prev: T | undefined;
  return items.map((item) => {
    const known = prev === undefined ? undefined : cache?.get(item);
    let placed: Placed<T>;
    if (known !== undefined && known.after === prev) placed = known.placed;
    else {
      placed = {
        item,
        ...place(prev === undefined ? undefined : stamp(prev), stamp(item), roomStart),
      };
      cache?.set(item, { after: prev, placed });
    }
    prev = item;
    return placed;
  });
}
