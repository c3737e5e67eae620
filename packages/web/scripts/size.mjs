#!/usr/bin/env node
// Prints the gzipped size of the JavaScript that index.html loads before the app can run:
// the entry script, its modulepreload links and every chunk they import statically
// (chunks behind a dynamic import(), like the drawing board, are not initial).
// Usage: node scripts/size.mjs [distDir] [--limit KB]; exits 1 when over the limit.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const limitAt = args.indexOf('--limit');
const limitKb = limitAt >= 0 ? Number(args[limitAt + 1]) : 250;
const positional = args.filter((a, i) => !a.startsWith('--') && i !== limitAt + 1);
const dist = resolve(positional[0] ?? join(here, '..', 'dist'));

const html = readFileSync(join(dist, 'index.html'), 'utf8');
const start = new Set();
for (const m of html.matchAll(/<script[^>]*\bsrc="([^"]+\.js)"[^>]*>/g)) start.add(m[1]);
for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"[^>]*>/g)) {
  start.add(m[1]);
}

const STATIC_IMPORT = /\b(?:import|export)\s*(?:[^"'()]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g;
const seen = new Map();
const queue = [...start].map((src) => join(dist, src.replace(/^\//, '')));
while (queue.length > 0) {
  const file = queue.shift();
  if (seen.has(file)) continue;
  const code = readFileSync(file);
  seen.set(file, { raw: code.length, gzip: gzipSync(code).length });
  for (const m of code.toString('utf8').matchAll(STATIC_IMPORT)) {
    queue.push(resolve(dirname(file), m[1]));
  }
}

let raw = 0;
let gzip = 0;
for (const [file, s] of seen) {
  raw += s.raw;
  gzip += s.gzip;
  console.log(
    `${file.slice(dist.length + 1)}  ${(s.raw / 1024).toFixed(1)} KB, gzip ${(s.gzip / 1024).toFixed(1)} KB`,
  );
}
console.log(
  `initial JS: ${seen.size} file(s), ${(raw / 1024).toFixed(1)} KB, gzip ${(gzip / 1024).toFixed(1)} KB (limit ${limitKb} KB)`,
);
if (seen.size === 0 || gzip > limitKb * 1024) {
  console.error(seen.size === 0 ? 'no script found in index.html' : 'initial JS is over the limit');
  process.exit(1);
}
