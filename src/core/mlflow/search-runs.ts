// MLflow's runs/search over Meter's store: the filter and order go to the store's search (Meter's filter
// language is a superset of MLflow's), and the page it returns is turned into MLflow runs with one query per
// table for the whole page. Reading each result as a full run instead (run, params, tags, metrics, inputs,
// artifacts, history keys, every statement prepared again) cost about 1 ms per run: 95 ms of a 100-run
// page at 2,000 runs, where the batched page takes a few.
import type Database from 'better-sqlite3';
import { MeterError } from '../../shared/errors';
import type { RunRow } from '../../shared/domain';
import type { RunSearchQuery, RunSearchResult } from '../../shared/contract';
import type { Db } from '../store/db';
import { MAX_PAGE, searchRuns } from '../store/run-search';
import { meterExperimentId, mlflowIdOf, type ViewType } from './experiments';
import { runArtifactUri, type MlflowDatasetInput, type MlflowMetric, type MlflowRun } from './runs';

const LIFECYCLE: Record<ViewType, NonNullable<RunSearchQuery['lifecycle']>> = { ACTIVE_ONLY: 'active', DELETED_ONLY: 'deleted', ALL: 'all' };

type Statement = Database.Statement<unknown[]>;
interface PageStatements { latest: Statement; inputs: Statement; outputs: Statement }
const statements = new WeakMap<Db, PageStatements>();

/** The page's statements, prepared once per connection (preparing costs about as much as running them). */
function pageStatements(db: Db): PageStatements {
  let st = statements.get(db);
  if (!st) {
    const page = 'WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY rowid';
    st = {
      // in logging order, as MLflow lists a run's metrics
      latest: db.prepare(`SELECT r.run_id, k.key, m.value, m.is_nan, m.step, m.timestamp_ms FROM latest_metrics m JOIN runs r ON r.run_key = m.run_key
        JOIN key_names k ON k.key_id = m.key_id WHERE r.run_id IN (SELECT value FROM json_each(?)) ORDER BY m.rowid`),
      inputs: db.prepare(`SELECT run_id, name, digest, source_type, source, schema, profile, tags_json FROM mlflow_run_inputs ${page}`),
      outputs: db.prepare(`SELECT run_id, model_id, step FROM mlflow_run_outputs ${page}`),
    };
    statements.set(db, st);
  }
  return st;
}

function byRun<R extends { run_id: string }, T>(rows: R[], map: (r: R) => T): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) (out.get(r.run_id) ?? out.set(r.run_id, []).get(r.run_id)!).push(map(r));
  return out;
}

/** A page of the store's runs (params, tags and latest values already read with the page) as MLflow runs. */
export function mlflowRunsOf(db: Db, rows: RunRow[]): MlflowRun[] {
  if (rows.length === 0) return [];
  const st = pageStatements(db);
  const ids = JSON.stringify(rows.map((r) => r.runId));
  const metrics = byRun(st.latest.all(ids) as { run_id: string; key: string; value: number | null; is_nan: number; step: number; timestamp_ms: number }[],
    (m): MlflowMetric => ({ key: m.key, value: m.is_nan ? NaN : (m.value as number), timestamp: m.timestamp_ms, step: m.step }));
  const inputs = byRun(st.inputs.all(ids) as { run_id: string; name: string; digest: string; source_type: string; source: string; schema: string | null; profile: string | null; tags_json: string }[],
    (i): MlflowDatasetInput => ({ tags: JSON.parse(i.tags_json) as Record<string, string>, dataset: { name: i.name, digest: i.digest, sourceType: i.source_type, source: i.source, schema: i.schema, profile: i.profile } }));
  const outputs = byRun(st.outputs.all(ids) as { run_id: string; model_id: string; step: number }[], (o) => ({ modelId: o.model_id, step: o.step }));
  const experiments = new Map<string, string>();
  return rows.map((r) => {
    const experimentId = experiments.get(r.experimentId) ?? experiments.set(r.experimentId, mlflowIdOf(db, r.experimentId)).get(r.experimentId)!;
    return {
      runId: r.runId, experimentId, runName: r.name, userId: r.tags['mlflow.user'] ?? '', status: r.status, startTime: r.startMs, endTime: r.endMs,
      artifactUri: runArtifactUri(experimentId, r.runId), deleted: r.deletedMs !== null, metrics: metrics.get(r.runId) ?? [], params: r.params, tags: r.tags,
      inputs: inputs.get(r.runId) ?? [], outputs: outputs.get(r.runId) ?? [],
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
  const search = (order: string[]) => searchRuns(db, {
    experimentIds, filter: q.filter ?? '', orderBy: [...order, 'attributes.start_time DESC', 'attributes.run_id ASC'].join(', '),
    lifecycle: LIFECYCLE[q.view], limit, offset: q.offset,
  } as RunSearchQuery);
  const unknownKey = (err: unknown, where: 'filter' | 'order'): boolean =>
    err instanceof MeterError && err.message.startsWith(`In the ${where} `) && /no run has a (metric|param|tag) "/.test(err.message);
  let result: RunSearchResult;
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
  const next = result.offset + result.runs.length;
  return { runs: mlflowRunsOf(db, result.runs), nextOffset: next < result.total ? next : null };
}
