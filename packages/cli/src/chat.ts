import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import {
  CallError,
  ChatClient,
  retryRateLimited,
  roomsNamed,
  type History,
  type KeyValueStore,
} from '@chat/client';
import { tokenFile } from '@chat/client/node';
import { isUuid, LIMITS, type Message, type Room } from '@chat/protocol';
import { helpText, parseInput, usage, type CommandName, type Input } from './commands.ts';
import type { Options } from './options.ts';
import { clean, clock, day, plainMessage, plainRoom, prettyMessage, prettyRoom } from './render.ts';
import { Screen, type Streams } from './screen.ts';

/** What an error says to a person. */
function describe(err: unknown): string {
  if (err instanceof CallError) return err.detail;
  return err instanceof Error ? err.message : String(err);
}

/** `1 message`, `2 messages`. */
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** A room's members inlined in it, by uuid: null when the room has more than it inlines. */
function membersOf(room: Room): Map<string, string> | null {
  if (room.user_count > LIMITS.roomUsersInline) return null;
  return new Map(room.users.map((u) => [u.uuid, u.name]));
}

/**
 * The terminal client: one ChatClient, the commands read line by line, what happens in the
 * room written out. `run()` resolves with the exit code.
 */
export class Chat {
  private readonly client: ChatClient;
  private readonly screen: Screen;
  /** Lines are handled one after another, in the order they were read, once started. */
  private started: () => void = () => undefined;
  private queue = new Promise<void>((resolve) => (this.started = resolve));
  private readonly stopping = new AbortController();
  private done = false;
  private exit: (code: number) => void = () => undefined;
  private readonly finished = new Promise<number>((resolve) => (this.exit = resolve));
  /** The connection was up once: later drops are told. */
  private wasOnline = false;
  private lost = false;
  private me: string | null = null;
  /** The room entered, as last told by the server. */
  private here: Room | null = null;
  private members: Map<string, string> | null = null;
  /** The older part of the entry's page, not shown yet: /more shows it first. */
  private hidden: Message[] = [];
  /** The day of the last message shown (pretty output heads each new day). */
  private lastDay: string | null = null;

  constructor(
    private readonly options: Options,
    private readonly streams: Streams,
  ) {
    this.screen = new Screen(streams, options.color);
    this.client = new ChatClient({ url: options.url, WebSocket, storage: this.storage() });
  }

  /** Connects, enters the room asked for, then reads commands until /quit, EOF or quit(). */
  async run(): Promise<number> {
    this.listen();
    this.read();
    this.client.connect();
    if (await this.connected()) await this.start();
    this.started();
    this.screen.prompt();
    return this.finished;
  }

  /** Stops now (SIGINT, SIGTERM): the socket is closed, lines not handled yet are dropped. */
  quit(code = 0): void {
    if (this.done) return;
    this.done = true;
    this.stopping.abort();
    this.client.close();
    this.screen.close();
    this.exit(code);
  }

  // ---- start -------------------------------------------------------------------------------

  private storage(): KeyValueStore | null {
    const path = this.options.identity;
    if (path === null) return null;
    const file = tokenFile(path);
    return {
      getItem: (key) => {
        try {
          return file.getItem(key);
        } catch (err) {
          this.screen.fail(`cannot read your identity from ${path}: ${describe(err)}`);
          return null;
        }
      },
      setItem: (key, value) => {
        try {
          file.setItem(key, value);
        } catch (err) {
          this.screen.fail(`cannot keep your identity in ${path}: ${describe(err)}`);
        }
      },
    };
  }

  /** Whether the first connection came up in time; otherwise the run ends with 1. */
  private connected(): Promise<boolean> {
    const { url, connectTimeoutMs } = this.options;
    return new Promise((resolve) => {
      const settle = (online: boolean) => {
        clearTimeout(timer);
        off();
        resolve(online);
      };
      const timer = setTimeout(() => {
        this.screen.fail(`could not connect to ${url} within ${connectTimeoutMs / 1000} s`);
        this.quit(1);
      }, connectTimeoutMs);
      const off = this.client.on('identity', () => settle(true));
      void this.finished.then(() => settle(false));
    });
  }

