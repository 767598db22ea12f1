// Browser mode's transport: contract calls over HTTP, events over a WebSocket that reconnects, and dropped
// files streamed to the server. Opening the URL Meter printed sets the session cookie; the token is then
// removed from the address bar (so it doesn't end up in screenshots or history) and kept in sessionStorage.
// A bookmark or a new tab has no token: the cookie authorizes its calls, together with the X-Meter-Client
// header a page of another origin can't send (see server/session-auth.ts). A lost WebSocket is reported, so
// the app can say the core is gone and reload its data when it is back.
import type { AppCommand, CallEnvelope, EventMessage, UploadResult } from '../../../shared/bridge';
import { MeterError, isMeterErrorData } from '../../../shared/errors';
import type { Transport } from './client';

const TOKEN_KEY = 'meter.token';

function takeToken(location: Location): string {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

async function envelopeOf(res: Response): Promise<CallEnvelope> {
  const body: unknown = await res.json().catch(() => null);
  if (body && typeof body === 'object' && 'ok' in body) return body as CallEnvelope;
  return { ok: false, error: { code: 'INTERNAL', message: `The Meter server answered ${res.status} ${res.statusText}.` } };
}

export function createHttpTransport(location: Location): Transport {
  const token = takeToken(location);
  const headers: Record<string, string> = { 'x-meter-client': 'renderer', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const listeners = new Set<(message: EventMessage) => void>();
  const connectionListeners = new Set<(up: boolean) => void>();
  let up = true;
  const setUp = (next: boolean): void => {
    if (next === up) return;
    up = next;
    connectionListeners.forEach((fn) => fn(next));
  };
  let retryMs = 250;
  /** whether the event socket has been open yet: its first open is news to the app too (see openSocket) */
  let opened = false;
  const download = async (target: string, what: string): Promise<Blob> => {
    const res = await fetch(target, { headers });
    if (res.ok) return res.blob();
    const env = await envelopeOf(res);
    throw env.ok ? new MeterError('INTERNAL', `Download of ${what} failed: ${res.status}.`) : MeterError.fromData(env.error);
  };

  const openSocket = (): void => {
    const ws = new WebSocket(`ws://${location.host}/api/events${token ? `?token=${encodeURIComponent(token)}` : ''}`);
    ws.onopen = () => {
      retryMs = 250;
      // The first open is reported as a reconnect is: the page read its jobs over HTTP before events flowed, so
      // a job that ended in between sent its job.finished to nobody and would show as running for good.
      if (opened) { setUp(true); return; }
      opened = true;
      up = true;
      connectionListeners.forEach((fn) => fn(true));
    };
    ws.onmessage = (e: MessageEvent<string>) => {
      const message = JSON.parse(e.data) as EventMessage;
      listeners.forEach((fn) => fn(message));
    };
    // The server went away (or is restarting): keep trying, backing off, so progress resumes by itself.
    ws.onclose = () => { setUp(false); setTimeout(openSocket, retryMs); retryMs = Math.min(retryMs * 2, 5000); };
  };
  openSocket();

  return {
    mode: 'browser',
    async call(method, arg) {
      try {
        const res = await fetch(`/api/call/${method}`, {
          method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(arg ?? {}),
        });
        return await envelopeOf(res);
      } catch (err) {
        return { ok: false, error: { code: 'INTERNAL', message: `Cannot reach the Meter server: ${err instanceof Error ? err.message : String(err)}` } };
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
    onCommand: (_listener: (command: AppCommand) => void) => () => {},
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => { connectionListeners.delete(listener); };
    },
    async mlflowConnection() {
      const res = await fetch('/api/mlflow/connection', { headers });
      const body: unknown = await res.json().catch(() => null);
      if (res.ok && body && typeof body === 'object' && 'trackingUri' in body && 'token' in body) return body as { trackingUri: string; token: string };
      throw new MeterError('UNAUTHORIZED', `The Meter server would not give the connection lines: ${res.status} ${res.statusText}.`);
    },
    artifact: (runId, path) => download(`/api/artifact?run=${encodeURIComponent(runId)}&path=${encodeURIComponent(path)}`, path),
    output: (scoringId) => download(`/api/output?scoringId=${encodeURIComponent(scoringId)}`, 'the predictions'),
    async pathFor(file) {
      const res = await fetch(`/api/upload?name=${encodeURIComponent(file.name)}`, {
        method: 'PUT', headers: { ...headers, 'content-type': 'application/octet-stream' }, body: file,
      });
      const body: unknown = await res.json().catch(() => null);
      if (res.ok && body && typeof body === 'object' && 'path' in body) return (body as UploadResult).path;
      const error = body && typeof body === 'object' && 'error' in body ? (body as { error: unknown }).error : null;
      if (isMeterErrorData(error)) throw MeterError.fromData(error);
      throw new MeterError('INTERNAL', `Upload of ${file.name} failed: ${res.status} ${res.statusText}.`);
    },
  };
}
