import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LIMITS as WIRE,
  type Drawing,
  type Line,
  type Message,
  type Room,
  type User,
  replyOf,
} from '@chat/protocol';
import { describeStorage, openStorage } from '../src/storage/index.ts';
import { SqlStorage } from '../src/storage/sql/sqlStorage.ts';
import { StorageBusy } from '../src/storage/storage.ts';
import type {
  Holder,
  NewMessage,
  RoomPosition,
  Storage,
  StorageLimits,
} from '../src/storage/storage.ts';
import { SEARCH_INDEX_MAX } from '../src/storage/sql/rooms.ts';
import { createDatabase, dropDatabase, startPgBouncer } from './helpers/pgbouncer.ts';
import { dropSchema, emptySchema, postgresUrlOrSkip, testSchemaName } from './helpers/postgres.ts';

/** What a line made by line() takes in a drawing besides its points: its JSON but "[]". */
const META = JSON.stringify(line([])).length - 2;

/** Small limits, so that every limit is reached in a few calls. */
const LIMITS: StorageLimits = {
  lineNumbers: 10,
  drawingLines: 3,
  // three lines of line(), and 60 characters of points (as JSON) between them
  drawingChars: 3 * META + 60,
  roomUsersInline: 2,
  // a search that reads rooms one by one stops after 500 for a page (short pages follow)
  searchScanRows: 500,
};

/** One empty store of a backend, for one test. */
interface Store {
  storage: Storage;
  /** Closes `storage` and opens the same data again (persistent backends only). */
  reopen?: () => Promise<Storage>;
  /** A second, independent storage on the same data, as another node would have. */
  another?: () => Promise<Storage>;
  dispose(): Promise<void>;
}

interface Backend {
  name: string;
  /** Its stores have `reopen`: the tests of persistence apply. */
  persistent: boolean;
  /** Its stores have `another`: the tests of several writers apply. */
  shared: boolean;
  create(): Promise<Store>;
}

/** A capability a backend declared; only called in tests defined for such backends. */
function declared<T>(capability: T | undefined, name: string): T {
  if (capability === undefined) throw new Error(`the backend declared ${name} but lacks it`);
  return capability;
}

const memoryBackend: Backend = {
  name: 'memory',
  persistent: false,
  shared: false,
  async create() {
    const storage = await openStorage('memory', LIMITS);
    return { storage, dispose: () => storage.close() };
  },
};

const sqliteBackend: Backend = {
  name: 'sqlite',
  persistent: true,
  // one process owns the file (WAL, a single writer): no second node on it
  shared: false,
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'chat-storage-'));
    // A directory that does not exist yet: openStorage creates it.
    const spec = `sqlite:${join(dir, 'data', 'chat.db')}`;
    const store: Store = {
      storage: await openStorage(spec, LIMITS),
      async reopen() {
        await store.storage.close();
        store.storage = await openStorage(spec, LIMITS);
        return store.storage;
      },
      async dispose() {
        await store.storage.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
    return store;
  },
};

/**
 * PostgreSQL stores share one schema for the file, emptied after each test: a schema made and
 * migrated for every test cost most of the suite's time.
 */
function postgresBackend(url: string): Backend {
  const schema = testSchemaName();
  afterAll(() => dropSchema(url, schema));
  return {
    name: 'postgres',
    persistent: true,
    shared: true,
    async create() {
      const open = () =>
        SqlStorage.open({ kind: 'postgres', url, schema, limits: LIMITS, poolSize: 4 });
      const others: Storage[] = [];
      const store: Store = {
        storage: await open(),
        async reopen() {
          await store.storage.close();
          store.storage = await open();
          return store.storage;
        },
        async another() {
          const other = await open();
          others.push(other);
          return other;
        },
        async dispose() {
          await Promise.all([store.storage.close(), ...others.map((o) => o.close())]);
          await emptySchema(url, schema);
        },
      };
      return store;
    },
  };
}

const postgresUrl = postgresUrlOrSkip();
const backends: Backend[] = [memoryBackend, sqliteBackend];
if (postgresUrl !== undefined) backends.push(postgresBackend(postgresUrl));

// --- data helpers ---

const BASE = Date.UTC(2026, 10, 28, 1, 2, 3, 456);
/** The n-th second after a fixed instant, as toISOString() writes it. */
const t = (n: number) => new Date(BASE + n * 1000).toISOString();
const holderA: Holder = { node: 'node-a', session: 's1' };
const holderB: Holder = { node: 'node-b', session: 's2' };
/** n fresh uuids in ascending order. */
const sortedUuids = (n: number) => Array.from({ length: n }, () => randomUUID()).sort();

async function makeRoom(s: Storage, name = 'room', created = t(0), uuid: string = randomUUID()) {
  return s.rooms.create({ uuid, name, color: '#5da247', created, drawing_uuid: randomUUID() });
}

async function makeUser(
  s: Storage,
  name = 'someone',
  tokenHash: string = randomUUID(),
  now = t(0),
) {
  const user: User = { uuid: randomUUID(), name, room_uuid: null };
  await s.identity.create(user, tokenHash, now);
  return user;
}

function newMessage(roomUuid: string, user: User, body = 'hello', created = t(0)): NewMessage {
  return { uuid: randomUUID(), room_uuid: roomUuid, body, user, created };
}

function line(points: number[], over: Partial<Line> = {}): Line {
  const uuid = over.uuid ?? randomUUID();
  return {
    uuid,
    name: `line-${uuid}`,
    points,
    tool: 'pen',
    color: '#000000',
    user_uuid: 'u1',
    ...over,
  };
}

