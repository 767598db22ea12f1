// Runs, params, metrics, tags, artifacts and inputs. Every multi-row write is one transaction, so a run is
// never half-created and a batch of metric points lands whole or not at all.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { MeterError } from '../../shared/errors';
import {
  asExperimentId, asRunId, type Artifact, type DatasetId, type DatasetRole, type ExperimentId, type MetricPoint, type Run,
  type RunId, type RunRow, type RunSource, type RunStatus,
} from '../../shared/domain';
import { inTransaction, kept, type Db } from './db';
import { getDataset } from './datasets-repo';

export interface RunDbRow {
  run_key: number; run_id: string; experiment_id: string; experiment_name: string; name: string; status: RunStatus; start_ms: number;
  end_ms: number | null; source_type: RunSource['type']; source_name: string; source_git_commit: string | null;
  notes: string; error: string | null; deleted_ms: number | null;
}

export interface NewRun {
  experimentId: ExperimentId;
  name: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  source: RunSource;
  inputs: { role: DatasetRole; datasetId: DatasetId }[];
}

/**
 * The integer a key name is stored as in params, tags and metrics (added on first use). Looked up inside the
 * caller's transaction and never cached: a rolled-back transaction takes its new names with it.
 */
export function keyIdOf(db: Db, key: string): number {
  const id = kept(db, 'SELECT key_id FROM key_names WHERE key = ?', 'pluck').get(key) as number | undefined;
  return id ?? Number(kept(db, 'INSERT INTO key_names (key) VALUES (?)').run(key).lastInsertRowid);
}

/** Whether a run with this id is in the store (trashed ones included). */
export function runExists(db: Db, runId: string): boolean {
  return db.prepare('SELECT 1 FROM runs WHERE run_id = ?').get(runId) !== undefined;
}

/** A run's integer key, which its params, tags and metrics rows carry; NOT_FOUND for an unknown id. */
export function runKeyOf(db: Db, runId: RunId | string): number {
  const key = kept(db, 'SELECT run_key FROM runs WHERE run_id = ?', 'pluck').get(runId) as number | undefined;
  if (key === undefined) throw new MeterError('NOT_FOUND', `No run with id ${runId}.`);
  return key;
}

export function createRun(db: Db, r: NewRun): RunId {
  const runId = randomUUID().replace(/-/g, '');
  inTransaction(db, () => {
    const runKey = kept(db, `INSERT INTO runs (run_id, experiment_id, name, status, start_ms, source_type, source_name, source_git_commit, owner)
      VALUES (?, ?, ?, 'RUNNING', ?, ?, ?, ?, ?)`).run(runId, r.experimentId, r.name, Date.now(), r.source.type, r.source.name, r.source.gitCommit ?? null, OWNER).lastInsertRowid;
    logParams(db, asRunId(runId), r.params);
    const tag = kept(db, 'INSERT INTO run_tags (run_key, key_id, value) VALUES (?, ?, ?)');
    for (const [k, v] of Object.entries(r.tags)) tag.run(runKey, keyIdOf(db, k), v);
    // Several files per role keep the order they were given in. (No statement without inputs: the migration
    // tests write runs into databases older than 0013's position column.)
    const input = r.inputs.length ? db.prepare('INSERT INTO run_inputs (run_id, dataset_id, role, position) VALUES (?, ?, ?, ?)') : null;
    r.inputs.forEach((i, k) => input!.run(runId, i.datasetId, i.role, r.inputs.slice(0, k).filter((o) => o.role === i.role).length));
  });
  return asRunId(runId);
}

/**
 * Params are write-once: the same value again is a no-op, a different one is refused naming both. The run's
 * params are read once (a run holds tens) and the new ones written with one multi-row INSERT, instead of a
 * lookup and an insert per param: an MLflow log_batch of 20 params was 60 statement runs.
 */
