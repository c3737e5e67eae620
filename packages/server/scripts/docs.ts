/**
 * Writes what docs/protocol.md shows that code can say: the index of calls, from the call
 * modules (packages/server/src/calls). `npm run docs`; a server test fails while it is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { withCallsIndex } from '../src/calls/docIndex.ts';

const path = new URL('../../../docs/protocol.md', import.meta.url);
const doc = readFileSync(path, 'utf8');
const next = withCallsIndex(doc);
if (next !== doc) writeFileSync(path, next);
console.info(
  next === doc ? 'docs/protocol.md is up to date' : 'docs/protocol.md: calls index written',
);