const uuidsOf = (list: { uuid: string }[]) => list.map((x) => x.uuid);
const seqsOf = (list: Message[]) => list.map((m) => m.seq);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe.each(backends)('$name storage', (backend) => {
  let store: Store;
  let s: Storage;

  beforeEach(async () => {
    store = await backend.create();
    s = store.storage;
  });
  afterEach(async () => {
    await store.dispose();
  });

  it('reports its kind and answers ping', async () => {
    expect(s.kind).toBe(backend.name);
    await expect(s.ping()).resolves.toBeUndefined();
  });

  describe('identity (storage.identity)', () => {
    it('creates, gets and renames users', async () => {
      const u = await makeUser(s, 'ann');
      expect(await s.identity.get(u.uuid)).toEqual({ uuid: u.uuid, name: 'ann', room_uuid: null });
      expect(await s.identity.get(randomUUID())).toBeUndefined();
      expect(await s.identity.rename(u.uuid, 'anna')).toEqual({ ...u, name: 'anna' });
      expect(await s.identity.get(u.uuid)).toEqual({ ...u, name: 'anna' });
      expect(await s.identity.rename(randomUUID(), 'x')).toBeUndefined();
    });

    it('resumes by token hash only when used since the given time, and marks it used', async () => {
      const u = await makeUser(s, 'ann', 'hash-1', t(10));
      expect(await s.identity.resume('hash-1', t(11), t(20))).toBeUndefined();
      expect(await s.identity.resume('hash-1', t(10), t(20))).toEqual(u);
      // Now used at t(20).
      expect(await s.identity.resume('hash-1', t(20), t(21))).toEqual(u);
      expect(await s.identity.resume('hash-2', t(0), t(21))).toBeUndefined();
      await s.identity.touch(u.uuid, t(30));
      expect(await s.identity.resume('hash-1', t(30), t(31))).toEqual(u);
      await s.identity.touch(randomUUID(), t(30));
    });

    it('resumes a user in a room with its room', async () => {
      const room = await makeRoom(s);
      const u = await makeUser(s, 'ann', 'hash-1', t(0));
      await s.presence.set(u.uuid, room.uuid, holderA, t(1));
      expect(await s.identity.resume('hash-1', t(0), t(2))).toEqual({ ...u, room_uuid: room.uuid });
    });

    it('purges users unused before a time and in no room', async () => {
      const room = await makeRoom(s);
      const old = await makeUser(s, 'old', 'h-old', t(1));
      const inRoom = await makeUser(s, 'in room', 'h-in', t(1));
      const recent = await makeUser(s, 'recent', 'h-recent', t(5));
      await s.presence.set(inRoom.uuid, room.uuid, holderA, t(1));
      expect(await s.identity.purge(t(1))).toBe(0);
      expect(await s.identity.purge(t(5))).toBe(1);
      expect(await s.identity.get(old.uuid)).toBeUndefined();
      expect(await s.identity.resume('h-old', t(0), t(6))).toBeUndefined();
      expect(await s.identity.get(inRoom.uuid)).toBeDefined();
      expect(await s.identity.get(recent.uuid)).toBeDefined();
      expect(await s.identity.purge(t(5))).toBe(0);
    });
  });

  describe('presence (storage.presence)', () => {
    it('enters, moves and leaves rooms, reporting the room left', async () => {
      const r1 = await makeRoom(s, 'one');
      const r2 = await makeRoom(s, 'two');
      const u = await makeUser(s);
      expect(await s.presence.set(u.uuid, r1.uuid, holderA, t(1))).toEqual({ previous: null });
      expect(await s.identity.get(u.uuid)).toEqual({ ...u, room_uuid: r1.uuid });
      expect((await s.rooms.get(r1.uuid))?.users).toEqual([{ ...u, room_uuid: r1.uuid }]);
      expect(await s.presence.set(u.uuid, r2.uuid, holderA, t(2))).toEqual({ previous: r1.uuid });
      expect((await s.rooms.get(r1.uuid))?.user_count).toBe(0);
      expect((await s.rooms.get(r2.uuid))?.user_count).toBe(1);
      expect(await s.presence.set(u.uuid, null, holderA, t(3))).toEqual({ previous: r2.uuid });
      expect(await s.identity.get(u.uuid)).toEqual(u);
      expect((await s.rooms.get(r2.uuid))?.user_count).toBe(0);
      expect(await s.presence.set(u.uuid, null, holderA, t(4))).toEqual({ previous: null });
    });

    it('refuses a room that does not exist, and ignores an unknown user', async () => {
      const room = await makeRoom(s);
      const u = await makeUser(s);
      expect(await s.presence.set(u.uuid, randomUUID(), holderA, t(1))).toBe('no_room');
      expect(await s.identity.get(u.uuid)).toEqual(u);
      expect(await s.presence.set(randomUUID(), room.uuid, holderA, t(1))).toEqual({
        previous: null,
      });
      expect((await s.rooms.get(room.uuid))?.user_count).toBe(0);
    });

    it('keeps the entry time when the user enters its own room again, under the new holder', async () => {
      const room = await makeRoom(s);
      const [a, b] = [await makeUser(s, 'a'), await makeUser(s, 'b')];
      await s.presence.set(a.uuid, room.uuid, holderA, t(1));
      await s.presence.set(b.uuid, room.uuid, holderA, t(2));
      expect(await s.presence.set(a.uuid, room.uuid, holderB, t(3))).toEqual({
        previous: room.uuid,
      });
      // Still first: entered at t(1).
      expect(uuidsOf((await s.rooms.get(room.uuid))!.users)).toEqual([a.uuid, b.uuid]);
      expect(await s.presence.release(a.uuid, holderA)).toBeNull();
      expect(await s.presence.release(a.uuid, holderB)).toBe(room.uuid);
    });

    it('takes over a presence, keeping room and entry time', async () => {
      const room = await makeRoom(s);
      const [a, b] = [await makeUser(s, 'a'), await makeUser(s, 'b')];
      await s.presence.set(a.uuid, room.uuid, holderA, t(1));
      await s.presence.set(b.uuid, room.uuid, holderA, t(2));
      expect(await s.presence.takeOver(a.uuid, holderB)).toEqual({ ...a, room_uuid: room.uuid });
      expect(uuidsOf((await s.rooms.get(room.uuid))!.users)).toEqual([a.uuid, b.uuid]);
      expect(await s.presence.release(a.uuid, holderA)).toBeNull();
      expect(await s.identity.get(a.uuid)).toEqual({ ...a, room_uuid: room.uuid });
      expect(await s.presence.release(a.uuid, holderB)).toBe(room.uuid);
      expect(await s.identity.get(a.uuid)).toEqual(a);
      expect(await s.presence.takeOver(randomUUID(), holderB)).toBeUndefined();
    });

    it('takes over a user in no room without making anyone hold it', async () => {
      const room = await makeRoom(s);
      const u = await makeUser(s);
      expect(await s.presence.takeOver(u.uuid, holderB)).toEqual(u);
      expect(await s.presence.releaseNode(holderB.node)).toEqual([]);
      // Entering later is held by who enters.
      await s.presence.set(u.uuid, room.uuid, holderA, t(1));
      expect(await s.presence.releaseNode(holderB.node)).toEqual([]);
      expect(await s.presence.releaseNode(holderA.node)).toEqual([room.uuid]);
    });

    it('releases only for the exact holder (node and session)', async () => {
      const room = await makeRoom(s);
      const u = await makeUser(s);
      await s.presence.set(u.uuid, room.uuid, holderA, t(1));
      expect(await s.presence.release(u.uuid, { node: holderA.node, session: 'other' })).toBeNull();
      expect(
        await s.presence.release(u.uuid, { node: 'other', session: holderA.session }),
      ).toBeNull();
      expect(await s.presence.release(randomUUID(), holderA)).toBeNull();
      expect(await s.presence.release(u.uuid, holderA)).toBe(room.uuid);
      expect(await s.presence.release(u.uuid, holderA)).toBeNull();
      expect((await s.rooms.get(room.uuid))?.user_count).toBe(0);
    });

    it('releases every user a node holds, and reports the rooms that changed', async () => {
      const [r1, r2, r3] = [await makeRoom(s), await makeRoom(s), await makeRoom(s)];
      const users = [];
      for (let i = 0; i < 5; i++) users.push(await makeUser(s, `u${i}`));
      await s.presence.set(users[0]!.uuid, r1.uuid, holderA, t(1));
      await s.presence.set(users[1]!.uuid, r1.uuid, { node: holderA.node, session: 'x' }, t(1));
      await s.presence.set(users[2]!.uuid, r2.uuid, holderA, t(1));
      await s.presence.set(users[3]!.uuid, r2.uuid, holderB, t(1));
      await s.presence.set(users[4]!.uuid, r3.uuid, holderB, t(1));
      expect((await s.presence.releaseNode(holderA.node)).sort()).toEqual(
        [r1.uuid, r2.uuid].sort(),
      );
      expect((await s.rooms.get(r1.uuid))?.user_count).toBe(0);
      expect(uuidsOf((await s.rooms.get(r2.uuid))!.users)).toEqual([users[3]!.uuid]);
      expect((await s.rooms.get(r3.uuid))?.user_count).toBe(1);
      expect(await s.identity.get(users[0]!.uuid)).toEqual(users[0]);
      expect(await s.presence.releaseNode(holderA.node)).toEqual([]);
      expect(await s.presence.releaseNode('unknown')).toEqual([]);
    });
  });

  describe('node leases (storage.presence)', () => {
    it('renews a lease, saying whether it was still held', async () => {
      expect(await s.presence.renewLease('node-a', t(0), t(15))).toBe(false);
      expect(await s.presence.renewLease('node-a', t(5), t(20))).toBe(true);
      // Renewed exactly at its end: still held.
      expect(await s.presence.renewLease('node-a', t(20), t(35))).toBe(true);
      // Renewed after its end: not held meanwhile.
      expect(await s.presence.renewLease('node-a', t(36), t(51))).toBe(false);
      expect(await s.presence.expiredNodes(t(51))).toEqual([]);
    });

    it('lists the nodes whose lease ended', async () => {
      await s.presence.renewLease('node-b', t(0), t(10));
      await s.presence.renewLease('node-a', t(0), t(10));
      await s.presence.renewLease('node-c', t(0), t(30));
      expect(await s.presence.expiredNodes(t(10))).toEqual([]);
      expect(await s.presence.expiredNodes(t(11))).toEqual(['node-a', 'node-b']);
      expect(await s.presence.expiredNodes(t(31))).toEqual(['node-a', 'node-b', 'node-c']);
    });

    it('reaps a node whose lease ended: its users leave, the node is forgotten', async () => {
      const [r1, r2] = [await makeRoom(s), await makeRoom(s)];
      const [a, b, c] = [await makeUser(s, 'a'), await makeUser(s, 'b'), await makeUser(s, 'c')];
      await s.presence.renewLease(holderA.node, t(0), t(10));
      await s.presence.renewLease(holderB.node, t(0), t(30));
      await s.presence.set(a.uuid, r1.uuid, holderA, t(1));
      await s.presence.set(b.uuid, r2.uuid, { node: holderA.node, session: 'x' }, t(1));
      await s.presence.set(c.uuid, r2.uuid, holderB, t(1));
      // Not ended yet, or ended for another node: nothing happens.
      expect(await s.presence.reapNode(holderA.node, t(10))).toEqual([]);
      expect(await s.presence.reapNode(holderB.node, t(11))).toEqual([]);
      expect(await s.presence.reapNode('unknown', t(11))).toEqual([]);
      expect((await s.presence.reapNode(holderA.node, t(11))).sort()).toEqual(
        [r1.uuid, r2.uuid].sort(),
      );
      expect((await s.rooms.get(r1.uuid))?.user_count).toBe(0);
      expect(uuidsOf((await s.rooms.get(r2.uuid))!.users)).toEqual([c.uuid]);
      expect(await s.identity.get(a.uuid)).toEqual(a);
      expect(await s.presence.expiredNodes(t(11))).toEqual([]);
      // A reaped node that comes back learns that it lost its lease.
      expect(await s.presence.renewLease(holderA.node, t(12), t(27))).toBe(false);
    });

    it('leaves a node alone that renewed before the reaper got to it', async () => {
      const room = await makeRoom(s);
      const u = await makeUser(s);
      await s.presence.renewLease(holderA.node, t(0), t(10));
      await s.presence.set(u.uuid, room.uuid, holderA, t(1));
      expect(await s.presence.expiredNodes(t(11))).toEqual([holderA.node]);
      expect(await s.presence.renewLease(holderA.node, t(11), t(26))).toBe(false);
      expect(await s.presence.reapNode(holderA.node, t(11))).toEqual([]);
      expect((await s.rooms.get(room.uuid))?.user_count).toBe(1);
    });

    it('reaps once when two nodes reap the same node at once', async () => {
      const other = store.another ? await store.another() : s;
      const rooms = [await makeRoom(s), await makeRoom(s)];
      for (let i = 0; i < 10; i++) {
        const u = await makeUser(s, `u${i}`);
        await s.presence.set(u.uuid, rooms[i % 2]!.uuid, { node: 'dead', session: `s${i}` }, t(1));
      }
      await s.presence.renewLease('dead', t(0), t(5));
      const [one, two] = await Promise.all([
        s.presence.reapNode('dead', t(6)),
        other.presence.reapNode('dead', t(6)),
      ]);
      expect([...one, ...two].sort()).toEqual(uuidsOf(rooms).sort());
      expect(one.length === 0 || two.length === 0).toBe(true);
      for (const r of rooms) expect((await s.rooms.get(r.uuid))?.user_count).toBe(0);
    });
  });

  describe('rooms (storage.rooms)', () => {
    it('creates, gets and updates rooms', async () => {
      const uuid = randomUUID();
      const created = await makeRoom(s, 'Lobby', t(1), uuid);
      const expected = {
        uuid,
        name: 'Lobby',
        color: '#5da247',
        users: [],
        sum: 0,
        created: t(1),
        user_count: 0,
        owner: null,
        locked: false,
        visibility: 'public',
      };
      expect(created).toEqual(expected);
      expect(await s.rooms.get(uuid)).toEqual(expected);
      expect(await s.rooms.get(randomUUID())).toBeUndefined();
      expect(await s.rooms.update(uuid, { name: 'Hall' })).toEqual({ ...expected, name: 'Hall' });
      expect(await s.rooms.update(uuid, { color: '#fff' })).toEqual({
        ...expected,
        name: 'Hall',
        color: '#fff',
      });
      expect(await s.rooms.update(uuid, { name: 'Atrium', color: '#000' })).toEqual({
        ...expected,
        name: 'Atrium',
        color: '#000',
      });
      expect(await s.rooms.update(uuid, {})).toEqual({
        ...expected,
        name: 'Atrium',
        color: '#000',
      });
      expect(await s.rooms.update(randomUUID(), { name: 'x' })).toBeUndefined();
      expect(await s.rooms.update(randomUUID(), {})).toBeUndefined();
      // The search follows the new name.
      expect(uuidsOf((await s.rooms.list({ query: 'atr', limit: 10 })).list)).toEqual([uuid]);
      expect((await s.rooms.list({ query: 'lobby', limit: 10 })).list).toEqual([]);
    });

    it('inlines the first members by entry time, ties by uuid, and counts them all', async () => {
      const room = await makeRoom(s);
      const [x, y, z] = sortedUuids(3);
      const make = async (uuid: string) => {
        const u: User = { uuid, name: uuid.slice(0, 4), room_uuid: null };
        await s.identity.create(u, randomUUID(), t(0));
        return u;
      };
      const [ux, uy, uz] = [await make(x!), await make(y!), await make(z!)];
      await s.presence.set(uz.uuid, room.uuid, holderA, t(5));
      await s.presence.set(uy.uuid, room.uuid, holderA, t(5));
      await s.presence.set(ux.uuid, room.uuid, holderA, t(6));
      const got = await s.rooms.get(room.uuid);
      expect(got?.users).toEqual([
        { ...uy, room_uuid: room.uuid },
        { ...uz, room_uuid: room.uuid },
      ]);
      expect(got?.user_count).toBe(3);
    });

    it('deletes only an existing, empty room, with its messages and drawing', async () => {
      const room = await makeRoom(s, 'doomed', t(1));
      const u = await makeUser(s);
      expect(await s.rooms.delete(randomUUID())).toEqual({ ok: false, error: 'not_found' });
      await s.presence.set(u.uuid, room.uuid, holderA, t(2));
      await s.messages.add(newMessage(room.uuid, u));
      await s.messages.add(newMessage(room.uuid, u));
      expect((await s.drawings.putLine(room.uuid, line([1, 2]))).ok).toBe(true);
      expect(await s.rooms.delete(room.uuid)).toEqual({ ok: false, error: 'not_empty' });
      await s.presence.set(u.uuid, null, holderA, t(3));
      expect(await s.rooms.delete(room.uuid)).toEqual({
        ok: true,
        room: { ...room, sum: 2 },
      });
      expect(await s.rooms.delete(room.uuid)).toEqual({ ok: false, error: 'not_found' });
      expect(await s.rooms.get(room.uuid)).toBeUndefined();
      expect(await s.drawings.get(room.uuid)).toBeUndefined();
      expect(await s.messages.list(room.uuid, { limit: 10 })).toEqual({
        list: [],
        has_more: false,
      });
      expect((await s.rooms.list({ limit: 10 })).list).toEqual([]);
      expect(await s.presence.set(u.uuid, room.uuid, holderA, t(4))).toBe('no_room');
      expect(await s.messages.add(newMessage(room.uuid, u))).toBeUndefined();
      expect(await s.drawings.putLine(room.uuid, line([1, 2]))).toEqual({
        ok: false,
        error: 'no_room',
      });
      // The same uuid again starts from nothing.
      await makeRoom(s, 'again', t(5), room.uuid);
      expect((await s.messages.add(newMessage(room.uuid, u)))?.seq).toBe(1);
      expect((await s.drawings.get(room.uuid))?.lines).toEqual([]);
    });

    it('lists the newest rooms, ascending, ties by uuid, and pages back to the oldest', async () => {
      expect(await s.rooms.list({ limit: 10 })).toEqual({ list: [], next: null });
      const ids = sortedUuids(7);
      const times = [3, 1, 2, 2, 3, 2, 0];
      // Created in an order that is neither by time nor by uuid.
      for (const i of [4, 0, 6, 2, 1, 5, 3]) await makeRoom(s, `r${i}`, t(times[i]!), ids[i]);
      const all = ids
        .map((uuid, i) => ({ uuid, created: t(times[i]!) }))
        .sort((a, b) =>
          a.created !== b.created ? (a.created < b.created ? -1 : 1) : a.uuid < b.uuid ? -1 : 1,
        )
        .map((r) => r.uuid);

      const whole = await s.rooms.list({ limit: 10 });
      expect(uuidsOf(whole.list)).toEqual(all);
      expect(whole.next).toBeNull();

      const pages: string[][] = [];
      let page = await s.rooms.list({ limit: 3 });
      pages.push(uuidsOf(page.list));
      while (page.next) {
        const first = page.list[0]!;
        expect(page.next).toEqual({ created: first.created, uuid: first.uuid });
        page = await s.rooms.list({ limit: 3, before: page.next });
        pages.push(uuidsOf(page.list));
      }
      expect(pages).toEqual([all.slice(4), all.slice(1, 4), all.slice(0, 1)]);

      // Exactly `limit` left: no further page.
      const lastTwo = await s.rooms.list({ limit: 2, before: { created: t(2), uuid: all[3]! } });
      expect(uuidsOf(lastTwo.list)).toEqual(all.slice(1, 3));
      expect(lastTwo.next).toEqual({ created: t(1), uuid: all[1] });
      const rest = await s.rooms.list({ limit: 2, before: lastTwo.next! });
      expect(uuidsOf(rest.list)).toEqual([all[0]]);
      expect(rest.next).toBeNull();
      // A position between rooms works too.
      const before = await s.rooms.list({ limit: 10, before: { created: t(2), uuid: '' } });
      expect(uuidsOf(before.list)).toEqual(all.slice(0, 2));
    });

    it('inlines members in listed rooms like getRoom', async () => {
      const rooms = [
        await makeRoom(s, 'a', t(1)),
        await makeRoom(s, 'b', t(2)),
        await makeRoom(s, 'c', t(3)),
      ];
      for (let i = 0; i < 4; i++) {
        const u = await makeUser(s, `u${i}`);
        await s.presence.set(u.uuid, rooms[i % 2]!.uuid, holderA, t(10 + i));
      }
      const listed = await s.rooms.list({ limit: 10 });
      expect(listed.list).toEqual([
        await s.rooms.get(rooms[0]!.uuid),
        await s.rooms.get(rooms[1]!.uuid),
        await s.rooms.get(rooms[2]!.uuid),
      ]);
      expect(listed.list.map((r) => [r.users.length, r.user_count])).toEqual([
        [2, 2],
        [2, 2],
        [0, 0],
      ]);
    });

    it('searches names as literal, case-insensitive substrings', async () => {
      const names = [
        '100% sure',
        '100 percent',
        'a_b',
        'axb',
        'back\\slash',
        'backslash',
        'Ärger im Büro',
        'ÄRGERLICH',
        'MiXeD Case',
        'plain',
      ];
      const byName = new Map<string, string>();
      for (const [i, name] of names.entries())
        byName.set(name, (await makeRoom(s, name, t(i))).uuid);
      const search = async (query: string) =>
        (await s.rooms.list({ query, limit: 50 })).list.map((r) => r.name);
      expect(await search('%')).toEqual(['100% sure']);
      expect(await search('0%')).toEqual(['100% sure']);
      expect(await search('_')).toEqual(['a_b']);
      expect(await search('a_')).toEqual(['a_b']);
      expect(await search('\\')).toEqual(['back\\slash']);
      expect(await search('mixed case')).toEqual(['MiXeD Case']);
      expect(await search('MIXED')).toEqual(['MiXeD Case']);
      expect(await search('är')).toEqual(['Ärger im Büro', 'ÄRGERLICH']);
      expect(await search('BÜRO')).toEqual(['Ärger im Büro']);
      expect(await search('zzz')).toEqual([]);
      expect(await search('')).toEqual(names);
      // Paging within a search.
      const first = await s.rooms.list({ query: 'a', limit: 2 });
      expect(first.list.map((r) => r.name)).toEqual(['MiXeD Case', 'plain']);
      const second = await s.rooms.list({ query: 'a', limit: 2, before: first.next! });
      expect(second.list.map((r) => r.name)).toEqual(['back\\slash', 'backslash']);
      const third = await s.rooms.list({ query: 'a', limit: 2, before: second.next! });
      expect(third.list.map((r) => r.name)).toEqual(['a_b', 'axb']);
      expect(third.next).toBeNull();
      expect(byName.size).toBe(names.length);
    });

    it('finds what the names contain whether few or many rooms hold it (the name index)', async () => {
      /** Every page of a search, against the names filtered here. */
      const expectSearch = async (query: string, all: Room[]) => {
        const wanted = all
          .filter((r) => r.name.toLowerCase().includes(query.toLowerCase()))
          .sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : 0))
          .map((r) => r.uuid);
        const got: string[] = [];
        let before: RoomPosition | undefined;
        for (;;) {
          const page = await s.rooms.list({ query, limit: 100, ...(before ? { before } : {}) });
          got.push(...uuidsOf(page.list).reverse());
          if (!page.next) break;
          before = page.next;
        }
        expect(got, query).toEqual(wanted);
      };
      const odd = [
        await makeRoom(s, 'say "hi" there', t(1)),
        await makeRoom(s, 'Ünïcödé hall', t(2)),
        await makeRoom(s, 'tab\there', t(3)),
        await makeRoom(s, '日本語の部屋', t(4)),
      ];
      for (const q of ['"hi"', 'say "', 'ünïc', 'ÜNÏCÖDÉ', 'b\th', '本語の', 'hall', 'zzzz']) {
        await expectSearch(q, odd);
      }
      // a rename and a delete reach the index
      const [quoted, unicode] = odd as [Room, Room];
      await s.rooms.update(unicode.uuid, { name: 'plain hall' });
      expect(await s.rooms.list({ query: 'ünïc', limit: 10 })).toEqual({ list: [], next: null });
      expect(uuidsOf((await s.rooms.list({ query: 'in hal', limit: 10 })).list)).toEqual([
        unicode.uuid,
      ]);
      expect((await s.rooms.delete(quoted.uuid)).ok).toBe(true);
      expect((await s.rooms.list({ query: '"hi"', limit: 10 })).list).toEqual([]);
      // more rooms hold "common" than the index is asked for: read newest first instead
      const many: Room[] = [];
      for (let i = 0; i < SEARCH_INDEX_MAX + 150; i += 50) {
        many.push(
          ...(await Promise.all(
            Array.from({ length: 50 }, (_, j) =>
              makeRoom(s, j % 7 === 0 ? `rare ${i + j}` : `common ${i + j}`, t(10 + i + j)),
            ),
          )),
        );
      }
      for (const q of ['common', 'COMMON 1', 'rare', 'rare 21', 'mon 20'])
        await expectSearch(q, many);
    }, 60_000);

    it('a search that reads rooms one by one examines at most searchScanRows a page', async () => {
      // two characters: no index helps, on any backend; only the oldest of 1,200 rooms matches
      const oldest = await makeRoom(s, 'the @# room', t(0));
      for (let i = 1; i < 1200; i += 100) {
        await Promise.all(
          Array.from({ length: 100 }, (_, j) => makeRoom(s, `plain ${i + j}`, t(i + j))),
        );
      }
      const pages: [number, boolean][] = [];
      let before: RoomPosition | undefined;
      const found: string[] = [];
      for (;;) {
        const page = await s.rooms.list({ query: '@#', limit: 10, ...(before ? { before } : {}) });
        pages.push([page.list.length, page.next !== null]);
        found.push(...uuidsOf(page.list));
        if (!page.next) break;
        before = page.next;
      }
      // 500, 500, then the last 200 rooms: two short pages that go on, then the match
      expect(pages).toEqual([
        [0, true],
        [0, true],
        [1, false],
      ]);
      expect(found).toEqual([oldest.uuid]);
    }, 30_000);

    it('pages through room members in order of entry, ties by uuid', async () => {
      const room = await makeRoom(s);
      const other = await makeRoom(s);
      const ids = sortedUuids(5);
      const entered = [2, 1, 2, 1, 3];
      for (const i of [4, 2, 0, 3, 1]) {
        await s.identity.create(
          { uuid: ids[i]!, name: `u${i}`, room_uuid: null },
          randomUUID(),
          t(0),
        );
        await s.presence.set(ids[i]!, room.uuid, holderA, t(entered[i]!));
      }
      const outsider = await makeUser(s);
      await s.presence.set(outsider.uuid, other.uuid, holderA, t(0));
      const order = [ids[1], ids[3], ids[0], ids[2], ids[4]];

      const whole = await s.rooms.listUsers(room.uuid, { limit: 10 });
      expect(uuidsOf(whole.list)).toEqual(order);
      expect(whole.list[0]).toEqual({ uuid: ids[1], name: 'u1', room_uuid: room.uuid });
      expect(whole.next).toBeNull();

      const p1 = await s.rooms.listUsers(room.uuid, { limit: 2 });
      expect(uuidsOf(p1.list)).toEqual(order.slice(0, 2));
      expect(p1.next).toEqual({ entered: t(1), uuid: ids[3] });
      const p2 = await s.rooms.listUsers(room.uuid, { limit: 2, after: p1.next! });
      expect(uuidsOf(p2.list)).toEqual(order.slice(2, 4));
      const p3 = await s.rooms.listUsers(room.uuid, { limit: 2, after: p2.next! });
      expect(uuidsOf(p3.list)).toEqual(order.slice(4));
      expect(p3.next).toBeNull();
      const exact = await s.rooms.listUsers(room.uuid, { limit: 3, after: p1.next! });
      expect(uuidsOf(exact.list)).toEqual(order.slice(2));
      expect(exact.next).toBeNull();
      // A position no member has.
      const between = await s.rooms.listUsers(room.uuid, {
        limit: 10,
        after: { entered: t(2), uuid: '' },
      });
      expect(uuidsOf(between.list)).toEqual(order.slice(2));
      expect(await s.rooms.listUsers(randomUUID(), { limit: 10 })).toEqual({
        list: [],
        next: null,
      });
    });
  });

  describe('owners (storage.rooms, storage.presence, storage.bans)', () => {
    it("keeps a room's owner, lock and visibility, and lists an unlisted room to its owner only", async () => {
      const [owner, other] = [randomUUID(), randomUUID()];
      const open = await makeRoom(s, 'open room', t(1));
      const hidden = await s.rooms.create({
        uuid: randomUUID(),
        name: 'hidden room',
        color: '#000',
        created: t(2),
        drawing_uuid: randomUUID(),
        owner,
        visibility: 'unlisted',
      });
      expect(hidden).toMatchObject({ owner, locked: false, visibility: 'unlisted' });
      expect(await s.rooms.get(hidden.uuid)).toEqual(hidden);
      const listed = async (viewer?: string, query?: string) =>
        uuidsOf(
          (
            await s.rooms.list({
              limit: 10,
              ...(viewer !== undefined ? { viewer } : {}),
              ...(query !== undefined ? { query } : {}),
            })
          ).list,
        );
      expect(await listed()).toEqual([open.uuid]);
      expect(await listed(other)).toEqual([open.uuid]);
      expect(await listed(other, 'room')).toEqual([open.uuid]);
      expect(await listed(owner)).toEqual([open.uuid, hidden.uuid]);
      expect(await listed(owner, 'hidden')).toEqual([hidden.uuid]);

      const locked = await s.rooms.update(hidden.uuid, { locked: true, visibility: 'public' });
      expect(locked).toMatchObject({ name: 'hidden room', locked: true, visibility: 'public' });
      expect(await listed(other)).toEqual([open.uuid, hidden.uuid]);
      expect(await s.rooms.update(hidden.uuid, { locked: false })).toMatchObject({
        locked: false,
        visibility: 'public',
      });
      // a room deleted tells who owned it and how it was seen
      expect(await s.rooms.delete(hidden.uuid)).toMatchObject({ ok: true, room: { owner } });
    });

    it('takes a user out of a room only if it is in that room (a kick)', async () => {
      const [r1, r2] = [await makeRoom(s), await makeRoom(s)];
      const u = await makeUser(s);
      await s.presence.set(u.uuid, r1.uuid, holderA, t(1));
      expect(await s.presence.leave(u.uuid, r2.uuid)).toBe(false);
      expect((await s.rooms.get(r1.uuid))?.user_count).toBe(1);
      expect(await s.presence.leave(u.uuid, r1.uuid)).toBe(true);
      expect(await s.identity.get(u.uuid)).toMatchObject({ room_uuid: null });
      expect((await s.rooms.get(r1.uuid))?.user_count).toBe(0);
      expect(await s.presence.leave(u.uuid, r1.uuid)).toBe(false);
      expect(await s.presence.leave(randomUUID(), r1.uuid)).toBe(false);
    });

    it('bars subjects from a room until a time, keeps the longer bar, forgets them with the room', async () => {
      const [r1, r2] = [await makeRoom(s), await makeRoom(s)];
      await s.bans.add(r1.uuid, ['user:a', 'address:x'], t(10));
      expect(await s.bans.until(r1.uuid, ['user:a'], t(5))).toBe(t(10));
      expect(await s.bans.until(r1.uuid, ['user:b', 'address:x'], t(5))).toBe(t(10));
      expect(await s.bans.until(r1.uuid, ['user:b', 'address:y'], t(5))).toBeNull();
      expect(await s.bans.until(r2.uuid, ['user:a'], t(5))).toBeNull();
      expect(await s.bans.until(r1.uuid, [], t(5))).toBeNull();
      // over at its end
      expect(await s.bans.until(r1.uuid, ['user:a'], t(10))).toBeNull();
      // a shorter bar never shortens a longer one; a longer one extends it
      await s.bans.add(r1.uuid, ['user:a'], t(20));
      await s.bans.add(r1.uuid, ['user:a'], t(15));
      expect(await s.bans.until(r1.uuid, ['user:a', 'address:x'], t(5))).toBe(t(20));
      await s.bans.add(randomUUID(), ['user:a'], t(20));
      expect((await s.rooms.delete(r1.uuid)).ok).toBe(true);
      expect(await s.bans.until(r1.uuid, ['user:a'], t(5))).toBeNull();
    });

    it('makes a secret once and gives the same one after', async () => {
      const first = await s.secret('address');
      expect(first).toMatch(/^[0-9a-f]{64}$/);
      expect(await s.secret('address')).toBe(first);
      expect(await s.secret('other')).not.toBe(first);
    });
  });

  describe('messages (storage.messages)', () => {
    it('stores a message sent again by the same call once, and answers with the first', async () => {
      const room = await makeRoom(s);
      const u = await makeUser(s, 'ann');
      const v = await makeUser(s, 'bob');
      const sent = (body: string, by: User, created: string, call_id = 'call-1') =>
        s.messages.add({ ...newMessage(room.uuid, by, body, created), call_id });
      const first = (await sent('hello', u, t(0)))!;
      expect(first.seq).toBe(1);
      // the same call, author, room and body within the window: the first, not a second
      const again = await sent('hello', u, t(60));
      expect(again).toEqual(first);
      // two at once in one batch: one stored
      const both = await Promise.all([
        sent('twice', u, t(61), 'c2'),
        sent('twice', u, t(61), 'c2'),
      ]);
      expect(both[0]).toEqual(both[1]);
      // another body, another author, long after, or no call id: new messages
      const others = [
        await sent('hello, edited', u, t(62)),
        await sent('hello', v, t(63)),
        await sent('hello', u, t(11 * 60)),
        await s.messages.add(newMessage(room.uuid, u, 'hello', t(64))),
      ];
      expect(others.map((m) => m!.seq)).toEqual([3, 4, 5, 6]);
      expect((await s.rooms.get(room.uuid))!.sum).toBe(6);
      const all = (await s.messages.list(room.uuid, { limit: 10 })).list;
      expect(all.map((m) => m.body)).toEqual([
        'hello',
        'twice',
        'hello, edited',
        'hello',
        'hello',
        'hello',
      ]);
    });

    it('commits messages with seq 1, 2, 3 and the author as at send time', async () => {
      const room = await makeRoom(s);
      const u = await makeUser(s, 'ann');
      const m = newMessage(room.uuid, u, 'first', t(5));
      const committed = await s.messages.add(m);
      expect(committed).toEqual({
        uuid: m.uuid,
        body: 'first',
        name: `message-${m.uuid}`,
        user: { uuid: u.uuid, name: 'ann', room_uuid: room.uuid },
        room_uuid: room.uuid,
        created: t(5),
        seq: 1,
        edited: null,
        deleted: null,
        reply_to: null,
        reactions: [],
        rev: 1,
      });
      await s.identity.rename(u.uuid, 'anna');
      const second = await s.messages.add(newMessage(room.uuid, { ...u, name: 'anna' }, 'second'));
      expect(second?.seq).toBe(2);
      expect((await s.rooms.get(room.uuid))?.sum).toBe(2);
      const { list } = await s.messages.list(room.uuid, { limit: 10 });
      expect(list).toEqual([committed, second]);
      expect(await s.messages.add(newMessage(randomUUID(), u))).toBeUndefined();
    });

    it('keeps body text exactly', async () => {
      const room = await makeRoom(s);
      const u = await makeUser(s);
      const body = `emoji 😀, quotes '"\`, NUL-free controls \t\n, 100% _\\ Ärger ${'x'.repeat(10_000)}`;
      await s.messages.add(newMessage(room.uuid, u, body));
      expect((await s.messages.list(room.uuid, { limit: 1 })).list[0]?.body).toBe(body);
    });

    it('gives 500 concurrent messages in one room seqs 1..500 without gaps', async () => {
      const room = await makeRoom(s);
      const u = await makeUser(s);
      const sent = Array.from({ length: 500 }, (_, i) => newMessage(room.uuid, u, `m${i}`));
      const committed = await Promise.all(sent.map((m) => s.messages.add(m)));
      expect(committed.map((m) => m?.seq).sort((a, b) => a! - b!)).toEqual(range(1, 500));
      expect((await s.rooms.get(room.uuid))?.sum).toBe(500);
      const { list, has_more } = await s.messages.list(room.uuid, { limit: 500 });
      expect(has_more).toBe(false);
      expect(seqsOf(list)).toEqual(range(1, 500));
      // What each caller was told is what is stored.
      const bySeq = new Map(list.map((m) => [m.seq, m]));
      for (const m of committed) expect(bySeq.get(m!.seq)).toEqual(m);
    });

    it('keeps seqs gap-free per room with concurrent messages in two rooms', async () => {
      const [r1, r2] = [await makeRoom(s), await makeRoom(s)];
      const u = await makeUser(s);
      const committed = await Promise.all(
        Array.from({ length: 500 }, (_, i) =>
          s.messages.add(newMessage(i % 3 === 0 ? r1.uuid : r2.uuid, u, `m${i}`)),
        ),
      );
      for (const [room, n] of [
        [r1, 167],
        [r2, 333],
      ] as const) {
        const seqs = committed.filter((m) => m?.room_uuid === room.uuid).map((m) => m!.seq);
        expect(seqs.sort((a, b) => a - b)).toEqual(range(1, n));
        expect((await s.rooms.get(room.uuid))?.sum).toBe(n);
        expect(seqsOf((await s.messages.list(room.uuid, { limit: 500 })).list)).toEqual(
          range(1, n),
        );
      }
    });

    it('pages history by seq: newest, before, after, limit, has_more', async () => {
      const room = await makeRoom(s);
      const other = await makeRoom(s);
      const u = await makeUser(s);
      for (let i = 0; i < 7; i++) await s.messages.add(newMessage(room.uuid, u, `m${i + 1}`));
      await s.messages.add(newMessage(other.uuid, u));
      const page = async (opts: { before?: number; after?: number; limit: number }) => {
        const r = await s.messages.list(room.uuid, opts);
        return [seqsOf(r.list), r.has_more];
      };
      expect(await page({ limit: 3 })).toEqual([[5, 6, 7], true]);
      expect(await page({ limit: 7 })).toEqual([range(1, 7), false]);
      expect(await page({ limit: 50 })).toEqual([range(1, 7), false]);
      expect(await page({ before: 5, limit: 3 })).toEqual([[2, 3, 4], true]);
      expect(await page({ before: 4, limit: 3 })).toEqual([[1, 2, 3], false]);
      expect(await page({ before: 2, limit: 3 })).toEqual([[1], false]);
      expect(await page({ before: 1, limit: 3 })).toEqual([[], false]);
      expect(await page({ before: 100, limit: 2 })).toEqual([[6, 7], true]);
      expect(await page({ after: 0, limit: 3 })).toEqual([[1, 2, 3], true]);
      expect(await page({ after: 4, limit: 3 })).toEqual([[5, 6, 7], false]);
      expect(await page({ after: 3, limit: 3 })).toEqual([[4, 5, 6], true]);
      expect(await page({ after: 7, limit: 3 })).toEqual([[], false]);
      expect(await page({ after: 100, limit: 3 })).toEqual([[], false]);
      const bodies = (await s.messages.list(room.uuid, { after: 5, limit: 1 })).list.map(
        (m) => m.body,
      );
      expect(bodies).toEqual(['m6']);
      expect(await s.messages.list(randomUUID(), { limit: 5 })).toEqual({
        list: [],
        has_more: false,
      });
    });
  });

  describe('the conversation (storage.messages: replies, edits, deletions, reactions, changes, search)', () => {
    const emojiOf = (m: Message) => m.reactions.map((r) => [r.emoji, r.count, r.users]);

    it('stores a reply with the answered message as it was, and finds a message by uuid', async () => {
      const room = await makeRoom(s);
      const [ann, bob] = [await makeUser(s, 'ann'), await makeUser(s, 'bob')];
      const first = (await s.messages.add(newMessage(room.uuid, ann, 'é'.repeat(250))))!;
      const reply_to = replyOf(first);
      expect(reply_to).toEqual({ uuid: first.uuid, seq: 1, name: 'ann', excerpt: 'é'.repeat(200) });
      const answer = (await s.messages.add({ ...newMessage(room.uuid, bob, 'yes'), reply_to }))!;
      expect(answer.reply_to).toEqual(reply_to);
      expect(await s.messages.get(room.uuid, answer.uuid)).toEqual(answer);
      expect((await s.messages.list(room.uuid, { limit: 5 })).list[1]).toEqual(answer);
      expect(await s.messages.get(randomUUID(), answer.uuid)).toBeUndefined();
      expect(await s.messages.get(room.uuid, randomUUID())).toBeUndefined();
    });

    it("edits and deletes: each change takes the room's next rev; a deleted message keeps its place", async () => {
      const room = await makeRoom(s);
      const other = await makeRoom(s);
      const u = await makeUser(s, 'ann');
      const m1 = (await s.messages.add(newMessage(room.uuid, u, 'one')))!;
      const m2 = (await s.messages.add(newMessage(room.uuid, u, 'two')))!;
      expect([m1.rev, m2.rev]).toEqual([1, 2]);
      const edited = await s.messages.change(room.uuid, m1.uuid, {
        kind: 'edit',
        body: 'uno',
        at: t(9),
      });
      expect(edited).toEqual({ ok: true, message: { ...m1, body: 'uno', edited: t(9), rev: 3 } });
      const reply = (await s.messages.add({
        ...newMessage(room.uuid, u, 're'),
        reply_to: replyOf(m2),
      }))!;
      expect([reply.seq, reply.rev]).toEqual([3, 4]);
      await s.messages.change(room.uuid, reply.uuid, { kind: 'react', emoji: '👍', user: u.uuid });
      const deleted = await s.messages.change(room.uuid, reply.uuid, { kind: 'delete', at: t(10) });
      expect(deleted).toEqual({
        ok: true,
        message: { ...reply, body: '', deleted: t(10), reply_to: null, reactions: [], rev: 6 },
      });
      // gone for every further change, but still in its place in history
      for (const change of [
        { kind: 'edit', body: 'x', at: t(11) },
        { kind: 'delete', at: t(11) },
        { kind: 'react', emoji: '👍', user: u.uuid },
      ] as const) {
        expect(await s.messages.change(room.uuid, reply.uuid, change)).toEqual({
          ok: false,
          error: 'not_found',
        });
      }
      expect(await s.messages.change(other.uuid, m1.uuid, { kind: 'delete', at: t(11) })).toEqual({
        ok: false,
        error: 'not_found',
      });
      expect(await s.messages.change(randomUUID(), m1.uuid, { kind: 'delete', at: t(11) })).toEqual(
        {
          ok: false,
          error: 'not_found',
        },
      );
      const { list } = await s.messages.list(room.uuid, { limit: 10 });
      expect(list.map((m) => [m.seq, m.body, m.deleted !== null])).toEqual([
        [1, 'uno', false],
        [2, 'two', false],
        [3, '', true],
      ]);
      // the new message after the changes goes on from the room's rev, its seq from the sum
      const m4 = (await s.messages.add(newMessage(room.uuid, u, 'four')))!;
      expect([m4.seq, m4.rev]).toEqual([4, 7]);
      expect((await s.rooms.get(room.uuid))?.sum).toBe(4);
    });

    it('reactions toggle; emoji keep the order of first use, counts are exact, 50 users are listed, 20 emoji at most', async () => {
      const room = await makeRoom(s);
      const u = await makeUser(s);
      const m = (await s.messages.add(newMessage(room.uuid, u)))!;
      const react = (emoji: string, user: string) =>
        s.messages.change(room.uuid, m.uuid, { kind: 'react', emoji, user });
      await react('🎉', 'a');
      await react('👍', 'b');
      await react('🎉', 'b');
      let r = await react('👍', 'c');
      expect(r.ok && emojiOf(r.message)).toEqual([
        ['🎉', 2, ['a', 'b']],
        ['👍', 2, ['b', 'c']],
      ]);
      // taking one back; the last one of an emoji takes the emoji away
      await react('🎉', 'a');
      r = await react('🎉', 'b');
      expect(r.ok && emojiOf(r.message)).toEqual([['👍', 2, ['b', 'c']]]);
      r = await react('🎉', 'd');
      expect(r.ok && emojiOf(r.message)).toEqual([
        ['👍', 2, ['b', 'c']],
        ['🎉', 1, ['d']],
      ]);
      const users = Array.from({ length: 60 }, (_, i) => `user-${String(i).padStart(2, '0')}`);
      for (const user of users) r = await react('❤️', user);
      expect(r.ok && r.message.reactions[2]).toEqual({
        emoji: '❤️',
        count: 60,
        users: users.slice(0, WIRE.reactionUsers),
      });
      const more = [
        '😀',
        '😃',
        '😄',
        '😁',
        '😆',
        '😅',
        '😂',
        '🤣',
        '😊',
        '😇',
        '🙂',
        '🙃',
        '😉',
        '😌',
        '😍',
        '😘',
        '😗',
      ];
      for (const e of more) expect((await react(e, 'a')).ok).toBe(true);
      expect(r.ok && (await s.messages.get(room.uuid, m.uuid))!.reactions).toHaveLength(20);
      expect(await react('🚀', 'a')).toEqual({ ok: false, error: 'too_many_emoji' });
      // an emoji already there still takes more users
      expect((await react('🎉', 'e')).ok).toBe(true);
      const stored = (await s.messages.list(room.uuid, { limit: 1 })).list[0]!;
      expect(stored.reactions.find((x) => x.emoji === '🎉')).toEqual({
        emoji: '🎉',
        count: 2,
        users: ['d', 'e'],
      });
    });

    it('lists what changed after a rev, oldest change first, each message as it is now', async () => {
      const room = await makeRoom(s);
      const other = await makeRoom(s);
      const u = await makeUser(s);
      const ms: Message[] = [];
      for (let i = 1; i <= 5; i++)
        ms.push((await s.messages.add(newMessage(room.uuid, u, `m${i}`)))!);
      await s.messages.add(newMessage(other.uuid, u, 'elsewhere'));
      await s.messages.change(room.uuid, ms[1]!.uuid, { kind: 'edit', body: 'two', at: t(1) }); // rev 6
      await s.messages.change(room.uuid, ms[0]!.uuid, { kind: 'react', emoji: '👍', user: u.uuid }); // 7
      await s.messages.change(room.uuid, ms[1]!.uuid, { kind: 'delete', at: t(2) }); // 8
      const changes = async (after: number, limit = 10) => {
        const r = await s.messages.changes(room.uuid, { after, limit });
        return [r.list.map((m) => [m.seq, m.rev, m.body]), r.has_more];
      };
      expect(await changes(5)).toEqual([
        [
          [1, 7, 'm1'],
          [2, 8, ''],
        ],
        false,
      ]);
      expect(await changes(3)).toEqual([
        [
          [4, 4, 'm4'],
          [5, 5, 'm5'],
          [1, 7, 'm1'],
          [2, 8, ''],
        ],
        false,
      ]);
      expect(await changes(0, 3)).toEqual([
        [
          [3, 3, 'm3'],
          [4, 4, 'm4'],
          [5, 5, 'm5'],
        ],
        true,
      ]);
      expect(await changes(8)).toEqual([[], false]);
      expect((await s.messages.changes(randomUUID(), { after: 0, limit: 5 })).list).toEqual([]);
    });

    it('searches a room by whole words, any case, newest first, paged by seq', async () => {
      const room = await makeRoom(s);
      const other = await makeRoom(s);
      const u = await makeUser(s);
      const bodies = [
        'Hello, World',
        'the world is wide',
        'HELLO again, world!',
        'nothing here',
        'Café au lait',
        'naïve 東京 test',
        'hello-world_joined',
        'worldly hellos',
      ];
      const ms: Message[] = [];
      for (const b of bodies) ms.push((await s.messages.add(newMessage(room.uuid, u, b)))!);
      await s.messages.add(newMessage(other.uuid, u, 'hello world'));
      const find = async (query: string, opts: { before?: number; limit?: number } = {}) => {
        const r = await s.messages.search(room.uuid, { query, limit: opts.limit ?? 20, ...opts });
        return [seqsOf(r.list), r.has_more];
      };
      // whole words, in any order, any case
      expect(await find('hello world')).toEqual([[7, 3, 1], false]);
      expect(await find('WORLD hello')).toEqual([[7, 3, 1], false]);
      expect(await find('world')).toEqual([[7, 3, 2, 1], false]);
      expect(await find('world', { limit: 2 })).toEqual([[7, 3], true]);
      expect(await find('world', { before: 7, limit: 2 })).toEqual([[3, 2], true]);
      expect(await find('world', { before: 2, limit: 2 })).toEqual([[1], false]);
      expect(await find('world', { before: 1 })).toEqual([[], false]);
      expect(await find('wor')).toEqual([[], false]);
      expect(await find('worldly')).toEqual([[8], false]);
      expect(await find('café')).toEqual([[5], false]);
      expect(await find('cafe')).toEqual([[], false]);
      expect(await find('東京')).toEqual([[6], false]);
      // the databases' query syntax is only text here
      expect(await find('"hello" (world* -')).toEqual([[7, 3, 1], false]);
      expect(await find("hello:* & world' |")).toEqual([[7, 3, 1], false]);
      expect(await find('!!! ???')).toEqual([[], false]);
      // an edit is found by its new words only; a deleted message not at all
      await s.messages.change(room.uuid, ms[3]!.uuid, {
        kind: 'edit',
        body: 'hello there',
        at: t(1),
      });
      expect(await find('nothing')).toEqual([[], false]);
      expect(await find('hello')).toEqual([[7, 4, 3, 1], false]);
      await s.messages.change(room.uuid, ms[0]!.uuid, { kind: 'delete', at: t(2) });
      expect(await find('hello')).toEqual([[7, 4, 3], false]);
      expect((await s.messages.search(randomUUID(), { query: 'hello', limit: 5 })).list).toEqual(
        [],
      );
    });
  });

  describe('drawings (storage.drawings)', () => {
    it('gives a new room an empty drawing', async () => {
      const drawingUuid = randomUUID();
      const room = await s.rooms.create({
        uuid: randomUUID(),
        name: 'r',
        color: '#fff',
        created: t(0),
        drawing_uuid: drawingUuid,
      });
      expect(await s.drawings.get(room.uuid)).toEqual({
        uuid: drawingUuid,
        name: `drawing-${drawingUuid}`,
        lines: [],
        room_uuid: room.uuid,
      });
      expect(await s.drawings.get(randomUUID())).toBeUndefined();
    });

    it('keeps a whole drawing within its size; deleting, shrinking and resetting free room', async () => {
      // LIMITS: 10 numbers a line, 3 lines, 3 lines' other fields and 60 characters of points
      const room = await makeRoom(s);
      const ten = range(1, 10); // "[1,2,3,4,5,6,7,8,9,10]": 22 characters
      const size = async () =>
        (await s.drawings.get(room.uuid))!.lines.reduce(
          (n, l) => n + JSON.stringify(l.points).length,
          0,
        );
      const full = { ok: false, error: 'drawing_full' };
      const [a, b] = [line(ten), line(ten)];
      expect((await s.drawings.putLine(room.uuid, a)).ok).toBe(true);
      expect((await s.drawings.putLine(room.uuid, b)).ok).toBe(true);
      // 44 + 22 > 60: a third such line is refused; a stroke of 9 characters fits
      expect(await s.drawings.putLine(room.uuid, line(ten))).toEqual(full);
      const d = randomUUID();
      const style = { color: '#000000', tool: 'pen' as const, user_uuid: 'u1' };
      expect(
        (await s.drawings.appendPoints(room.uuid, { uuid: d, points: [1, 2, 3, 4], ...style })).ok,
      ).toBe(true);
      expect(await size()).toBe(53);
      // ",5,6" makes 57; ",7,8" would make 61
      const more = (points: number[]) =>
        s.drawings.appendPoints(room.uuid, { uuid: d, points, user_uuid: 'u1' });
      expect((await more([5, 6])).ok).toBe(true);
      expect(await more([7, 8])).toEqual(full);
      // a line's own limit is told first
      expect(
        await s.drawings.appendPoints(room.uuid, { uuid: a.uuid, points: [1, 2], user_uuid: 'u' }),
      ).toEqual({ ok: false, error: 'line_too_long' });
      expect(await size()).toBe(57);
      // a shorter line in a's place frees 17; a longer one than fits is refused, changing nothing
      expect((await s.drawings.putLine(room.uuid, { ...a, points: [1, 2] })).ok).toBe(true);
      expect((await more([7, 8, 9, 10])).ok).toBe(true);
      expect(await size()).toBe(49);
      expect(await s.drawings.putLine(room.uuid, { ...a, points: ten })).toEqual(full);
      expect(await size()).toBe(49);
      expect(await s.drawings.deleteLine(room.uuid, b.uuid)).toBe(true);
      expect((await s.drawings.putLine(room.uuid, { ...a, points: ten })).ok).toBe(true);
      expect(await size()).toBe(44);
      await s.drawings.reset(room.uuid);
      for (const points of [ten, ten, range(1, 6)]) {
        expect((await s.drawings.putLine(room.uuid, line(points))).ok).toBe(true);
      }
      expect(await size()).toBe(57);
      // every field of a line counts: at 59, a color 2 characters longer no longer fits
      const first = {
        ...(await s.drawings.get(room.uuid))!.lines[0]!,
        points: [...range(1, 9), 1000],
      };
      expect((await s.drawings.putLine(room.uuid, first)).ok).toBe(true);
      expect(await size()).toBe(59);
      expect(await s.drawings.putLine(room.uuid, { ...first, color: '#00000080' })).toEqual(full);
      expect((await s.drawings.putLine(room.uuid, { ...first, color: '#000' })).ok).toBe(true);
    });

    it('gives the drawing as JSON text too, the same drawing in the same order', async () => {
      const room = await makeRoom(s);
      expect(JSON.parse((await s.drawings.getJson(room.uuid))!)).toEqual(
        await s.drawings.get(room.uuid),
      );
      const lines = [line([1.5, -2, 3e-7, 1e21]), line([], { tool: 'eraser', color: '#abc' })];
      for (const l of lines) await s.drawings.putLine(room.uuid, l);
      await s.drawings.appendPoints(room.uuid, {
        uuid: lines[1]!.uuid,
        points: [7, 8],
        user_uuid: 'u1',
      });
      const json = (await s.drawings.getJson(room.uuid))!;
      const drawing = (await s.drawings.get(room.uuid))!;
      expect(JSON.parse(json)).toEqual(drawing);
      expect(drawing.lines).toEqual([lines[0], { ...lines[1], points: [7, 8] }]);
      // what a JSON serializer would write, key order included
      expect(json).toBe(JSON.stringify(drawing));
      expect(await s.drawings.getJson(randomUUID())).toBeUndefined();
      // a field that JSON would have to escape never gets in (the protocol refuses it first)
      await expect(
        s.drawings.putLine(room.uuid, line([1, 2], { color: '#"},{' })),
      ).rejects.toThrow();
    });

    it("keeps a line's width, counts it in the drawing's size, and writes it in the JSON", async () => {
      const room = await makeRoom(s);
      const wide = line([1, 2], { width: 12.5 });
      const plain = line([3, 4]);
      expect(await s.drawings.putLine(room.uuid, wide)).toEqual({ ok: true, line: wide });
      await s.drawings.putLine(room.uuid, plain);
      const created = await s.drawings.appendPoints(room.uuid, {
        uuid: randomUUID(),
        points: [5, 6],
        color: '#123456',
        tool: 'pen',
        width: 40,
        user_uuid: 'u2',
      });
      expect(created).toMatchObject({ ok: true, width: 40 });
      const appended = await s.drawings.appendPoints(room.uuid, {
        uuid: wide.uuid,
        points: [7, 8],
        user_uuid: 'u1',
      });
      expect(appended).toEqual({
        ok: true,
        color: wide.color,
        tool: 'pen',
        user_uuid: wide.user_uuid,
        width: 12.5,
      });
      const plainAppend = await s.drawings.appendPoints(room.uuid, {
        uuid: plain.uuid,
        points: [],
        user_uuid: 'u1',
      });
      expect(plainAppend).not.toHaveProperty('width');
      const drawing = (await s.drawings.get(room.uuid))!;
      expect(drawing.lines.map((l) => l.width)).toEqual([12.5, undefined, 40]);
      expect(drawing.lines[1]).not.toHaveProperty('width');
      const json = (await s.drawings.getJson(room.uuid))!;
      expect(json).toBe(JSON.stringify(drawing));
      // a wider line takes more of the drawing's size: replacing it by one without width frees it
      await s.drawings.putLine(room.uuid, { ...wide, width: undefined });
      expect((await s.drawings.get(room.uuid))!.lines[0]).not.toHaveProperty('width');
    });

    it('upserts lines by uuid, keeping each line in its place', async () => {
      const room = await makeRoom(s);
      const [a, b, c] = [line([1, 2]), line([3, 4], { tool: 'eraser' }), line([5.5, -6.25])];
      expect(await s.drawings.putLine(room.uuid, a)).toEqual({ ok: true, line: a });
      await s.drawings.putLine(room.uuid, b);
      await s.drawings.putLine(room.uuid, c);
      const a2 = { ...a, points: [9, 9, 8, 8], color: '#ff0000', user_uuid: 'u2' };
      expect(await s.drawings.putLine(room.uuid, a2)).toEqual({ ok: true, line: a2 });
      expect((await s.drawings.get(room.uuid))?.lines).toEqual([a2, b, c]);
      expect(await s.drawings.putLine(randomUUID(), a)).toEqual({ ok: false, error: 'no_room' });
    });

    it('refuses a new line in a full drawing but replaces existing ones', async () => {
      const room = await makeRoom(s);
      const lines = [line([1, 1]), line([2, 2]), line([3, 3])];
      for (const l of lines) expect((await s.drawings.putLine(room.uuid, l)).ok).toBe(true);
      expect(await s.drawings.putLine(room.uuid, line([4, 4]))).toEqual({
        ok: false,
        error: 'drawing_full',
      });
      expect((await s.drawings.putLine(room.uuid, { ...lines[1]!, points: [7, 7] })).ok).toBe(true);
      expect(
        await s.drawings.appendPoints(room.uuid, {
          uuid: randomUUID(),
          points: [1, 2],
          color: '#000',
          tool: 'pen',
          user_uuid: 'u',
        }),
      ).toEqual({ ok: false, error: 'drawing_full' });
      // Deleting a line frees its place.
      expect(await s.drawings.deleteLine(room.uuid, lines[0]!.uuid)).toBe(true);
      const d = line([4, 4]);
      expect((await s.drawings.putLine(room.uuid, d)).ok).toBe(true);
      expect(uuidsOf((await s.drawings.get(room.uuid))!.lines)).toEqual([
        lines[1]!.uuid,
        lines[2]!.uuid,
        d.uuid,
      ]);
    });

    it('appends points, creating the line when new', async () => {
      const room = await makeRoom(s);
      const uuid = randomUUID();
      const append = (points: number[], style: { color?: string; tool?: 'pen' | 'eraser' } = {}) =>
        s.drawings.appendPoints(room.uuid, { uuid, points, user_uuid: 'author', ...style });
      expect(await append([1, 2])).toEqual({ ok: false, error: 'needs_style' });
      expect(await append([1, 2], { color: '#abc' })).toEqual({ ok: false, error: 'needs_style' });
      expect(await append([1, 2], { color: '#abc', tool: 'eraser' })).toEqual({
        ok: true,
        color: '#abc',
        tool: 'eraser',
        user_uuid: 'author',
      });
      // An existing line keeps its style and author.
      expect(
        await s.drawings.appendPoints(room.uuid, {
          uuid,
          points: [3.5, -4],
          color: '#fff',
          tool: 'pen',
          user_uuid: 'other',
        }),
      ).toEqual({ ok: true, color: '#abc', tool: 'eraser', user_uuid: 'author' });
      expect(await append([])).toEqual({
        ok: true,
        color: '#abc',
        tool: 'eraser',
        user_uuid: 'author',
      });
      expect(await append([5, 6, 7, 8, 9, 10])).toMatchObject({ ok: true });
      // 10 numbers now: the limit.
      expect(await append([11, 12])).toEqual({ ok: false, error: 'line_too_long' });
      expect((await s.drawings.get(room.uuid))?.lines).toEqual([
        {
          uuid,
          name: `line-${uuid}`,
          points: [1, 2, 3.5, -4, 5, 6, 7, 8, 9, 10],
          tool: 'eraser',
          color: '#abc',
          user_uuid: 'author',
        },
      ]);
      expect(
        await s.drawings.appendPoints(randomUUID(), { uuid, points: [1, 2], user_uuid: 'u' }),
      ).toEqual({
        ok: false,
        error: 'no_room',
      });
    });

    it('checks the line limit when a line is created by an append', async () => {
      const room = await makeRoom(s);
      const style = { color: '#000', tool: 'pen' as const, user_uuid: 'u' };
      const long = range(1, 12);
      expect(
        await s.drawings.appendPoints(room.uuid, { uuid: randomUUID(), points: long, ...style }),
      ).toEqual({
        ok: false,
        error: 'line_too_long',
      });
      const uuid = randomUUID();
      expect(
        (await s.drawings.appendPoints(room.uuid, { uuid, points: range(1, 10), ...style })).ok,
      ).toBe(true);
      expect(
        await s.drawings.appendPoints(room.uuid, { uuid, points: [], ...style }),
      ).toMatchObject({
        ok: true,
      });
      // Appends to a line put whole, starting from no points.
      const empty = line([]);
      await s.drawings.putLine(room.uuid, empty);
      expect(
        (await s.drawings.appendPoints(room.uuid, { uuid: empty.uuid, points: [1, 2], ...style }))
          .ok,
      ).toBe(true);
      expect(
        (await s.drawings.appendPoints(room.uuid, { uuid: empty.uuid, points: [3, 4], ...style }))
          .ok,
      ).toBe(true);
      const lines = (await s.drawings.get(room.uuid))!.lines;
      expect(lines.map((l) => l.points)).toEqual([range(1, 10), [1, 2, 3, 4]]);
    });

    it('deletes single lines and resets the whole drawing', async () => {
      const room = await makeRoom(s);
      const other = await makeRoom(s);
      const [a, b] = [line([1, 2]), line([3, 4])];
      await s.drawings.putLine(room.uuid, a);
      await s.drawings.putLine(room.uuid, b);
      await s.drawings.putLine(other.uuid, a);
      // with an author: only that author's line goes
      expect(await s.drawings.deleteLine(room.uuid, a.uuid, 'someone-else')).toBe('not_author');
      expect(await s.drawings.deleteLine(room.uuid, a.uuid, a.user_uuid)).toBe(true);
      expect(await s.drawings.deleteLine(room.uuid, a.uuid)).toBe(false);
      expect(await s.drawings.deleteLine(room.uuid, randomUUID())).toBe(false);
      expect(await s.drawings.deleteLine(randomUUID(), b.uuid)).toBe(false);
      expect((await s.drawings.get(room.uuid))?.lines).toEqual([b]);
      const drawing = await s.drawings.get(room.uuid);
      expect(await s.drawings.reset(room.uuid)).toEqual({ ...drawing, lines: [] });
      expect(await s.drawings.get(room.uuid)).toEqual({ ...drawing, lines: [] });
      expect((await s.drawings.get(other.uuid))?.lines).toEqual([a]);
      expect(await s.drawings.reset(randomUUID())).toBeUndefined();
      // A reset drawing takes the full number of lines again, in order.
      const fresh = [line([1, 1]), line([2, 2]), line([3, 3])];
      for (const l of fresh) expect((await s.drawings.putLine(room.uuid, l)).ok).toBe(true);
      expect(await s.drawings.putLine(room.uuid, line([4, 4]))).toEqual({
        ok: false,
        error: 'drawing_full',
      });
      expect((await s.drawings.get(room.uuid))?.lines).toEqual(fresh);
    });

    it('returns copies: changing a returned line changes nothing stored', async () => {
      const room = await makeRoom(s);
      const a = line([1, 2]);
      const put = await s.drawings.putLine(room.uuid, a);
      a.points.push(3, 4);
      if (put.ok) put.line.points.push(5, 6);
      (await s.drawings.get(room.uuid))!.lines[0]!.points.push(7, 8);
      expect((await s.drawings.get(room.uuid))?.lines[0]?.points).toEqual([1, 2]);
    });
  });

  describe('concurrency', () => {
    it('never deletes a room that a user is entering', async () => {
      const other = store.another ? await store.another() : s;
      for (let i = 0; i < 20; i++) {
        const room = await makeRoom(s, `r${i}`);
        const u = await makeUser(s);
        const [entered, deleted] = await Promise.all([
          other.presence.set(u.uuid, room.uuid, holderA, t(i)),
          s.rooms.delete(room.uuid),
        ]);
        if (deleted.ok) {
          expect(entered).toBe('no_room');
          expect(await s.identity.get(u.uuid)).toEqual(u);
        } else {
          expect(deleted).toEqual({ ok: false, error: 'not_empty' });
          expect(entered).toEqual({ previous: null });
          expect((await s.rooms.get(room.uuid))?.user_count).toBe(1);
        }
      }
    });

    if (backend.shared)
      it('keeps seqs gap-free with two storages writing to one room', async () => {
        const other = await declared(store.another, 'another')();
        const room = await makeRoom(s);
        const u = await makeUser(s);
        const committed = await Promise.all(
          Array.from({ length: 500 }, (_, i) =>
            (i % 2 === 0 ? s : other).messages.add(newMessage(room.uuid, u, `m${i}`)),
          ),
        );
        expect(committed.map((m) => m!.seq).sort((a, b) => a - b)).toEqual(range(1, 500));
        expect(seqsOf((await s.messages.list(room.uuid, { limit: 500 })).list)).toEqual(
          range(1, 500),
        );
      });

    if (backend.shared)
      it("never gives a drawing's JSON older than another storage's last change", async () => {
        const other = await declared(store.another, 'another')();
        const room = await makeRoom(s);
        const json = async () => JSON.parse((await s.drawings.getJson(room.uuid))!) as Drawing;
        const a = line([1, 2]);
        await other.drawings.putLine(room.uuid, a);
        expect((await json()).lines).toEqual([a]);
        // read again unchanged (kept), then changed elsewhere in every way a drawing changes
        expect((await json()).lines).toEqual([a]);
        await other.drawings.appendPoints(room.uuid, {
          uuid: a.uuid,
          points: [3, 4],
          user_uuid: 'u1',
        });
        expect((await json()).lines[0]!.points).toEqual([1, 2, 3, 4]);
        const b = line([5, 6]);
        await other.drawings.putLine(room.uuid, b);
        expect((await json()).lines.map((l) => l.uuid)).toEqual([a.uuid, b.uuid]);
        await other.drawings.deleteLine(room.uuid, a.uuid);
        expect((await json()).lines).toEqual([b]);
        await other.drawings.reset(room.uuid);
        expect((await json()).lines).toEqual([]);
        expect((await other.rooms.delete(room.uuid)).ok).toBe(true);
        expect(await s.drawings.getJson(room.uuid)).toBeUndefined();
      });

    if (backend.shared)
      it('keeps the line limit with two storages drawing in one room', async () => {
        const other = await declared(store.another, 'another')();
        const room = await makeRoom(s);
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 === 0 ? s : other).drawings.putLine(room.uuid, line([i, i])),
          ),
        );
        expect(results.filter((r) => r.ok)).toHaveLength(LIMITS.drawingLines);
        expect((await s.drawings.get(room.uuid))?.lines).toHaveLength(LIMITS.drawingLines);
      });

    if (backend.shared)
      it("keeps a drawing's size within its limit with two storages appending", async () => {
        const other = await declared(store.another, 'another')();
        const room = await makeRoom(s);
        const lines = [line([0, 0]), line([0, 0]), line([0, 0])];
        for (const l of lines) await s.drawings.putLine(room.uuid, l);
        // 15 characters; each append of [1, 1] adds ",1,1": the lines have room for 12
        // appends, the drawing's 60 characters for 11
        const results = await Promise.all(
          Array.from({ length: 15 }, (_, i) =>
            (i % 2 === 0 ? s : other).drawings.appendPoints(room.uuid, {
              uuid: lines[i % 3]!.uuid,
              points: [1, 1],
              user_uuid: 'u',
            }),
          ),
        );
        expect(results.filter((r) => r.ok)).toHaveLength(11);
        const drawing = await s.drawings.get(room.uuid);
        expect(drawing!.lines.reduce((n, l) => n + JSON.stringify(l.points).length, 0)).toBe(59);
      });

    it('deletes a room while others draw and write in it, without deadlock', async () => {
      const other = store.another ? await store.another() : s;
      const u = await makeUser(s);
      for (let i = 0; i < 10; i++) {
        const room = await makeRoom(s, `r${i}`);
        const existing = line([1, 2]);
        await s.drawings.putLine(room.uuid, existing);
        const [deleted, put, appended, removed, message] = await Promise.all([
          s.rooms.delete(room.uuid),
          other.drawings.putLine(room.uuid, line([3, 4])),
          other.drawings.appendPoints(room.uuid, {
            uuid: existing.uuid,
            points: [5, 6],
            user_uuid: 'x',
          }),
          other.drawings.deleteLine(room.uuid, existing.uuid),
          other.messages.add(newMessage(room.uuid, u)),
        ]);
        expect(deleted.ok).toBe(true);
        expect([true, false]).toContain(put.ok);
        expect([true, false]).toContain(appended.ok);
        expect([true, false]).toContain(removed);
        expect([undefined, 1]).toContain(message?.seq);
        expect(await other.drawings.get(room.uuid)).toBeUndefined();
      }
    });
  });

  if (backend.persistent)
    describe('persistence', () => {
      it('keeps everything across close and reopen', async () => {
        const reopen = declared(store.reopen, 'reopen');
        const room = await makeRoom(s, 'Kept', t(1));
        const u = await makeUser(s, 'ann', 'hash-1', t(1));
        await s.presence.set(u.uuid, room.uuid, holderA, t(2));
        const sent: (Message | undefined)[] = [];
        for (let i = 0; i < 3; i++)
          sent.push(await s.messages.add(newMessage(room.uuid, u, `m${i}`)));
        const a = line([1, 2]);
        await s.drawings.putLine(room.uuid, a);
        await s.drawings.appendPoints(room.uuid, { uuid: a.uuid, points: [3, 4], user_uuid: 'x' });
        const before = {
          room: await s.rooms.get(room.uuid),
          drawing: await s.drawings.get(room.uuid),
          rooms: await s.rooms.list({ limit: 10 }),
        };
        // Not awaited: close must commit them first.
        const pending = Array.from({ length: 50 }, (_, i) =>
          s.messages.add(newMessage(room.uuid, u, `p${i}`)),
        );
        const reopened = await reopen();
        expect((await Promise.all(pending)).map((m) => m!.seq)).toEqual(range(4, 53));

        expect(await reopened.rooms.get(room.uuid)).toEqual({ ...before.room, sum: 53 });
        expect(await reopened.drawings.get(room.uuid)).toEqual(before.drawing);
        expect((await reopened.rooms.list({ limit: 10 })).list).toEqual([
          { ...before.rooms.list[0], sum: 53 },
        ]);
        expect(await reopened.identity.get(u.uuid)).toEqual({ ...u, room_uuid: room.uuid });
        expect(await reopened.identity.resume('hash-1', t(0), t(3))).toEqual({
          ...u,
          room_uuid: room.uuid,
        });
        const history = await reopened.messages.list(room.uuid, { limit: 100 });
        expect(history.list.slice(0, 3)).toEqual(sent);
        expect(seqsOf(history.list)).toEqual(range(1, 53));
        expect(await reopened.presence.release(u.uuid, holderA)).toBe(room.uuid);
        expect((await reopened.messages.add(newMessage(room.uuid, u)))?.seq).toBe(54);
      });
    });
});

