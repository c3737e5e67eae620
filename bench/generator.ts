/**
 * The load generator, in its own process: many WebSocket clients speaking the chat
 * protocol (or, against the bare server, sending the same create_message frames), driven
 * by the orchestrator over IPC.
 *
 * Latency: every benchmark message body starts with `~B<step>:<sender>:<counter>:<ms>~`,
 * where ms is `performance.timeOrigin + performance.now()` at send time; a receiver takes
 * the same clock on arrival. Within one generator process that is one monotonic clock;
 * between generator processes on this machine the origins agree to well under 1 ms.
 */
import { performance } from 'node:perf_hooks';
import WebSocket, { type RawData } from 'ws';
import { callFrame, readFrame } from '@chat/client';
import {
  CALL_REPLIES,
  socketUrl,
  type AnsweredCall,
  type CallInput,
  type ResultPayload,
} from '@chat/protocol';
import type {
  ClosedLoopResult,
  GeneratorCommands,
  MessageCopies,
  OpenResult,
  ServerKind,
  StepResult,
  TimedCalls,
} from './lib/commands.ts';
import { Histogram } from './lib/histogram.ts';
import { serve } from './lib/ipc.ts';

interface Waiter {
  until: string;
  frames: ResultPayload[];
  resolve: (frames: ResultPayload[]) => void;
  reject: (err: Error) => void;
}

const MARK = Buffer.from('~B');
const TILDE = 0x7e;
const ID_KEY = Buffer.from('"id":"');
const now = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------- what is being measured

interface StepState {
  received: number;
  latency: Histogram;
  /** Copies received per message (`gen:sender:counter`), to say which went missing. */
  copies: Map<string, number>;
  /** Messages this generator sent in the step. */
  sentKeys: string[];
}
const newStep = (): StepState => ({
  received: 0,
  latency: new Histogram(),
  copies: new Map(),
  sentKeys: [],
});
/** Tells this generator's messages from another's: senders are numbered per generator. */
const GEN = process.pid;
const steps = new Map<number, StepState>();
/** Step number of the closed loop's messages. */
const LOOP_STEP = -1;
let loop:
  | {
      running: boolean;
      endAt: number;
      inWindow: number;
      confirmed: number;
      received: number;
      deliveredInWindow: number;
      latency: Histogram;
      outstanding: number;
      onIdle: (() => void) | undefined;
    }
  | undefined;

let lastDeliveryAt = 0;
/**
 * While tracked (trackCopies): per benchmark message (`step:gen:sender:counter`), the copies
 * received here and the latency of the latest one; the orchestrator merges the generators'
 * to know when every member of the room had a message.
 */
let copies: Map<string, [number, number]> | undefined;
let otherFrames = 0;
let otherBytes = 0;
let errorFrames = 0;
const errorSamples: string[] = [];
let unexpectedCloses = 0;

function noteError(text: string): void {
  errorFrames++;
  if (errorSamples.length < 5) errorSamples.push(text.slice(0, 300));
}

// ---------------------------------------------------------------- clients

class Client {
  user = '';
  /** Frames expected before the client is ready (chat: user_created, rooms_listed). */
  private greeting: number;
  private greeted!: () => void;
  private failed!: (err: Error) => void;
  readonly ready: Promise<void>;
  private readonly waiters = new Map<string, Waiter>();
  private nextId = 0;
  counter = 0;
  /** Deliveries of step `countStep` this client received. */
  countStep = 0;
  count = 0;
  closing = false;
  readonly closed: Promise<void>;

