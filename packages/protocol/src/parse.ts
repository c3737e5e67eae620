import { callSchemas, type Call } from './calls.ts';
import { ERROR_DETAILS, isCallName, type ErrorName } from './names.ts';
import { LIMITS } from './limits.ts';
import type { ErrorPayload } from './statements.ts';

export type Parsed =
  { ok: true; call: Call; id: string | undefined } | { ok: false; error: ErrorPayload };

function fail(message: ErrorName, call?: string, id?: string, detail?: string): Parsed {
  const error: ErrorPayload = { message, detail: detail ?? ERROR_DETAILS[message] };
  if (call !== undefined) error.call = call;
  if (id !== undefined) error.id = id;
  return { ok: false, error };
}

/** The call name and id of a frame, when they can be read, for an error about the frame itself. */
export function peekCall(frame: string): { call?: string; id?: string } {
  let data: unknown;
  try {
    data = JSON.parse(frame);
  } catch {
    return {};
  }
  const payload = isObject(data) ? data.payload : undefined;
  if (!isObject(payload)) return {};
  const out: { call?: string; id?: string } = {};
  if (typeof payload.message === 'string') out.call = payload.message;
  if (typeof payload.id === 'string' && payload.id.length <= LIMITS.idChars) out.id = payload.id;
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Turns one text frame into a validated call, or the precise error of PROTOCOL.md. */
export function parseStatement(frame: string, maxChars: number = LIMITS.frameChars): Parsed {
  if (frame.length > maxChars) {
    const { call, id } = peekCall(frame);
    return fail('data_too_long', call, id);
  }
  let data: unknown;
  try {
    data = JSON.parse(frame);
  } catch {
    return fail('bad_data', undefined, undefined, 'The frame is not valid JSON.');
  }
  if (!isObject(data))
    return fail('bad_data', undefined, undefined, 'The frame is not a JSON object.');
  const payload = data.payload;
  const name =
    isObject(payload) && typeof payload.message === 'string' ? payload.message : undefined;
  const rawId = isObject(payload) ? payload.id : undefined;
  const id = typeof rawId === 'string' && rawId.length <= LIMITS.idChars ? rawId : undefined;
  if (data.type !== 'call') {
    return fail('bad_data', name, id, 'Only statements of type "call" are accepted.');
  }
  if (!isObject(payload))
    return fail('not_sufficient_data', undefined, undefined, 'The payload is missing.');
  if (name === undefined)
    return fail('not_sufficient_data', undefined, id, 'payload.message is missing.');
  if (rawId !== undefined && id === undefined) {
    return fail(
      'not_sufficient_data',
      name,
      undefined,
      `payload.id must be a string of at most ${LIMITS.idChars} characters.`,
    );
  }
  if (!isCallName(name))
    return fail('unknown_statement', name, id, `No call is named "${name.slice(0, 100)}".`);

  const result = callSchemas[name].safeParse(payload);
  if (result.success) return { ok: true, call: { name, args: result.data } as Call, id };
  const issues = result.error.issues;
  const typeIssue = issues.find((i) => i.code !== 'custom');
  if (typeIssue) {
    const field = typeIssue.path.join('.') || 'payload';
    return fail(
      'not_sufficient_data',
      name,
      id,
      `The field "${field}" is missing or has the wrong type.`,
    );
  }
  const first = issues[0];
  const error = (first?.message ?? 'not_sufficient_data') as ErrorName;
  const field = first?.path.join('.');
  const detail = ERROR_DETAILS[error] ?? ERROR_DETAILS.not_sufficient_data;
  return fail(
    error in ERROR_DETAILS ? error : 'not_sufficient_data',
    name,
    id,
    field ? `${field}: ${detail}` : detail,
  );
}
