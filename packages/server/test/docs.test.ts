import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { READ_ONLY } from '@chat/client';
import { Parser, DiagnosticSeverity } from '@asyncapi/parser';
import { CALLS, RESULTS } from '@chat/protocol';
import { asyncApiYaml } from '../scripts/asyncapi.ts';
import { version } from '../src/cli/commands.ts';
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

describe('docs/asyncapi.yaml', () => {
  const path = new URL('../../../docs/asyncapi.yaml', import.meta.url);

  it('is what the protocol schemas make now (npm run docs writes it)', () => {
    expect(readFileSync(path, 'utf8')).toBe(asyncApiYaml(version()));
  });

  it('is a valid AsyncAPI 3.0 document with a message for every call, result and the error', async () => {
    const parser = new Parser();
    const { document, diagnostics } = await parser.parse(readFileSync(path, 'utf8'));
    const errors = diagnostics.filter(
      (d) => (d.severity as number) === (DiagnosticSeverity.Error as number),
    );
    expect(errors.map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    const names = document!
      .messages()
      .all()
      .map((m) => m.name());
    expect(names.sort()).toEqual([...CALLS, ...RESULTS, 'error'].sort());
    const create = document!
      .messages()
      .all()
      .find((m) => m.id() === 'call.create_room')!;
    const payload = create.payload()!.json<{
      properties: { payload: { properties: Record<string, unknown> } };
    }>();
    expect(Object.keys(payload.properties.payload.properties)).toEqual(
      expect.arrayContaining(['message', 'id', 'name', 'color', 'visibility']),
    );
  });
});
