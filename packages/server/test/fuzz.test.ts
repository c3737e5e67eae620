import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLS, DRAW_COLORS, LIMITS, parseStatement } from '@chat/protocol';
import { CALL_MODULES } from '../src/calls/index.ts';
import { DEFAULTS } from '../src/config.ts';
import { TestClient } from './helpers/client.ts';
import { startServerProcess, type ServerProcess } from './helpers/process.ts';
import { RawSocket } from './helpers/rawSocket.ts';
import { testServer } from './helpers/server.ts';

const FRAMES = Number(process.env.FUZZ_FRAMES ?? 12_000);
/** Each on an address of its own, each within the default budget of a connection. */
const CONNECTIONS = 40;
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);

/** A string as long as a frame allows, of characters that cost the most to read or store. */
const long = fc
  .tuple(
    fc.integer({ min: LIMITS.nameChars, max: LIMITS.frameChars - 200 }),
    fc.constantFrom('x', 'é', '😀', '\u0001', '\u0301', '\ud800', ' ', '%', '"'),
  )
  .map(([n, c]) => c.repeat(Math.floor(n / c.length)));

/** Values a hostile client might put in any field. */
const hostile = fc.oneof(
  fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true }),
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    '',
    ' ',
    '\u0000',
    '\ud800',
    '😀'.repeat(70),
  ),
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -0, 0.5, 2 ** 31, -1),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.array(fc.double(), { maxLength: 30 }),
  fc.array(fc.integer({ min: -1e6, max: 1e6 }), { maxLength: 60 }),
);

/** A call: a real name (mostly) with plausible or hostile fields. */
const callPayload = fc.record(
  {
    message: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...CALLS) },
      { weight: 1, arbitrary: hostile },
    ),
    uuid: fc.oneof(fc.uuid(), hostile),
    name: fc.oneof(fc.string({ maxLength: LIMITS.nameChars + 2 }), hostile),
    body: fc.oneof(fc.string({ maxLength: 200 }), hostile),
    color: fc.oneof(fc.constantFrom(...DRAW_COLORS, '#abc', '#abcd', 'red'), hostile),
    tool: fc.oneof(fc.constantFrom('pen', 'eraser', 'brush'), hostile),
    points: fc.oneof(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 40 }), hostile),
    query: fc.oneof(fc.string({ maxLength: 10 }), fc.string({ maxLength: 210 }), hostile),
    cursor: fc.oneof(fc.base64String({ maxLength: 40 }), hostile),
    limit: fc.oneof(fc.integer({ min: -5, max: 500 }), hostile),
    before: fc.oneof(fc.integer({ min: -5, max: 500 }), hostile),
    after: fc.oneof(fc.integer({ min: -5, max: 500 }), hostile),
    id: fc.oneof(fc.string({ maxLength: 70 }), hostile),
  },
  { requiredKeys: ['message'] },
);

/** The fields any call may carry. */
const FIELDS = ['uuid', 'name', 'body', 'color', 'tool', 'query', 'cursor', 'id'] as const;

/** A whole frame: mostly calls, some with one field as long as a frame allows, some garbage. */
const frame = fc.oneof(
  {
    weight: 12,
    arbitrary: callPayload.map((payload) => JSON.stringify({ type: 'call', payload })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(callPayload, fc.constantFrom(...FIELDS), long)
      .map(([payload, field, text]) =>
        JSON.stringify({ type: 'call', payload: { ...payload, [field]: text } }),
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ type: hostile, payload: fc.oneof(callPayload, hostile) })
      .map((v) => JSON.stringify(v)),
  },
  { weight: 1, arbitrary: fc.json({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 3000 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '{"type":"call","payload":{"message":"create_message","body":"x","__proto__":{"polluted":1}}}',
      '{"type":"call","payload":{"message":"__proto__"}}',
      '{"type":"call","payload":{"message":"change_draw_line","uuid":"l","points":[1e999,1],"color":"#fff","tool":"pen"}}',
    ),
  },
);

/** A fuzzer's sync (get_drawing) and its entry's cost. */
const SYNC_COST = CALL_MODULES.get_drawing.cost ?? 1;
const ENTRY_COST = CALL_MODULES.enter_room.cost ?? 1;
/** Cost units a fuzzer sends at once: what the default burst holds beside its entry and sync. */
const BATCH_COST = DEFAULTS.rateLimitBurst - ENTRY_COST - SYNC_COST;

/** Calls whose success sends the caller nothing. */
const SILENT_ON_SUCCESS = new Set(['typing', 'append_draw_points']);
const PARSE_ERRORS = new Set([
  'bad_data',
  'data_too_long',
  'not_sufficient_data',
  'unknown_statement',
  'not_valid_name',
  'not_valid_body',
  'not_valid_color',
  'not_valid_line',
  'not_valid_query',
]);

/** What a frame costs a connection's budget (as the server charges it: 1, or the call's cost). */
function cost(f: string): number {
  const parsed = parseStatement(f);
  return parsed.ok ? (CALL_MODULES[parsed.call.name].cost ?? 1) : 1;
}

/** The server's event-loop delay p99 and max since the last read, in ms (see attacks.test.ts). */
async function loopDelay(url: string): Promise<{ p99: number; max: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) =>
    Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  return {
    p99: read('nodejs_eventloop_lag_p99_seconds'),
    max: read('nodejs_eventloop_lag_max_seconds'),
  };
}