  constructor(
    readonly idx: number,
    readonly ws: WebSocket,
    readonly kind: ServerKind,
  ) {
    this.greeting = kind === 'chat' ? 2 : 0;
    this.ready = new Promise<void>((resolve, reject) => {
      this.greeted = resolve;
      this.failed = reject;
    });
    ws.on('open', () => {
      if (this.greeting === 0) this.greeted();
    });
    ws.on('error', (err) => this.failed(err));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) this.onFrame(data as Buffer);
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code) => {
        if (!this.closing) {
          unexpectedCloses++;
          this.failed(new Error(`closed with code ${code}`));
        }
        for (const w of this.waiters.values()) w.reject(new Error(`closed with code ${code}`));
        this.waiters.clear();
        resolve();
      }),
    );
  }

  /**
   * A frame from the server. What is measured (benchmark messages) is read by its bytes;
   * everything else by @chat/client's reader, which checks it against the protocol.
   */
  private onFrame(data: Buffer): void {
    if (this.greeting > 0) {
      const f = readFrame(data.toString('utf8'));
      if (f.kind !== 'result') {
        this.failed(new Error(`greeting: ${data.toString('utf8').slice(0, 300)}`));
        return;
      }
      if (f.payload.message === 'user_created') this.user = f.payload.object.uuid;
      if (--this.greeting === 0) this.greeted();
      return;
    }
    // an error frame: `{"type":"error",...`
    if (data[9] === 0x65 /* e */ && data.toString('latin1', 0, 16) === '{"type":"error",') {
      const f = readFrame(data.toString('utf8'));
      const id = f.kind === 'error' ? f.payload.id : undefined;
      const w = id === undefined ? undefined : this.waiters.get(id);
      if (w && id !== undefined) {
        this.waiters.delete(id);
        w.reject(new Error(`error ${data.toString('utf8').slice(0, 300)}`));
      } else noteError(data.toString('utf8'));
      return;
    }
    if (this.waiters.size > 0 && data.lastIndexOf(ID_KEY) >= 0) {
      const f = readFrame(data.toString('utf8'));
      const id = f.kind === 'result' ? f.payload.id : undefined;
      const w = id === undefined ? undefined : this.waiters.get(id);
      if (f.kind === 'result' && w && id !== undefined) {
        w.frames.push(f.payload);
        if (f.payload.message === w.until) {
          this.waiters.delete(id);
          w.resolve(w.frames);
        }
        return;
      }
    }
    const m = data.indexOf(MARK);
    if (m >= 0) {
      onDelivery(this, data, m);
      return;
    }
    otherFrames++;
    otherBytes += data.length;
  }

  /**
   * Sends a call with a fresh id; resolves with every result carrying that id, up to the
   * one that answers it (CALL_REPLIES).
   */
  call<K extends AnsweredCall>(call: K, args: CallInput<K>): Promise<ResultPayload[]> {
    const id = `b${GEN}-${this.idx}-${++this.nextId}`;
    return new Promise<ResultPayload[]>((resolve, reject) => {
      this.waiters.set(id, { until: CALL_REPLIES[call], frames: [], resolve, reject });
      this.ws.send(callFrame(call, args, id));
    });
  }

  sendMessage(step: number, bodyBytes: number): void {
    const counter = ++this.counter;
    steps.get(step)?.sentKeys.push(`${GEN}:${this.idx}:${counter}`);
    const body = `~B${step}:${GEN}:${this.idx}:${counter}:${now().toFixed(3)}~`.padEnd(
      bodyBytes,
      'x',
    );
    // the measured load: built by hand (the body needs no escaping), no serializer in the way
    this.ws.send(`{"type":"call","payload":{"message":"create_message","body":"${body}"}}`);
  }

  close(): Promise<void> {
    this.closing = true;
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    this.ws.close();
    return this.closed;
  }
}

