// Browser mode: the same contract over HTTP (calls) and WebSocket (events) on 127.0.0.1 only, serving the
// same renderer Electron loads. Every request needs this session's token (see session-auth.ts); the Host
// header must name this server, and WebSocket upgrades must come from its own Origin.
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { EVENT_NAMES } from '../shared/contract';
import { HTTP_STATUS, MeterError, toErrorData, type ErrorCode } from '../shared/errors';
import type { CoreContext } from '../core/context';
import { createApi } from '../core/api/create-api';
import { createSessionAuth } from './session-auth';
import { staticFiles } from './static-files';
import { receiveUpload, removeRejectedUpload } from './upload';
import { artifactFile, sendArtifact } from './artifact-files';
import { handleMlflowRequest, isMlflowPath } from './mlflow/mlflow-server';

const MAX_BODY_BYTES = 1 << 20;

export interface BrowserServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export interface BrowserServerOptions {
  ctx: CoreContext;
  port?: number;
  /** the built renderer (out/renderer); without it only the API is served */
  staticDir?: string;
  /** a session token kept from an earlier run (see ui-command.ts); else a new one */
  token?: string;
  /** the address to listen on (default 127.0.0.1); only `meter serve --host`, which insists on a chosen token */
  host?: string;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, err: unknown): void {
  const error = toErrorData(err);
  sendJson(res, HTTP_STATUS[error.code], { ok: false, error });
}

function refuse(res: ServerResponse, code: ErrorCode, message: string): void {
  sendJson(res, HTTP_STATUS[code], { ok: false, error: { code, message } });
}

/** What a browser gets for a page without the token or the cookie: words, not JSON. */
const NO_SESSION_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Meter: open the URL Meter printed</title>
<meta name="color-scheme" content="light dark"><body style="font: 15px/1.5 system-ui, sans-serif; max-width: 36em; margin: 12vh auto; padding: 0 20px">
<h1 style="font-size: 20px">Open the URL Meter printed</h1>
<p>This browser has no session token for this Meter server (a browser that never opened it, or cleared cookies).</p>
<p>Open the URL that <code>meter ui</code> (or <code>npm start</code>) printed in its terminal, the one ending in
<code>?token=…</code>. After that, bookmarks and new tabs work without it.</p></body></html>`;

function refusePage(res: ServerResponse): void {
  res.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" });
  res.end(NO_SESSION_PAGE);
}

/** A body over the limit: answered 413 once the rest of it has been read (so the client sees the answer, not a reset). */
class BodyTooLarge extends Error {}
const DRAIN_LIMIT_BYTES = 64 * MAX_BODY_BYTES;

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > DRAIN_LIMIT_BYTES) { reject(new BodyTooLarge()); req.destroy(); return; } // not worth reading on
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) { reject(new BodyTooLarge()); return; }
      const text = Buffer.concat(chunks).toString('utf8');
      if (text === '') { resolve({}); return; }
      try { resolve(JSON.parse(text)); } catch { reject(new MeterError('INVALID_ARGUMENT', 'Request body is not valid JSON.')); }
    });
    req.on('error', reject);
  });
}

function sendCallError(res: ServerResponse, err: unknown): void {
  if (res.headersSent || res.destroyed) return;
  if (err instanceof BodyTooLarge) {
    sendJson(res, 413, { ok: false, error: { code: 'INVALID_ARGUMENT', message: `The request body is over the ${MAX_BODY_BYTES / 1024 ** 2} MiB (${MAX_BODY_BYTES} bytes) limit for API calls; send less.`, details: { limitBytes: MAX_BODY_BYTES } } });
    return;
  }
  sendError(res, err);
}

/** The request target as a URL, or null when it is not one (`//a:99999`, `http://[`): those are answered 400. */
function parseUrl(raw: string | undefined): URL | null {
  try {
    return new URL(raw ?? '/', 'http://127.0.0.1');
  } catch {
    return null;
  }
}

