// The "show one thing from core" hook every page shares: fetch it when the client or its inputs change,
// keep the last value, keep a failure (code and all) with Retry, and reload on the events that change it.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppClient } from '../api/client';
import { useApp } from '../store/app-store';
import { useAction } from './useAction';

export function useLoaded<T>(
  fetch: (client: AppClient) => Promise<T>,
  /** what the fetch reads besides the client (the page's ids) */
  inputs: readonly unknown[],
  /** subscribes to the events that change the value; each calls reload when it concerns this page */
  reloadOn?: (client: AppClient, reload: () => void) => Array<() => void>,
) {
  const client = useApp((s) => s.client);
  const [value, setValue] = useState<T | null>(null);
  const { run, retry, error } = useAction();
  // `fetch` and `reloadOn` are new closures every render; what they mean changes only with the client and
  // the page's `inputs`, so those are the dependencies (the latest closures are read through refs).
  const latest = useRef({ fetch, reloadOn });
  latest.current = { fetch, reloadOn };
  const load = useCallback(() => run(async () => { if (client) setValue(await latest.current.fetch(client)); }), [client, run, ...inputs]);
  useEffect(() => {
    void load();
    const subscribe = latest.current.reloadOn;
    if (!client || !subscribe) return;
    const offs = subscribe(client, () => void load());
    // Events sent while the socket was down (a server restart, the page's first connect) reached nobody: a page
    // that follows events reads again once they flow, or it shows a finished flow or search as running.
    offs.push(client.onConnection((up) => { if (up) void load(); }));
    return () => offs.forEach((off) => off());
  }, [client, load]);
  return { client, value, load, retry, error };
}