function onDelivery(client: Client, data: Buffer, at: number): void {
  const t = now();
  lastDeliveryAt = t;
  const end = data.indexOf(TILDE, at + 2);
  if (end < 0) return;
  const parts = data.toString('latin1', at + 2, end).split(':');
  const step = Number(parts[0]);
  const sentAt = Number(parts[4]);
  if (copies) {
    const key = `${parts[0]}:${parts[1]}:${parts[2]}:${parts[3]}`;
    const c = copies.get(key);
    if (!c) copies.set(key, [1, t - sentAt]);
    else {
      c[0]++;
      c[1] = Math.max(c[1], t - sentAt);
    }
  }
  if (step === LOOP_STEP) {
    if (!loop) return;
    loop.received++;
    loop.latency.record(t - sentAt);
    if (t <= loop.endAt) loop.deliveredInWindow++;
    if (
      Number(parts[1]) === GEN &&
      Number(parts[2]) === client.idx &&
      Number(parts[3]) === client.counter
    ) {
      // the sender's own copy: committed and delivered; send the next one
      loop.confirmed++;
      loop.outstanding--;
      if (t <= loop.endAt) loop.inWindow++;
      if (loop.running && t < loop.endAt) {
        loop.outstanding++;
        client.sendMessage(LOOP_STEP, loopBodyBytes);
      } else if (loop.outstanding === 0) loop.onIdle?.();
    }
    return;
  }
  const s = steps.get(step);
  if (!s) return;
  s.received++;
  s.latency.record(t - sentAt);
  const key = `${parts[1]}:${parts[2]}:${parts[3]}`;
  s.copies.set(key, (s.copies.get(key) ?? 0) + 1);
  if (client.countStep !== step) {
    client.countStep = step;
    client.count = 0;
  }
  client.count++;
}
let loopBodyBytes = 100;

let clients: Client[] = [];

/** The chat server's socket as our clients open it (?v=2); the bare server's. */
function wsUrl(url: string, kind: ServerKind): string {
  return kind === 'chat' ? socketUrl(url) : `${url.replace(/^http/, 'ws')}/`;
}