export function logParams(db: Db, runId: RunId, params: Record<string, string>): void {
  inTransaction(db, () => {
    const entries = Object.entries(params);
    if (entries.length === 0) return;
    const runKey = runKeyOf(db, runId);
    const held = new Map(kept(db, 'SELECT k.key, p.value FROM run_params p JOIN key_names k ON k.key_id = p.key_id WHERE p.run_key = ?', 'raw')
      .all(runKey) as [string, string][]);
    const args: unknown[] = [];
    for (const [key, value] of entries) {
      const old = held.get(key);
      if (old !== undefined && old !== value) {
        throw new MeterError('INVALID_STATE', `Param ${key} of run ${runId} is already "${old}"; params cannot change (tried "${value}").`);
      }
      if (old === undefined) args.push(runKey, keyIdOf(db, key), value);
    }
    // at most 100 rows a statement: a few kept statements, far below SQLite's limit on parameters
    for (let i = 0; i < args.length; i += 300) {
      const rows = args.slice(i, i + 300);
      kept(db, `INSERT INTO run_params (run_key, key_id, value) VALUES ${Array<string>(rows.length / 3).fill('(?, ?, ?)').join(', ')}`).run(rows);
    }
  });
}

export interface MetricInput { key: string; value: number; step: number; timestampMs?: number }

const POINT_ROW = '(?, ?, ?, ?, ?, ?)';
/** Inserts of 100, 10 and 1 points: a 1,000-point batch is 10 statement runs instead of 1,000. */
const INSERT_POINTS: readonly (readonly [number, string])[] = [100, 10, 1].map((n) =>
  [n, `INSERT INTO run_metrics (run_key, key_id, step, timestamp_ms, value, is_nan) VALUES ${Array<string>(n).fill(POINT_ROW).join(', ')}`] as const);
const UPSERT_LATEST = `INSERT INTO latest_metrics (run_key, key_id, step, timestamp_ms, value, is_nan) VALUES ${POINT_ROW}
  ON CONFLICT (run_key, key_id) DO UPDATE SET step = excluded.step, timestamp_ms = excluded.timestamp_ms, value = excluded.value, is_nan = excluded.is_nan
  WHERE excluded.step >= latest_metrics.step`;

/**
 * One transaction per batch; latest_metrics keeps the highest step (ties: the newest) for fast listing. The
 * points go into run_metrics in the order given (their rowids keep it: history ties are read in logging
 * order) through multi-row INSERTs of 100, then 10, then 1 points: measured at 100,000 runs, a 1,000-point
 * batch took 1.5 ms instead of 2.3 with one statement run per point (each run crosses into SQLite and
 * checks the foreign key alone). latest_metrics gets one upsert per key (the batch's last point of its
 * highest step), which leaves it as one upsert per point would.
 */
export function logMetrics(db: Db, runId: RunId, points: readonly MetricInput[]): void {
  for (const p of points) {
    if (typeof p.key !== 'string' || p.key === '' || !Number.isInteger(p.step)) {
      throw new MeterError('INVALID_ARGUMENT', `Metric points need a key and an integer step; got ${JSON.stringify(p)}.`);
    }
  }
  const now = Date.now();
  const last = new Map<string, MetricInput>();
  for (const p of points) {
    const seen = last.get(p.key);
    if (!seen || p.step >= seen.step) last.set(p.key, p);
  }
  inTransaction(db, () => {
    if (points.length === 0) return;
    const runKey = runKeyOf(db, runId);
    const keyIds = new Map<string, number>();
    for (const k of last.keys()) keyIds.set(k, keyIdOf(db, k));
    const put = (args: unknown[], at: number, p: MetricInput): void => {
      const nan = Number.isNaN(p.value);
      args[at] = runKey; args[at + 1] = keyIds.get(p.key); args[at + 2] = p.step; args[at + 3] = p.timestampMs ?? now;
      args[at + 4] = nan ? null : p.value; args[at + 5] = nan ? 1 : 0;
    };
    let i = 0;
    for (const [rows, sql] of INSERT_POINTS) {
      if (i + rows > points.length) continue;
      const insert = kept(db, sql);
      const args = new Array<unknown>(rows * 6);
      for (; i + rows <= points.length; i += rows) {
        for (let j = 0; j < rows; j++) put(args, j * 6, points[i + j]);
        insert.run(args);
      }
    }
    const upsert = kept(db, UPSERT_LATEST);
    const args = new Array<unknown>(6);
    for (const p of last.values()) { put(args, 0, p); upsert.run(args); }
  });
}

