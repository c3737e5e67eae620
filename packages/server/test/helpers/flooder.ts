/**
 * Flooders in a process of their own (so that their traffic does not slow the honest client
 * whose round trips are measured): each connects from its own address, enters the room, and
 * sends messages of 10 KB one after another, waiting out every rate_limited. Forked with the
 * arguments URL ROOM COUNT FIRST-ADDRESS; sends 'spent' once every flooder was refused, and,
 * after it is sent 'stop', {refused}. 'pause' and 'resume' stop and start the sending.
 */
import { openRaw } from './client.ts';

const [url = '', room = '', count = 10, firstAddress = 10] = process.argv
  .slice(2)
  .map((a, i) => (i < 2 ? a : Number(a))) as [string, string, number, number];
const tell = (m: unknown) => process.send!(m);
let running = true;
let paused: Promise<void> | undefined;
let resume = () => {};
process.on('message', (m) => {
  if (m === 'stop') running = false;
  if (m === 'pause') paused ??= new Promise((r) => (resume = r));
  if (m === 'resume') {
    resume();
    paused = undefined;
  }
});

let spent = 0;
const flooders = await Promise.all(
  Array.from({ length: count }, async (_, i) => {
    const ws = await openRaw(url, { localAddress: `127.0.0.${firstAddress + i}` });
    // one call at a time: the frame that carries its id answers it
    let waiting: { id: string; resolve: (frame: string) => void } | undefined;
    // the room's flood reaches every flooder: look for the id in the bytes, decode only the answer
    ws.on('message', (d: Buffer) => {
      if (waiting && d.includes(`"id":"${waiting.id}"`)) waiting.resolve(d.toString('utf8'));
    });
    const call = (message: string, fields: object, id: string) =>
      new Promise<string>((resolve) => {
        waiting = { id, resolve };
        ws.send(JSON.stringify({ type: 'call', payload: { message, id, ...fields } }));
      });
    await call('enter_room', { uuid: room }, 'enter');
    return { ws, call };
  }),
);
const body = (n: number) => `${n} ${'x'.repeat(10_000)}`.slice(0, 10_000);
const refused = await Promise.all(
  flooders.map(async ({ call }, i) => {
    let refusals = 0;
    for (let n = 0; running; n++) {
      if (paused) await paused;
      const reply = await call('create_message', { body: body(n) }, `f${i}-${n}`);
      if (!reply.includes('"rate_limited"')) continue;
      if (refusals++ === 0 && ++spent === count) tell('spent');
      const wait = Number(/"retry_after_ms":(\d+)/.exec(reply)?.[1] ?? 10);
      await new Promise((r) => setTimeout(r, Math.min(wait, 200)));
    }
    return refusals;
  }),
);
for (const f of flooders) f.ws.close();
tell({ refused: refused.reduce((a, b) => a + b, 0) });
process.disconnect();
