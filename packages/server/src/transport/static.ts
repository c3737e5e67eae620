import { createReadStream, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Chat</title>
<p>The web client is not built. Run <code>npm start</code> from the repository root (it builds it), or <code>npm run build -w @chat/web</code>.</p>`;

/** Serves the built web client; paths without a file fall back to index.html (client routing). */
export function serveStatic(root: string) {
  const base = resolve(root);
  return async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    let path: string;
    try {
      path = normalize(join(base, decodeURIComponent(pathname)));
    } catch {
      path = base;
    }
    if (path !== base && !path.startsWith(base + sep)) path = base;
    let file = path;
    let stat = await fs.stat(file).catch(() => undefined);
    if (!stat?.isFile()) {
      // an asset that is missing is a 404; a page path is the client's to route
      if (extname(pathname) !== '' && extname(pathname) !== '.html') {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
        return;
      }
      file = join(base, 'index.html');
      stat = await fs.stat(file).catch(() => undefined);
      if (!stat?.isFile()) {
        res.writeHead(200, { 'content-type': TYPES['.html'] }).end(NOT_BUILT);
        return;
      }
    }
    const immutable = file.startsWith(join(base, 'assets') + sep);
    // a weak validator from size and time: a page asking again (index.html, the emoji data a
    // picker checks) is answered 304 without the file
    const etag = `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    const headers = {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      etag,
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, 'content-length': stat.size });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  };
}
