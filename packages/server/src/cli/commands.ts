import { existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import type { Message, Room } from '@chat/protocol';
import { describeStorage, openStorage, parseStorageSpec } from '../storage/index.ts';
import { STORAGE_LIMITS, type Storage } from '../storage/storage.ts';

/** A command's refusal: its message for stderr and its exit code (2: bad arguments or setup). */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** The server package's version: from the nearest package.json above this module (in src/ or dist/). */
export function version(): string {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    const file = new URL('package.json', dir);
    if (existsSync(file)) {
      return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    }
    if (dir.pathname === '/') throw new Error('the server package.json is missing');
  }
}

/** Opens the storage a spec names, migrated; a spec that cannot be read is a CommandError. */
async function open(spec: string): Promise<Storage> {
  try {
    parseStorageSpec(spec);
  } catch (err) {
    throw new CommandError((err as Error).message);
  }
  return openStorage(spec, STORAGE_LIMITS);
}

/** `migrate`: brings the database up to date (opening does) and says so. */
export async function migrate(spec: string): Promise<string> {
  const storage = await open(spec);
  await storage.close();
  return `${describeStorage(spec)} is up to date.`;
}

/**
 * `backup --to FILE`: a consistent copy of a SQLite database while a server may be writing
 * to it, through SQLite's online backup (the copy is the database as of one moment, pages
 * copied a step at a time, the writer never stopped). PostgreSQL has pg_dump for that.
 */
export async function backup(spec: string, to: string): Promise<string> {
  let read;
  try {
    read = parseStorageSpec(spec);
  } catch (err) {
    throw new CommandError((err as Error).message);
  }
  if (read.kind === 'postgres') {
    throw new CommandError(
      `backup copies SQLite files: for PostgreSQL use pg_dump (e.g. pg_dump --format=custom --file=${to} "${describeStorage(spec)}"), and pg_restore to restore.`,
    );
  }
  if (read.kind === 'memory' || read.path === ':memory:') {
    throw new CommandError('backup needs a SQLite file: --storage sqlite:PATH.');
  }
  if (!existsSync(read.path)) throw new CommandError(`There is no database at ${read.path}.`);
  if (existsSync(to)) throw new CommandError(`${to} exists already: choose a new file.`);
  const db = new Database(read.path, { readonly: true, fileMustExist: true });
  try {
    const { totalPages } = await db.backup(to);
    return `Backed up ${read.path} to ${to} (${totalPages} pages). Restore: stop the server, copy ${to} over ${read.path} (and delete ${read.path}-wal and ${read.path}-shm if present), start it.`;
  } finally {
    db.close();
  }
}

export type ExportFormat = 'json' | 'markdown';

/** Messages read per step of an export: memory stays that of a page, whatever the room. */
const EXPORT_PAGE = 500;

/** Writes, waiting while the stream's buffer is full (a slow reader slows the export, not memory). */
async function put(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/**
 * `export-room UUID`: the whole history of a room, each message as it stands now (edits,
 * deletions, reactions), streamed page by page in seq order.
 */
export async function exportRoom(
  spec: string,
  uuid: string,
  format: ExportFormat,
  out: Writable,
  now = new Date(),
): Promise<number> {
  const storage = await open(spec);
  try {
    const room = await storage.rooms.get(uuid);
    if (!room) throw new CommandError(`No room ${uuid} in ${describeStorage(spec)}.`, 1);
    const write = format === 'json' ? jsonWriter(out, room) : markdownWriter(out, room, now);
    await write.start();
    let after = 0;
    let count = 0;
    for (;;) {
      const page = await storage.messages.list(uuid, { after, limit: EXPORT_PAGE });
      for (const m of page.list) await write.message(m, count++);
      const last = page.list.at(-1);
      if (!last || !page.has_more) break;
      after = last.seq;
    }
    await write.end(count);
    return count;
  } finally {
    await storage.close();
  }
}

interface Writer {
  start(): Promise<void>;
  message(m: Message, index: number): Promise<void>;
  end(count: number): Promise<void>;
}

/** `{"room": {...}, "messages": [...]}`: every message object as the protocol sends it. */
function jsonWriter(out: Writable, room: Room): Writer {
  return {
    start: () => put(out, `{"room":${JSON.stringify(room)},"messages":[`),
    message: (m, i) => put(out, `${i === 0 ? '\n' : ',\n'}${JSON.stringify(m)}`),
    end: () => put(out, '\n]}\n'),
  };
}

const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** Markdown for reading: a heading, then each message with its author, time and state. */
function markdownWriter(out: Writable, room: Room, now: Date): Writer {
  return {
    start: () =>
      put(out, `# ${room.name}\n\nRoom \`${room.uuid}\`, exported ${when(now.toISOString())}.\n`),
    async message(m) {
      const lines = [`\n**${m.user.name}** · ${when(m.created)} · #${m.seq}`];
      if (m.deleted !== null) lines.push(`_(deleted ${when(m.deleted)})_`);
      else {
        if (m.reply_to) lines.push(`> ↪ **${m.reply_to.name}**: ${m.reply_to.excerpt}`);
        lines.push(m.body);
        if (m.edited !== null) lines.push(`_(edited ${when(m.edited)})_`);
        if (m.reactions.length > 0) {
          lines.push(m.reactions.map((r) => `${r.emoji} ${r.count}`).join(' · '));
        }
      }
      await put(out, `${lines.join('\n\n')}\n`);
    },
    end: (count) => put(out, `\n---\n\n${count} messages.\n`),
  };
}