describe.each(backends.filter((b) => b.name !== 'memory'))('$name batches', (backend) => {
  it('a message that cannot be stored fails alone: the others of its batch are stored, gap-free', async () => {
    const store = await backend.create();
    try {
      const s = store.storage;
      const room = await makeRoom(s);
      const u = await makeUser(s);
      const good = Array.from({ length: 5 }, () => s.messages.add(newMessage(room.uuid, u)));
      // A NULL author name breaks the NOT NULL constraint: its batch's transaction fails, and
      // the batch is committed again a message at a time
      const bad = s.messages.add(newMessage(room.uuid, { ...u, name: null as unknown as string }));
      const results = await Promise.allSettled([...good, bad]);
      expect(results.map((r) => r.status)).toEqual([
        ...Array<string>(5).fill('fulfilled'),
        'rejected',
      ]);
      expect((await s.rooms.get(room.uuid))?.sum).toBe(5);
      expect(seqsOf((await s.messages.list(room.uuid, { limit: 10 })).list)).toEqual(range(1, 5));
      // The next batch is unaffected.
      expect((await s.messages.add(newMessage(room.uuid, u)))?.seq).toBe(6);
    } finally {
      await store.dispose();
    }
  });
});

/** How a test makes data as an older release left it: open a storage, run SQL beside it. */
interface OldData {
  open: () => Promise<Storage>;
  raw: (statements: string[]) => Promise<void>;
}

