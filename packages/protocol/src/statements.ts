import type { CallName, ResultName } from './names.ts';
import type { ErrorPayload, ResultPayload } from './results.ts';

// the payload types live with their schemas in results.ts; named here too for older imports
export type { ErrorPayload, ResultPayload, ResultPayloads } from './results.ts';

export interface ResultStatement<K extends ResultName = ResultName> {
  type: 'result';
  payload: ResultPayload<K>;
}
export interface ErrorStatement {
  type: 'error';
  payload: ErrorPayload;
}
export type ServerStatement = ResultStatement | ErrorStatement;

export interface CallStatement {
  type: 'call';
  payload: { message: CallName; id?: string; [field: string]: unknown };
}
