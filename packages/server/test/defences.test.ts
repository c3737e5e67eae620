import { connect } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { socketProtocols, type ErrorPayload } from '@chat/protocol';
import { openRaw, TestClient } from './helpers/client.ts';
import { testServer, type TestServer } from './helpers/server.ts';

/** The defences of an open, anonymous server: each one seen doing its job. */
describe('defences', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.dispose();
    server = undefined;
  });

  it('a flooding client is rate-limited with retry_after_ms, then closed with 1008, while an honest client is served', async () => {
    // a burst of 20: entering a room costs 10 (it sends pages), a message 1
    server = await testServer('memory', { rateLimitPerSecond: 20, rateLimitBurst: 20 });
    const honest = await TestClient.connect(server.url);
    const flooder = await TestClient.connect(server.url);
    honest.call('create_room');
    const room = (await honest.next('room_created')).object;
    for (const c of [honest, flooder]) {
      c.call('enter_room', { uuid: room.uuid });
      await c.next('drawing_got');
    }
    for (let i = 0; i < 200; i++) flooder.call('create_message', { body: `flood ${i}` }, null);
    const limited = await flooder.error();
    expect(limited).toMatchObject({ message: 'rate_limited', call: 'create_message' });
    expect(limited.retry_after_ms).toBeGreaterThan(0);
    expect(await flooder.closed).toBe(1008);
    honest.call('create_message', { body: 'still here' });
    expect(
      (await honest.next('message_created', (p) => p.object.body === 'still here')).object.user
        .uuid,
    ).toBe(honest.user.uuid);
    const stored = flooder.received.filter((f) => f.payload.message === 'message_created').length;
    const refused = flooder.received.filter((f) => f.payload.message === 'rate_limited').length;
    console.info(
      `flood: 200 calls sent, ${stored} carried out, ${refused} refused with rate_limited, then closed with 1008`,
    );
    expect(stored).toBeLessThanOrEqual(15);
    await honest.close();
  });

  it('caps connections per IP address', async () => {
    server = await testServer('memory', { maxConnectionsPerIp: 3 });
    const clients = await Promise.all([1, 2, 3].map(() => TestClient.connect(server!.url)));
    await expect(openRaw(server.url)).rejects.toThrow(/429/);
    await clients[0]!.close();
    await new Promise((r) => setTimeout(r, 50));
    const again = await TestClient.connect(server.url);
    await Promise.all([again, ...clients.slice(1)].map((c) => c.close()));
  });

  it('refuses origins outside the allow-list', async () => {
    server = await testServer('memory', { allowedOrigins: ['https://chat.example'] });
    await expect(openRaw(server.url, { origin: 'https://evil.example' })).rejects.toThrow(/403/);
    (await openRaw(server.url, { origin: 'https://chat.example' })).close();
  });

  it('closes a peer that stops answering pings, and its user leaves the room', async () => {
    server = await testServer('memory', { pingIntervalMs: 100 });
    const watcher = await TestClient.connect(server.url);
    const dead = await TestClient.connect(server.url);
    watcher.call('create_room');
    const room = (await watcher.next('room_created')).object;
    dead.call('enter_room', { uuid: room.uuid });
    await watcher.next('room_changed', (p) => p.object.user_count === 1);
    // a peer that has gone away: its socket stays open but nothing answers, pongs included
    dead.ws.pong = () => undefined;
    (
      dead.ws as unknown as { _receiver: { removeAllListeners(e: string): void } }
    )._receiver.removeAllListeners('ping');
    (dead.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const left = await watcher.next('room_changed', (p) => p.object.user_count === 0, 3000);
    expect(left.object.uuid).toBe(room.uuid);
    await watcher.close();
  });

  it('closes a connection that does not read, and server memory stays bounded', async () => {
    server = await testServer('memory', { maxBufferedBytes: 256 * 1024 });
    const sender = await TestClient.connect(server.url);
    const sleeper = await TestClient.connect(server.url);
    sender.call('create_room');
    const room = (await sender.next('room_created')).object;
    for (const c of [sender, sleeper]) {
      c.call('enter_room', { uuid: room.uuid });
      await c.next('drawing_got');
    }
    (sleeper.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const before = process.memoryUsage().rss;
    const body = 'x'.repeat(9_000);
    let sent = 0;
    while (sent < 5000 && server.hub.size > 1) {
      for (let i = 0; i < 50; i++) sender.call('create_message', { body }, null);
      sent += 50;
      await sender.next('message_created', (p) => p.object.seq === sent, 5000);
      sender.drain();
    }
    // the sleeper was dropped long before everything was sent
    expect(server.hub.size).toBe(1);
    expect(sent).toBeLessThan(5000);
    const growth = process.memoryUsage().rss - before;
    console.info(
      `backpressure: the reader that never read was closed after ${sent} messages of 9 KB; RSS grew ${(growth / 2 ** 20).toFixed(1)} MB`,
    );
    expect(growth).toBeLessThan(64 * 1024 * 1024);
    await sender.close();
  });

  it('slow requests: sockets count from accept, per address and in all, and a request has 0.5 s to arrive', async () => {
    server = await testServer('memory', {
      maxConnectionsPerIp: 20,
      maxSockets: 45,
      requestTimeoutMs: 500,
    });
    const { port } = new URL(server.url);
    // slowloris: a header line every 100 ms, never the end of the request
    const slow = (address: string) => {
      const socket = connect({ host: '127.0.0.1', port: Number(port), localAddress: address });
      let answer = '';
      socket.on('data', (d: Buffer) => (answer += d.toString()));
      socket.on('error', () => undefined);
      socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
      const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 100);
      const closed = new Promise<number>((resolve) =>
        socket.once('close', () => {
          clearInterval(drip);
          resolve(performance.now());
        }),
      );
      return { answer: () => answer.split('\r\n')[0] ?? '', closed };
    };
    const t0 = performance.now();
    const a = Array.from({ length: 30 }, () => slow('127.0.0.5'));
    await new Promise((r) => setTimeout(r, 100));
    // past its address's 20, each gets 429 at once
    expect(a.filter((s) => s.answer().includes('429'))).toHaveLength(10);
    const b = Array.from({ length: 20 }, () => slow('127.0.0.6'));
    await new Promise((r) => setTimeout(r, 100));
    // 40 held: the server's cap of 45 leaves room for 5 more, from anywhere
    const c = Array.from({ length: 10 }, () => slow('127.0.0.7'));
    await new Promise((r) => setTimeout(r, 100));
    expect(c.filter((s) => s.answer().includes('503'))).toHaveLength(5);
    expect((await fetch(`${server.url}/healthz`).catch(() => undefined))?.status ?? 503).toBe(503);
    // the request deadline closes the held ones; then everyone is served again
    const held = [...a, ...b, ...c].filter((s) => s.answer() === '' || s.answer().includes('408'));
    const closedAt = await Promise.all(held.map((s) => s.closed));
    const slowest = Math.max(...closedAt) - t0;
    expect(slowest).toBeLessThan(3000);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const client = await TestClient.connect(server.url, { localAddress: '127.0.0.5' });
    await client.close();
    console.info(
      `slowloris: 60 slow sockets from 3 addresses: 10 refused with 429 (20 an address), 5 with 503 ` +
        `(45 in all), the ${held.length} held closed within ${slowest.toFixed(0)} ms (deadline 500 ms); then served again`,
    );
  });

  it('quotas of an address: new identities, rooms, message bytes and call cost, whatever its connections', async () => {
    server = await testServer('memory', {
      addressNewUsersPerHour: 40,
      addressRoomsPerHour: 3,
      addressMessageBytesPerSecond: 1000,
      addressCallsPerSecond: 50,
    });
    const url = server.url;
    // 40 an hour, 10 at once: the 11th new identity from one address is refused and closed (1013)
    const users = [];
    for (let i = 0; i < 10; i++)
      users.push(await TestClient.connect(url, { localAddress: '127.0.0.8' }));
    const refused = await TestClient.open(url, { localAddress: '127.0.0.8' });
    const error = await refused.error();
    expect(error).toMatchObject({ message: 'rate_limited' });
    expect(error.retry_after_ms).toBeGreaterThan(60_000);
    expect(error.detail).toMatch(/new users/);
    expect(await refused.closed).toBe(1013);
    // resuming an identity is no new one; another address has its own quota
    const back = await TestClient.connect(url, {
      localAddress: '127.0.0.8',
      token: users[0]!.token,
    });
    expect(back.resumed).toBe(true);
    const elsewhere = await TestClient.connect(url, { localAddress: '127.0.0.9' });
    // 3 rooms an hour from an address, whichever of its connections creates them
    for (const c of [users[1]!, users[2]!, users[1]!]) {
      c.call('create_room');
      await c.next('room_created');
    }
    users[3]!.call('create_room');
    const roomsRefused = await users[3]!.error();
    expect(roomsRefused).toMatchObject({ message: 'rate_limited', call: 'create_room' });
    expect(roomsRefused.retry_after_ms).toBeGreaterThan(10 * 60_000);
    elsewhere.call('create_room');
    const room = (await elsewhere.next('room_created')).object;
    // 1,000 bytes of messages a second (8,000 at once), a message's own fields counted too
    for (const c of [users[4]!, users[5]!]) {
      c.call('enter_room', { uuid: room.uuid });
      await c.next('drawing_got');
    }
    let stored = 0;
    let limited: ErrorPayload | undefined;
    for (let i = 0; i < 20 && !limited; i++) {
      const c = users[4 + (i % 2)]!;
      const id = c.call('create_message', { body: 'x'.repeat(800) });
      const f = await c.take((f) => f.payload.id === id);
      if (f.type === 'error') limited = f.payload;
      else stored++;
    }
    expect(stored).toBe(8);
    expect(limited).toMatchObject({ message: 'rate_limited', call: 'create_message' });
    // call cost: 50 a second, 150 at once, shared by the address's connections
    const spent = await Promise.all(
      [users[6]!, users[7]!, users[8]!].map(async (c) => {
        for (let i = 0; i < 100; i++) c.call('leave_room', {}, `l${i}`);
        await c.take((f) => f.payload.id === 'l99');
        return c.received.filter((f) => f.payload.message === 'rate_limited').length;
      }),
    );
    // 300 calls of cost 1 from one address with a burst of 150 (and some refill): about half refused
    const limitedCalls = spent.reduce((a, b) => a + b, 0);
    expect(limitedCalls).toBeGreaterThan(100);
    expect(limitedCalls).toBeLessThan(200);
    console.info(
      `quotas: the 11th new identity of an address refused (retry in ${Math.round(error.retry_after_ms! / 1000)} s) ` +
        `and closed 1013; the 4th room refused (retry in ${Math.round(roomsRefused.retry_after_ms! / 60_000)} min); ` +
        `${stored} messages of 800 bytes, then refused; ${limitedCalls} of 300 calls from 3 connections of one address refused`,
    );
    await Promise.all([...users, back, elsewhere].map((c) => c.close()));
  });

  it('the token is in no log line, at any level, however it travels', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
    server = await testServer('memory', { logger, logLevel: 'trace' });
    const first = await TestClient.connect(server.url);
    first.call('create_room');
    const room = (await first.next('room_created')).object;
    first.call('enter_room', { uuid: room.uuid });
    await first.next('drawing_got');
    await first.close();
    // resumed by URL (the original client's way) and by subprotocol (ours), then taken over
    const byUrl = await TestClient.connect(server.url, { token: first.token });
    const byProtocol = await TestClient.connect(server.url, {
      token: first.token,
      tokenIn: 'protocol',
    });
    expect(await byUrl.closed).toBe(4000);
    byProtocol.call('enter_room', { uuid: room.uuid });
    await byProtocol.next('drawing_got');
    byProtocol.call('create_message', { body: 'hello' });
    await byProtocol.next('message_created');
    await byProtocol.close();
    const log = lines.join('');
    // the frames were logged (so the test can fail), the secret was not
    expect(log).toContain('user_created');
    expect(log).toContain('[redacted]');
    expect(log).not.toContain(first.token);
    expect(log).not.toContain(encodeURIComponent(first.token));
  });

  it('sockets of other sites refused by default; * opens to all; /metrics for this machine only', async () => {
    server = await testServer('memory');
    const own = new URL(server.url).host;
    await expect(openRaw(server.url, { origin: 'https://evil.example' })).rejects.toThrow(/403/);
    (await openRaw(server.url, { origin: `http://${own}` })).close();
    (await openRaw(server.url)).close();
    // the token as a subprotocol: the server answers "chat", never the token
    const c = await TestClient.connect(server.url);
    const ws = await openRaw(server.url, { protocols: socketProtocols(c.token) });
    expect(ws.protocol).toBe('chat');
    ws.close();
    await c.close();
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
    const proxied = await fetch(`${server.url}/metrics`, {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(proxied.status).toBe(403);
    await server.dispose();
    server = await testServer('memory', { allowedOrigins: ['*'], publicMetrics: true });
    (await openRaw(server.url, { origin: 'https://evil.example' })).close();
    const open = await fetch(`${server.url}/metrics`, {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(open.status).toBe(200);
  });

  it("behind a trusted proxy, quotas count the client's address the proxy names", async () => {
    server = await testServer('memory', {
      addressNewUsersPerHour: 4,
      trustedProxyHeader: 'x-forwarded-for',
    });
    // every socket comes from the proxy (127.0.0.1); the proxy names the client last
    const via = (client: string) =>
      TestClient.open(server!.url, { headers: { 'x-forwarded-for': `10.9.9.9, ${client}` } });
    const first = await via('203.0.113.1');
    await first.next('user_created');
    const second = await via('203.0.113.1');
    expect((await second.error()).message).toBe('rate_limited');
    const other = await via('203.0.113.2');
    await other.next('user_created');
    await Promise.all([first.close(), other.close()]);
  });
});
