// MLflow's runs/search over Meter's store: the filter and order go to the store's search (Meter's filter
// language is a superset of MLflow's), and the page it returns is turned into MLflow runs with one query per
// table for the whole page. Reading each result as a full run instead (run, params, tags, metrics, inputs,
// artifacts, history keys, every statement prepared again) cost about 1 ms per run: 95 ms of a 100-run
// page at 2,000 runs, where the batched page takes a few.
import { MeterError } from '../../shared/errors';
import { asRunId } from '../../shared/domain';
import type { RunSearchQuery } from '../../shared/contract';
import { kept, type Db } from '../store/db';
import { MAX_PAGE, searchRunPage, type RunPage } from '../store/run-search';
import { paramsAndTags, type RunDbRow } from '../store/runs-repo';
import { meterExperimentId, mlflowIdOf, type ViewType } from './experiments';
import { runArtifactUri, type MlflowDatasetInput, type MlflowMetric, type MlflowRun } from './runs';

const LIFECYCLE: Record<ViewType, NonNullable<RunSearchQuery['lifecycle']>> = { ACTIVE_ONLY: 'active', DELETED_ONLY: 'deleted', ALL: 'all' };

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
    const runTags = tags.get(r.run_key) ?? {};
    return {
      runId: asRunId(r.run_id), experimentId, runName: r.name, userId: runTags['mlflow.user'] ?? '', status: r.status, startTime: r.start_ms, endTime: r.end_ms,
      artifactUri: runArtifactUri(experimentId, r.run_id), deleted: r.deleted_ms !== null, metrics: metrics.get(r.run_key) ?? [],
      params: params.get(r.run_key) ?? {}, tags: runTags, inputs: inputs.get(r.run_id) ?? [], outputs: outputs.get(r.run_id) ?? [],
    };
  });
}

/**
 * MLflow's runs/search over Meter's filter language (a superset of MLflow's syntax). One difference kept
 * MLflow's way: a key no run has is no match (an empty page), where Meter's own search names the typo.
 */
export function searchMlflowRuns(db: Db, q: { experimentIds: unknown[]; filter?: string; orderBy?: string[]; view: ViewType; maxResults?: number; offset: number }): { runs: MlflowRun[]; nextOffset: number | null } {
  if (q.experimentIds.length === 0) return { runs: [], nextOffset: null };
  const experimentIds = q.experimentIds.map((id) => meterExperimentId(db, id));
  const limit = Math.min(q.maxResults ?? 1000, MAX_PAGE);
  if (!Number.isInteger(limit) || limit < 1) throw new MeterError('INVALID_ARGUMENT', `max_results must be a positive integer; got ${String(q.maxResults)}.`);
  const orderBy = (q.orderBy ?? []).map((o) => o.trim()).filter((o) => o !== '');
  const search = (order: string[]) => searchRunPage(db, {
    experimentIds, filter: q.filter ?? '', orderBy: [...order, 'attributes.start_time DESC', 'attributes.run_id ASC'].join(', '),
    lifecycle: LIFECYCLE[q.view], limit, offset: q.offset,
  } as RunSearchQuery);
  const unknownKey = (err: unknown, where: 'filter' | 'order'): boolean =>
    err instanceof MeterError && err.message.startsWith(`In the ${where} `) && /no run has a (metric|param|tag) "/.test(err.message);
  let result: RunPage;
  try {
    result = search(orderBy);
  } catch (err) {
    if (unknownKey(err, 'filter')) return { runs: [], nextOffset: null };
    if (!unknownKey(err, 'order')) throw err;
    // Ordering by a key no run has orders nothing (MLflow puts runs without the key last: here, all of them).
    try {
      result = search(orderBy.filter((term) => { try { search([term]); return true; } catch (e) { if (unknownKey(e, 'order')) return false; throw e; } }));
    } catch (e) {
      if (unknownKey(e, 'filter')) return { runs: [], nextOffset: null };
      throw e;
    }
  }
  const next = result.offset + result.rows.length;
  return { runs: mlflowRunsOf(db, result.rows), nextOffset: next < result.total ? next : null };
}
