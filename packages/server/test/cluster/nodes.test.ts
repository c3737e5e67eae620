import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '@chat/protocol';
import { TestClient } from '../helpers/client.ts';
import {
  SETUPS,
  clusterServicesOrSkip,
  openDeployment,
  type Deployment,
  type NodeProcess,
} from '../helpers/cluster.ts';

const services = clusterServicesOrSkip();

/** Short, so that a dead node is noticed in seconds (the default is 15 s). */
const LEASE_MS = 1500;

const uuids = (room: Room) => room.users.map((u) => u.uuid).sort();

describe.skipIf(!services).each(SETUPS)(
  'rooms, presence and identity across two nodes (%s)',
  (setup) => {
    let deployment: Deployment;
    let a: NodeProcess;
    let b: NodeProcess;
    const clients: TestClient[] = [];

    async function connect(node: NodeProcess, token?: string): Promise<TestClient> {
      const c = await TestClient.connect(node.url, token === undefined ? {} : { token });
      clients.push(c);
      return c;
    }

    async function enter(c: TestClient, room: string): Promise<Room> {
      c.call('enter_room', { uuid: room });
      const entered = await c.next('room_entered');
      await c.next('drawing_got');
      return entered.object;
    }

    async function newRoom(c: TestClient, name: string): Promise<string> {
      c.call('create_room', { name });
      return (await c.next('room_created', (p) => p.object.name === name)).object.uuid;
    }

    beforeAll(async () => {
      deployment = await openDeployment(services!, setup);
      const args = ['--lease-ms', String(LEASE_MS)];
      [a, b] = await Promise.all([
        deployment.start('A', { args }),
        deployment.start('B', { args }),
      ]);
    });
    afterAll(async () => {
      for (const c of clients) c.ws.terminate();
      await deployment?.dispose();
    });

    it('a room created, renamed, recolored or deleted on A shows on B', async () => {
      const [onA, onB] = [await connect(a), await connect(b)];
      onA.call('create_room', { name: 'made on A' });
      const created = (await onB.next('room_created', (p) => p.object.name === 'made on A')).object;
      onA.call('change_name', { uuid: created.uuid, name: 'renamed on A' });
      const renamed = await onB.next('room_changed', (p) => p.object.uuid === created.uuid);
      expect(renamed.object.name).toBe('renamed on A');
      onA.call('change_color', { uuid: created.uuid, color: '#123456' });
      const recolored = await onB.next('room_changed', (p) => p.object.uuid === created.uuid);
      expect(recolored.object.color).toBe('#123456');
      onA.call('delete_room', { uuid: created.uuid });
      const deleted = await onB.next('room_deleted', (p) => p.object.uuid === created.uuid);
      expect(deleted.object.name).toBe('renamed on A');
      // and the other way round
      onB.call('create_room', { name: 'made on B' });
      await onA.next('room_created', (p) => p.object.name === 'made on B');
    });

    it('edits, deletions, reactions and replies made on one node reach the other; a client back on the other catches up', async () => {
      const [onA, onB, away] = [await connect(a), await connect(b), await connect(b)];
      const room = await newRoom(onA, 'the conversation');
      for (const c of [onA, onB, away]) await enter(c, room);
      onA.call('create_message', { body: 'first' });
      const first = (await onB.next('message_created')).object;
      onB.call('create_message', { body: 'reply from B', reply_to: first.uuid });
      const reply = (await onA.next('message_created', (p) => p.object.seq === 2)).object;
      expect(reply.reply_to).toMatchObject({ uuid: first.uuid, name: onA.user.name });
      onA.call('react', { uuid: reply.uuid, emoji: '👍' });
      expect((await onB.next('message_changed')).object.reactions).toEqual([
        { emoji: '👍', count: 1, users: [onA.user.uuid] },
      ]);
      // one client of B goes away; changes go on from both nodes
      const seen = reply.rev + 1;
      await away.next('message_changed');
      const token = away.token;
      await away.close();
      onA.call('edit_message', { uuid: first.uuid, body: 'first, edited on A' });
      expect((await onB.next('message_changed')).object.body).toBe('first, edited on A');
      onB.call('delete_message', { uuid: reply.uuid });
      expect((await onA.next('message_deleted')).object.uuid).toBe(reply.uuid);
      // back on the other node: everything after the change it saw
      const back = await connect(a, token);
      await enter(back, room);
      back.call('list_messages', { changed_after: seen });
      const caught = await back.next('messages_listed', (p) => p.changed_after === seen);
      expect(caught.list.map((m) => [m.seq, m.body, m.deleted !== null])).toEqual([
        [1, 'first, edited on A', false],
        [2, '', true],
      ]);
    });

    it("enter_room on B sees A's users, and A's users see B's user arrive", async () => {
      const [a1, a2, b1] = [await connect(a), await connect(a), await connect(b)];
      const room = await newRoom(a1, 'meeting');
      await enter(a1, room);
      await enter(a2, room);
      const seen = await enter(b1, room);
      expect(uuids(seen)).toEqual([a1.user.uuid, a2.user.uuid, b1.user.uuid].sort());
      expect(seen.user_count).toBe(3);
      await a1.next('room_changed', (p) => p.object.uuid === room && p.object.user_count === 3);
      b1.call('list_room_users', { uuid: room });
      const members = await b1.next('room_users_listed');
      expect(members.list.map((u) => u.uuid)).toEqual([a1.user.uuid, a2.user.uuid, b1.user.uuid]);
      // a message from B reaches A
      b1.call('create_message', { body: 'hello from B' });
      expect((await a2.next('message_created')).object.body).toBe('hello from B');
    });

    it('a token resumed on B ends its session on A; the others see no leave and no join', async () => {
      const [old, other, watcher] = [await connect(a), await connect(a), await connect(b)];
      const room = await newRoom(old, 'takeover');
      await enter(old, room);
      await enter(other, room);
      await enter(watcher, room);
      for (const c of [other, watcher]) {
        await c.next('room_changed', (p) => p.object.uuid === room && p.object.user_count === 3);
        c.drain();
      }

      const resumed = await connect(b, old.token);
      expect(resumed.resumed).toBe(true);
      expect(resumed.user).toEqual({ ...old.user, room_uuid: room });
      expect(await old.error()).toMatchObject({ message: 'session_taken_over' });
      expect(await old.closed).toBe(4000);

      // the new connection is in the room at once: its message reaches both nodes
      resumed.call('create_message', { body: 'still here' });
      for (const c of [other, watcher]) {
        const m = await c.next('message_created');
        expect(m.object.user.uuid).toBe(old.user.uuid);
      }
      const changes = [other, watcher].flatMap((c) => c.pending('room_changed'));
      for (const f of changes) {
        expect((f.payload as { object: Room }).object.user_count).toBe(3);
      }
    });

    it("SIGKILL of node A: within 30 s B's clients see A's users leave their rooms", async () => {
      const [a1, a2, b1, lobby] = [
        await connect(a),
        await connect(a),
        await connect(b),
        await connect(b),
      ];
      const room = await newRoom(b1, 'abandoned');
      await enter(a1, room);
      await enter(a2, room);
      await enter(b1, room);
      for (const c of [b1, lobby]) {
        await c.next('room_changed', (p) => p.object.uuid === room && p.object.user_count === 3);
        c.drain();
      }

      const killed = Date.now();
      a.child.kill('SIGKILL');
      await a.exited;
      const left = (c: TestClient) =>
        c.next('room_changed', (p) => p.object.uuid === room && p.object.user_count === 1, 30_000);
      // to all: in the room and not
      const [inRoom] = await Promise.all([left(b1), left(lobby)]);
      const after = Date.now() - killed;
      expect(uuids(inRoom.object)).toEqual([b1.user.uuid]);
      expect(after).toBeLessThan(30_000);
      console.log(
        `cluster: a SIGKILLed node's users left ${after} ms after the kill (lease ${LEASE_MS} ms)`,
      );
    }, 40_000);
  },
);