describe('fuzzing', () => {
  // the server in a process of its own, with its default limits: the fuzzers live within them
  const dir = mkdtempSync(join(tmpdir(), 'chat-fuzz-'));
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess(
      'server',
      ['--storage', `sqlite:${join(dir, 'chat.db')}`, '--max-drawing-lines', '200'],
      dir,
    );
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`${FRAMES.toLocaleString('en')} hostile frames from ${CONNECTIONS} connections: no crash, no hang, every frame answered, honest clients unharmed`, async () => {
    const frames = fc.sample(frame, { numRuns: FRAMES, seed: SEED });
    const honest = await Promise.all(
      [1, 2].map((k) => TestClient.connect(server.url, { localAddress: `127.0.2.${k}` })),
    );
    honest[0]!.call('create_room', { name: 'honest' });
    const room = (await honest[0]!.next('room_created')).object;
    for (const h of honest) {
      h.call('enter_room', { uuid: room.uuid });
      await h.next('drawing_got');
    }
    let honestSent = 0;
    let chatting = true;
    const chat = (async () => {
      while (chatting) {
        for (const h of honest) h.call('create_message', { body: `honest ${honestSent++}` }, null);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    const fuzzers = await Promise.all(
      Array.from({ length: CONNECTIONS }, (_, k) =>
        TestClient.connect(server.url, { localAddress: `127.0.1.${k + 1}` }),
      ),
    );
    await loopDelay(server.url);
    const started = performance.now();
    // in the room, so that fuzzed calls reach the handlers that need one, and the honest clients see the result
    for (const f of fuzzers) {
      f.call('enter_room', { uuid: room.uuid });
      await f.next('drawing_got');
    }
    const per = Math.ceil(frames.length / CONNECTIONS);
    await Promise.all(
      fuzzers.map(async (c, k) => {
        const mine = frames.slice(k * per, (k + 1) * per);
        // batches that the connection's burst covers; before each after the first, a pause
        // while its budget refills with what the batch and its sync cost
        const batches: { frames: string[]; spent: number }[] = [];
        for (const f of mine) {
          const last = batches.at(-1);
          if (last && last.spent + cost(f) <= BATCH_COST) {
            last.frames.push(f);
            last.spent += cost(f);
          } else batches.push({ frames: [f], spent: cost(f) });
        }
        for (const [b, { frames: batch, spent }] of batches.entries()) {
          if (b > 0) {
            await new Promise((r) =>
              setTimeout(r, ((spent + SYNC_COST) * 1000) / DEFAULTS.rateLimitPerSecond),
            );
          }
          // what PROTOCOL.md says each frame gets: the parse errors exactly, an answer for each id
          let parseErrors = 0;
          const ids = new Set<string>();
          for (const f of batch) {
            const parsed = parseStatement(f);
            if (!parsed.ok) parseErrors++;
            else if (parsed.id !== undefined && !SILENT_ON_SUCCESS.has(parsed.call.name))
              ids.add(parsed.id);
            c.sendRaw(f);
          }
          const before = c.received.length;
          // calls of one connection are answered in order: the sync's answer proves all before it
          // were handled (the server shares its time between 40 connections sending at once)
          await c.sync(30_000);
          const answers = c.received.slice(before);
          const errors = answers.filter(
            (a) => a.type === 'error' && PARSE_ERRORS.has(a.payload.message),
          ).length;
          expect(errors).toBeGreaterThanOrEqual(parseErrors);
          for (const a of answers) ids.delete((a.payload as { id?: string }).id ?? '');
          expect([...ids]).toEqual([]);
          expect(answers.filter((a) => a.payload.message === 'rate_limited')).toEqual([]);
          c.drain();
        }
      }),
    );
    const loop = await loopDelay(server.url);
    const seconds = (performance.now() - started) / 1000;
    chatting = false;
    await chat;
    // every honest message reached both honest clients, each exactly once, in seq order
    for (const h of honest) {
      await h.next('message_created', (p) => p.object.body === `honest ${honestSent - 1}`, 10_000);
      const bodies = h.received.flatMap((f) =>
        f.payload.message === 'message_created' && f.payload.object.body.startsWith('honest ')
          ? [f.payload.object]
          : [],
      );
      expect(new Set(bodies.map((m) => m.body)).size).toBe(honestSent);
      const seqs = h.received.flatMap((f) =>
        f.payload.message === 'message_created' ? [f.payload.object.seq] : [],
      );
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
    // the server is still whole: health, and a fresh client
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const fresh = await TestClient.connect(server.url);
    const answered = fuzzers.reduce((n, c) => n + c.received.length, 0);
    console.info(
      `fuzz: ${frames.length} frames from ${CONNECTIONS} connections in ${seconds.toFixed(1)} s at ` +
        `the default rate limits, ${answered} answers, ${honestSent} honest messages delivered to ` +
        `both honest clients; server event loop delay p99 ${loop.p99.toFixed(1)} ms, max ` +
        `${loop.max.toFixed(1)} ms`,
    );
    expect(loop.p99).toBeLessThan(50);
    await Promise.all([...fuzzers, ...honest, fresh].map((c) => c.close()));
  }, 300_000);

  it('frames no library would send: fragments, reserved opcodes and bits, bad UTF-8, unmasked', async () => {
    const call = JSON.stringify({ type: 'call', payload: { message: 'list_rooms', id: 'f' } });
    // a message in three fragments is one message: it is answered
    const fragmented = await RawSocket.open(server.url);
    fragmented.frame(1, call.slice(0, 10), { fin: false });
    fragmented.frame(0, call.slice(10, 20), { fin: false });
    fragmented.frame(0, call.slice(20));
    for (let waited = 0; !fragmented.texts().some((t) => t.includes('"id":"f"')); waited += 10) {
      if (waited > 5000) throw new Error('the fragmented call was not answered');
      await new Promise((r) => setTimeout(r, 10));
    }
    fragmented.destroy();
    // each of these breaks the WebSocket protocol: that connection is closed with the code that says why
    const cases: [string, (s: RawSocket) => void, number][] = [
      ['bad UTF-8 in a text frame', (s) => s.frame(1, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 1007],
      ['a reserved opcode', (s) => s.frame(3, 'x'), 1002],
      ['a reserved bit', (s) => s.frame(1, call, { rsv: 4 }), 1002],
      ['an unmasked frame from a client', (s) => s.frame(1, call, { mask: false }), 1002],
      ['a continuation with nothing to continue', (s) => s.frame(0, 'x'), 1002],
      ['a fragmented control frame', (s) => s.frame(9, 'x', { fin: false }), 1002],
      ['a control frame over 125 bytes', (s) => s.frame(9, 'x'.repeat(126)), 1002],
      ['a frame over 1 MiB', (s) => s.frame(1, 'x'.repeat(1024 * 1024 + 1)), 1009],
    ];
    const seen: string[] = [];
    for (const [what, send, code] of cases) {
      const s = await RawSocket.open(server.url);
      send(s);
      expect(await s.closed, what).toBe(code);
      seen.push(`${what}: ${code}`);
    }
    // and the server goes on
    const after = await TestClient.connect(server.url);
    after.call('list_rooms');
    await after.next('rooms_listed');
    await after.close();
    console.info(`frame-level fuzz: ${seen.join('; ')}`);
  });

  it('keys that could pollute prototypes stay data', async () => {
    const local = await testServer('memory');
    const c = await TestClient.connect(local.url);
    for (const f of [
      '{"type":"call","payload":{"message":"create_message","body":"x","__proto__":{"polluted":1}}}',
      '{"type":"call","payload":{"message":"__proto__"}}',
      '{"type":"call","payload":{"message":"create_room","name":"n","constructor":{"prototype":{"polluted":1}}}}',
    ])
      c.sendRaw(f);
    await c.sync();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await c.close();
    await local.dispose();
  });
});
