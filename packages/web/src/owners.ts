import type { Room } from '@chat/protocol';
import { formatTime, localDay } from './format.ts';

/** The title of a control a locked room refuses to this user. */
export const LOCKED_TITLE = "Locked by the room's owner";

/** What a locked room lets only its owner do (its other users get not_room_owner). */
export const LOCKED_TEXT =
  'Locked: only its owner may rename, recolor or delete it, or reset its board.';

export const UNLISTED_TEXT = 'Only people with the link';

/** Whether `me` created the room (rooms made before owners have none). */
export function isOwner(room: Room | undefined, me: string | undefined): boolean {
  return room !== undefined && me !== undefined && room.owner === me;
}

/**
 * Whether `me` may rename, recolor or delete the room and reset its board: anyone in an
 * unlocked room, only its owner in a locked one.
 */
export function mayManage(room: Room | undefined, me: string | undefined): boolean {
  return room?.locked !== true || isOwner(room, me);
}

/** How long a kick bars the user: the owner's choices (the server takes 1 to 1440 minutes). */
export const KICK_CHOICES = [
  { minutes: 10, text: '10 minutes' },
  { minutes: 60, text: '1 hour' },
  { minutes: 1440, text: '24 hours' },
] as const;

let weekdayTime: Intl.DateTimeFormat | null = null;

/** When a bar ends, in local time: "21:30" today, else with the day ("Sat 09:15"). */
export function formatUntil(iso: string, now: number = Date.now()): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  if (localDay(ms) === localDay(now)) return formatTime(iso);
  weekdayTime ??= new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
  return weekdayTime.format(ms);
}

/** "You were removed from Alpha until 21:30." (the room's name when known). */
export function removalText(name: string | null, until: string, now?: number): string {
  const room = name === null ? 'this room' : name;
  return `You were removed from ${room} until ${formatUntil(until, now)}.`;
}