  private async start(): Promise<void> {
    const { name, room } = this.options;
    if (name !== undefined && name !== this.client.user?.name && !(await this.rename(name))) {
      return this.quit(1);
    }
    if (room !== undefined) {
      if (!(await this.join(room))) return this.quit(1);
    } else {
      await this.listRooms('');
      this.screen.note('/join ROOM enters a room, /help lists the commands');
    }
  }

  /** Lines typed or read wait until the start is done, then are handled in order. */
  private read(): void {
    const { input } = this.screen;
    input.on('line', (line) => {
      const typed = parseInput(line);
      // a message comes back from the server, formatted: the line as typed goes at once
      // (later, other lines may have been written below it)
      if (typed.kind === 'message' && this.client.room !== null) this.screen.eraseTyped(line);
      this.screen.prompt();
      this.enqueue(() => this.handle(typed));
    });
    // end of input (EOF, Ctrl-D): quit once every line before it is handled (and --linger)
    input.on('close', () =>
      this.enqueue(async () => {
        const { signal } = this.stopping;
        await sleep(this.options.lingerMs, undefined, { signal }).catch(() => undefined);
        this.quit(0);
      }),
    );
    // Ctrl-C at the prompt
    input.on('SIGINT', () => this.quit(0));
    if (this.screen.interactive) {
      this.streams.stdin.on('keypress', (_s: string, key: { name?: string } | undefined) => {
        if (key?.name !== 'return') this.client.typing();
      });
    }
  }

  private enqueue(step: () => Promise<void>): void {
    this.queue = this.queue
      .then(() => (this.done ? undefined : step()))
      .catch((err: unknown) => this.screen.fail(describe(err)));
  }

  // ---- what the server tells -----------------------------------------------------------------

  private listen(): void {
    const c = this.client;
    const { screen } = this;
    c.on('identity', ({ user, resumed }) => {
      const path = this.options.identity;
      if (this.me === null) {
        const kept =
          path === null
            ? 'a new identity, not kept'
            : resumed
              ? `identity resumed from ${path}`
              : `a new identity, kept in ${path}`;
        screen.note(
          `connected to ${this.options.url} as ${clean(user.name)} (${user.uuid}), ${kept}`,
        );
      } else if (user.uuid !== this.me) {
        screen.note(
          `the server did not know your identity any more: you are now ${clean(user.name)}`,
        );
      }
      this.me = user.uuid;
    });
    c.on('state', (state) => {
      if (state === 'offline' && this.wasOnline && !this.lost) {
        this.lost = true;
        screen.note('connection lost; reconnecting…');
      } else if (state === 'online') {
        if (this.lost) {
          const room = this.here === null ? '' : ` in ${clean(this.here.name)}`;
          screen.note(`back online${room}`);
        }
        this.lost = false;
        this.wasOnline = true;
      } else if (state === 'taken_over') {
        screen.fail('another session resumed this identity (the same --identity file); quitting');
        this.quit(1);
      }
    });
    c.on('error', (err) => {
      if (this.done) return;
      screen.fail(describe(err));
      // a room that could not be entered again (deleted while away) is no longer wanted
      if (this.here !== null && c.room === null) this.left();
    });
    c.on('room_entered', ({ object: room }) => {
      if (room.uuid !== c.room) return;
      const first = this.here?.uuid !== room.uuid;
      this.here = room;
      this.members = membersOf(room);
      this.screen.setPrompt(room.name);
      if (!first) return;
      this.hidden = [];
      this.lastDay = null;
      screen.note(
        `entered ${clean(room.name)} (${room.user_count} here, ${count(room.sum, 'message')}; /help for commands)`,
      );
    });
    c.on('history', (h) => this.history(h));
    c.on('message_created', ({ object }) => {
      if (object.room_uuid === c.room) this.show(object);
    });
    c.on('message_changed', ({ object: m }) => {
      if (m.room_uuid !== c.room) return;
      const first = clean(m.body).split('\n')[0];
      screen.note(`${clean(m.user.name)} edited their message of ${clock(m.created)}: ${first}`);
    });
    c.on('message_deleted', ({ object: m }) => {
      if (m.room_uuid === c.room) {
        screen.note(`${clean(m.user.name)} deleted their message of ${clock(m.created)}`);
      }
    });
    c.on('room_changed', ({ object: room }) => {
      if (room.uuid !== this.here?.uuid) return;
      const before = this.here;
      this.here = room;
      if (room.name !== before.name) {
        screen.note(`the room is now called ${clean(room.name)}`);
        screen.setPrompt(room.name);
      }
      this.comings(membersOf(room));
    });
    c.on('user_kicked', ({ room_uuid, until }) => {
      if (room_uuid !== c.room) return;
      const name = this.here === null ? 'the room' : clean(this.here.name);
      screen.fail(`you were removed from ${name} until ${new Date(until).toLocaleString()}`);
      this.left();
      c.leaveRoom().catch(() => undefined);
    });
  }

