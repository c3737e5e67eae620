import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNode } from './chat/node.ts';
import { DEFAULTS, type Config } from './config.ts';
import type { Hub } from './hub/hub.ts';
import type { Logger } from './logger.ts';
import { describeStorage } from './storage/index.ts';
import type { Storage } from './storage/storage.ts';
import { httpHandler } from './transport/http.ts';
import { guardSockets } from './transport/sockets.ts';
import { attachWebSocket } from './transport/websocket.ts';

export { monotonicClock } from './chat/node.ts';

export interface RunningServer {
  url: string;
  port: number;
  config: Config;
  /** The node's storage and hub, for tests and benchmarks that seed or count. */
  storage: Storage;
  hub: Hub;
  stop(): Promise<void>;
}

/** Makes a node, then serves HTTP and WebSocket on one port. */
export async function startServer(
  options: Partial<Config> & { logger?: Logger } = {},
): Promise<RunningServer> {
  const config: Config = { ...DEFAULTS, ...options };
  const node = await createNode(config, options.logger);
  const { log, metrics, storage, bus, hub, quotas, sessions, dispatcher } = node;
  const handle = httpHandler({ config, storage, bus, hub, metrics }, config.staticDir);
  const server = createServer(
    {
      // a request (an upgrade too) must arrive whole within this, or its socket is closed
      headersTimeout: config.requestTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, config.requestTimeoutMs),
    },
    (req, res) => {
      if (sockets.refused(req.socket)) return;
      handle(req, res).catch((err: unknown) => {
        log.error({ err }, 'http request failed');
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    },
  );
  const sockets = guardSockets(
    server,
    { maxSockets: config.maxSockets, maxPerAddress: config.maxConnectionsPerIp },
    log,
    metrics,
  );
  const ws = attachWebSocket(
    server,
    { config, log, metrics, quotas, sessions, dispatcher },
    sockets,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  log.info(
    {
      url,
      websocket: `ws://${host}:${port}/ws`,
      storage: describeStorage(config.storage),
      bus: describeStorage(config.bus),
      node: config.nodeId,
    },
    `listening on ${url}, storing in ${describeStorage(config.storage)}`,
  );

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    config,
    storage,
    hub,
    stop() {
      stopping ??= (async () => {
        server.close();
        await ws.close();
        server.closeAllConnections();
        await node.stop();
        log.info('stopped');
      })();
      return stopping;
    },
  };
}
