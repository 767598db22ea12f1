// MLflow runs are Meter runs: created, logged to, searched and deleted through Meter's own repos, so a run
// a Python client logs shows in the runs table, compare and the registry like one Meter trained. What MLflow
// has and Meter's run has not (dataset inputs as MLflow describes them, 3.x model outputs) lives in 0009's
// tables; the model history log-model records is the tag mlflow.log-model.history, as in MLflow.
import { randomBytes } from 'node:crypto';
import { MeterError } from '../../shared/errors';
import { asRunId, type RunId, type RunStatus } from '../../shared/domain';
import { inTransaction, kept, type Db } from '../store/db';
import { RUN_SELECT, createRun, getRun, logMetrics, logParams, metricPointRows, paramsAndTags, runKeyOf, setTag, type MetricInput, type RunDbRow } from '../store/runs-repo';
import { deleteTag, renameRun } from '../store/run-lifecycle';
import { meterExperimentId, mlflowIdOf } from './experiments';

export interface MlflowMetric { key: string; value: number; timestamp: number; step: number }
export interface MlflowDatasetInput {
  tags: Record<string, string>;
  dataset: { name: string; digest: string; sourceType: string; source: string; schema: string | null; profile: string | null };
}
export interface MlflowRun {
  runId: RunId;
  experimentId: string;
  runName: string;
  userId: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  artifactUri: string;
  deleted: boolean;
  metrics: MlflowMetric[];
  params: Record<string, string>;
  tags: Record<string, string>;
  inputs: MlflowDatasetInput[];
  outputs: { modelId: string; step: number }[];
}

const RUN_ID = /^[0-9a-f]{32}$/;
const STATUSES: readonly string[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];
export const LOG_MODEL_HISTORY = 'mlflow.log-model.history';
/** Meter's store keeps a tag value to 5000 characters (MLflow's own limit is 8000). */
const MAX_TAG = 5000;

export function checkRunId(raw: unknown): RunId {
  if (typeof raw !== 'string' || raw === '') throw new MeterError('INVALID_ARGUMENT', 'run_id is required.');
  if (!RUN_ID.test(raw)) throw new MeterError('NOT_FOUND', `Run with id=${raw} not found.`);
  return asRunId(raw);
}

export function runArtifactUri(mlflowExperimentId: string, runId: string): string {
  return `mlflow-artifacts:/${mlflowExperimentId}/${runId}/artifacts`;
}

function status(raw: unknown): RunStatus {
  if (typeof raw !== 'string' || !STATUSES.includes(raw)) throw new MeterError('INVALID_ARGUMENT', `status must be one of ${STATUSES.join(', ')}; got ${JSON.stringify(raw)}.`);
  return (raw === 'SCHEDULED' ? 'RUNNING' : raw) as RunStatus;
}

function byRun<K, R, T>(rows: R[], keyOf: (r: R) => K, map: (r: R) => T): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const r of rows) {
    const k = keyOf(r);
    let list = out.get(k);
    if (!list) { list = []; out.set(k, list); }
    list.push(map(r));
  }
  return out;
}

type LatestRow = [runKey: number, key: string, value: number | null, isNan: number, step: number, timestampMs: number];
type InputRow = [runId: string, name: string, digest: string, sourceType: string, source: string, schema: string | null, profile: string | null, tagsJson: string];

/**
 * A page of the store's runs rows as MLflow runs: params and tags, latest metrics (in logging order, as
 * MLflow lists a run's metrics), dataset inputs and model outputs, one query each for the whole page.
 */
