import {
  CallError,
  ChatClient,
  retryRateLimited,
  roomsNamed,
  type ChatClientOptions,
} from '@chat/client';
import { isUuid, type Message, type Room } from '@chat/protocol';
import { answer } from './answers.ts';

/** Questions asked while the bot's connection was down are answered if it was back within this. */
const MISSED_MS = 60_000;

export interface BotOptions {
  /** The server: `ws://host:port` or `http://host:port`. */
  url: string;
  /** The room to be in: a uuid, or a name (the room is made when none has it). */
  room: string;
  /** The name to take. */
  name?: string;
  /** Passed to ChatClient: `WebSocket` (Node: the `ws` package's), `storage` (the token), … */
  client?: Omit<ChatClientOptions, 'url'>;
  /** Where the bot says what it does (default: nowhere). */
  log?: (line: string) => void;
  /** Numbers in [0, 1) for the dice (default Math.random). */
  random?: () => number;
  /** The least time between two answers (default 250 ms: 4 a second). */
  answerIntervalMs?: number;
  /** Answers waiting at most; beyond, a question is left unanswered (default 20). */
  maxWaiting?: number;
}

/** Milliseconds until a second after `until` (an ISO time). */
const untilThen = (until: string) => Math.max(1_000, Date.parse(until) - Date.now() + 1_000);

/** When to try a room again after this refusal: after a bar's end, or `otherwise` ms. */
const retryIn = (err: unknown, otherwise: number) =>
  err instanceof CallError && err.until !== undefined ? untilThen(err.until) : otherwise;

/**
 * A bot on @chat/client: stays in one room, across reconnects, and answers `!help` and
 * `!roll NdM` (see answers.ts). It answers the questions asked while it is there, and those
 * asked while its connection was down if it is back within a minute (not older history);
 * never its own messages; and paces its answers well under the server's rate limits.
 */
export class DiceBot {
  readonly client: ChatClient;
  /** Resolves with a reason when the bot stops by itself (its identity taken over). */
  readonly ended: Promise<string>;
  private end: (reason: string) => void = () => undefined;
  private readonly log: (line: string) => void;
  private readonly waiting: string[] = [];
  private sending = false;
  private stopped = false;
  private readonly stopping = new AbortController();
  private rejoinTimer: ReturnType<typeof setTimeout> | null = null;
  /** When the connection was lost (null while up). */
  private lostAt: number | null = null;

  constructor(private readonly options: BotOptions) {
    this.log = options.log ?? (() => undefined);
    this.client = new ChatClient({ ...options.client, url: options.url });
    this.ended = new Promise((resolve) => (this.end = resolve));
    this.listen();
  }

  /** Connects, takes its name, enters its room; resolves with the room once in it. */
  async start(): Promise<Room> {
    this.client.connect();
    const { name } = this.options;
    const me = await this.online();
    if (name !== undefined && me !== name) {
      await this.client.request('change_user_name', { name });
      this.log(`named ${name}`);
    }
    return this.join();
  }

  /** Leaves: the connection is closed, answers not sent yet are dropped. */
  stop(): void {
    this.stopped = true;
    this.stopping.abort(new Error('The bot stopped.'));
    if (this.rejoinTimer !== null) clearTimeout(this.rejoinTimer);
    this.client.close();
  }

  /** Resolves with its name once the client has its identity. */
  private online(): Promise<string> {
    return new Promise((resolve) => {
      const { user } = this.client;
      if (this.client.state === 'online' && user !== null) return resolve(user.name);
      const off = this.client.on('identity', ({ user: u }) => {
        off();
        resolve(u.name);
      });
    });
  }

  /** Enters the room: by uuid, or the room of that name, made if there is none. */
  private async join(): Promise<Room> {
    const { room } = this.options;
    let uuid = room;
    if (!isUuid(room)) {
      const [found] = await roomsNamed(this.client, room);
      uuid = found?.uuid ?? (await this.client.request('create_room', { name: room })).object.uuid;
      if (found === undefined) this.log(`made the room ${room}`);
    }
    const entered = (await this.client.enterRoom(uuid)).room_entered.object;
    this.log(`in the room ${entered.name} (${entered.uuid})`);
    return entered;
  }

  private listen(): void {
    const c = this.client;
    c.on('message_created', ({ object: m }, meta) => {
      if (!meta.own) this.consider(m);
    });
    // what was said while the connection was down comes as history when the bot is back
    c.on('history', ({ mode, room, list }) => {
      const away = this.lostAt === null ? Infinity : Date.now() - this.lostAt;
      if (mode !== 'newer' || room !== c.room) return;
      this.lostAt = null;
      if (away <= MISSED_MS) for (const m of list) this.consider(m);
    });
    c.on('state', (state) => {
      if (state === 'offline' && this.lostAt === null) {
        this.log('connection lost; reconnecting');
        this.lostAt = Date.now();
      }
      if (state === 'online') this.log(`online as ${c.user?.name ?? '?'}`);
      if (state === 'taken_over') {
        this.log('another connection took over this identity; stopping');
        this.stop();
        this.end('taken over');
      }
    });
    c.on('error', (err) => {
      this.log(`error: ${err.message}`);
      // the room went away while the bot was offline: a room given by name is made again
      if (err instanceof CallError && err.call === 'enter_room' && c.room === null) {
        this.rejoin(retryIn(err, 1_000));
      }
    });
    c.on('user_kicked', ({ room_uuid, until }) => {
      if (room_uuid !== c.room) return;
      this.log(`removed from the room until ${until}`);
      c.leaveRoom().catch(() => undefined);
      this.rejoin(untilThen(until));
    });
  }

  /** A message in the room: a question to answer, or not. */
  private consider(m: Message): void {
    // its own messages are never questions
    if (m.user.uuid === this.client.user?.uuid || m.room_uuid !== this.client.room) return;
    const reply = answer(m.body, m.user.name, this.options.random);
    if (reply !== null) this.say(reply);
  }

  private rejoin(afterMs: number): void {
    if (this.stopped) return;
    if (this.rejoinTimer !== null) clearTimeout(this.rejoinTimer);
    this.rejoinTimer = setTimeout(() => {
      this.rejoinTimer = null;
      this.join().catch((err: unknown) => {
        this.log(`could not enter the room again: ${(err as Error).message}`);
        this.rejoin(retryIn(err, 30_000));
      });
    }, afterMs);
  }

  /** Queues an answer: they go out one at a time, answerIntervalMs apart. */
  private say(body: string): void {
    if (this.waiting.length >= (this.options.maxWaiting ?? 20)) {
      this.log('too many questions at once: one left unanswered');
      return;
    }
    this.waiting.push(body);
    if (!this.sending) void this.drain();
  }

  private async drain(): Promise<void> {
    this.sending = true;
    const { signal } = this.stopping;
    const interval = this.options.answerIntervalMs ?? 250;
    for (let body = this.waiting.shift(); body !== undefined; body = this.waiting.shift()) {
      try {
        const request = () => this.client.request('create_message', { body });
        await retryRateLimited(request, { signal });
        await new Promise((resolve) => setTimeout(resolve, interval));
      } catch (err) {
        if (this.stopped) break;
        this.log(`an answer was not sent: ${(err as Error).message}`);
      }
    }
    this.sending = false;
  }
}
