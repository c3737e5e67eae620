/**
 * Writes what docs can say from code: the index of calls in docs/protocol.md, from the call
 * modules (packages/server/src/calls), and docs/asyncapi.yaml, from the protocol package's
 * schemas. `npm run docs`; a server test fails while either is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { version } from '../src/cli/commands.ts';
import { withCallsIndex } from '../src/calls/docIndex.ts';
import { asyncApiYaml } from './asyncapi.ts';

const path = new URL('../../../docs/protocol.md', import.meta.url);
const doc = readFileSync(path, 'utf8');
const next = withCallsIndex(doc);
if (next !== doc) writeFileSync(path, next);
console.info(
  next === doc ? 'docs/protocol.md is up to date' : 'docs/protocol.md: calls index written',
);

const asyncapi = new URL('../../../docs/asyncapi.yaml', import.meta.url);
const yaml = asyncApiYaml(version());
let before = '';
try {
  before = readFileSync(asyncapi, 'utf8');
} catch {
  // not written yet
}
if (yaml !== before) writeFileSync(asyncapi, yaml);
console.info(yaml === before ? 'docs/asyncapi.yaml is up to date' : 'docs/asyncapi.yaml: written');
