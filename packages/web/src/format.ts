/**
 * The formats, made once: toLocaleTimeString() and toLocaleString() make one on each call,
 * which was most of what a busy room's list spent drawing its rows.
 */
let timeFormat: Intl.DateTimeFormat | null = null;
let dateTimeFormat: Intl.DateTimeFormat | null = null;

/** Hours and minutes, as toLocaleTimeString(undefined, {hour: '2-digit', minute: '2-digit'}). */
export function formatTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  timeFormat ??= new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
  return timeFormat.format(ms);
}

/** Date and time, as toLocaleString(). */
export function formatDateTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  dateTimeFormat ??= new Intl.DateTimeFormat(undefined, {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  return dateTimeFormat.format(ms);
}

/** The local calendar day of a moment, as a number that compares: 20261123 (NaN if invalid). */
export function localDay(ms: number): number {
  const d = new Date(ms);
  return d.getFullYear() * 10_000 + (d.getMonth() + 1) * 100 + d.getDate();
}

let dayFormat: Intl.DateTimeFormat | null = null;

/** A day separator's label: "Today", "Yesterday", else the full date ("Monday, 23 November 2026"). */
export function formatDay(iso: string, now: number = Date.now(), locale?: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const day = localDay(ms);
  if (day === localDay(now)) return 'Today';
  const yesterday = new Date(now);
  // the calendar's day before, not 24 h before: a DST change makes a day 23 or 25 h long
  yesterday.setDate(yesterday.getDate() - 1);
  if (day === localDay(yesterday.getTime())) return 'Yesterday';
  const options: Intl.DateTimeFormatOptions = {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  };
  if (locale !== undefined) return new Intl.DateTimeFormat(locale, options).format(ms);
  dayFormat ??= new Intl.DateTimeFormat(undefined, options);
  return dayFormat.format(ms);
}

export function formatLogTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** Length in Unicode code points, as the server counts it. */
export function codePointLength(s: string): number {
  return Array.from(s).length;
}
