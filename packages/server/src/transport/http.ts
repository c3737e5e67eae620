import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Bus } from '../bus/bus.ts';
import type { Config } from '../config.ts';
import type { Hub } from '../hub/hub.ts';
import type { Metrics } from '../metrics.ts';
import type { Storage } from '../storage/storage.ts';
import { serveStatic } from './static.ts';

/** Headers for every HTTP answer: the web client runs only its own code. */
export const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
    "media-src 'self' data: blob:; connect-src 'self' ws: wss:; font-src 'self' data:; object-src 'none'; " +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
} as const;

/** Readiness: storage answers and the bus is connected. */
/** What the HTTP side reads: readiness, counts, metrics. */
export interface HttpDeps {
  config: Config;
  storage: Storage;
  bus: Bus;
  hub: Hub;
  metrics: Metrics;
}

export async function health(
  deps: Pick<HttpDeps, 'storage' | 'bus'>,
): Promise<{ ok: boolean; storage: boolean; bus: boolean }> {
  const storage = await Promise.race([
    deps.storage.ping().then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((r) => setTimeout(() => r(false), 2000).unref()),
  ]);
  const bus = deps.bus.ready();
  return { ok: storage && bus, storage, bus };
}

/**
 * A request from this machine itself, not passed on by a proxy on it (a proxy adds a
 * forwarding header; from outside, its requests would otherwise look local).
 */
function fromThisMachine(req: IncomingMessage): boolean {
  const h = req.headers;
  if (h['x-forwarded-for'] || h.forwarded || h['x-real-ip']) return false;
  const address = req.socket.remoteAddress ?? '';
  return /^(127\.|::1$|::ffff:127\.)/.test(address);
}

export function httpHandler(deps: HttpDeps, staticDir: string) {
  const files = serveStatic(staticDir);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.pathname === '/healthz') {
      const h = await health(deps);
      res
        .writeHead(h.ok ? 200 : 503, {
          'content-type': 'application/json',
          'cache-control': 'no-store',
        })
        .end(JSON.stringify({ ...h, node: deps.config.nodeId, connections: deps.hub.size }));
      return;
    }
    if (url.pathname === '/metrics') {
      if (!deps.config.publicMetrics && !fromThisMachine(req)) {
        res
          .writeHead(403, { 'content-type': 'text/plain; charset=utf-8' })
          .end('Metrics are served to this machine only (see --public-metrics).\n');
        return;
      }
      const registry = deps.metrics.registry;
      res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
      return;
    }
    await files(req, res, url.pathname);
  };
}
