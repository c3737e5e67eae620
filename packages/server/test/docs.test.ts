import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { READ_ONLY } from '@chat/client';
import { CALLS } from '@chat/protocol';
import { CALL_MODULES } from '../src/calls/index.ts';
import { callsIndex, withCallsIndex } from '../src/calls/docIndex.ts';

const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');

describe('docs/protocol.md', () => {
  it('indexes every call, as the call modules describe them (npm run docs writes it)', () => {
    expect(withCallsIndex(doc)).toBe(doc);
    for (const name of CALLS) expect(callsIndex()).toContain(`[\`${name}\`](#${name})`);
  });

  it('has a section for every call', () => {
    for (const name of Object.keys(CALL_MODULES)) expect(doc).toContain(`### \`${name}\``);
  });
});

describe('the call modules and the client package', () => {
  it('agree on which calls change nothing (the client sends those again after a reconnect)', () => {
    const readOnly = CALLS.filter((name) => !CALL_MODULES[name].writes);
    expect([...READ_ONLY].sort()).toEqual(readOnly.sort());
  });
});
