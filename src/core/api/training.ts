// Starting, cancelling and finishing training jobs. Validation happens before the run exists; the worker's
// result is written here, in the parent (the single writer): model file first, then one transaction.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MeterError } from '../../shared/errors';
import { asDatasetId, asJobId, type Dataset, type DatasetId, type DatasetRole, type RunId, type RunSource } from '../../shared/domain';
import type { TrainJobResult } from '../../shared/jobs';
import type { TrainingRequest } from '../../shared/contract';
import type { CoreContext } from '../context';
import { checkFeatureSet, checkModelKind, resolveParams } from '../engine/params';
import { getDataset } from '../store/datasets-repo';
import { ensureExperiment } from '../store/experiments-repo';
import { createRun, endRun, logMetrics, recordArtifact } from '../store/runs-repo';
import { inTransaction } from '../store/db';
import type { Handlers } from './handlers';
import { argObject, numberRecord, optStr, str } from './validate';

export const MODEL_ARTIFACT = 'model/model.json';

function parseRequest(a: unknown): TrainingRequest {
  const m = 'jobs.startTraining';
  const o = argObject(a, m);
  const source = o.source as RunSource | undefined;
  if (source !== undefined && (typeof source !== 'object' || !['CLI', 'UI', 'API'].includes(source.type) || typeof source.name !== 'string')) {
    throw new MeterError('INVALID_ARGUMENT', `${m}: "source" must be {type: CLI|UI|API, name}.`);
  }
  const test = optStr(o, 'test', m);
  return {
    experiment: str(o, 'experiment', m),
    runName: optStr(o, 'runName', m),
    model: checkModelKind(str(o, 'model', m)),
    featureSet: checkFeatureSet(str(o, 'featureSet', m)),
    params: numberRecord(o, 'params', m),
    train: asDatasetId(str(o, 'train', m)),
    val: asDatasetId(str(o, 'val', m)),
    ...(test ? { test: asDatasetId(test) } : {}),
    ...(source ? { source } : {}),
  };
}

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

function finishRun(ctx: CoreContext, runId: RunId, result: TrainJobResult): Record<string, number> {
  const size = writeModelArtifact(ctx, runId, result);
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
  inTransaction(ctx.db, () => {
    logMetrics(ctx.db, runId, Object.entries(metrics).map(([key, value]) => ({ key, value, step: 0 })));
    logMetrics(ctx.db, runId, result.history);
    recordArtifact(ctx.db, runId, MODEL_ARTIFACT, size);
    endRun(ctx.db, runId, 'FINISHED');
  });
  return result.metrics;
}

export function startTraining(ctx: CoreContext, raw: unknown): { jobId: ReturnType<typeof asJobId>; runId: RunId } {
  const req = parseRequest(raw);
  const params = resolveParams(req.model, req.params);
  const roles: [DatasetRole, DatasetId][] = [['train', req.train], ['val', req.val], ...(req.test ? [['test', req.test] as [DatasetRole, DatasetId]] : [])];
  const datasets = new Map<DatasetRole, Dataset>(roles.map(([role, id]) => [role, getDataset(ctx.db, id)]));
  const train = datasets.get('train')!;
  for (const [role, d] of datasets) {
    if ((d.kind === 'fhv') !== (train.kind === 'fhv')) {
      throw new MeterError('SCHEMA_MISMATCH', `The ${role} dataset ${d.fileName} is ${d.kind} but the train dataset is ${train.kind}; fhv has no trip_distance, so the features would differ.`);
    }
  }
  const runName = req.runName ?? `${req.model}-${req.featureSet}-${randomBytes(2).toString('hex')}`;
  const runId = inTransaction(ctx.db, () => {
    const experiment = ensureExperiment(ctx.db, req.experiment);
    return createRun(ctx.db, {
      experimentId: experiment.experimentId,
      name: runName,
      params: { model: req.model, feature_set: req.featureSet, ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) },
      tags: { 'meter.version': ctx.version },
      source: req.source ?? { type: 'API', name: 'api' },
      inputs: roles.map(([role, datasetId]) => ({ role, datasetId })),
    });
  });
  const files = { train: train.path, val: datasets.get('val')!.path, ...(datasets.has('test') ? { test: datasets.get('test')!.path } : {}) };
  const jobId = ctx.jobs.start('train', { model: req.model, params, featureSet: req.featureSet, files }, {
    runId,
    onSuccess: (result) => finishRun(ctx, runId, result),
    onFailure: (state, error) => endRun(ctx.db, runId, state === 'cancelled' ? 'KILLED' : 'FAILED', state === 'cancelled' ? null : error.message),
  });
  return { jobId, runId };
}

export function trainingHandlers(ctx: CoreContext): Handlers<'jobs.startTraining' | 'jobs.cancel' | 'jobs.wait' | 'jobs.list'> {
  return {
    'jobs.startTraining': (a) => startTraining(ctx, a),
    'jobs.cancel': (a) => ({ cancelled: ctx.jobs.cancel(asJobId(str(argObject(a, 'jobs.cancel'), 'jobId', 'jobs.cancel'))) }),
    'jobs.wait': (a) => ctx.jobs.wait(asJobId(str(argObject(a, 'jobs.wait'), 'jobId', 'jobs.wait'))),
    'jobs.list': () => ctx.jobs.list(),
  };
}
