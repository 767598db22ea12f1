// MLflow 3.x logged models: a model with its own id (m-<32 hex>), artifacts (<home>/mlflow-models/<id>),
// params and tags, made by log_model before any version is registered from it (source models:/m-<id>).
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { MeterError } from '../../shared/errors';
import type { CoreContext } from '../context';
import { inTransaction, type Db } from '../store/db';
import { latestMetricRows, runExists } from '../store/runs-repo';
import { meterExperimentId, mlflowIdOf } from './experiments';
import { parseSimpleFilter, matchesText } from './simple-filter';
import type { MlflowMetric } from './runs';

export interface LoggedModel {
  modelId: string; experimentId: string; name: string; createdMs: number; updatedMs: number; artifactUri: string; status: string;
  modelType: string; sourceRunId: string | null; tags: Record<string, string>; params: Record<string, string>;
  metrics: (MlflowMetric & { modelId: string; runId: string })[];
}

interface Row {
  model_id: string; experiment_id: string; name: string; source_run_id: string | null; status: string; model_type: string;
  params_json: string; tags_json: string; created_ms: number; updated_ms: number; deleted_ms: number | null;
}

const STATUSES = ['LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED'];

function toEntity(db: Db, r: Row): LoggedModel {
  const exp = mlflowIdOf(db, r.experiment_id);
  const metrics = r.source_run_id
    ? latestMetricRows(db, r.source_run_id)
      .map((m) => ({ key: m.key, value: m.is_nan ? NaN : (m.value as number), timestamp: m.timestamp_ms, step: m.step, modelId: r.model_id, runId: r.source_run_id as string }))
    : [];
  return {
    modelId: r.model_id, experimentId: exp, name: r.name, createdMs: r.created_ms, updatedMs: r.updated_ms,
    artifactUri: `mlflow-artifacts:/${exp}/models/${r.model_id}/artifacts`, status: r.status, modelType: r.model_type, sourceRunId: r.source_run_id,
    tags: JSON.parse(r.tags_json) as Record<string, string>, params: JSON.parse(r.params_json) as Record<string, string>, metrics,
  };
}

function row(db: Db, modelId: unknown): Row {
  const r = typeof modelId === 'string' ? db.prepare('SELECT * FROM mlflow_logged_models WHERE model_id = ? AND deleted_ms IS NULL').get(modelId) as Row | undefined : undefined;
  if (!r) throw new MeterError('NOT_FOUND', `Logged model with ID '${String(modelId)}' not found.`);
  return r;
}

export function createLoggedModel(db: Db, a: { experimentId: unknown; name?: string; sourceRunId?: string; modelType?: string; params: Record<string, string>; tags: Record<string, string> }): LoggedModel {
  const experimentId = meterExperimentId(db, a.experimentId);
  if (a.sourceRunId && !runExists(db, a.sourceRunId)) throw new MeterError('NOT_FOUND', `Run with id=${a.sourceRunId} not found.`);
  const id = `m-${randomUUID().replace(/-/g, '')}`;
  const now = Date.now();
  db.prepare(`INSERT INTO mlflow_logged_models (model_id, experiment_id, name, source_run_id, status, model_type, params_json, tags_json, created_ms, updated_ms)
    VALUES (?, ?, ?, ?, 'LOGGED_MODEL_PENDING', ?, ?, ?, ?, ?)`).run(id, experimentId, a.name || 'model', a.sourceRunId ?? null, a.modelType ?? '', JSON.stringify(a.params), JSON.stringify(a.tags), now, now);
  return getLoggedModel(db, id);
}

export function getLoggedModel(db: Db, modelId: unknown): LoggedModel {
  return toEntity(db, row(db, modelId));
}

export function finalizeLoggedModel(db: Db, modelId: unknown, status: unknown): LoggedModel {
  if (typeof status !== 'string' || !STATUSES.includes(status)) throw new MeterError('INVALID_ARGUMENT', `status must be one of ${STATUSES.join(', ')}; got ${JSON.stringify(status)}.`);
  const r = row(db, modelId);
  db.prepare('UPDATE mlflow_logged_models SET status = ?, updated_ms = ? WHERE model_id = ?').run(status, Date.now(), r.model_id);
  return getLoggedModel(db, r.model_id);
}

export function setLoggedModelTags(db: Db, modelId: unknown, tags: Record<string, string>, remove: string[] = []): void {
  inTransaction(db, () => {
    const r = row(db, modelId);
    const merged: Record<string, string> = { ...JSON.parse(r.tags_json) as Record<string, string>, ...tags };
    for (const k of remove) delete merged[k];
    db.prepare('UPDATE mlflow_logged_models SET tags_json = ?, updated_ms = ? WHERE model_id = ?').run(JSON.stringify(merged), Date.now(), r.model_id);
  });
}

export function setLoggedModelParams(db: Db, modelId: unknown, params: Record<string, string>): void {
  inTransaction(db, () => {
    const r = row(db, modelId);
    db.prepare('UPDATE mlflow_logged_models SET params_json = ?, updated_ms = ? WHERE model_id = ?').run(JSON.stringify({ ...JSON.parse(r.params_json) as object, ...params }), Date.now(), r.model_id);
  });
}

export function deleteLoggedModel(ctx: CoreContext, modelId: unknown): void {
  const r = row(ctx.db, modelId);
  ctx.db.prepare('UPDATE mlflow_logged_models SET deleted_ms = ? WHERE model_id = ?').run(Date.now(), r.model_id);
  rmSync(join(ctx.home, 'mlflow-models', r.model_id), { recursive: true, force: true });
}

export function searchLoggedModels(db: Db, experimentIds: unknown[], filter: string): LoggedModel[] {
  const ids = experimentIds.map((e) => meterExperimentId(db, e));
  const clauses = parseSimpleFilter(filter, ['name', 'model_id', 'status', 'source_run_id', 'model_type']);
  const rows = db.prepare('SELECT * FROM mlflow_logged_models WHERE deleted_ms IS NULL AND experiment_id IN (SELECT value FROM json_each(?)) ORDER BY created_ms DESC')
    .all(JSON.stringify(ids)) as Row[];
  return rows.map((r) => toEntity(db, r)).filter((m) => clauses.every((c) => matchesText(c,
    c.tag !== undefined ? m.tags[c.tag] : c.field === 'model_id' ? m.modelId : c.field === 'status' ? m.status
      : c.field === 'source_run_id' ? (m.sourceRunId ?? undefined) : c.field === 'model_type' ? m.modelType : m.name)));
}