export function recordArtifact(db: Db, runId: RunId, path: string, sizeBytes: number): void {
  db.prepare(`INSERT INTO artifacts (run_id, path, size_bytes, created_ms) VALUES (?, ?, ?, ?)
    ON CONFLICT (run_id, path) DO UPDATE SET size_bytes = excluded.size_bytes, created_ms = excluded.created_ms`).run(runId, path, sizeBytes, Date.now());
}

export function endRun(db: Db, runId: RunId, status: Exclude<RunStatus, 'RUNNING'>, error: string | null = null): void {
  db.prepare("UPDATE runs SET status = ?, end_ms = ?, error = ? WHERE run_id = ? AND status = 'RUNNING'").run(status, Date.now(), error, runId);
}

/**
 * When a process started, as a token that differs between two processes that held the same pid: Linux's
 * /proc/<pid>/stat field 22 (clock ticks since boot), else `ps -o lstart=` (macOS, BSD); null where
 * neither exists (Windows), and the check falls back to the pid alone.
 */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (the command name) may hold spaces and parentheses, so count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null; // field 22 overall: 3 + 19
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && existsSync('/proc/self/stat')) return null; // Linux, no such process
  }
  if (process.platform === 'win32') return null;
  try {
    const out = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return out === '' ? null : out.replace(/\s+/g, '_');
  } catch {
    return null;
  }
}

/** This process as a run's owner: host, pid and start time, so a later process given the same pid is not taken for it. */
export const OWNER = ((): string => {
  const start = processStartTime(process.pid);
  return `${hostname()}:${process.pid}${start ? `:${start}` : ''}`;
})();

export function parseOwner(owner: string): { host: string; pid: number; start: string | null } | null {
  const m = /^(.*?):(\d+)(?::(.+))?$/.exec(owner);
  return m ? { host: m[1], pid: Number(m[2]), start: m[3] ?? null } : null;
}

