// A small client of MLflow's REST API (what its own Python client calls), for pushing to and importing from
// an MLflow tracking server. Errors name the server, the call and MLflow's own error code and message.
// A team's server sits behind proxies and rate limits, so a call answered 429 or 5xx, or cut off by a reset
// connection, is tried again with exponential backoff (with jitter, honouring Retry-After) a bounded number
// of times, the way MLflow's own client does; a refused connection is not retried (nothing is there).
import { MeterError, messageOf } from '../../shared/errors';

export type Json = Record<string, any>;

/** Who we are to the server: a Bearer token (MLFLOW_TRACKING_TOKEN) or basic auth (MLFLOW_TRACKING_USERNAME/PASSWORD). */
export interface RemoteAuth { token?: string; user?: string; password?: string }

export interface RetryPolicy {
  /** tries per call, the first one included */
  attempts: number;
  /** the first wait; each next one doubles, plus up to as much again of jitter */
  baseMs: number;
  /** no single wait is longer (Retry-After included) */
  maxMs: number;
}
export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 500, maxMs: 30_000 };

/** What the caller lets the client know between calls: stop now (a cancelled job), or throw to stop with its
 * own reason (a push whose lease another push took over). */
export interface RemoteHooks { cancelled?: () => boolean; guard?: () => void }

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
/** Network failures worth another try: the connection was there and broke. Refused or unknown hosts are not. */
const RETRY_NET = /ECONNRESET|EPIPE|ETIMEDOUT|UND_ERR_SOCKET|socket hang up|other side closed|terminated/i;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export class Remote {
  private readonly authHeader: string | null;

  constructor(readonly base: string, auth: RemoteAuth = {}, private readonly retry: RetryPolicy = DEFAULT_RETRY, private readonly hooks: RemoteHooks = {}) {
    this.authHeader = auth.token ? `Bearer ${auth.token}`
      : auth.user !== undefined ? `Basic ${Buffer.from(`${auth.user}:${auth.password ?? ''}`).toString('base64')}` : null;
  }

  async call(method: 'GET' | 'POST' | 'PATCH', path: string, body?: Json): Promise<Json> {
    const url = new URL(`${this.base}/api/2.0/mlflow/${path}`);
    if (method === 'GET' && body) for (const [k, v] of Object.entries(body)) url.searchParams.set(k, String(v));
    const res = await this.fetch(url, method, method === 'GET' || !body ? undefined : JSON.stringify(body), 'application/json', path);
    const text = await res.text();
    let json: Json = {};
    try { json = text ? JSON.parse(text) as Json : {}; } catch { /* answered below */ }
    if (!res.ok) {
      const err = new MeterError(res.status === 404 ? 'NOT_FOUND' : res.status === 401 || res.status === 403 ? 'UNAUTHORIZED' : 'INVALID_STATE',
        `MLflow at ${this.base} answered ${res.status} ${json.error_code ?? ''} to ${path}${this.tries(res)}: ${json.message ?? (text.slice(0, 200) || res.statusText)}${authAdvice(res.status)}`);
      Object.assign(err, { mlflowCode: json.error_code as string | undefined, httpStatus: res.status });
      throw err;
    }
    return json;
  }

  async upload(artifactPath: string, bytes: Buffer): Promise<void> {
    const url = `${this.base}/api/2.0/mlflow-artifacts/artifacts/${artifactPath.split('/').map(encodeURIComponent).join('/')}`;
    const res = await this.fetch(url, 'PUT', bytes, 'application/octet-stream', `artifact upload ${artifactPath}`);
    if (!res.ok) throw new MeterError(res.status === 401 || res.status === 403 ? 'UNAUTHORIZED' : 'INVALID_STATE', `MLflow at ${this.base} refused the artifact ${artifactPath}${this.tries(res)}: ${res.status} ${(await res.text()).slice(0, 200)}${authAdvice(res.status)}`);
  }

  /** A file through the proxied artifact routes (path below mlflow-artifacts:/). */
  async download(artifactPath: string): Promise<Buffer> {
    const url = `${this.base}/api/2.0/mlflow-artifacts/artifacts/${artifactPath.split('/').map(encodeURIComponent).join('/')}`;
    const res = await this.fetch(url, 'GET', undefined, 'application/octet-stream', `artifact download ${artifactPath}`);
    if (!res.ok) throw new MeterError('INVALID_STATE', `MLflow at ${this.base} would not give the artifact ${artifactPath}${this.tries(res)}: ${res.status} ${(await res.text()).slice(0, 200)}${authAdvice(res.status)}`);
    return Buffer.from(await res.arrayBuffer());
  }

  /** A folder's entries through the proxied artifact routes, with paths relative to that folder. */
  async list(artifactPath: string): Promise<{ path: string; isDir: boolean; size: number | null }[]> {
    const url = `${this.base}/api/2.0/mlflow-artifacts/artifacts?${new URLSearchParams({ path: artifactPath })}`;
    const res = await this.fetch(url, 'GET', undefined, 'application/json', `artifact list ${artifactPath}`);
    if (!res.ok) throw new MeterError('INVALID_STATE', `MLflow at ${this.base} would not list ${artifactPath}${this.tries(res)}: ${res.status} ${(await res.text()).slice(0, 200)}${authAdvice(res.status)}`);
    const body = await res.json() as { files?: { path: string; is_dir?: boolean; file_size?: number | string }[] };
    return (body.files ?? []).map((f) => ({ path: f.path.split('/').pop() as string, isDir: f.is_dir === true, size: f.file_size === undefined ? null : Number(f.file_size) }));
  }

  /** Throws CANCELLED when the caller asked to stop: checked before each call, so a call is whole or not made. */
  checkCancelled(): void {
    if (this.hooks.cancelled?.()) throw new MeterError('CANCELLED', 'The MLflow transfer was cancelled.');
    this.hooks.guard?.();
  }

  private tries(res: Response): string {
    return RETRY_STATUSES.has(res.status) ? ` (after ${this.retry.attempts} attempts)` : '';
  }

  private async fetch(url: URL | string, method: string, body: string | Buffer | undefined, type: string, what: string): Promise<Response> {
    this.checkCancelled();
    const headers: Record<string, string> = { 'content-type': type, ...(this.authHeader ? { authorization: this.authHeader } : {}) };
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        // A copy as a plain Uint8Array: what fetch's body type takes under both the Node and the DOM typings.
        res = await fetch(url, { method, body: typeof body === 'string' || body === undefined ? body : new Uint8Array(body), headers });
      } catch (err) {
        const reason = messageOf((err as { cause?: unknown }).cause ?? err);
        const code = String((err as { cause?: { code?: unknown } }).cause?.code ?? '');
        if (attempt >= this.retry.attempts || !RETRY_NET.test(`${code} ${reason}`)) {
          throw new MeterError('INVALID_ARGUMENT', `Cannot reach MLflow at ${this.base}${attempt > 1 ? ` (${what}, after ${attempt} attempts)` : ''}: ${reason}.`);
        }
        await this.wait(attempt, null);
        continue;
      }
      if (!RETRY_STATUSES.has(res.status) || attempt >= this.retry.attempts) return res;
      await res.arrayBuffer().catch(() => undefined); // free the connection before waiting
      await this.wait(attempt, retryAfterMs(res.headers.get('retry-after')));
    }
  }

  private async wait(attempt: number, retryAfter: number | null): Promise<void> {
    const backoff = this.retry.baseMs * 2 ** (attempt - 1);
    const ms = Math.min(this.retry.maxMs, retryAfter ?? backoff + Math.random() * backoff);
    // Sleep in short slices so a cancel doesn't wait out a long Retry-After.
    for (let left = ms; left > 0; left -= 200) {
      this.checkCancelled();
      await sleep(Math.min(200, left));
    }
    this.checkCancelled();
  }
}

