// A test-only HTTP proxy in front of MLflow's real server, playing the team server's gatekeeper: it demands
// basic auth (as an nginx in front of `mlflow server` does), and a rule can answer a call itself (429 with
// Retry-After, 503), cut the connection before forwarding, or forward the call and then cut the connection
// (the server did the work, the caller never heard: the window a crash or a reset leaves). Every request is
// logged, so tests count what reached the server.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxyCall { method: string; path: string; n: number; body: string }
/** What to do with a call: nothing (forward it), answer it, reset before or after forwarding, or wait first. */
export type Fault = null | { status: 429 | 500 | 503; retryAfter?: string } | { reset: 'before' | 'after' } | { delayMs: number };

export interface MlflowProxy {
  uri: string;
  /** every request that passed auth, in order, with what was done to it */
  log: { method: string; path: string; fault: string | null }[];
  rule: (call: ProxyCall) => Fault;
  /** called after a forwarded call's answer was passed on (a test can cancel a job there) */
  onForwarded: (call: ProxyCall, status: number) => void;
  close(): Promise<void>;
}

/** The path after /api/2.0/mlflow/ (or the artifact route), for rules and counting. */
const shortPath = (url: string) => url.split('?')[0].replace(/^\/api\/2\.0\/mlflow\//, '').replace(/^\/api\/2\.0\/mlflow-artifacts\/artifacts\/.*/, 'artifact-upload');

export async function startMlflowProxy(target: string, auth: { user: string; password: string } | null): Promise<MlflowProxy> {
  const counts = new Map<string, number>();
  const expected = auth ? `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}` : null;
  const proxy: MlflowProxy = { uri: '', log: [], rule: () => null, onForwarded: () => {}, close: async () => {} };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (expected && req.headers.authorization !== expected) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="mlflow"', 'content-type': 'text/plain' }).end('Unauthorized');
        return;
      }
      const path = shortPath(req.url ?? '/');
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      const body = Buffer.concat(chunks);
      const call: ProxyCall = { method: req.method ?? 'GET', path, n, body: body.toString('utf8') };
      const fault = proxy.rule(call);
      proxy.log.push({ method: call.method, path, fault: fault ? JSON.stringify(fault) : null });
      if (fault && 'status' in fault) {
        res.writeHead(fault.status, { 'content-type': 'application/json', ...(fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {}) })
          .end(JSON.stringify({ error_code: fault.status === 429 ? 'REQUEST_LIMIT_EXCEEDED' : 'TEMPORARILY_UNAVAILABLE', message: 'injected by the test proxy' }));
        return;
      }
      if (fault && 'reset' in fault && fault.reset === 'before') { req.socket.destroy(); return; }
      const forward = () => {
        const { authorization: _auth, ...headers } = req.headers; // the gate's credentials stay at the gate
        const up = request(`${target}${req.url}`, { method: req.method, headers: { ...headers, host: new URL(target).host } }, (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (c: Buffer) => parts.push(c));
          answer.on('end', () => {
            if (fault && 'reset' in fault) { req.socket.destroy(); return; } // 'after': MLflow did it; the caller never hears
            res.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? 'application/json' }).end(Buffer.concat(parts));
            proxy.onForwarded(call, answer.statusCode ?? 502);
          });
        });
        up.on('error', (err) => { res.writeHead(502).end(String(err)); });
        up.end(body);
      };
      if (fault && 'delayMs' in fault) setTimeout(forward, fault.delayMs);
      else forward();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return proxy;
}