export function ownerAlive(owner: string | null): boolean {
  const o = owner ? parseOwner(owner) : null;
  if (!o) return false;
  if (o.host !== hostname()) return true; // another machine's process: not ours to judge
  try {
    process.kill(o.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A process holds that pid; it is the owner only if it started when the owner did (pids are reused).
  if (o.start === null) return true; // recorded before start times were, or where they can't be read
  const now = processStartTime(o.pid);
  return now === null || now === o.start;
}

/** Runs left RUNNING by a Meter process that no longer exists (crash, kill, power cut) are marked FAILED. */
export function failOrphanedRuns(db: Db): number {
  const orphansNow = (): { run_id: string }[] => (db.prepare("SELECT run_id, owner FROM runs WHERE status = 'RUNNING'").all() as { run_id: string; owner: string | null }[])
    .filter((r) => r.owner !== OWNER && !ownerAlive(r.owner));
  // Every Meter process runs this at start: take the write lock only when there is something to mark.
  if (orphansNow().length === 0) return 0;
  return inTransaction(db, () => {
    const orphans = orphansNow();
    const mark = db.prepare("UPDATE runs SET status = 'FAILED', end_ms = ?, error = 'Meter stopped while this run was in progress.' WHERE run_id = ? AND status = 'RUNNING'");
    for (const r of orphans) mark.run(Date.now(), r.run_id);
    return orphans.length;
  });
}

// CROSS JOIN: runs is the outer loop, so a lookup by run id uses its index. Without ANALYZE statistics SQLite
// otherwise took the few experiments as the outer loop and read every run of each (100,000 runs: 80 ms a page).
export const RUN_SELECT = `SELECT r.*, e.name AS experiment_name FROM runs r CROSS JOIN experiments e ON e.experiment_id = r.experiment_id`;

/**
 * The runs' params or tags as one JSON object per run, built by SQLite (json_group_object, in key order):
 * parsing one string per run is several times faster than making a JS row object per value. (Not for
 * metrics: SQLite writes a real in JSON with 15 digits, which would change values.)
 */
function textByRun(db: Db, table: 'run_params' | 'run_tags', runKeys: string): Map<number, Record<string, string>> {
  const rows = kept(db, `SELECT t.run_key, json_group_object(k.key, t.value) FROM ${table} t JOIN key_names k ON k.key_id = t.key_id
    WHERE t.run_key IN (SELECT value FROM json_each(?)) GROUP BY t.run_key`, 'raw').all(runKeys) as [number, string][];
  return new Map(rows.map(([runKey, json]) => [runKey, JSON.parse(json) as Record<string, string>]));
}

function latestByRun(db: Db, runKeys: string): Map<number, Record<string, number>> {
  const out = new Map<number, Record<string, number>>();
  const rows = kept(db, `SELECT m.run_key, k.key, m.value, m.is_nan FROM latest_metrics m JOIN key_names k ON k.key_id = m.key_id
    WHERE m.run_key IN (SELECT value FROM json_each(?))`, 'raw').all(runKeys) as [number, string, number | null, number][];
  for (const [runKey, key, value, isNan] of rows) {
    let metrics = out.get(runKey);
    if (!metrics) { metrics = {}; out.set(runKey, metrics); }
    metrics[key] = isNan ? NaN : (value as number);
  }
  return out;
}

/** The runs' params and tags by run_key, for turning a page of runs rows into Meter's or MLflow's runs. */
export function paramsAndTags(db: Db, runKeys: readonly number[]): { params: Map<number, Record<string, string>>; tags: Map<number, Record<string, string>> } {
  if (runKeys.length === 0) return { params: new Map(), tags: new Map() };
  const keys = JSON.stringify(runKeys);
  return { params: textByRun(db, 'run_params', keys), tags: textByRun(db, 'run_tags', keys) };
}

export function toRows(db: Db, rows: RunDbRow[]): RunRow[] {
  const keys = rows.map((r) => r.run_key);
  const { params, tags } = paramsAndTags(db, keys);
  const metrics = keys.length ? latestByRun(db, JSON.stringify(keys)) : new Map<number, Record<string, number>>();
  return rows.map((r) => ({
    runId: asRunId(r.run_id), experimentId: asExperimentId(r.experiment_id), experimentName: r.experiment_name, name: r.name,
    status: r.status, startMs: r.start_ms, endMs: r.end_ms, params: params.get(r.run_key) ?? {}, metrics: metrics.get(r.run_key) ?? {},
    tags: tags.get(r.run_key) ?? {}, deletedMs: r.deleted_ms,
  }));
}

export interface MetricPointRow { key: string; value: number | null; is_nan: number; step: number; timestamp_ms: number }

/** A run's latest value of each metric, in the order the metrics were first logged (as MLflow lists them). */
export function latestMetricRows(db: Db, runId: RunId | string): MetricPointRow[] {
  return db.prepare(`SELECT k.key, m.value, m.is_nan, m.step, m.timestamp_ms FROM latest_metrics m JOIN key_names k ON k.key_id = m.key_id
    WHERE m.run_key = (SELECT run_key FROM runs WHERE run_id = ?) ORDER BY m.rowid`).all(runId) as MetricPointRow[];
}

/** Every logged point of a run (of one key, or all of them by key), by step, then time, then logging order. */
export function metricPointRows(db: Db, runId: RunId | string, key?: string): MetricPointRow[] {
  const sql = `SELECT k.key, m.value, m.is_nan, m.step, m.timestamp_ms FROM run_metrics m JOIN key_names k ON k.key_id = m.key_id
    WHERE m.run_key = (SELECT run_key FROM runs WHERE run_id = ?)`;
  return (key === undefined
    ? kept(db, `${sql} ORDER BY k.key, m.step, m.timestamp_ms, m.rowid`).all(runId)
    : kept(db, `${sql} AND m.key_id = (SELECT key_id FROM key_names WHERE key = ?) ORDER BY m.step, m.timestamp_ms, m.rowid`).all(runId, key)) as MetricPointRow[];
}

/** The runs carrying tag key = value (any order). */
export function runIdsTagged(db: Db, key: string, value: string): RunId[] {
  return db.prepare(`SELECT r.run_id FROM run_tags t JOIN runs r ON r.run_key = t.run_key
    WHERE t.key_id = (SELECT key_id FROM key_names WHERE key = ?) AND t.value = ?`).pluck().all(key, value) as RunId[];
}

export function listRuns(db: Db, q: { experimentId?: ExperimentId; limit?: number }): RunRow[] {
  const limit = q.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100000) throw new MeterError('INVALID_ARGUMENT', `limit must be an integer from 1 to 100000; got ${String(q.limit)}.`);
  const rows = (q.experimentId
    ? db.prepare(`${RUN_SELECT} WHERE r.deleted_ms IS NULL AND r.experiment_id = ? ORDER BY r.start_ms DESC LIMIT ?`).all(q.experimentId, limit)
    : db.prepare(`${RUN_SELECT} WHERE r.deleted_ms IS NULL ORDER BY r.start_ms DESC LIMIT ?`).all(limit)) as RunDbRow[];
  return toRows(db, rows);
}

export function getRun(db: Db, runId: RunId): Run {
  const row = db.prepare(`${RUN_SELECT} WHERE r.run_id = ?`).get(runId) as RunDbRow | undefined;
  if (!row) throw new MeterError('NOT_FOUND', `No run with id ${runId}.`);
  const [base] = toRows(db, [row]);
  // SELECT * and rowid order (= position order): the migration tests read runs from databases before 0013.
  const inputs = (db.prepare('SELECT * FROM run_inputs WHERE run_id = ? ORDER BY role, rowid').all(runId) as { dataset_id: string; role: DatasetRole; rows?: number | null }[])
    .map((i) => ({ role: i.role, dataset: getDataset(db, i.dataset_id as DatasetId), rows: i.rows ?? null }));
  const artifacts = (db.prepare('SELECT path, size_bytes, created_ms FROM artifacts WHERE run_id = ? ORDER BY path').all(runId) as { path: string; size_bytes: number; created_ms: number }[])
    .map((a): Artifact => ({ path: a.path, sizeBytes: a.size_bytes, createdMs: a.created_ms }));
  const historyKeys = db.prepare(`SELECT k.key FROM run_metrics m JOIN key_names k ON k.key_id = m.key_id WHERE m.run_key = ?
    GROUP BY m.key_id HAVING COUNT(*) > 1 ORDER BY k.key`).pluck().all(row.run_key) as string[];
  return {
    ...base,
    source: { type: row.source_type, name: row.source_name, gitCommit: row.source_git_commit },
    notes: row.notes, error: row.error, inputs, artifacts, historyKeys,
  };
}

export function metricHistory(db: Db, runId: RunId, key: string): MetricPoint[] {
  runKeyOf(db, runId); // NOT_FOUND for an unknown run, as getRun says it, without reading the whole run
  return metricPointRows(db, runId, key)
    .map((p) => ({ key: p.key, value: p.is_nan ? NaN : (p.value as number), step: p.step, timestampMs: p.timestamp_ms }));
}

export function setNotes(db: Db, runId: RunId, notes: string): void {
  if (typeof notes !== 'string') throw new MeterError('INVALID_ARGUMENT', 'Notes must be text.');
  if (notes.length > 100_000) throw new MeterError('INVALID_ARGUMENT', `Notes are at most 100000 characters; got ${notes.length}.`);
  if (db.prepare('UPDATE runs SET notes = ? WHERE run_id = ?').run(notes, runId).changes === 0) throw new MeterError('NOT_FOUND', `No run with id ${runId}.`);
}

export function setTag(db: Db, runId: RunId, key: string, value: string): void {
  if (typeof key !== 'string' || key.trim() === '' || key.length > 250) throw new MeterError('INVALID_ARGUMENT', 'A tag key is 1 to 250 characters.');
  if (typeof value !== 'string' || value.length > 5000) throw new MeterError('INVALID_ARGUMENT', 'A tag value is text of at most 5000 characters.');
  inTransaction(db, () => {
    // runKeyOf refuses an unknown run (NOT_FOUND) as getRun would, without reading the whole run
    kept(db, 'INSERT INTO run_tags (run_key, key_id, value) VALUES (?, ?, ?) ON CONFLICT (run_key, key_id) DO UPDATE SET value = excluded.value')
      .run(runKeyOf(db, runId), keyIdOf(db, key.trim()), value);
  });
}