export function mlflowRunsOf(db: Db, rows: RunDbRow[]): MlflowRun[] {
  if (rows.length === 0) return [];
  const runKeys = JSON.stringify(rows.map((r) => r.run_key));
  const runIds = JSON.stringify(rows.map((r) => r.run_id));
  const { params, tags } = paramsAndTags(db, rows.map((r) => r.run_key));
  const metrics = byRun(kept(db, `SELECT m.run_key, k.key, m.value, m.is_nan, m.step, m.timestamp_ms FROM latest_metrics m JOIN key_names k ON k.key_id = m.key_id
    WHERE m.run_key IN (SELECT value FROM json_each(?)) ORDER BY m.rowid`, 'raw').all(runKeys) as LatestRow[],
  (m) => m[0], (m): MlflowMetric => ({ key: m[1], value: m[3] ? NaN : (m[2] as number), timestamp: m[5], step: m[4] }));
  const inputs = byRun(kept(db, `SELECT run_id, name, digest, source_type, source, schema, profile, tags_json FROM mlflow_run_inputs
    WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY rowid`, 'raw').all(runIds) as InputRow[],
  (i) => i[0], (i): MlflowDatasetInput => ({ tags: JSON.parse(i[7]) as Record<string, string>, dataset: { name: i[1], digest: i[2], sourceType: i[3], source: i[4], schema: i[5], profile: i[6] } }));
  const outputs = byRun(kept(db, 'SELECT run_id, model_id, step FROM mlflow_run_outputs WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY rowid', 'raw')
    .all(runIds) as [string, string, number][], (o) => o[0], (o) => ({ modelId: o[1], step: o[2] }));
  const experiments = new Map<string, string>();
  return rows.map((r) => {
    let experimentId = experiments.get(r.experiment_id);
    if (experimentId === undefined) { experimentId = mlflowIdOf(db, r.experiment_id); experiments.set(r.experiment_id, experimentId); }
    // MLflow keeps mlflow.runName equal to the run's name, and clients read it (search_runs' tags.mlflow.runName
    // column): runs trained in Meter have no tag row, and one renamed in Meter would have a stale one.
    const runTags: Record<string, string> = { ...(tags.get(r.run_key) ?? {}), 'mlflow.runName': r.name };
    return {
      runId: asRunId(r.run_id), experimentId, runName: r.name, userId: runTags['mlflow.user'] ?? '', status: r.status, startTime: r.start_ms, endTime: r.end_ms,
      artifactUri: runArtifactUri(experimentId, r.run_id), deleted: r.deleted_ms !== null, metrics: metrics.get(r.run_key) ?? [],
      params: params.get(r.run_key) ?? {}, tags: runTags, inputs: inputs.get(r.run_id) ?? [], outputs: outputs.get(r.run_id) ?? [],
    };
  });
}

/** One run as MLflow describes it (the same reads as a search's page of one). */
export function getMlflowRun(db: Db, rawId: unknown): MlflowRun {
  const runId = checkRunId(rawId);
  const row = kept(db, `${RUN_SELECT} WHERE r.run_id = ?`).get(runId) as RunDbRow | undefined;
  if (!row) throw new MeterError('NOT_FOUND', `No run with id ${runId}.`);
  return mlflowRunsOf(db, [row])[0];
}

export interface NewMlflowRun { experimentId: unknown; runName?: string; startTime?: number; tags: Record<string, string>; userId?: string }

export function createMlflowRun(db: Db, r: NewMlflowRun): RunId {
  const experimentId = meterExperimentId(db, r.experimentId ?? '0');
  const exp = kept(db, 'SELECT deleted_ms FROM experiments WHERE experiment_id = ?').get(experimentId) as { deleted_ms: number | null };
  if (exp.deleted_ms !== null) throw new MeterError('INVALID_STATE', `The experiment ${String(r.experimentId)} is deleted; restore it to log runs in it.`);
  const name = (r.runName || r.tags['mlflow.runName'] || `mlflow-${randomBytes(3).toString('hex')}`).slice(0, 250);
  const tags: Record<string, string> = { ...r.tags, 'mlflow.runName': name };
  if (r.userId && !tags['mlflow.user']) tags['mlflow.user'] = r.userId;
  return inTransaction(db, () => {
    const runId = createRun(db, { experimentId, name, params: {}, tags, source: { type: 'API', name: tags['mlflow.source.name'] ?? 'MLflow client' }, inputs: [] });
    if (r.startTime !== undefined) kept(db, 'UPDATE runs SET start_ms = ? WHERE run_id = ?').run(r.startTime, runId);
    return runId;
  });
}