  /** Who joined, left or took another name, from the room's members before and now. */
  private comings(now: Map<string, string> | null): void {
    const before = this.members;
    this.members = now;
    if (before === null || now === null) return;
    for (const [uuid, name] of now) {
      const was = before.get(uuid);
      if (uuid === this.me) continue;
      if (was === undefined) this.screen.note(`${clean(name)} joined`);
      else if (was !== name) this.screen.note(`${clean(was)} is now ${clean(name)}`);
    }
    for (const [uuid, name] of before) {
      if (!now.has(uuid) && uuid !== this.me) this.screen.note(`${clean(name)} left`);
    }
  }

  private history(h: History): void {
    if (h.room !== this.client.room) return;
    if (h.mode === 'initial') {
      const count = Math.min(this.options.history, h.list.length);
      this.hidden = h.list.slice(0, h.list.length - count);
      this.showAll(h.list.slice(h.list.length - count));
      if (this.hidden.length > 0 || h.has_more) this.screen.note('older messages: /more');
    } else if (h.mode === 'newer') {
      // what was said while the connection was down
      this.showAll(h.list);
    }
  }

  private showAll(list: Message[]): void {
    for (const m of list) this.show(m);
  }

  private show(m: Message): void {
    const { screen } = this;
    if (!screen.pretty) return screen.out(plainMessage(m));
    const today = day(m.created);
    if (today !== this.lastDay) screen.out(screen.paint('dim', `── ${today} ──`));
    this.lastDay = today;
    screen.out(prettyMessage(m, m.user.uuid === this.me, screen.paint));
  }

  /** The room is no longer ours (left, kicked, gone). */
  private left(): void {
    this.here = null;
    this.members = null;
    this.hidden = [];
    this.screen.setPrompt(null);
  }

  // ---- what you type -------------------------------------------------------------------------

  private async handle(input: Input): Promise<void> {
    switch (input.kind) {
      case 'empty':
        return;
      case 'unknown':
        return this.screen.fail(`unknown command /${input.name} (/help lists the commands)`);
      case 'message':
        return this.say(input.body);
      case 'command':
        return this.command(input.name, input.arg);
    }
  }

  private async command(name: CommandName, arg: string): Promise<void> {
    if (['join', 'create', 'rename'].includes(name) && arg === '') {
      return this.screen.fail(`usage: ${usage(name)}`);
    }
    switch (name) {
      case 'rooms':
        return this.listRooms(arg);
      case 'join':
        await this.join(arg);
        return;
      case 'create':
        return this.create(arg);
      case 'leave':
        return this.leave();
      case 'who':
        return this.who();
      case 'more':
        return this.more();
      case 'rename':
        await this.rename(arg);
        return;
      case 'help':
        return this.screen.out(helpText());
      case 'quit':
        return this.quit(0);
    }
  }

  /** Runs a request; a refusal or failure is told, and gives null. */
  private async attempt<T>(request: () => Promise<T>): Promise<T | null> {
    try {
      return await request();
    } catch (err) {
      if (!this.done) this.screen.fail(describe(err));
      return null;
    }
  }

