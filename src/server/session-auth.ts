// Who may talk to browser mode: requests that carry this session's token. The token arrives as a Bearer
// header (API calls), a ?token= query (the printed URL, WebSocket upgrades), or, for the app's static files
// only, a cookie set when the printed URL was opened, since a page's own <script> loads can't carry a header.
// A cookie is never enough for an API call, so another local page can't ride on it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface SessionAuth {
  token: string;
  cookieName: string;
  /** token from the Authorization header or the ?token= query */
  explicit(req: IncomingMessage, url: URL): boolean;
  /** explicit, or this session's cookie */
  explicitOrCookie(req: IncomingMessage, url: URL): boolean;
  /** Host is this server by loopback address or name (guards against DNS rebinding) */
  hostAllowed(req: IncomingMessage): boolean;
  originAllowed(origin: string | undefined): boolean;
  setCookieHeader(): string;
}

export function createSessionAuth(): SessionAuth & { bind(port: number): void } {
  const token = randomBytes(24).toString('hex');
  const expected = Buffer.from(token);
  let port = 0;
  let cookieName = 'meter_session';
  const matches = (given: string | null | undefined): boolean => {
    if (!given) return false;
    const g = Buffer.from(given);
    return g.length === expected.length && timingSafeEqual(g, expected);
  };
  const hosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];
  const explicit = (req: IncomingMessage, url: URL): boolean => {
    const auth = req.headers.authorization;
    return matches(auth?.startsWith('Bearer ') ? auth.slice(7) : url.searchParams.get('token'));
  };
  const cookie = (req: IncomingMessage): string | null => {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [k, v] = part.trim().split('=');
      if (k === cookieName) return v ?? null;
    }
    return null;
  };
  return {
    token,
    get cookieName() { return cookieName; },
    bind(p) { port = p; cookieName = `meter_session_${p}`; },
    explicit,
    explicitOrCookie: (req, url) => explicit(req, url) || matches(cookie(req)),
    hostAllowed: (req) => hosts().includes(req.headers.host ?? ''),
    originAllowed: (origin) => origin === undefined || hosts().some((h) => origin === `http://${h}`),
    setCookieHeader: () => `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`,
  };
}
