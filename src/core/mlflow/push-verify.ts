// What a push sends to a run the server already has, found by asking the server rather than trusting a resume
// point: the metric points it lacks (a batch that landed just before a stop, or points logged in Meter after
// the run was pulled from there), and for a pulled run the params, tags and artifact files it lacks; and
// whether a run whose push finished has changed in Meter since, so it goes again the same way.
import { relative, sep } from 'node:path';
import type { Json, Remote } from './remote';

export type Point = { key: string; value: number | 'NaN'; step: number; timestamp: number };
const pointKey = (key: string, step: number, timestamp: number, value: unknown) => `${key}\u0000${step}\u0000${timestamp}\u0000${String(Number(value))}`;

/** The points still to send: those after the resume point, less any the server already has. Multiset
 * arithmetic, since a history may hold the same point twice. */
export async function pendingPoints(remote: Remote, remoteRunId: string, points: Point[], sent: number, verify: boolean): Promise<{ p: Point; i: number }[]> {
  const pending = points.map((p, i) => ({ p, i })).slice(sent);
  if (!verify || pending.length === 0) return pending;
  const there = new Map<string, number>();
  for (const key of new Set(pending.map((x) => x.p.key))) {
    let token: string | undefined;
    do {
      const page = await remote.call('GET', 'metrics/get-history', { run_id: remoteRunId, metric_key: key, max_results: 25000, ...(token ? { page_token: token } : {}) });
      for (const m of (page.metrics as Json[] | undefined) ?? []) {
        const k = pointKey(key, Number(m.step ?? 0), Number(m.timestamp ?? 0), m.value);
        there.set(k, (there.get(k) ?? 0) + 1);
      }
      token = page.next_page_token as string | undefined;
    } while (token);
  }
  for (const { key, step, timestamp, value } of points.slice(0, sent)) {
    const k = pointKey(key, step, timestamp, value);
    if (there.has(k)) there.set(k, there.get(k)! - 1);
  }
  return pending.filter(({ p }) => {
    const k = pointKey(p.key, p.step, p.timestamp, p.value);
    const n = there.get(k) ?? 0;
    if (n > 0) { there.set(k, n - 1); return false; }
    return true;
  });
}

/** The entries of `want` the server's list of key/value pairs lacks or holds with another value. */
export function missingPairs(want: Record<string, string>, there: Json[] | undefined): { key: string; value: string }[] {
  const have = new Map(((there ?? []) as Json[]).map((p) => [String(p.key), String(p.value ?? '')]));
  return Object.entries(want).filter(([k, v]) => have.get(k) !== v).map(([key, value]) => ({ key, value }));
}

/** The files under root (sorted as the plan lists them) the run's artifacts on the server lack, or hold with
 * another size; prefix is the run's artifact folder below mlflow-artifacts:/. */
export async function missingFiles(remote: Remote, prefix: string, root: string, files: string[], sizeOf: (file: string) => number): Promise<string[]> {
  const there = new Map<string, number | null>();
  const walk = async (dir: string): Promise<void> => {
    for (const e of await remote.list(dir ? `${prefix}/${dir}` : prefix)) {
      const path = dir ? `${dir}/${e.path}` : e.path;
      if (e.isDir) await walk(path);
      else there.set(path, e.size);
    }
  };
  await walk('');
  return files.filter((f) => {
    const size = there.get(relative(root, f).split(sep).join('/'));
    return size === undefined || (size !== null && size !== sizeOf(f));
  });
}

/** What a run in Meter is now, against what its finished push left on the server. */
export interface RunNow {
  points: number; files: string[]; params: Record<string, string>; tags: Record<string, string>;
  /** a run of this store's own: its status and end, which the server must have too (a pulled run keeps the
   * server's, see push.ts) */
  own: { status: string; endMs: number | null } | null;
}

/**
 * Whether a run whose push finished has changed in Meter since (a search extended: more trials in its metric
 * history, a new best.json, ended again; a tag set, a note written): more metric points or files than were
 * sent, a file of its own rewritten after that push ended (one may keep its size), params or tags the server
 * lacks or holds otherwise, another status or end. A finished push is not final, only a resume point.
 */
export function changedSince(now: RunNow, sent: { metricsSent: number; artifactsSent: number; updatedMs?: number }, server: Json, mtimeOf: (file: string) => number): boolean {
  if (now.points !== sent.metricsSent || now.files.length !== sent.artifactsSent) return true;
  if (now.own && sent.updatedMs !== undefined && now.files.some((f) => mtimeOf(f) > sent.updatedMs!)) return true;
  const data = (server.data ?? {}) as Json;
  if (missingPairs(now.params, data.params as Json[] | undefined).length || missingPairs(now.tags, data.tags as Json[] | undefined).length) return true;
  if (!now.own) return false;
  const info = server.info as Json;
  const end = info.end_time === undefined || info.end_time === null ? null : Number(info.end_time);
  return info.status !== now.own.status || end !== now.own.endMs;
}
