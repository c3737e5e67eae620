import type { ResultName } from './names.ts';
import type { ErrorPayload, ResultPayload } from './statements.ts';

/** Builders for the server's frames, so the statement shape is spelled once. */
export function resultFrame(payload: ResultPayload): string {
  return JSON.stringify({ type: 'result', payload });
}

export function errorFrame(error: ErrorPayload): string {
  return JSON.stringify({ type: 'error', payload: error });
}

/**
 * A result frame whose `object` is JSON text already (a drawing of megabytes, built by the
 * database, is not parsed and serialized again): the same frame resultFrame would make.
 */
export function resultFrameWithObject(
  message: ResultName,
  objectJson: string,
  id?: string,
): string {
  const tail = id === undefined ? '' : `,"id":${JSON.stringify(id)}`;
  return `{"type":"result","payload":{"message":${JSON.stringify(message)},"object":${objectJson}${tail}}}`;
}
