// Training as a job: checks that need the store happen before the run exists (the contract checked the
// argument's shape); the worker's result is saved by the job's hooks: the model file first (atomically), then
// the metrics, artifact and status in the job framework's one transaction.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MeterError } from '../../shared/errors';
import { MODEL_ARTIFACT, type JobId, type RunId } from '../../shared/domain';
import type { TrainJobPartial, TrainJobResult } from '../../shared/jobs';
import type { TrainingRequest } from '../../shared/contract';
import { resolveParams } from '../../shared/model-params';
import type { CoreContext } from '../context';
import { ensureExperiment } from '../store/experiments-repo';
import { createRun, endRun, logMetrics, recordArtifact } from '../store/runs-repo';
import { inTransaction } from '../store/db';
import { recordInputRows } from '../store/run-inputs-repo';
import { resolveRoleDatasets } from './role-datasets';

/** Writes the model file atomically (temp + rename) so a crash never leaves half a model. */
function writeModelArtifact(ctx: CoreContext, runId: RunId, result: TrainJobResult): number {
  const dir = join(ctx.artifactsDir(runId), 'model');
  mkdirSync(dir, { recursive: true });
  const body = JSON.stringify(result.model);
  const tmp = join(dir, `.model.json.${process.pid}.tmp`);
  writeFileSync(tmp, body);
  renameSync(tmp, join(dir, 'model.json'));
  return Buffer.byteLength(body);
}

function saveResult(ctx: CoreContext, runId: RunId, result: TrainJobResult, modelBytes: number): Record<string, number> {
  const t = result.timingsMs;
  const metrics: Record<string, number> = {
    ...result.metrics,
    n_features: result.featureCount,
    rows_train: result.rows.train,
    rows_val: result.rows.val,
    ...(result.rows.test !== undefined ? { rows_test: result.rows.test } : {}),
    fit_seconds: t.fit / 1000,
    train_seconds: (t.load + t.vectorize + t.fit + t.predict) / 1000,
  };
  logMetrics(ctx.db, runId, Object.entries(metrics).map(([key, value]) => ({ key, value, step: 0 })));
  logMetrics(ctx.db, runId, result.history);
  recordInputRows(ctx.db, runId, result.fileRows);
  recordArtifact(ctx.db, runId, MODEL_ARTIFACT, modelBytes);
  endRun(ctx.db, runId, 'FINISHED');
  return result.metrics;
}

/** What a search's pruner asks of a trial: the validation RMSE every `every` steps, each handed to `onValue` inside
 * a transaction (it may return what to do once that commits: cancel the trial). */
export interface IntermediateReports { every: number; onValue: (v: TrainJobPartial) => (() => void) | void }

/** `parentJobId`: the search whose trial this is; `tags` go on the run as it is created. */
export function startTraining(ctx: CoreContext, req: TrainingRequest, opts: { parentJobId?: JobId; tags?: Record<string, string>; intermediate?: IntermediateReports } = {}): { jobId: JobId; runId: RunId } {
  const params = resolveParams(req.model, req.params);
  // One dataset or several per role; kinds, features and trip counts (from the import reports) are checked
  // before a run exists.
  const datasets = resolveRoleDatasets(ctx, req);
  const runName = req.runName ?? `${req.model}-${req.featureSet}-${randomBytes(2).toString('hex')}`;
  const runId = inTransaction(ctx.db, () => {
    const experiment = ensureExperiment(ctx.db, req.experiment);
    return createRun(ctx.db, {
      experimentId: experiment.experimentId,
      name: runName,
      params: { model: req.model, featureSet: req.featureSet, ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) },
      tags: { 'meter.version': ctx.version, ...opts.tags },
      source: req.source ?? { type: 'API', name: 'api' },
      inputs: [...datasets].flatMap(([role, ds]) => ds.map((d) => ({ role, datasetId: d.datasetId }))),
    });
  });
  const pathsOf = (role: 'train' | 'val' | 'test'): string[] => (datasets.get(role) ?? []).map((d) => d.path);
  const files = { train: pathsOf('train'), val: pathsOf('val'), ...(datasets.has('test') ? { test: pathsOf('test') } : {}) };
  let modelBytes = 0;
  const reportEvery = opts.intermediate?.every;
  const jobId = ctx.jobs.start('train', { model: req.model, params, featureSet: req.featureSet, files, ...(reportEvery ? { reportEvery } : {}) }, {
    runId,
    parentJobId: opts.parentJobId,
    onPartial: opts.intermediate?.onValue,
    writeFiles: (result) => { modelBytes = writeModelArtifact(ctx, runId, result); },
    onSuccess: (result) => saveResult(ctx, runId, result, modelBytes),
    onFailure: (state, error) => {
      // A model file written but not recorded (saving failed) goes with the run's failure; one left by a kill
      // is removed at the next start (core/jobs/recovery.ts).
      rmSync(join(ctx.artifactsDir(runId), 'model'), { recursive: true, force: true });
      endRun(ctx.db, runId, state === 'cancelled' ? 'KILLED' : 'FAILED', state === 'cancelled' ? null : error.message);
    },
  });
  return { jobId, runId };
}