export async function startBrowserServer(opts: BrowserServerOptions): Promise<BrowserServer> {
  const api = createApi(opts.ctx);
  const auth = createSessionAuth(opts.token);
  const serveStatic = opts.staticDir ? staticFiles(opts.staticDir) : null;
  // Files the page uploaded this session: one that data.import then refuses is removed (upload.ts), and so is
  // one whose bytes were already a dataset from another path (that dataset is the answer; the copy is unused).
  // The same bytes under the same name are one file, so two tabs dropping one month share it: each upload is
  // counted (as its file is in place), and the file is removed only once no upload of it awaits its import's
  // answer, checked in the same tick as the removal (else the first import would delete the second's file and
  // the second would fail FILE_UNREADABLE). An upload never imported keeps its file: keeping is the safe side.
  const uploads = new Map<string, number>();
  const stored = (path: string): void => { uploads.set(path, (uploads.get(path) ?? 0) + 1); };
  const forgetUnusedUpload = async (method: string, arg: unknown): Promise<void> => {
    const path = method === 'data.import' && arg && typeof arg === 'object' && 'path' in arg ? (arg as { path: unknown }).path : null;
    if (typeof path !== 'string' || !uploads.has(path)) return;
    const waiting = uploads.get(path)! - 1;
    if (waiting > 0) { uploads.set(path, waiting); return; }
    uploads.delete(path);
    try {
      const recorded = new Set((await api.callUnknown('data.list', {}) as { path: string }[]).map((d) => d.path));
      if (uploads.has(path)) return; // uploaded again while the store was asked: that upload's import decides
      removeRejectedUpload(opts.ctx.home, path, (p) => recorded.has(p));
    } catch { /* the store can't say: keep the file */ }
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (!auth.hostAllowed(req)) { refuse(res, 'UNAUTHORIZED', `Host ${req.headers.host ?? '(none)'} is not this Meter server.`); return; }
    const url = parseUrl(req.url);
    if (!url) { refuse(res, 'INVALID_ARGUMENT', 'The request target is not a valid URL path.'); return; }
    // MLflow's clients (MLFLOW_TRACKING_URI): MLflow's routes, shapes and errors, with the same token.
    if (isMlflowPath(url.pathname)) { handleMlflowRequest(opts.ctx, req, res, url, { explicit: auth.explicit(req, url), page: auth.apiAllowed(req, url), token: auth.token }); return; }
    const isApi = url.pathname.startsWith('/api/');
    if (isApi ? !auth.apiAllowed(req, url) : !auth.explicitOrCookie(req, url)) {
      if (!isApi && (req.method === 'GET' || req.method === 'HEAD')) refusePage(res);
      else refuse(res, 'UNAUTHORIZED', 'Missing or wrong session token; open the URL Meter printed.');
      return;
    }
    const call = /^\/api\/call\/([a-zA-Z]+\.[a-zA-Z]+)$/.exec(url.pathname);
    if (call && req.method === 'POST') {
      let arg: unknown;
      readJson(req)
        .then((a) => { arg = a; return api.callUnknown(call[1], a); })
        .then(async (result) => {
          await forgetUnusedUpload(call[1], arg);
          sendJson(res, 200, { ok: true, result });
        })
        .catch(async (err: unknown) => {
          await forgetUnusedUpload(call[1], arg);
          sendCallError(res, err);
        });
      return;
    }
    if (url.pathname === '/api/output' && req.method === 'GET') {
      // a scoring job's predictions file, found by its record (the client names no path at all)
      const id = url.searchParams.get('scoringId');
      (api.callUnknown('scoring.list', { limit: 10_000 }) as Promise<{ scoringId: string; file: { outputPath: string } | null }[]>)
        .then((records) => {
          const file = records.find((r) => r.scoringId === id)?.file?.outputPath;
          if (!file || !existsSync(file)) throw new MeterError('NOT_FOUND', `No predictions file for scoring ${id ?? '(none)'}; it may have been moved or deleted.`);
          sendArtifact(res, file);
        })
        .catch((err: unknown) => { if (!res.headersSent && !res.destroyed) sendError(res, err); });
      return;
    }
    if (url.pathname === '/api/artifact' && req.method === 'GET') {
      sendArtifact(res, artifactFile(opts.ctx.artifactsDir, url.searchParams.get('run'), url.searchParams.get('path')));
      return;
    }
    if (url.pathname === '/api/upload' && req.method === 'PUT') {
      receiveUpload(req, opts.ctx.home, url.searchParams.get('name'), stored)
        .then((result) => { sendJson(res, 200, result); })
        .catch((err: unknown) => { if (!res.headersSent && !res.destroyed) sendError(res, err); });
      return;
    }
    // Opening the printed URL sets the cookie that lets the page load its own scripts and styles.
    const cookie: Record<string, string> = auth.explicit(req, url) ? { 'set-cookie': auth.setCookieHeader() } : {};
    if (!isApi && serveStatic?.(req, res, cookie)) return;
    refuse(res, 'NOT_FOUND', `No route ${req.method} ${url.pathname}.`);
  };

  // No request, however malformed, may take the server down: whatever a handler throws is answered here.
  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      if (!res.headersSent && !res.destroyed) sendError(res, err);
      else res.destroy();
    }
  });
  // Bytes that are not HTTP at all: answer 400 when the socket can still take it, then close.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    socket.destroy();
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy()); // a reset while upgrading is the client's business, not a crash
    const deny = (status: string): void => {
      if (socket.writable) socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
      socket.destroy();
    };
    try {
      const url = parseUrl(req.url);
      if (!url) { deny('400 Bad Request'); return; }
      if (url.pathname !== '/api/events' || !auth.hostAllowed(req) || !auth.socketAllowed(req, url)) {
        deny('401 Unauthorized');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
        // A bad frame from the page is answered by closing that socket; unhandled, it would throw.
        ws.on('error', () => ws.terminate());
        const offs = EVENT_NAMES.map((event) => opts.ctx.events.on(event, (payload) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
        }));
        ws.on('close', () => offs.forEach((off) => off()));
      });
    } catch {
      deny('400 Bad Request');
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE'
      ? new MeterError('INVALID_ARGUMENT', `Port ${opts.port} is in use; choose another with --port.`) : err));
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  auth.bind(port, opts.host);
  return {
    url: `http://127.0.0.1:${port}/?token=${auth.token}`,
    port,
    token: auth.token,
    close: () => new Promise<void>((resolve) => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
