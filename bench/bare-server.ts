import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData } from 'ws';

export interface BareServer {
  port: number;
  connections(): number;
  stop(): Promise<void>;
}

/**
 * The physical limit: a `ws` server that broadcasts every text frame it receives to every
 * connected client (the sender included), decoding it once and handing the same string to
 * each `send`. Nothing else: no parsing, no storage, no rooms.
 */
export async function startBareServer(host = '127.0.0.1', port = 0): Promise<BareServer> {
  const server = createServer((_req, res) => {
    res.writeHead(404);
    res.end();
  });
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on('connection', (ws) => {
    ws.on('error', () => {});
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return;
      const frame = (data as Buffer).toString('utf8');
      for (const client of wss.clients) client.send(frame);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => wss.clients.size,
    async stop() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
