// Browser mode's transport tells the app when its event socket opens: the first time too, so the store reads its
// jobs again once events flow (a job that ended between the page's jobs.list and the socket's open is not shown
// running for good), and after every reconnect; a drop is reported once.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHttpTransport } from './http-transport';

class FakeSocket {
  static made: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((e: MessageEvent<string>) => void) | null = null;
  constructor(readonly url: string) { FakeSocket.made.push(this); }
}

describe('http transport: connection reports', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.made = [];
    const store = new Map<string, string>();
    vi.stubGlobal('WebSocket', FakeSocket);
    vi.stubGlobal('sessionStorage', { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v) });
    vi.stubGlobal('history', { replaceState: () => undefined });
  });
  afterEach(() => { vi.unstubAllGlobals(); vi.useRealTimers(); });

  it('reports the first open, then a drop and the reopen, each once', () => {
    const transport = createHttpTransport({ href: 'http://127.0.0.1:4000/?token=t0k', host: '127.0.0.1:4000' } as Location);
    const seen: boolean[] = [];
    transport.onConnection?.((up) => seen.push(up));
    expect(FakeSocket.made).toHaveLength(1);
    expect(FakeSocket.made[0].url).toBe('ws://127.0.0.1:4000/api/events?token=t0k');
    FakeSocket.made[0].onopen?.();
    expect(seen).toEqual([true]);
    FakeSocket.made[0].onclose?.();
    expect(seen).toEqual([true, false]);
    vi.advanceTimersByTime(250);
    expect(FakeSocket.made).toHaveLength(2);
    FakeSocket.made[1].onopen?.();
    expect(seen).toEqual([true, false, true]);
  });

  it('a socket that fails before it ever opened reports the drop, then the first open', () => {
    const transport = createHttpTransport({ href: 'http://127.0.0.1:4000/', host: '127.0.0.1:4000' } as Location);
    const seen: boolean[] = [];
    transport.onConnection?.((up) => seen.push(up));
    FakeSocket.made[0].onclose?.();
    vi.advanceTimersByTime(250);
    FakeSocket.made[1].onopen?.();
    expect(seen).toEqual([false, true]);
  });
});
