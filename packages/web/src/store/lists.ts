import { isDraft, original, type Draft } from '@reduxjs/toolkit';

/**
 * Long lists in the store (messages, the event log) are replaced, never edited in place, and
 * go through these two: Immer's draft of a list makes a proxy of each element read, and a new
 * unfrozen value assigned into a draft is walked through, element by element, for drafts
 * inside it. At 200 messages a second both were most of the time the store took.
 */

/** The list as stored, not Immer's draft of it. */
export function plain<T>(list: T[]): T[] {
  return isDraft(list) ? original<T[]>(list as Draft<T[]>) : list;
}

/** A new list to store: frozen, so Immer takes it as it is. */
export function frozen<T>(list: T[]): T[] {
  return Object.freeze(list) as T[];
}
