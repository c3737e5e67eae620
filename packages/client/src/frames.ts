import {
  ERROR_DETAILS,
  ERRORS,
  errorPayloadSchema,
  RESULTS,
  resultSchemas,
  type CallName,
  type ErrorPayload,
  type ResultName,
  type ResultPayload,
} from '@chat/protocol';

/** One frame from the server, read and validated once. */
export type Incoming =
  | { kind: 'result'; payload: ResultPayload }
  | { kind: 'error'; payload: ErrorPayload; until?: string }
  /** Not a statement of the protocol, or one that fails its schema. */
  | { kind: 'invalid'; reason: string; name?: string; id?: string }
  /** A well-formed result or error this client does not know (a newer server's). */
  | { kind: 'unknown'; name: string; id?: string };

const errorNames: ReadonlySet<string> = new Set(ERRORS);
const resultNames: ReadonlySet<string> = new Set(RESULTS);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function issuesOf(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || 'payload'}: ${i.message}`)
    .join('; ');
}

/** A call frame, as the client sends it. */
export function callFrame(call: CallName, args: object, id: string): string {
  return JSON.stringify({ type: 'call', payload: { ...args, message: call, id } });
}

/** Reads one text frame from the server. */
export function readFrame(text: string): Incoming {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'The frame is not JSON.' };
  }
  const payload = isObject(data) ? data.payload : undefined;
  if (!isObject(data) || !isObject(payload) || typeof payload.message !== 'string') {
    return { kind: 'invalid', reason: 'The frame is not a statement with payload.message.' };
  }
  const name = payload.message;
  const id = typeof payload.id === 'string' ? payload.id : undefined;
  const at = id === undefined ? { name } : { name, id };
  // the original server sent some errors as type "result": the name decides
  if (data.type === 'error' || errorNames.has(name)) {
    if (!errorNames.has(name)) return { kind: 'unknown', ...at };
    const withDetail =
      typeof payload.detail === 'string'
        ? payload
        : { ...payload, detail: ERROR_DETAILS[name as keyof typeof ERROR_DETAILS] };
    const parsed = errorPayloadSchema.safeParse(withDetail);
    if (!parsed.success) {
      return { kind: 'invalid', reason: `${name}: ${issuesOf(parsed.error)}`, ...at };
    }
    const until = payload.until;
    return typeof until === 'string'
      ? { kind: 'error', payload: parsed.data, until }
      : { kind: 'error', payload: parsed.data };
  }
  if (data.type !== 'result') {
    return { kind: 'invalid', reason: 'The frame is neither a result nor an error.', ...at };
  }
  if (!resultNames.has(name)) return { kind: 'unknown', ...at };
  const parsed = resultSchemas[name as ResultName].safeParse(payload);
  if (!parsed.success) {
    return { kind: 'invalid', reason: `${name}: ${issuesOf(parsed.error)}`, ...at };
  }
  return { kind: 'result', payload: parsed.data };
}
