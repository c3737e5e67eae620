/**
 * Many rooms: R rooms (500) of S clients (4), everyone sending in a closed loop (send,
 * wait for one's own message_created, send again): messages/s stored and delivered.
 */
import { Histogram } from '../lib/histogram.ts';
import {
  CpuMeter,
  startGenerators,
  startServerProcess,
  stopChildren,
  type Options,
} from '../lib/processes.ts';
import { envInt, fmt, log, median, sleep, table } from '../lib/report.ts';
import type { ScenarioOutput } from '../lib/scenario.ts';

/** How long in-flight messages may take to come back after the window. */
const DRAIN_MS = 10_000;

interface RoomsRun {
  setupMs: number;
  setupBytes: number;
  storedPerSec: number;
  deliveriesPerSec: number;
  p50: number;
  p99: number;
  confirmed: number;
  stored: number;
  lostDeliveries: number;
  unconfirmed: number;
  otherFramesPerSec: number;
  otherBytesPerSec: number;
  serverCpu: number;
  generatorCpu: number;
  othersCpu: number;
}

export async function rooms(opts: Options): Promise<ScenarioOutput> {
  const roomCount = envInt('BENCH_ROOMS', opts.quick ? 50 : 500);
  const roomSize = envInt('BENCH_ROOM_SIZE', 4);
  const durationMs = envInt('BENCH_ROOMS_MS', opts.quick ? 2000 : 10_000);
  const generators = envInt('BENCH_GENERATORS', 2);
  const clients = roomCount * roomSize;
  const problems: string[] = [];
  const findings: string[] = [];
  const runs: RoomsRun[] = [];

  for (let run = 1; run <= opts.runs; run++) {
    log(
      `rooms run ${run}/${opts.runs}: ${roomCount} rooms x ${roomSize} clients, ${durationMs} ms`,
    );
    const { server, url } = await startServerProcess(
      {
        kind: 'chat',
        storage: process.env.BENCH_STORAGE ?? 'sqlite-temp',
        maxBufferedBytes: 256 << 20,
      },
      opts.profile ? `rooms-chat-run${run}` : undefined,
    );
    const gens = await startGenerators(generators);
    try {
      const t0 = performance.now();
      const roomIds: string[] = [];
      for (let i = 0; i < roomCount; i++)
        roomIds.push(await server.request('createRoom', { name: `room ${i}` }));
      // whole rooms per generator
      const roomsPer = gens.map(
        (_, g) => Math.floor(roomCount / gens.length) + (g < roomCount % gens.length ? 1 : 0),
      );
      const opened = await Promise.all(
        gens.map((g, i) =>
          g.request('open', {
            url,
            kind: 'chat',
            count: roomsPer[i]! * roomSize,
            concurrency: 100,
          }),
        ),
      );
      for (const o of opened)
        if (o.failed > 0)
          problems.push(`rooms: ${o.failed} connections failed: ${o.errors.join('; ')}`);
      let offset = 0;
      await Promise.all(
        gens.map((g, i) => {
          const mine = roomIds.slice(offset, (offset += roomsPer[i]!));
          return g.request('enter', {
            rooms: mine,
            from: 0,
            count: mine.length * roomSize,
            perRoom: roomSize,
            concurrency: 50,
          });
        }),
      );
      await Promise.all(gens.map((g) => g.request('quiet', { quietMs: 500, maxMs: 60_000 })));
      const setupMs = performance.now() - t0;
      const setup = await Promise.all(gens.map((g) => g.request('problems', {})));
      const setupBytes = setup.reduce((a, p) => a + p.otherBytes, 0);
      log(
        `  ${clients} clients in their rooms after ${fmt(setupMs / 1000)} s (${fmt(setupBytes / 1e6)} MB of other frames)`,
      );

      const meter = await CpuMeter.start(gens, server);
      const loop = Promise.all(
        gens.map((g) =>
          g.request('closedLoop', { durationMs, drainMs: DRAIN_MS, bodyBytes: 100, roomSize }),
        ),
      );
      // CPU over the sending window only, not the drain after it
      await sleep(durationMs);
      const cpu = await meter.stop();
      const results = await loop;
      const stored = await server.request('roomSums', { rooms: roomIds });
      const sum = (f: (r: (typeof results)[number]) => number) =>
        results.reduce((a, r) => a + f(r), 0);
      const confirmed = sum((r) => r.confirmed);
      const totalConfirmed = sum((r) => r.totalConfirmed);
      const lat = Histogram.from(...results.map((r) => r.latency)).summary();
      const r: RoomsRun = {
        setupMs,
        setupBytes,
        storedPerSec: (confirmed * 1000) / durationMs,
        deliveriesPerSec: (sum((r) => r.received) * 1000) / durationMs,
        p50: lat.p50,
        p99: lat.p99,
        confirmed: totalConfirmed,
        stored,
        lostDeliveries: totalConfirmed * roomSize - sum((r) => r.totalReceived),
        unconfirmed: sum((r) => r.unconfirmed),
        otherFramesPerSec: (sum((r) => r.otherFrames) * 1000) / durationMs,
        otherBytesPerSec: (sum((r) => r.otherBytes) * 1000) / durationMs,
        serverCpu: cpu.server,
        generatorCpu: cpu.generator,
        othersCpu: cpu.others,
      };
      runs.push(r);
      log(
        `  ${fmt(r.storedPerSec)} msg/s stored, ${fmt(r.deliveriesPerSec)} deliveries/s, p50 ${fmt(r.p50, 2)} p99 ${fmt(r.p99, 2)} ms, ` +
          `${fmt(r.otherFramesPerSec)} other frames/s; cpu server ${fmt(cpu.server)}% gen ${fmt(cpu.generator)}%`,
      );
      // in the full run a server too slow to bring everything back within the drain is a finding;
      // in --quick (CI) nothing may be missing
      const slow = opts.quick ? problems : findings;
      if (r.lostDeliveries !== 0)
        slow.push(
          `run ${run}: ${r.lostDeliveries} deliveries had not arrived ${DRAIN_MS / 1000} s after the window`,
        );
      if (r.unconfirmed !== 0)
        slow.push(
          `run ${run}: ${r.unconfirmed} messages had not come back to their sender ${DRAIN_MS / 1000} s after the window`,
        );
      if (r.stored < r.confirmed)
        problems.push(`rooms run ${run}: ${r.confirmed} confirmed but ${r.stored} stored`);
      const p = await Promise.all(gens.map((g) => g.request('problems', {})));
      for (const x of p) {
        if (x.unexpectedCloses > 0)
          problems.push(`rooms: the server closed ${x.unexpectedCloses} connections`);
        if (x.errorFrames > 0)
          problems.push(`rooms: ${x.errorFrames} error frames, e.g. ${x.errorSamples[0]}`);
      }
    } finally {
      await stopChildren(...gens, server);
    }
  }

  const m = (f: (r: RoomsRun) => number) => median(runs.map(f));
  const summary = {
    rooms: roomCount,
    roomSize,
    durationMs,
    runs: runs.length,
    storedPerSec: m((r) => r.storedPerSec),
    deliveriesPerSec: m((r) => r.deliveriesPerSec),
    p50: m((r) => r.p50),
    p99: m((r) => r.p99),
    otherFramesPerSec: m((r) => r.otherFramesPerSec),
    otherBytesPerSec: m((r) => r.otherBytesPerSec),
    serverCpu: m((r) => r.serverCpu),
    generatorCpu: m((r) => r.generatorCpu),
    othersCpu: m((r) => r.othersCpu),
    setupMs: m((r) => r.setupMs),
    setupBytes: m((r) => r.setupBytes),
  };
  return {
    tables: [
      `many rooms, medians of ${runs.length} run(s) (${roomCount} rooms x ${roomSize} clients, all sending, closed loop):\n` +
        table(
          ['measure', 'value'],
          [
            ['messages stored/s', fmt(summary.storedPerSec)],
            ['deliveries/s (message_created)', fmt(summary.deliveriesPerSec)],
            ['latency p50 / p99, ms', `${fmt(summary.p50, 2)} / ${fmt(summary.p99, 2)}`],
            ['other frames received/s (room_changed ...)', fmt(summary.otherFramesPerSec)],
            ['other bytes received/s, MB', fmt(summary.otherBytesPerSec / 1e6)],
            ['server CPU, % of a core', fmt(summary.serverCpu)],
            ['generator CPU, % of a core', fmt(summary.generatorCpu)],
            ['other programs on the machine, % of a core', fmt(summary.othersCpu)],
            ['setup: connect + enter, s', fmt(summary.setupMs / 1000)],
            ['setup: other frames received, MB', fmt(summary.setupBytes / 1e6)],
          ],
        ),
    ],
    targets: [
      {
        scenario: 'many rooms',
        target: '(no target) messages/s stored and delivered',
        measured: `${fmt(summary.storedPerSec)} stored/s, ${fmt(summary.deliveriesPerSec)} deliveries/s, p99 ${fmt(summary.p99, 2)} ms`,
        met: null,
        distance: '-',
      },
    ],
    problems,
    findings,
    data: { summary, runs },
  };
}
