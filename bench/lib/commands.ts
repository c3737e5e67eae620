import type { AnsweredCall } from '@chat/protocol';
/** What the orchestrator and its child processes say to each other (types only). */
import type { HistogramData } from './histogram.ts';

export interface CpuSample {
  /** process.cpuUsage() user + system, in ms. */
  cpuMs: number;
  /** Wall-clock ms (performance.now()) when sampled. */
  wallMs: number;
}

// ---------------------------------------------------------------- server under test

export interface ServerConfig {
  kind: 'chat' | 'bare';
  /** `memory`, `sqlite-temp` (a fresh file in a temp dir, removed on exit), or any storage spec. */
  storage?: string;
  maxBufferedBytes?: number;
  /** A built web client to serve (the browser scenario); none by default. */
  staticDir?: string;
}

export interface ServerReady {
  port: number;
  pid: number;
  storage: string;
}

export interface ServerStats extends CpuSample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  connections: number;
}

export type ServerCommands = {
  stats: { args: { gc: boolean }; result: ServerStats };
  createRoom: { args: { name?: string }; result: string };
  seedMessages: {
    args: { room: string; count: number; concurrency: number; bodyBytes: number };
    result: { ms: number };
  };
  seedRooms: { args: { count: number; concurrency: number }; result: { ms: number } };
  /** Messages stored in these rooms (the rooms' `sum`). */
  roomSums: { args: { rooms: string[] }; result: number };
};

// ---------------------------------------------------------------- storage only

export interface StorageRunResult {
  committed: number;
  ms: number;
  perSecond: number;
  latency: HistogramData;
  cpu: { cpuMs: number; wallMs: number };
}

export type StorageCommands = {
  addMessages: {
    args: { callers: number; rooms: number; durationMs: number; bodyBytes: number };
    result: StorageRunResult;
  };
};

// ---------------------------------------------------------------- load generator

export type ServerKind = 'chat' | 'bare';

export interface OpenResult {
  /** Index of the first client opened by this call. */
  first: number;
  opened: number;
  failed: number;
  errors: string[];
  ms: number;
  /** From starting the WebSocket until the greeting ended (chat: rooms_listed) or it opened (bare). */
  connect: HistogramData;
}

export interface StepResult {
  step: number;
  sent: number;
  received: number;
  /** Deliveries of this step still missing when it was ended. */
  missing: number;
  latency: HistogramData;
  /** When deliveries are missing: which messages and which clients came up short. */
  detail?: {
    incomplete: { key: string; got: number }[];
    incompleteCount: number;
    /** Sent by this generator and received by none of its clients. */
    unreceived: string[];
    unreceivedCount: number;
    shortClients: number[];
    shortClientCount: number;
    open: number;
  };
  /** How far the sender fell behind its schedule at worst, ms. */
  sendLagMs: number;
  sendMs: number;
}

export interface ClosedLoopResult {
  /** Messages whose sender got its own copy back (committed and delivered). */
  confirmed: number;
  /** Deliveries that arrived within the window. */
  received: number;
  /** After the drain: all confirmed, all received (for the loss check). */
  totalConfirmed: number;
  totalReceived: number;
  /** Messages sent whose sender never got them back. */
  unconfirmed: number;
  ms: number;
  /** Send -> each member's copy. */
  latency: HistogramData;
  otherFrames: number;
  otherBytes: number;
}

export interface TimedCalls {
  enter: HistogramData;
  page: HistogramData;
  deep: HistogramData;
  pages: number;
  pageSizeMin: number;
}

export type GeneratorCommands = {
  open: {
    args: {
      url: string;
      kind: ServerKind;
      count: number;
      concurrency: number;
      localAddresses?: string[];
    };
    result: OpenResult;
  };
  closeAll: { args: Record<string, never>; result: { ms: number } };
  /** One client sends a call and waits for the result that answers it (CALL_REPLIES). */
  call: {
    args: { client: number; call: AnsweredCall; args: Record<string, unknown> };
    result: unknown;
  };
  /** Clients [from, from + count) enter `rooms[floor((i - from) / perRoom)]`. */
  enter: {
    args: { rooms: string[]; from: number; count: number; perRoom: number; concurrency: number };
    result: { ms: number };
  };
  /** Starts an open-loop step: `rate` messages/s from this generator's clients in turn; resolves when sending ends. */
  stepSend: {
    args: { step: number; rate: number; durationMs: number; bodyBytes: number };
    result: { sent: number; sendLagMs: number; sendMs: number };
  };
  /** Starts counting a step's deliveries; every generator does so before any sends. */
  stepPrepare: { args: { step: number }; result: boolean };
  /** Deliveries of a step received so far. */
  stepReceived: { args: { step: number }; result: number };
  /** Ends a step: its numbers; later deliveries of it are ignored. */
  stepEnd: { args: { step: number; expectedPerMessage: number; sent: number }; result: StepResult };
  /** Every client sends, waits for its own message back, sends again. */
  closedLoop: {
    args: { durationMs: number; drainMs: number; bodyBytes: number; roomSize: number };
    result: ClosedLoopResult;
  };
  /** enter_room, then `pages` pages back, on a fresh connection each iteration. */
  history: {
    args: {
      url: string;
      room: string;
      iterations: number;
      pages: number;
      limit: number;
      deep: number;
      maxSeq: number;
    };
    result: TimedCalls;
  };
  /** Connects until rooms_listed, sequentially; then searches. */
  roomList: {
    args: { url: string; connects: number; queries: string[]; searchesPerQuery: number };
    result: {
      connect: HistogramData;
      search: Record<string, HistogramData>;
      hits: Record<string, number>;
    };
  };
  /** Enters a room, then searches its messages (`search_messages`), each query in turn. */
  messageSearch: {
    args: { url: string; room: string; queries: string[]; searchesPerQuery: number };
    result: { search: Record<string, HistogramData>; hits: Record<string, number> };
  };
  cpu: { args: Record<string, never>; result: CpuSample };
  /** Starts (or stops) recording each benchmark message's copies and its latest copy's latency. */
  trackCopies: { args: { on: boolean }; result: boolean };
  /** What trackCopies recorded since the last take (then cleared). */
  takeCopies: { args: Record<string, never>; result: MessageCopies };
  /** Waits until no benchmark message has arrived for `quietMs` (at most `maxMs`). */
  quiet: { args: { quietMs: number; maxMs: number }; result: { waitedMs: number } };
  problems: { args: Record<string, never>; result: GeneratorProblems };
};

/** Per benchmark message (`step:gen:sender:counter`): copies received, latest copy's latency (ms). */
export interface MessageCopies {
  keys: string[];
  copies: number[];
  lastMs: number[];
}

export interface GeneratorProblems {
  /** Error statements nobody waited for (rate_limited, unavailable ...). */
  errorFrames: number;
  errorSamples: string[];
  /** Connections the server closed. */
  unexpectedCloses: number;
  /** Frames other than benchmark messages and replies (room_changed ...), and their bytes. */
  otherFrames: number;
  otherBytes: number;
  open: number;
}
