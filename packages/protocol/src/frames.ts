import type { ResultName } from './names.ts';
import type { ErrorPayload, ResultPayloads } from './statements.ts';

/** Builders for the server's frames, so the statement shape is spelled once. */
export function resultFrame<K extends ResultName>(
  message: K,
  data: ResultPayloads[K],
  id?: string,
): string {
  const payload = id === undefined ? { message, ...data } : { message, ...data, id };
  return JSON.stringify({ type: 'result', payload });
}

export function errorFrame(error: ErrorPayload): string {
  return JSON.stringify({ type: 'error', payload: error });
}
