import type { Message, Room } from '@chat/protocol';

/** ANSI styles: [start, end]. */
const STYLES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
} as const;
export type Style = keyof typeof STYLES;

/** Styles text for the terminal, or not at all (a pipe, NO_COLOR, --no-color). */
export type Paint = (style: Style | Style[], text: string) => string;

export const colors: Paint = (style, text) => {
  const list = typeof style === 'string' ? [style] : style;
  const start = list.map((s) => `\x1b[${STYLES[s][0]}m`).join('');
  const end = list
    .map((s) => `\x1b[${STYLES[s][1]}m`)
    .reverse()
    .join('');
  return start + text + end;
};
export const noColors: Paint = (_style, text) => text;

/** Names get one of these, the same for a user on every line (by uuid). */
const NAME_COLORS = ['cyan', 'green', 'yellow', 'blue', 'magenta', 'red'] as const;

export function nameColor(uuid: string): (typeof NAME_COLORS)[number] {
  let hash = 0;
  for (const c of uuid) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return NAME_COLORS[hash % NAME_COLORS.length]!;
}

/**
 * Text from the server made safe for a terminal: control characters (an escape sequence
 * could move the cursor, retitle the window or hide text) shown in caret notation (`^[`),
 * those of C1 as U+FFFD. Line breaks and tabs are kept.
 */
export function clean(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/[^\P{Cc}\n\t]/gu, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x20) return `^${String.fromCharCode(code + 64)}`;
    return code === 0x7f ? '^?' : '\ufffd';
  });
}

const two = (n: number) => String(n).padStart(2, '0');

/** `HH:MM`, local time. */
export function clock(iso: string): string {
  const d = new Date(iso);
  return `${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** The local day of a time, as a heading: `Saturday 28 November 2026`. */
export function day(iso: string): string {
  return new Date(iso).toLocaleDateString('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
}

/** A message's body as shown: `(deleted)` for a deleted one, `(edited)` after an edited one. */
function body(m: Message): { text: string; mark: string } {
  if (m.deleted !== null) return { text: '', mark: '(deleted)' };
  return { text: clean(m.body), mark: m.edited !== null ? '(edited)' : '' };
}

/**
 * One line for a pipe: `HH:MM name: body`, line breaks in the body written `\n` so that each
 * message stays one line.
 */
export function plainMessage(m: Message): string {
  const { text, mark } = body(m);
  const shown = [text.replace(/\n/g, '\\n'), mark].filter(Boolean).join(' ');
  return `${clock(m.created)} ${clean(m.user.name)}: ${shown}`;
}

/**
 * A message for a person at a terminal: the time dimmed, the author in their color (your own
 * marked with `»` and bold), then the body, its further lines indented under its first.
 */
export function prettyMessage(m: Message, own: boolean, paint: Paint): string {
  const { text, mark } = body(m);
  const name = clean(m.user.name);
  const who = own
    ? paint(['bold', nameColor(m.user.uuid)], `» ${name}`)
    : paint(nameColor(m.user.uuid), `  ${name}`);
  const head = `${paint('dim', clock(m.created))} ${who}  `;
  const indent = ' '.repeat(6 + 2 + [...name].length + 2);
  const lines = text.split('\n');
  if (mark) lines[lines.length - 1] = [lines.at(-1), paint('dim', mark)].filter(Boolean).join(' ');
  return head + lines.join(`\n${indent}`);
}

/** A room of a list: for a pipe, tab-separated `name, people, messages, uuid`. */
export function plainRoom(r: Room): string {
  return [clean(r.name), r.user_count, r.sum, r.uuid].join('\t');
}

export function prettyRoom(r: Room, width: number, paint: Paint): string {
  const name = clean(r.name);
  const pad = ' '.repeat(Math.max(0, width - [...name].length));
  const people = `${r.user_count} here`.padStart(9);
  const messages = `${r.sum} msg`.padStart(10);
  return `  ${paint('bold', name)}${pad} ${people} ${messages}  ${paint('dim', r.uuid)}`;
}