/** A SQLite file's storage, and SQL run on the file while no storage has it open. */
function sqliteAt(file: string): OldData {
  return {
    open: () => openStorage(`sqlite:${file}`, LIMITS),
    async raw(statements) {
      const db = new Database(file);
      for (const statement of statements) db.exec(statement);
      db.close();
    },
  };
}

/** A PostgreSQL schema's storage, and SQL run in that schema. */
function postgresAt(url: string, schema: string): OldData {
  return {
    open: () => SqlStorage.open({ kind: 'postgres', url, schema, limits: LIMITS, poolSize: 2 }),
    async raw(statements) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`set search_path = ${schema}`);
        for (const statement of statements) await client.query(statement);
      } finally {
        await client.end();
      }
    },
  };
}

describe('openStorage', () => {
  it('opens memory and in-memory SQLite', async () => {
    const memory = await openStorage('memory', LIMITS);
    expect(memory.kind).toBe('memory');
    await memory.close();
    const sqlite = await openStorage('sqlite::memory:', LIMITS);
    expect(sqlite.kind).toBe('sqlite');
    const room = await makeRoom(sqlite);
    expect(await sqlite.rooms.get(room.uuid)).toEqual(room);
    await sqlite.close();
  });

  it('folds the SQLite write-ahead log into the database file while it stays open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chat-wal-'));
    const file = join(dir, 'chat.db');
    const storage = await openStorage(`sqlite:${file}`, LIMITS);
    try {
      const room = await makeRoom(storage, 'kept in the file itself');
      // the file alone, without its log, as a copy taken now would be
      const inFileAlone = () => {
        copyFileSync(file, join(dir, 'alone.db'));
        const alone = new Database(join(dir, 'alone.db'), { readonly: true });
        try {
          return alone.prepare('select name from rooms where uuid = ?').get(room.uuid);
        } catch {
          return undefined; // not even its tables are in the file yet
        } finally {
          alone.close();
        }
      };
      for (let waited = 0; !inFileAlone() && waited < 5000; waited += 100) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(inFileAlone()).toEqual({ name: 'kept in the file itself' });
    } finally {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates the SQLite file and its directory, and migrates only once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chat-open-'));
    try {
      const file = join(dir, 'a', 'b', 'chat.db');
      const first = await openStorage(`sqlite:${file}`, LIMITS);
      expect(existsSync(file)).toBe(true);
      await first.close();
      const second = await openStorage(`sqlite:${file}`, LIMITS);
      await second.ping();
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('brings a SQLite file from before the name index and the drawing count up to date', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chat-open-'));
    try {
      const file = join(dir, 'chat.db');
      const first = await openStorage(`sqlite:${file}`, LIMITS);
      const old = await makeRoom(first, 'Kept from before', t(1));
      for (let i = 0; i < 2; i++) await first.drawings.putLine(old.uuid, line(range(1, 10)));
      // 2 x 22 characters of points
      await first.close();
      // the file as the release before migration 0003 left it (later ones run again: idempotent)
      const raw = new Database(file);
      raw.exec(`drop trigger rooms_search_insert; drop trigger rooms_search_delete;
        drop trigger rooms_search_update; drop table rooms_search;
        alter table drawings drop column chars;
        delete from kysely_migration where name >= '0003';`);
      raw.close();
      const second = await openStorage(`sqlite:${file}`, LIMITS);
      const fresh = await makeRoom(second, 'Made after, kept too', t(2));
      expect(uuidsOf((await second.rooms.list({ query: 'kept', limit: 10 })).list)).toEqual([
        old.uuid,
        fresh.uuid,
      ]);
      // the old drawing's 44 characters were counted: 22 more pass its limit of 60, 13 fit
      expect(await second.drawings.putLine(old.uuid, line(range(1, 10)))).toEqual({
        ok: false,
        error: 'drawing_full',
      });
      expect((await second.drawings.putLine(old.uuid, line(range(1, 6)))).ok).toBe(true);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /**
   * A drawing as the release before migration 0005 could leave it: lines whose uuid is no
   * UUID (one of 50,000 characters; such lines made rooms impossible to enter) and a count
   * of points only. `raw` runs SQL on the same database while no storage has it open.
   */
  async function repairsOversizedLines({ open, raw }: OldData) {
    const first = await open();
    const room = await makeRoom(first);
    const kept = line(range(1, 10));
    await first.drawings.putLine(room.uuid, kept);
    await first.close();
    const bad = 'x'.repeat(50_000);
    await raw([
      `insert into lines (room_uuid, uuid, name, points, point_count, tool, color, user_uuid)
         values ('${room.uuid}', '${bad}', 'line-${bad}', '[1,2]', 2, 'pen', '#000', 'u1'),
                ('${room.uuid}', 'not-a-uuid', 'line-not-a-uuid', '[1,2]', 2, 'pen', '#000', 'u1')`,
      `alter table drawings rename column chars to points_chars`,
      `update drawings set line_count = 3, points_chars = 22 + 5 + 5`,
      `delete from kysely_migration where name >= '0005'`,
    ]);
    const second = await open();
    try {
      expect((await second.drawings.get(room.uuid))!.lines).toEqual([kept]);
      // counted again as whole lines: two more lines of line() fit, with 38 characters of points
      expect((await second.drawings.putLine(room.uuid, line(range(1, 10)))).ok).toBe(true);
      expect(await second.drawings.putLine(room.uuid, line(range(1, 10)))).toEqual({
        ok: false,
        error: 'drawing_full',
      });
      expect((await second.drawings.putLine(room.uuid, line(range(1, 6)))).ok).toBe(true);
    } finally {
      await second.close();
    }
  }

  /**
   * Messages as the release before migration 0007 left them (no edits, replies, reactions,
   * change numbers or message search): afterwards they have their seq as rev, are found by
   * search, and take changes; the room's next change goes on after them.
   */
  async function upgradesMessages({ open, raw }: OldData, undo: string[]) {
    const first = await open();
    const room = await makeRoom(first);
    const u = await makeUser(first);
    for (const body of ['hello from before', 'second', 'hello again'])
      await first.messages.add(newMessage(room.uuid, u, body));
    await first.close();
    await raw([...undo, `delete from kysely_migration where name >= '0007'`]);
    const second = await open();
    try {
      const { list } = await second.messages.list(room.uuid, { limit: 10 });
      expect(list.map((m) => [m.seq, m.rev, m.edited, m.reactions])).toEqual([
        [1, 1, null, []],
        [2, 2, null, []],
        [3, 3, null, []],
      ]);
      const found = await second.messages.search(room.uuid, { query: 'hello', limit: 10 });
      expect(seqsOf(found.list)).toEqual([3, 1]);
      const edited = await second.messages.change(room.uuid, list[1]!.uuid, {
        kind: 'edit',
        body: 'hello edited',
        at: t(5),
      });
      expect(edited.ok && edited.message.rev).toBe(4);
      expect((await second.messages.add(newMessage(room.uuid, u, 'new')))?.rev).toBe(5);
    } finally {
      await second.close();
    }
  }

  it('brings SQLite messages from before the conversation up to date', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chat-open-'));
    const file = join(dir, 'chat.db');
    try {
      await upgradesMessages(sqliteAt(file), [
        `drop trigger messages_search_insert; drop trigger messages_search_delete;
           drop trigger messages_search_update; drop table messages_search`,
        `drop index messages_room_rev; drop index messages_room_uuid; drop table reactions`,
        ...['edited', 'deleted', 'reply_to', 'reactions', 'rev'].map(
          (c) => `alter table messages drop column ${c}`,
        ),
        `alter table rooms drop column rev`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(postgresUrl === undefined)(
    'brings PostgreSQL messages from before the conversation up to date',
    async () => {
      const url = postgresUrl!;
      const schema = testSchemaName();
      try {
        await upgradesMessages(postgresAt(url, schema), [
          `drop index messages_body_search, messages_room_rev, messages_room_uuid`,
          `drop table reactions`,
          `alter table messages drop column edited, drop column deleted, drop column reply_to,
               drop column reactions, drop column rev`,
          `alter table rooms drop column rev`,
        ]);
      } finally {
        await dropSchema(url, schema);
      }
    },
  );

  /**
   * Rooms as the release before migration 0008 left them (no owners): afterwards each is
   * public, unlocked and owned by nobody, listed to all, and takes settings and bars.
   */
  async function upgradesRooms({ open, raw }: OldData, undo: string[]) {
    const first = await open();
    const room = await makeRoom(first, 'from before');
    await first.close();
    await raw([...undo, `delete from kysely_migration where name >= '0008'`]);
    const second = await open();
    try {
      expect(await second.rooms.get(room.uuid)).toEqual({
        ...room,
        owner: null,
        locked: false,
        visibility: 'public',
      });
      expect(uuidsOf((await second.rooms.list({ limit: 10, viewer: 'x' })).list)).toEqual([
        room.uuid,
      ]);
      expect(await second.rooms.update(room.uuid, { locked: true })).toMatchObject({
        locked: true,
      });
      await second.bans.add(room.uuid, ['user:a'], t(9));
      expect(await second.bans.until(room.uuid, ['user:a'], t(1))).toBe(t(9));
    } finally {
      await second.close();
    }
  }

  it('brings SQLite rooms from before owners up to date', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chat-open-'));
    try {
      await upgradesRooms(sqliteAt(join(dir, 'chat.db')), [
        `drop table bans; drop table secrets`,
        ...['owner', 'locked', 'visibility'].map((c) => `alter table rooms drop column ${c}`),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(postgresUrl === undefined)(
    'brings PostgreSQL rooms from before owners up to date',
    async () => {
      const url = postgresUrl!;
      const schema = testSchemaName();
      try {
        await upgradesRooms(postgresAt(url, schema), [
          `drop table bans, secrets`,
          `alter table rooms drop column owner, drop column locked, drop column visibility`,
        ]);
      } finally {
        await dropSchema(url, schema);
      }
    },
  );

  it('repairs a SQLite drawing that holds lines with oversized uuids', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chat-open-'));
    const file = join(dir, 'chat.db');
    try {
      await repairsOversizedLines(sqliteAt(file));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(postgresUrl === undefined)(
    'repairs a PostgreSQL drawing that holds lines with oversized uuids',
    async () => {
      const url = postgresUrl!;
      const schema = testSchemaName();
      try {
        await repairsOversizedLines(postgresAt(url, schema));
      } finally {
        await dropSchema(url, schema);
      }
    },
  );

  it.skipIf(postgresUrl === undefined)(
    'nodes that start together on a fresh database all migrate it, directly and through PgBouncer',
    async () => {
      const url = postgresUrl!;
      const name = testSchemaName();
      const bouncer = await startPgBouncer(url);
      await createDatabase(url, name);
      const opened: Storage[] = [];
      try {
        // four at once through PgBouncer (transaction pooling: no session lock holds there)
        const through = bouncer.url(name);
        opened.push(
          ...(await Promise.all(
            Array.from({ length: 4 }, () =>
              SqlStorage.open({ kind: 'postgres', url: through, limits: LIMITS, poolSize: 2 }),
            ),
          )),
        );
        // and four at once directly, on a fresh schema
        opened.push(
          ...(await Promise.all(
            Array.from({ length: 4 }, () =>
              SqlStorage.open({ kind: 'postgres', url, schema: name, limits: LIMITS, poolSize: 2 }),
            ),
          )),
        );
        const room = await makeRoom(opened[0]!);
        expect((await opened[3]!.rooms.get(room.uuid))?.uuid).toBe(room.uuid);
        const client = new pg.Client({ connectionString: through });
        await client.connect();
        try {
          const applied = await client.query('select count(*)::int as n from kysely_migration');
          expect(applied.rows[0]).toEqual({ n: 9 });
        } finally {
          await client.end();
        }
      } finally {
        await Promise.all(opened.map((o) => o.close()));
        await bouncer.stop();
        await dropDatabase(url, name);
        await dropSchema(url, name);
      }
    },
  );

  it.skipIf(postgresUrl === undefined)(
    'every connection of the pool held longer than a query may wait: StorageBusy, not a database away',
    async () => {
      const url = postgresUrl!;
      const schema = testSchemaName();
      const storage = await SqlStorage.open({
        kind: 'postgres',
        url,
        schema,
        limits: LIMITS,
        poolSize: 1,
        poolWaitMs: 300,
      });
      const room = await makeRoom(storage);
      const locker = new pg.Client({ connectionString: url });
      await locker.connect();
      try {
        // another client holds the rooms table: a read of it keeps the pool's one connection
        await locker.query('begin');
        await locker.query(`lock table ${schema}.rooms in access exclusive mode`);
        const held = storage.rooms.get(room.uuid);
        await new Promise((r) => setTimeout(r, 100));
        const waited = await storage.rooms.get(room.uuid).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(waited).toBeInstanceOf(StorageBusy);
        await locker.query('rollback');
        expect((await held)?.uuid).toBe(room.uuid);
        // and the pool serves again
        expect((await storage.rooms.get(room.uuid))?.uuid).toBe(room.uuid);
      } finally {
        await locker.end();
        await storage.close();
        await dropSchema(url, schema);
      }
    },
  );

  it.skipIf(postgresUrl === undefined)(
    'migrates each PostgreSQL schema on its own: tables of another schema do not count',
    async () => {
      const url = postgresUrl!;
      const base = testSchemaName();
      // "_a" sorts first: a migration that looked at every schema would find its tables
      const [first, second] = [`${base}_a`, `${base}_b`];
      const open = (schema: string) =>
        SqlStorage.open({ kind: 'postgres', url, schema, limits: LIMITS, poolSize: 2 });
      try {
        const a = await open(first);
        const b = await open(second);
        const room = await makeRoom(b);
        expect((await b.drawings.putLine(room.uuid, line([1, 2]))).ok).toBe(true);
        await Promise.all([a.close(), b.close()]);
      } finally {
        await Promise.all([dropSchema(url, first), dropSchema(url, second)]);
      }
    },
  );

  it.skipIf(postgresUrl === undefined)(
    'migrates while another client of the database drops schemas of its own',
    async () => {
      const url = postgresUrl!;
      const base = testSchemaName();
      const others = Array.from({ length: 60 }, (_, i) => `${base}_other_${i}`);
      const ours = Array.from({ length: 6 }, (_, i) => `${base}_ours_${i}`);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const o of others) {
          await client.query(`create schema ${o}; create table ${o}.t (a int, b int, c int)`);
        }
        // the other client drops its schemas one by one while ours migrate
        const dropping = (async () => {
          for (const o of others) await client.query(`drop schema ${o} cascade`);
        })();
        for (const schema of ours) {
          const s = await SqlStorage.open({
            kind: 'postgres',
            url,
            schema,
            limits: LIMITS,
            poolSize: 2,
          });
          await s.close();
        }
        await dropping;
      } finally {
        for (const o of [...others, ...ours])
          await client.query(`drop schema if exists ${o} cascade`);
        await client.end();
      }
    },
  );

  it('keeps PostgreSQL tables in the schema named by ?schema=', async ({ skip }) => {
    if (postgresUrl === undefined) return skip('no DATABASE_URL');
    const schema = testSchemaName();
    const url = new URL(postgresUrl);
    url.searchParams.set('schema', schema);
    try {
      const one = await openStorage(url.toString(), LIMITS);
      const room = await makeRoom(one);
      await one.close();
      const two = await openStorage(url.toString(), LIMITS);
      expect(await two.rooms.get(room.uuid)).toEqual(room);
      await two.close();
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      try {
        const r = await client.query<{ n: string }>(
          'select count(*) as n from information_schema.tables where table_schema = $1 and table_name = $2',
          [schema, 'rooms'],
        );
        expect(r.rows[0]?.n).toBe('1');
      } finally {
        await client.end();
      }
    } finally {
      await dropSchema(postgresUrl, schema);
    }
  });

  it('refuses other specs with a message naming the accepted forms', async () => {
    for (const spec of ['', 'mysql://root:secret@db/chat', 'sqlite:', 'redis://x', 'postgres:/x']) {
      const err = await openStorage(spec, LIMITS).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(err, spec).toBeInstanceOf(Error);
      expect(err?.message).toMatch(/memory, sqlite:PATH .* postgres:\/\//);
      expect(err?.message).not.toContain('secret');
    }
  });

  it('describes specs without their password', () => {
    expect(describeStorage('memory')).toBe('memory');
    expect(describeStorage('sqlite:./data/chat.db')).toBe('sqlite:./data/chat.db');
    expect(describeStorage('postgres://chat:s3cret@db.example:5432/chat')).toBe(
      'postgres://chat:***@db.example:5432/chat',
    );
    expect(describeStorage('postgresql://chat@db/chat?password=s3cret&sslmode=require')).toBe(
      'postgresql://chat@db/chat?password=***&sslmode=require',
    );
    expect(describeStorage('postgres://u:p%40ss@[::1]/db')).not.toContain('p%40ss');
    expect(describeStorage('weird://u:pw@host')).not.toContain('pw@');
  });
});
