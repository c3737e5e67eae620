import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../chat/context.ts';
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
export async function health(
  services: Services,
): Promise<{ ok: boolean; storage: boolean; bus: boolean }> {
  const storage = await Promise.race([
    services.storage.ping().then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((r) => setTimeout(() => r(false), 2000).unref()),
  ]);
  const bus = services.bus.ready();
  return { ok: storage && bus, storage, bus };
}

export function httpHandler(services: Services, staticDir: string) {
  const files = serveStatic(staticDir);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.pathname === '/healthz') {
      const h = await health(services);
      res
        .writeHead(h.ok ? 200 : 503, {
          'content-type': 'application/json',
          'cache-control': 'no-store',
        })
        .end(
          JSON.stringify({ ...h, node: services.config.nodeId, connections: services.hub.size }),
        );
      return;
    }
    if (url.pathname === '/metrics') {
      const registry = services.metrics.registry;
      res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
      return;
    }
    await files(req, res, url.pathname);
  };
}
