import { z } from 'zod';
import {
  CALLS,
  callSchemas,
  ERROR_DETAILS,
  ERRORS,
  errorPayloadSchema,
  isOriginalResult,
  LIMITS,
  RESULTS,
  resultSchemas,
  type CallName,
  type ResultName,
} from '@chat/protocol';
import { stringify } from 'yaml';
import { CALL_MODULES } from '../src/calls/index.ts';

/**
 * The protocol as an AsyncAPI 3.0 document, made from the protocol package's zod schemas (their
 * JSON Schema export) and the call modules' docs: docs/asyncapi.yaml, written by `npm run docs`
 * and checked by a test (the AsyncAPI parser validates it; it must equal what this makes).
 */

type JsonSchema = Record<string, unknown>;

/** A zod schema as JSON Schema (refinements, which JSON Schema cannot say, are in the prose). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out: JsonSchema = { ...z.toJSONSchema(schema, { io, unrepresentable: 'any' }) };
  delete out.$schema;
  return out;
}

/** A statement: `{type, payload}` around a payload schema. */
function statement(type: 'call' | 'result' | 'error', payload: JsonSchema): JsonSchema {
  return {
    type: 'object',
    required: ['type', 'payload'],
    properties: { type: { const: type }, payload },
  };
}

/** A call's payload: its fields, its name in `message`, and an optional `id`. */
function callPayload(name: CallName): JsonSchema {
  const fields = jsonSchema(callSchemas[name], 'input');
  const properties = (fields.properties ?? {}) as JsonSchema;
  const required = (fields.required ?? []) as string[];
  return {
    ...fields,
    type: 'object',
    required: ['message', ...required],
    properties: {
      message: { const: name },
      id: {
        type: 'string',
        maxLength: LIMITS.idChars,
        description: 'Echoed in every frame the caller gets because of this call.',
      },
      ...properties,
    },
  };
}

const ref = (path: string) => ({ $ref: path });

export function asyncApiDocument(version: string): Record<string, unknown> {
  const messages: Record<string, unknown> = {};
  const channelMessages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const add = (key: string, message: Record<string, unknown>) => {
    messages[key] = message;
    channelMessages[key] = ref(`#/components/messages/${key}`);
  };
  for (const name of CALLS) {
    const { doc, writes } = CALL_MODULES[name];
    add(`call.${name}`, {
      name,
      title: `call ${name}`,
      summary: `Payload beside message: ${doc.payload}. On success: ${doc.success}.`,
      description: `Errors: ${[...doc.errors].map((e) => `\`${e}\``).join(', ') || 'none of its own'}${doc.note ? ` ${doc.note}` : ''}.${writes ? '' : ' Changes nothing (sent again after a reconnect).'}`,
      payload: statement('call', callPayload(name)),
    });
    operations[`call_${name}`] = {
      action: 'send',
      channel: ref('#/channels/chat'),
      summary: `Client to server: ${name}.`,
      messages: [ref(`#/channels/chat/messages/call.${name}`)],
    };
  }
  for (const name of RESULTS as readonly ResultName[]) {
    add(`result.${name}`, {
      name,
      title: `result ${name}`,
      summary: isOriginalResult(name)
        ? 'Sent by the original server too.'
        : 'An extension: never sent to an original client (no ?v=2).',
      payload: statement('result', jsonSchema(resultSchemas[name], 'output')),
    });
    operations[`result_${name}`] = {
      action: 'receive',
      channel: ref('#/channels/chat'),
      summary: `Server to client: ${name}.`,
      messages: [ref(`#/channels/chat/messages/result.${name}`)],
    };
  }
  add('error', {
    name: 'error',
    title: 'error',
    summary: 'A call failed: to the caller only.',
    description: ERRORS.map((e) => `- \`${e}\`: ${ERROR_DETAILS[e]}`).join('\n'),
    payload: statement('error', jsonSchema(errorPayloadSchema, 'output')),
  });
  operations.error = {
    action: 'receive',
    channel: ref('#/channels/chat'),
    summary: 'Server to client: an error.',
    messages: [ref('#/channels/chat/messages/error')],
  };
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'socket chat',
      version,
      description:
        'A WebSocket realtime chat. Every frame is a JSON statement {type, payload}: the client sends `call`s, the server answers with `result`s and `error`s. Written from the protocol package by `npm run docs`; docs/protocol.md says the rest (who receives what, limits, versions).',
    },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: 'localhost:9000',
        protocol: 'ws',
        description: 'A server run by `npm start`.',
      },
    },
    channels: {
      chat: {
        address: '/?v=2',
        title: 'The chat connection',
        description:
          'One WebSocket per client. `?v=2` asks for the extended protocol; without it the server speaks to an original client. Our clients send their identity token as a subprotocol (`chat, token.SECRET`).',
        messages: channelMessages,
      },
    },
    operations,
    components: { messages },
  };
}

/** The document as YAML, as docs/asyncapi.yaml holds it. */
export function asyncApiYaml(version: string): string {
  return `# Written by \`npm run docs\` from the protocol package: do not edit.\n${stringify(asyncApiDocument(version), { lineWidth: 100 })}`;
}