  private async listRooms(query: string): Promise<void> {
    const listed = await this.attempt(() =>
      this.client.request('list_rooms', query === '' ? {} : { query }),
    );
    if (listed === null) return;
    const { screen } = this;
    if (listed.list.length === 0) {
      return screen.note(
        query === '' ? 'no rooms yet: /create NAME makes one' : `no room's name holds "${query}"`,
      );
    }
    const width = Math.min(30, Math.max(...listed.list.map((r) => [...clean(r.name)].length)));
    for (const room of listed.list) {
      screen.out(screen.pretty ? prettyRoom(room, width, screen.paint) : plainRoom(room));
    }
    if (listed.cursor !== null) screen.note('there are more rooms: /rooms QUERY narrows the list');
  }

  /** Enters a room named so, or of that uuid; whether it was entered. */
  private async join(target: string): Promise<boolean> {
    let uuid = target;
    if (!isUuid(target)) {
      const rooms = await this.attempt(() => roomsNamed(this.client, target));
      if (rooms === null) return false;
      const [oldest] = rooms;
      if (oldest === undefined) {
        this.screen.fail(
          `no room is named "${target}" (/rooms lists them, /create ${target} makes one)`,
        );
        return false;
      }
      if (rooms.length > 1) {
        this.screen.note(
          `${rooms.length} rooms are named "${target}": entering the oldest (/join UUID for another)`,
        );
      }
      uuid = oldest.uuid;
    }
    return (await this.attempt(() => this.client.enterRoom(uuid))) !== null;
  }

  private async create(name: string): Promise<void> {
    const made = await this.attempt(() => this.client.request('create_room', { name }));
    if (made !== null) await this.join(made.object.uuid);
  }

  private async leave(): Promise<void> {
    if (this.client.room === null) return this.screen.fail('not in a room');
    const name = this.here === null ? 'the room' : clean(this.here.name);
    this.left();
    if ((await this.attempt(() => this.client.leaveRoom())) !== null) {
      this.screen.note(`left ${name}`);
    }
  }

  private who(): void {
    const room = this.here;
    if (room === null) return this.screen.fail('not in a room');
    if (!this.screen.pretty) {
      for (const u of room.users) this.screen.out(clean(u.name));
      return;
    }
    const names = room.users.map((u) => clean(u.name) + (u.uuid === this.me ? ' (you)' : ''));
    const others = room.user_count - names.length;
    const more = others > 0 ? ` and ${others} more` : '';
    this.screen.out(`${room.user_count} here: ${names.join(', ')}${more}`);
  }

  private async more(): Promise<void> {
    if (this.client.room === null) return this.screen.fail('not in a room');
    const page = this.options.history || 20;
    let list = this.hidden.slice(-page);
    this.hidden = this.hidden.slice(0, this.hidden.length - list.length);
    if (list.length === 0) {
      const older = await this.attempt(() => this.client.loadOlder(page));
      list = older?.list ?? [];
    }
    if (list.length === 0) return this.screen.note('no older messages');
    this.screen.note(`${count(list.length, 'older message')}:`);
    this.lastDay = null;
    this.showAll(list);
    this.lastDay = null;
    this.screen.note('end of the older messages');
  }

  /** Takes another name; whether the server took it. */
  private async rename(name: string): Promise<boolean> {
    const changed = await this.attempt(() => this.client.request('change_user_name', { name }));
    if (changed !== null) this.screen.note(`you are now ${clean(changed.object.name)}`);
    return changed !== null;
  }

  /** Sends a message; one refused for its rate is sent again after the wait the server asks. */
  private async say(body: string): Promise<void> {
    if (this.client.room === null) {
      return this.screen.fail('not in a room: /join ROOM first (/rooms lists them)');
    }
    const { signal } = this.stopping;
    try {
      await retryRateLimited(() => this.client.request('create_message', { body }), { signal });
    } catch (err) {
      if (!this.done) this.screen.fail(`not sent: ${describe(err)}`);
    }
  }
}