export function updateMlflowRun(db: Db, rawId: unknown, u: { status?: unknown; endTime?: number; runName?: string }): void {
  const runId = checkRunId(rawId);
  inTransaction(db, () => {
    runKeyOf(db, runId); // NOT_FOUND for an unknown run, without reading the whole run
    if (u.runName) { renameRun(db, runId, u.runName); setTag(db, runId, 'mlflow.runName', u.runName.trim()); }
    if (u.status !== undefined && u.status !== null) {
      const s = status(u.status);
      const end = s === 'RUNNING' ? null : (u.endTime ?? Date.now());
      db.prepare('UPDATE runs SET status = ?, end_ms = ? WHERE run_id = ?').run(s, end, runId);
    } else if (u.endTime !== undefined) {
      db.prepare('UPDATE runs SET end_ms = ? WHERE run_id = ?').run(u.endTime, runId);
    }
  });
}

/** MLflow deletes a run whatever its status (Meter's own trash refuses a RUNNING one, which a job drives). */
export function setMlflowRunDeleted(db: Db, rawId: unknown, deleted: boolean): void {
  const runId = checkRunId(rawId);
  inTransaction(db, () => {
    runKeyOf(db, runId); // NOT_FOUND for an unknown run, without reading the whole run
    db.prepare('UPDATE runs SET deleted_ms = ? WHERE run_id = ?').run(deleted ? Date.now() : null, runId);
  });
}

/** Every write checks this first: one indexed read of runs, not the whole run (the store's getRun reads seven tables). */
function refuseDeleted(db: Db, runId: RunId): void {
  const run = kept(db, 'SELECT deleted_ms FROM runs WHERE run_id = ?').get(runId) as { deleted_ms: number | null } | undefined;
  if (!run) throw new MeterError('NOT_FOUND', `No run with id ${runId}.`);
  // MLflow's _check_run_is_active says it with INVALID_PARAMETER_VALUE (Meter's INVALID_ARGUMENT), as here
  if (run.deleted_ms !== null) throw new MeterError('INVALID_ARGUMENT', `The run ${runId} must be in the 'active' state. Current state is deleted.`);
}

export function metricValue(raw: unknown, key: string): number {
  if (typeof raw === 'number') return raw;
  if (raw === 'NaN') return NaN;
  if (raw === 'Infinity' || raw === 'inf') return Infinity;
  if (raw === '-Infinity' || raw === '-inf') return -Infinity;
  if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  throw new MeterError('INVALID_ARGUMENT', `Got invalid value ${JSON.stringify(raw)} for metric '${key}' (expected a number).`);
}

export interface Batch { metrics: MetricInput[]; params: Record<string, string>; tags: Record<string, string> }

const KEY = /^[\w\-./ :]{1,250}$/;
function checkKey(key: unknown, what: string): string {
  if (typeof key !== 'string' || !KEY.test(key) || key.split('/').includes('..')) {
    throw new MeterError('INVALID_ARGUMENT', `Invalid ${what} name: ${JSON.stringify(key)}. Names may contain letters, digits, underscores, dashes, periods, spaces, colons and slashes (at most 250).`);
  }
  return key;
}

/** One batch, one transaction: every key is checked before anything is written. */
export function logBatch(db: Db, rawId: unknown, b: Batch): void {
  const runId = checkRunId(rawId);
  // once per name, not per point: a 1,000-point batch of one metric checks one name
  const metricKeys = new Set<unknown>();
  for (const m of b.metrics) metricKeys.add(m.key);
  for (const key of metricKeys) checkKey(key, 'metric');
  for (const k of Object.keys(b.params)) checkKey(k, 'param');
  for (const [k, v] of Object.entries(b.tags)) {
    checkKey(k, 'tag');
    if (v.length > MAX_TAG) throw new MeterError('INVALID_ARGUMENT', `Tag ${k} is ${v.length} characters; Meter keeps tag values to ${MAX_TAG}.`);
  }
  for (const [k, v] of Object.entries(b.params)) if (v.length > 6000) throw new MeterError('INVALID_ARGUMENT', `Param ${k} is over 6000 characters.`);
  inTransaction(db, () => {
    refuseDeleted(db, runId);
    try {
      logParams(db, runId, b.params);
    } catch (err) {
      // MLflow answers a changed param with INVALID_PARAMETER_VALUE (Meter's own words: INVALID_STATE).
      if (err instanceof MeterError && err.code === 'INVALID_STATE') throw new MeterError('INVALID_ARGUMENT', err.message);
      throw err;
    }
    if (b.metrics.length) logMetrics(db, runId, b.metrics);
    for (const [k, v] of Object.entries(b.tags)) {
      setTag(db, runId, k, v);
      if (k === 'mlflow.runName' && v.trim() !== '') renameRun(db, runId, v);
    }
  });
}

