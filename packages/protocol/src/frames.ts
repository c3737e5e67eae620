import type { ErrorPayload, ResultPayload } from './statements.ts';

/** Builders for the server's frames, so the statement shape is spelled once. */
export function resultFrame(payload: ResultPayload): string {
  return JSON.stringify({ type: 'result', payload });
}

export function errorFrame(error: ErrorPayload): string {
  return JSON.stringify({ type: 'error', payload: error });
}
