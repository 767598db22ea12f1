// Browser mode: the same contract over HTTP (calls) and WebSocket (events) on 127.0.0.1 only. A random
// per-session token is required on every request (401 without); WebSocket upgrades also check Origin.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventName } from '../shared/contract';
import { HTTP_STATUS, MeterError, toErrorData } from '../shared/errors';
import type { CoreContext } from '../core/context';
import { createApi } from '../core/api/create-api';

const MAX_BODY_BYTES = 1 << 20;
const EVENTS: EventName[] = ['job.progress', 'job.finished'];

export interface BrowserServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export interface BrowserServerOptions {
  ctx: CoreContext;
  port?: number;
  /** serves the renderer's built files; without it only the API is served */
  serveStatic?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

function tokenMatches(expected: Buffer, given: string | null): boolean {
  if (!given) return false;
  const g = Buffer.from(given);
  return g.length === expected.length && timingSafeEqual(g, expected);
}

function tokenOf(req: IncomingMessage, url: URL): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  return url.searchParams.get('token');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) { reject(new MeterError('INVALID_ARGUMENT', `Request body over ${MAX_BODY_BYTES} bytes.`)); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text === '') { resolve({}); return; }
      try { resolve(JSON.parse(text)); } catch { reject(new MeterError('INVALID_ARGUMENT', 'Request body is not valid JSON.')); }
    });
    req.on('error', reject);
  });
}

export async function startBrowserServer(opts: BrowserServerOptions): Promise<BrowserServer> {
  const api = createApi(opts.ctx);
  const token = randomBytes(24).toString('hex');
  const expected = Buffer.from(token);
  let origin = '';

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!tokenMatches(expected, tokenOf(req, url))) {
      sendJson(res, 401, { ok: false, error: { code: 'UNAUTHORIZED', message: 'Missing or wrong session token; open the URL Meter printed.' } });
      return;
    }
    const call = /^\/api\/call\/([a-zA-Z]+\.[a-zA-Z]+)$/.exec(url.pathname);
    if (call && req.method === 'POST') {
      readBody(req)
        .then((arg) => api.callUnknown(call[1], arg))
        .then((result) => sendJson(res, 200, { ok: true, result }))
        .catch((err: unknown) => {
          const error = toErrorData(err);
          sendJson(res, HTTP_STATUS[error.code], { ok: false, error });
        });
      return;
    }
    if (opts.serveStatic?.(req, res)) return;
    sendJson(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: `No route ${req.method} ${url.pathname}.` } });
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const okOrigin = req.headers.origin === undefined || req.headers.origin === origin;
    if (url.pathname !== '/api/events' || !okOrigin || !tokenMatches(expected, tokenOf(req, url))) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const offs = EVENTS.map((event) => opts.ctx.events.on(event, (payload) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
      }));
      ws.on('close', () => offs.forEach((off) => off()));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    port,
    token,
    close: () => new Promise<void>((resolve) => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