export function deleteMlflowTag(db: Db, rawId: unknown, key: string): void {
  const runId = checkRunId(rawId);
  inTransaction(db, () => { refuseDeleted(db, runId); deleteTag(db, runId, key); });
}

export function logInputs(db: Db, rawId: unknown, inputs: MlflowDatasetInput[]): void {
  const runId = checkRunId(rawId);
  const put = db.prepare(`INSERT INTO mlflow_run_inputs (run_id, name, digest, source_type, source, schema, profile, tags_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (run_id, name, digest) DO UPDATE SET tags_json = excluded.tags_json`);
  inTransaction(db, () => {
    refuseDeleted(db, runId);
    for (const i of inputs) put.run(runId, i.dataset.name, i.dataset.digest, i.dataset.sourceType, i.dataset.source, i.dataset.schema, i.dataset.profile, JSON.stringify(i.tags));
  });
}

export function logOutputs(db: Db, rawId: unknown, models: { modelId: string; step: number }[]): void {
  const runId = checkRunId(rawId);
  const put = db.prepare('INSERT INTO mlflow_run_outputs (run_id, model_id, step) VALUES (?, ?, ?) ON CONFLICT (run_id, model_id) DO UPDATE SET step = excluded.step');
  inTransaction(db, () => { refuseDeleted(db, runId); for (const m of models) put.run(runId, m.modelId, m.step); });
}

/** runs/log-model: the MLmodel description is appended to the run's mlflow.log-model.history tag, as MLflow does. */
export function logModel(db: Db, rawId: unknown, modelJson: string): void {
  const runId = checkRunId(rawId);
  let model: unknown;
  try { model = JSON.parse(modelJson); } catch { throw new MeterError('INVALID_ARGUMENT', 'model_json is not valid JSON.'); }
  if (typeof model !== 'object' || model === null || Array.isArray(model)) throw new MeterError('INVALID_ARGUMENT', 'model_json must be a JSON object.');
  inTransaction(db, () => {
    refuseDeleted(db, runId);
    const old = getRun(db, runId).tags[LOG_MODEL_HISTORY];
    let history: unknown[] = [];
    try { history = old ? JSON.parse(old) as unknown[] : []; } catch { history = []; }
    // A tag holds at most 5000 characters: keep the newest models that fit; one too big alone keeps its gist.
    const all = [...(Array.isArray(history) ? history : []), model];
    let kept = JSON.stringify(all);
    while (kept.length > MAX_TAG && all.length > 1) { all.shift(); kept = JSON.stringify(all); }
    if (kept.length > MAX_TAG) {
      const m = model as Record<string, unknown>;
      const lean = { run_id: m.run_id, artifact_path: m.artifact_path, utc_time_created: m.utc_time_created, model_uuid: m.model_uuid,
        flavors: Object.fromEntries(Object.keys((m.flavors ?? {}) as object).map((f) => [f, {}])) };
      kept = JSON.stringify([lean]);
    }
    if (kept.length <= MAX_TAG) setTag(db, runId, LOG_MODEL_HISTORY, kept);
  });
}

export function mlflowMetricHistory(db: Db, rawId: unknown, key: string): MlflowMetric[] {
  const runId = checkRunId(rawId);
  runKeyOf(db, runId); // NOT_FOUND for an unknown run, without reading the whole run
  return metricPointRows(db, runId, key)
    .map((p) => ({ key, value: p.is_nan ? NaN : (p.value as number), timestamp: p.timestamp_ms, step: p.step }));
}
