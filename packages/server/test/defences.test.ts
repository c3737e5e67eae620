import { afterEach, describe, expect, it } from 'vitest';
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
    while (sent < 5000 && server.services.hub.size > 1) {
      for (let i = 0; i < 50; i++) sender.call('create_message', { body }, null);
      sent += 50;
      await sender.next('message_created', (p) => p.object.seq === sent, 5000);
      sender.drain();
    }
    // the sleeper was dropped long before everything was sent
    expect(server.services.hub.size).toBe(1);
    expect(sent).toBeLessThan(5000);
    const growth = process.memoryUsage().rss - before;
    console.info(
      `backpressure: the reader that never read was closed after ${sent} messages of 9 KB; RSS grew ${(growth / 2 ** 20).toFixed(1)} MB`,
    );
    expect(growth).toBeLessThan(64 * 1024 * 1024);
    await sender.close();
  });
});
