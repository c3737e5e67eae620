export {
  ChatClient,
  DEFAULT_TOKEN_KEY,
  TRY_AGAIN_DEFAULT_MS,
  TRY_AGAIN_MIN_MS,
  type ChatClientOptions,
  type KeyValueStore,
  type RequestOptions,
} from './client.ts';
export type { LineStyle } from './stroke.ts';
export { CallError, ClientError, type ChatClientError, type ClientErrorKind } from './errors.ts';
export type {
  ClientListeners,
  ConnectionState,
  FrameMeta,
  History,
  Identity,
  RawFrame,
} from './events.ts';
export { READ_ONLY, type EnterReply, type Reply } from './requests.ts';
export {
  partySocket,
  type ReconnectOptions,
  type SocketFactory,
  type SocketHandlers,
  type SocketLike,
  type SocketTarget,
  type WebSocketConstructor,
} from './socket.ts';
export { retryRateLimited, type RetryOptions } from './retry.ts';
export { roomsNamed, type RoomsNamedOptions } from './rooms.ts';
export { Throttle } from './throttle.ts';
export { createIdSource, type IdSource } from './ids.ts';
export { callFrame, readFrame, type Incoming } from './frames.ts';
