/** The socket lives on the page's own origin, path /ws. */
export function socketUrl(loc: Pick<Location, 'protocol' | 'host'>, token: string | null): string {
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  const base = `${scheme}://${loc.host}/ws`;
  return token ? `${base}?token=${encodeURIComponent(token)}` : base;
}
