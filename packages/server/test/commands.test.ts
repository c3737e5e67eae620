import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Message, Room } from '@chat/protocol';
import { openStorage } from '../src/storage/index.ts';
import { STORAGE_LIMITS, type Storage } from '../src/storage/storage.ts';
import { TestClient } from './helpers/client.ts';
import { built, GENEROUS_FLAGS, startServerProcess } from './helpers/process.ts';

const execFileP = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'chat-commands-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `socket-chat ARGS` (the bundle, as `npm start` runs it): its exit code and output. */
async function socketChat(
  args: string[],
  nodeArgs: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileP(
      process.execPath,
      [...nodeArgs, built('main'), ...args],
      {
        cwd: dir,
        maxBuffer: 256 * 1024 * 1024,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let files = 0;
const file = (name: string) => join(dir, `${files++}-${name}`);

/** A room of its own in `s`. */
function makeRoom(s: Storage, name: string): Promise<Room> {
  return s.rooms.create({
    uuid: crypto.randomUUID(),
    name,
    color: '#000',
    created: new Date().toISOString(),
    drawing_uuid: crypto.randomUUID(),
  });
}

async function withStorage<T>(spec: string, fn: (s: Storage) => Promise<T>): Promise<T> {
  const s = await openStorage(spec, STORAGE_LIMITS);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

describe('socket-chat commands', () => {
  it('--help lists the commands; --version says it; bad arguments exit non-zero with a message', async () => {
    const help = await socketChat(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('migrate, backup, export-room');
    expect((await socketChat(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await socketChat(['export-room', '--help'])).stdout).toContain('--format');
    const refusals: [string[], RegExp][] = [
      [['backup'], /required option '--to <file>'/],
      [['backup', '--to', file('x.db'), '--storage', 'memory'], /needs a SQLite file/],
      [['backup', '--to', file('x.db'), '--storage', `sqlite:${file('none.db')}`], /no database/],
      [['backup', '--to', file('x.db'), '--storage', 'postgres://u@h/db'], /pg_dump/],
      [['export-room'], /missing required argument 'uuid'/],
      [['export-room', 'abc', '--format', 'xml'], /Allowed choices are json, markdown/],
      [['export-room', 'abc', '--storage', 'memory'], /No room abc/],
      [['migrate', '--storage', 'mysql://x'], /Unknown storage/],
    ];
    const results = await Promise.all(refusals.map(([args]) => socketChat(args)));
    results.forEach((r, i) => {
      const [args, message] = refusals[i]!;
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(message);
    });
  }, 60_000);

  it('migrate brings a new SQLite file up to date and exits', async () => {
    const db = file('migrated.db');
    const r = await socketChat(['migrate', '--storage', `sqlite:${db}`]);
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout).toContain('is up to date');
    const raw = new Database(db, { readonly: true });
    const applied = raw.prepare('select count(*) as n from kysely_migration').get() as {
      n: number;
    };
    raw.close();
    expect(applied.n).toBe(9);
  }, 30_000);

  it('backup copies a SQLite database while a writer sends; the copy restores, message by message', async () => {
    const db = file('live.db');
    const storage = `sqlite:${db}`;
    const server = await startServerProcess('live', ['--storage', storage, ...GENEROUS_FLAGS], dir);
    const writer = await TestClient.connect(server.url);
    writer.call('create_room', { name: 'backed up' });
    const room = (await writer.next('room_created')).object.uuid;
    writer.call('enter_room', { uuid: room });
    await writer.next('drawing_got');
    let sent = 0;
    let writing = true;
    const stream = (async () => {
      while (writing) {
        for (let i = 0; i < 20; i++) writer.call('create_message', { body: `message ${sent++}` });
        await writer.next('message_created', (p) => p.object.body === `message ${sent - 1}`);
      }
    })();
    while (sent < 400) await new Promise((r) => setTimeout(r, 10));
    const copy = file('copy.db');
    const backup = await socketChat(['backup', '--storage', storage, '--to', copy]);
    expect(backup.code, backup.stderr).toBe(0);
    expect(sent).toBeGreaterThan(0);
    const sentDuring = sent;
    while (sent < sentDuring + 200) await new Promise((r) => setTimeout(r, 10));
    writing = false;
    await stream;
    await writer.close();
    await server.stop();

    const raw = new Database(copy, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
    const all = (spec: string) =>
      withStorage(spec, async (s) => (await s.messages.list(room, { limit: 100_000 })).list);
    const [original, restored] = [await all(storage), await all(`sqlite:${copy}`)];
    // a moment of the original: its first messages, each the same, none after a gap
    expect(restored.length).toBeGreaterThan(0);
    expect(restored.length).toBeLessThan(original.length);
    expect(restored).toEqual(original.slice(0, restored.length));
    expect(restored.map((m) => m.seq)).toEqual(restored.map((_, i) => i + 1));

    // restored: a server on the copy serves what it holds, and takes new messages after it
    const back = file('restored.db');
    copyFileSync(copy, back);
    const again = await startServerProcess('restored', ['--storage', `sqlite:${back}`], dir);
    try {
      const reader = await TestClient.connect(again.url);
      reader.call('enter_room', { uuid: room });
      const page = await reader.next('messages_listed');
      expect(page.list.at(-1)).toEqual(restored.at(-1));
      reader.call('create_message', { body: 'after the restore' });
      expect((await reader.next('message_created')).object.seq).toBe(restored.length + 1);
      await reader.close();
    } finally {
      await again.stop();
    }
  }, 60_000);

  it('export-room writes the whole history as JSON or markdown, edits, deletions and reactions as they stand', async () => {
    const db = file('export.db');
    const spec = `sqlite:${db}`;
    const { room, list } = await withStorage(spec, async (s) => {
      const r = await makeRoom(s, 'Kitchen');
      const user = { uuid: crypto.randomUUID(), name: 'Amber Otter', room_uuid: r.uuid };
      const add = (body: string, extra = {}) =>
        s.messages.add({
          uuid: crypto.randomUUID(),
          room_uuid: r.uuid,
          body,
          user,
          created: new Date().toISOString(),
          ...extra,
        });
      const first = (await add('first draft'))!;
      const second = (await add('to be taken back'))!;
      await add('a reply', {
        reply_to: { uuid: first.uuid, seq: 1, name: 'Amber Otter', excerpt: 'first' },
      });
      await s.messages.change(r.uuid, first.uuid, {
        kind: 'edit',
        body: 'first, edited',
        at: new Date().toISOString(),
      });
      await s.messages.change(r.uuid, second.uuid, {
        kind: 'delete',
        at: new Date().toISOString(),
      });
      await s.messages.change(r.uuid, first.uuid, { kind: 'react', emoji: '🎉', user: user.uuid });
      return {
        room: (await s.rooms.get(r.uuid))!,
        list: (await s.messages.list(r.uuid, { limit: 10 })).list,
      };
    });
    const json = await socketChat(['export-room', room.uuid, '--storage', spec]);
    expect(json.code, json.stderr).toBe(0);
    expect(json.stderr).toContain('Exported 3 messages');
    const parsed = JSON.parse(json.stdout) as { room: Room; messages: Message[] };
    expect(parsed).toEqual({ room, messages: list });
    expect(parsed.messages[0]).toMatchObject({
      body: 'first, edited',
      reactions: [{ emoji: '🎉', count: 1 }],
    });

    const md = await socketChat([
      'export-room',
      room.uuid,
      '--storage',
      spec,
      '--format',
      'markdown',
    ]);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^# Kitchen\n/);
    expect(md.stdout).toContain('first, edited');
    expect(md.stdout).toMatch(/_\(edited \d{4}-\d\d-\d\d \d\d:\d\d UTC\)_/);
    expect(md.stdout).toMatch(/_\(deleted /);
    expect(md.stdout).not.toContain('to be taken back');
    expect(md.stdout).toContain('> ↪ **Amber Otter**: first');
    expect(md.stdout).toContain('🎉 1');
    expect(md.stdout).toContain('3 messages.');
  }, 30_000);

  it('export-room streams 100,000 messages in the memory of a page (a 40 MB heap holds the export)', async () => {
    const db = file('big.db');
    const spec = `sqlite:${db}`;
    const N = 100_000;
    const room = await withStorage(spec, async (s) => {
      const r = await makeRoom(s, 'big');
      const user = { uuid: crypto.randomUUID(), name: 'writer', room_uuid: r.uuid };
      const body = 'x'.repeat(300);
      for (let i = 0; i < N; i += 5000) {
        await Promise.all(
          Array.from({ length: 5000 }, (_, j) =>
            s.messages.add({
              uuid: crypto.randomUUID(),
              room_uuid: r.uuid,
              body: `${i + j} ${body}`,
              user,
              created: new Date().toISOString(),
            }),
          ),
        );
      }
      return r.uuid;
    });
    // the whole history is ~60 MB of JSON: held in memory it could not fit the heap
    const r = await socketChat(
      ['export-room', room, '--storage', spec],
      ['--max-old-space-size=40'],
    );
    expect(r.code, r.stderr.slice(0, 500)).toBe(0);
    expect(r.stderr).toContain(`Exported ${N} messages`);
    expect(r.stdout.length).toBeGreaterThan(N * 300);
    const parsed = JSON.parse(r.stdout) as { messages: Message[] };
    expect(parsed.messages.length).toBe(N);
    expect(parsed.messages.at(-1)!.seq).toBe(N);
  }, 120_000);
});