function authAdvice(status: number): string {
  return status === 401 || status === 403 ? ' (check the token, or the user and password: in the app\'s dialog, or on the CLI --token, --user/--password, MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD)' : '';
}

export const codeOf = (err: unknown): string | undefined => (err as { mlflowCode?: string }).mlflowCode;

/** MLflow turned this call's data down (a 4xx other than auth and rate limits): sending it again won't help,
 * but other runs may still go. */
export function isRefusal(err: unknown): boolean {
  const status = (err as { httpStatus?: number }).httpStatus;
  return status !== undefined && status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 429;
}

/** A client for an http(s) tracking URI; `flag` names the option it came from in a refusal. */
export function remoteFor(trackingUri: string, auth: RemoteAuth, flag: string, retry?: RetryPolicy, hooks?: RemoteHooks): Remote {
  let base: URL;
  try { base = new URL(trackingUri); } catch { throw new MeterError('INVALID_ARGUMENT', `${flag} must be an MLflow tracking URI such as http://127.0.0.1:5000; got "${trackingUri}".`); }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new MeterError('INVALID_ARGUMENT', `${flag} must be an http(s) MLflow tracking URI; got "${trackingUri}".`);
  if (auth.token && auth.user !== undefined) throw new MeterError('INVALID_ARGUMENT', 'Give a token or a user and password, not both.');
  if (auth.password !== undefined && auth.user === undefined) throw new MeterError('INVALID_ARGUMENT', 'A password needs a user (--user).');
  return new Remote(base.href.replace(/\/+$/, ''), auth, retry, hooks);
}
