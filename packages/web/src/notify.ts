/** Which messages from others a hidden page tells about with a desktop notification. */
export const NOTIFY_LEVELS = ['all', 'mentions', 'off'] as const;
export type NotifyLevel = (typeof NOTIFY_LEVELS)[number];
export const NOTIFY_KEY = 'notify';

export function readNotify(storage: Pick<Storage, 'getItem'> | null): NotifyLevel {
  try {
    const v = storage?.getItem(NOTIFY_KEY);
    return (NOTIFY_LEVELS as readonly string[]).includes(v ?? '') ? (v as NotifyLevel) : 'mentions';
  } catch {
    return 'mentions';
  }
}

export function writeNotify(storage: Pick<Storage, 'setItem'> | null, level: NotifyLevel): void {
  try {
    storage?.setItem(NOTIFY_KEY, level);
  } catch {
    // blocked: the choice lasts as long as the page
  }
}

/** Whether a message from someone else is told about, at `level`. */
export function shouldNotify(level: NotifyLevel, mentioned: boolean): boolean {
  return level === 'all' || (level === 'mentions' && mentioned);
}

/** The browser's permission for desktop notifications ('unsupported' where there are none). */
export function notificationPermission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/**
 * Shows a desktop notification when allowed; nothing otherwise. One per `tag` (a room) at a
 * time: a burst replaces its own notification instead of piling up.
 */
export function notify(title: string, body: string, tag: string): void {
  if (notificationPermission() !== 'granted') return;
  new Notification(title, { body: body.length > 200 ? `${body.slice(0, 200)}…` : body, tag });
}
