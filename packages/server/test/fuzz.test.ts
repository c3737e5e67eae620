import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLS, DRAW_COLORS, LIMITS, parseStatement } from '@chat/protocol';
import { TestClient } from './helpers/client.ts';
import { testServer, type TestServer } from './helpers/server.ts';

const FRAMES = Number(process.env.FUZZ_FRAMES ?? 100_000);
const CONNECTIONS = 4;
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);

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
    query: fc.oneof(fc.string({ maxLength: 10 }), hostile),
    cursor: fc.oneof(fc.base64String({ maxLength: 40 }), hostile),
    limit: fc.oneof(fc.integer({ min: -5, max: 500 }), hostile),
    before: fc.oneof(fc.integer({ min: -5, max: 500 }), hostile),
    after: fc.oneof(fc.integer({ min: -5, max: 500 }), hostile),
    id: fc.oneof(fc.string({ maxLength: 70 }), hostile),
  },
  { requiredKeys: ['message'] },
);

/** A whole frame: mostly calls, some broken envelopes, some garbage. */
const frame = fc.oneof(
  {
    weight: 12,
    arbitrary: callPayload.map((payload) => JSON.stringify({ type: 'call', payload })),
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
]);

describe('fuzzing', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await testServer('sqlite', { maxDrawingLines: 200 });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it(`${FRAMES.toLocaleString('en')} hostile frames from ${CONNECTIONS} connections: no crash, no hang, every frame answered, honest clients unharmed`, async () => {
    const frames = fc.sample(frame, { numRuns: FRAMES, seed: SEED });
    const honest = await Promise.all([1, 2].map(() => TestClient.connect(server.url)));
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
        await new Promise((r) => setTimeout(r, 5));
      }
    })();

    const fuzzers = await Promise.all(
      Array.from({ length: CONNECTIONS }, () => TestClient.connect(server.url)),
    );
    // in the room, so that fuzzed calls reach the handlers that need one, and the honest clients see the result
    for (const f of fuzzers) {
      f.call('enter_room', { uuid: room.uuid });
      await f.next('drawing_got');
    }
    const per = Math.ceil(frames.length / CONNECTIONS);
    await Promise.all(
      fuzzers.map(async (c, k) => {
        const mine = frames.slice(k * per, (k + 1) * per);
        for (let i = 0; i < mine.length; i += 500) {
          const batch = mine.slice(i, i + 500);
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
          // calls of one connection are answered in order: the sync's answer proves all before it were handled
          await c.sync();
          const answers = c.received.slice(before);
          const errors = answers.filter(
            (a) => a.type === 'error' && PARSE_ERRORS.has(a.payload.message),
          ).length;
          expect(errors).toBeGreaterThanOrEqual(parseErrors);
          for (const a of answers) ids.delete((a.payload as { id?: string }).id ?? '');
          expect([...ids]).toEqual([]);
          c.drain();
        }
      }),
    );
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
    // the server is still whole: health, a fresh client, and no prototype pollution
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const fresh = await TestClient.connect(server.url);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const answered = fuzzers.reduce((n, c) => n + c.received.length, 0);
    console.info(
      `fuzz: ${frames.length} frames from ${CONNECTIONS} connections, ${answered} answers, ${honestSent} honest messages delivered to both honest clients`,
    );
    await Promise.all([...fuzzers, ...honest, fresh].map((c) => c.close()));
  }, 300_000);
});