function connect(url: string, kind: ServerKind, localAddress?: string): Client {
  const ws = new WebSocket(wsUrl(url, kind), {
    perMessageDeflate: false,
    skipUTF8Validation: true,
    ...(localAddress ? { localAddress } : {}),
  });
  return new Client(clients.length, ws, kind);
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at once. */
async function pool(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

// ---------------------------------------------------------------- commands

serve<GeneratorCommands>(
  {
    async open({ url, kind, count, concurrency, localAddresses }) {
      const first = clients.length;
      const connectTimes = new Histogram();
      const errors = new Set<string>();
      let failed = 0;
      const t0 = performance.now();
      await pool(count, concurrency, async (i) => {
        const local = localAddresses?.length ? localAddresses[i % localAddresses.length] : '';
        const s = performance.now();
        const c = connect(url, kind, local);
        clients.push(c);
        try {
          await c.ready;
          connectTimes.record(performance.now() - s);
        } catch (err) {
          failed++;
          errors.add(err instanceof Error ? err.message : String(err));
        }
      });
      const result: OpenResult = {
        first,
        opened: count - failed,
        failed,
        errors: [...errors].slice(0, 5),
        ms: performance.now() - t0,
        connect: connectTimes.data(),
      };
      return result;
    },

    async closeAll() {
      const t0 = performance.now();
      const all = clients;
      clients = [];
      await Promise.race([
        Promise.all(all.map((c) => c.close())),
        new Promise((r) => setTimeout(r, 20_000)),
      ]);
      for (const c of all) if (c.ws.readyState !== WebSocket.CLOSED) c.ws.terminate();
      return { ms: performance.now() - t0 };
    },

    async call({ client, call, args }) {
      const c = clients[client];
      if (!c) throw new Error(`no client ${client}`);
      const frames = await c.call(call, args);
      return frames.at(-1);
    },

    async enter({ rooms, from, count, perRoom, concurrency }) {
      const t0 = performance.now();
      await pool(count, concurrency, async (i) => {
        const c = clients[from + i];
        const room = rooms[Math.floor(i / perRoom)];
        if (!c || room === undefined) throw new Error(`no client ${from + i} or room`);
        await c.call('enter_room', { uuid: room });
      });
      return { ms: performance.now() - t0 };
    },

    async stepSend({ step, rate, durationMs, bodyBytes }) {
      if (!steps.has(step)) steps.set(step, newStep());
      const live = clients.filter((c) => c.ws.readyState === WebSocket.OPEN);
      if (live.length === 0) throw new Error('no open clients');
      const total = Math.max(1, Math.round((rate * durationMs) / 1000));
      const interval = 1000 / rate;
      const start = performance.now();
      let sent = 0;
      let rr = 0;
      let lag = 0;
      await new Promise<void>((resolve) => {
        const tick = () => {
          const t = performance.now();
          const due = Math.min(total, Math.floor((t - start) / interval) + 1);
          if (sent < due) lag = Math.max(lag, t - (start + sent * interval));
          while (sent < due) {
            live[rr++ % live.length]!.sendMessage(step, bodyBytes);
            sent++;
          }
          if (sent >= total) resolve();
          else setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
        };
        tick();
      });
      return { sent, sendLagMs: lag, sendMs: performance.now() - start };
    },

    stepPrepare({ step }) {
      // before any generator sends: another's first message may reach our clients before our stepSend
      steps.set(step, newStep());
      return true;
    },

    stepReceived({ step }) {
      return steps.get(step)?.received ?? 0;
    },

    stepEnd({ step, expectedPerMessage, sent }) {
      const s = steps.get(step) ?? newStep();
      steps.delete(step);
      const missing = Math.max(0, sent * expectedPerMessage - s.received);
      const result: StepResult = {
        step,
        sent,
        received: s.received,
        missing,
        latency: s.latency.data(),
        sendLagMs: 0,
        sendMs: 0,
      };
      if (missing > 0) {
        // which messages, and which clients, came up short
        const incomplete = [...s.copies]
          .filter(([, n]) => n < expectedPerMessage)
          .map(([key, got]) => ({ key, got }));
        const unreceived = s.sentKeys.filter((k) => !s.copies.has(k));
        const counts = clients.map((c) => (c.countStep === step ? c.count : 0));
        const most = Math.max(...counts);
        const short = clients.filter((_, i) => counts[i]! < most).map((c) => c.idx);
        result.detail = {
          incomplete: incomplete.slice(0, 10),
          incompleteCount: incomplete.length,
          unreceived: unreceived.slice(0, 10),
          unreceivedCount: unreceived.length,
          shortClients: short.slice(0, 20),
          shortClientCount: short.length,
          open: clients.filter((c) => c.ws.readyState === WebSocket.OPEN).length,
        };
      }
      return result;
    },

    async closedLoop({ durationMs, drainMs, bodyBytes, roomSize: _roomSize }) {
      loopBodyBytes = bodyBytes;
      const live = clients.filter((c) => c.ws.readyState === WebSocket.OPEN);
      const otherFramesBefore = otherFrames;
      const otherBytesBefore = otherBytes;
      const start = now();
      const state = {
        running: true,
        endAt: start + durationMs,
        inWindow: 0,
        confirmed: 0,
        received: 0,
        deliveredInWindow: 0,
        latency: new Histogram(),
        outstanding: 0,
        onIdle: undefined as (() => void) | undefined,
      };
      loop = state;
      for (const c of live) {
        state.outstanding++;
        c.sendMessage(LOOP_STEP, bodyBytes);
      }
      await new Promise((r) => setTimeout(r, durationMs));
      state.running = false;
      // let what is in flight come back
      if (state.outstanding > 0) {
        await new Promise<void>((resolve) => {
          state.onIdle = resolve;
          setTimeout(resolve, drainMs);
        });
      }
      // the other members' copies of the last messages
      await new Promise((r) => setTimeout(r, 200));
      loop = undefined;
      const result: ClosedLoopResult = {
        confirmed: state.inWindow,
        received: state.deliveredInWindow,
        totalConfirmed: state.confirmed,
        totalReceived: state.received,
        unconfirmed: state.outstanding,
        ms: durationMs,
        latency: state.latency.data(),
        otherFrames: otherFrames - otherFramesBefore,
        otherBytes: otherBytes - otherBytesBefore,
      };
      return result;
    },

    async history({ url, room, iterations, pages, limit, deep, maxSeq }) {
      const enter = new Histogram();
      const page = new Histogram();
      const deepH = new Histogram();
      let pageCount = 0;
      let pageSizeMin = Infinity;
      for (let it = 0; it < iterations; it++) {
        const c = connect(url, 'chat');
        await c.ready;
        let t = performance.now();
        const frames = await c.call('enter_room', { uuid: room });
        enter.record(performance.now() - t);
        const listed = frames.find((f) => f.message === 'messages_listed');
        let oldest = listed?.message === 'messages_listed' ? listed.list[0]?.seq : undefined;
        for (let p = 0; p < pages && oldest !== undefined && oldest > 1; p++) {
          t = performance.now();
          const [f] = await c.call('list_messages', { before: oldest, limit });
          page.record(performance.now() - t);
          const list = f?.message === 'messages_listed' ? f.list : [];
          pageCount++;
          pageSizeMin = Math.min(pageSizeMin, list.length);
          oldest = list[0]?.seq;
        }
        // pages at random depths, anywhere in the history
        const perIteration = Math.ceil(deep / iterations);
        for (let d = 0; d < perIteration; d++) {
          const before = limit + 1 + Math.floor(Math.random() * Math.max(1, maxSeq - limit));
          t = performance.now();
          await c.call('list_messages', { before, limit });
          deepH.record(performance.now() - t);
        }
        await c.close();
      }
      const result: TimedCalls = {
        enter: enter.data(),
        page: page.data(),
        deep: deepH.data(),
        pages: pageCount,
        pageSizeMin: Number.isFinite(pageSizeMin) ? pageSizeMin : 0,
      };
      return result;
    },

    async roomList({ url, connects, queries, searchesPerQuery }) {
      const connect_ = new Histogram();
      for (let i = 0; i < connects; i++) {
        const t = performance.now();
        const c = connect(url, 'chat');
        await c.ready;
        connect_.record(performance.now() - t);
        void c.close();
      }
      const c = connect(url, 'chat');
      await c.ready;
      const search: Record<string, Histogram> = {};
      const hits: Record<string, number> = {};
      for (let r = 0; r < searchesPerQuery; r++) {
        for (const query of queries) {
          const t = performance.now();
          const [f] = await c.call('list_rooms', { query });
          (search[query] ??= new Histogram()).record(performance.now() - t);
          hits[query] = f?.message === 'rooms_listed' ? f.list.length : 0;
        }
      }
      await c.close();
      return {
        connect: connect_.data(),
        search: Object.fromEntries(Object.entries(search).map(([k, h]) => [k, h.data()])),
        hits,
      };
    },

    async messageSearch({ url, room, queries, searchesPerQuery }) {
      const c = connect(url, 'chat');
      await c.ready;
      await c.call('enter_room', { uuid: room });
      const search: Record<string, Histogram> = {};
      const hits: Record<string, number> = {};
      for (let r = 0; r < searchesPerQuery; r++) {
        for (const query of queries) {
          const t = performance.now();
          const [f] = await c.call('search_messages', { query });
          (search[query] ??= new Histogram()).record(performance.now() - t);
          hits[query] = f?.message === 'messages_found' ? f.list.length : -1;
        }
      }
      await c.close();
      return {
        search: Object.fromEntries(Object.entries(search).map(([k, h]) => [k, h.data()])),
        hits,
      };
    },

    cpu() {
      return { cpuMs: cpuMs(), wallMs: performance.now() };
    },

    trackCopies({ on }) {
      copies = on ? (copies ?? new Map()) : undefined;
      return on;
    },

    takeCopies() {
      const taken: MessageCopies = { keys: [], copies: [], lastMs: [] };
      for (const [key, [n, ms]] of copies ?? []) {
        taken.keys.push(key);
        taken.copies.push(n);
        taken.lastMs.push(ms);
      }
      copies?.clear();
      return taken;
    },

    async quiet({ quietMs, maxMs }) {
      const t0 = now();
      while (now() - t0 < maxMs && now() - lastDeliveryAt < quietMs) {
        await new Promise((r) => setTimeout(r, 50));
      }
      return { waitedMs: now() - t0 };
    },

    problems() {
      return {
        errorFrames,
        errorSamples,
        unexpectedCloses,
        otherFrames,
        otherBytes,
        open: clients.filter((c) => c.ws.readyState === WebSocket.OPEN).length,
      };
    },
  },
  { pid: process.pid },
  async () => {
    for (const c of clients) c.ws.terminate();
  },
);
