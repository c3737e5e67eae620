/**
 * How a client opens its WebSocket: the paths, the version parameter, and how an identity
 * token travels. Spelled once for the server, the client package and the tests.
 */

/** Paths the server accepts the upgrade on: `/` (the original client's) and `/ws`. */
export const SOCKET_PATHS = ['/', '/ws'] as const;

/** `?v=2` asks for the extended protocol (PROTOCOL.md, "Versions"). */
export const VERSION_PARAM = 'v';
export const PROTOCOL_VERSION = 2;

/** `?token=SECRET`: how original clients resume an identity (kept for them). */
export const TOKEN_PARAM = 'token';

/**
 * Our clients send the token in the `Sec-WebSocket-Protocol` header instead of the URL, so
 * it never shows in an address, a browser console or a proxy's access log: they offer
 * `[SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX + token]` and the server selects SUBPROTOCOL (it
 * never echoes the token). A token is base64url, which the header allows as is.
 */
export const SUBPROTOCOL = 'chat';
export const TOKEN_SUBPROTOCOL_PREFIX = 'token.';

/** The subprotocols a client offers: always SUBPROTOCOL, plus its token when it has one. */
export function socketProtocols(token: string | null | undefined): string[] {
  return token ? [SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX + token] : [SUBPROTOCOL];
}

/** The token among offered subprotocols, if any. */
export function tokenFromProtocols(offered: Iterable<string>): string | undefined {
  for (const p of offered) {
    if (p.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) return p.slice(TOKEN_SUBPROTOCOL_PREFIX.length);
  }
  return undefined;
}

/** A socket URL of the extended protocol on `base` (`ws://host:port` or `wss://...`), path /ws. */
export function socketUrl(base: string): string {
  return `${base.replace(/^http/, 'ws').replace(/\/+$/, '')}/ws?${VERSION_PARAM}=${PROTOCOL_VERSION}`;
}
