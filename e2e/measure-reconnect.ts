/**
 * Measures how fast pages come back (BENCHMARKS.md, "Reconnect after restart"): a real server
 * process and two Chromium pages in a room, run after run.
 *
 *   node --import tsx e2e/measure-reconnect.ts [--runs 5]
 *
 * Each run: the server killed (SIGKILL) and started again on its port and storage after 3 to
 * 9 s down (at random: restarts land anywhere in the pages' backoff), the time from its
 * "listening" to each page online; the server frozen (SIGSTOP) until both pages say offline,
 * the time that took; a page whose attempts are refused until the backoff is at its cap, then
 * "Reconnect now": the time from the click to online.
 */
import setup from './globalSetup.ts';
import {
  addRoom,
  connectionAt,
  enterRoom,
  launch,
  openWatched,
  restartChat,
  retryAtCap,
  spawnChat,
  tempSqlite,
} from './helpers.ts';

const runsAt = process.argv.indexOf('--runs');
const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 5;

setup();
const { storage, remove } = tempSqlite();
let server = await spawnChat({ storage });
const browser = await launch();
const figures = { restart: [] as number[], notice: [] as number[], reconnectNow: [] as number[] };
try {
  const a = await openWatched(browser, server.url);
  const b = await openWatched(browser, server.url);
  const c = await openWatched(browser, server.url, true);
  const room = await addRoom(a.page);
  for (const o of [a, b, c]) await enterRoom(o.page, room);
  const pages = [a.page, b.page];
  for (let run = 1; run <= runs; run++) {
    const down = 3_000 + Math.round(Math.random() * 6_000);
    const restarted = await restartChat(server, pages, down);
    server = restarted.server;
    figures.restart.push(...restarted.back);

    const frozen = Date.now();
    server.signal('SIGSTOP');
    const offline = await Promise.all(pages.map((p) => connectionAt(p, 'offline', frozen, 30_000)));
    server.signal('SIGCONT');
    const notice = offline.map((at) => at - frozen);
    figures.notice.push(...notice);
    await Promise.all([...pages, c.page].map((p) => connectionAt(p, 'online', frozen, 30_000)));

    const now = await retryAtCap(c.page, c.socket!, () =>
      c.page.getByRole('button', { name: 'Reconnect now' }).click(),
    );
    figures.reconnectNow.push(now.sinceTrigger);
    console.log(
      `run ${run}: down ${down} ms, back ${restarted.back.join(' / ')} ms after listening; ` +
        `frozen noticed after ${notice.join(' / ')} ms; Reconnect now: ${now.sinceTrigger} ms`,
    );
  }
} finally {
  await browser.close();
  await server.kill();
  remove();
}

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : Math.round((s[m - 1]! + s[m]!) / 2);
};
for (const [name, xs] of Object.entries(figures)) {
  console.log(
    `${name}: median ${median(xs)} ms, min ${Math.min(...xs)}, max ${Math.max(...xs)} (${xs.length} pages x runs)`,
  );
}
