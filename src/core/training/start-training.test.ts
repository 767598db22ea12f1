import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../../shared/domain';
import { loadTrips } from '../data/tlc-reader';
import { parseModelFile, predictorFor } from '../engine/model-file';
import { regressionMetrics } from '../engine/metrics';
import { openHarness, SAMPLE, type Harness } from '../../../test/helpers';

describe('training jobs through the API', () => {
  let h: Harness;
  let train: Dataset;
  let val: Dataset;
  beforeAll(async () => {
    h = openHarness();
    train = await h.client.call('data.import', { path: SAMPLE.train });
    val = await h.client.call('data.import', { path: SAMPLE.val });
  });
  afterAll(async () => { await h.dispose(); });

  it("keeps when each boosting round ended, so a run's rounds chart over time", async () => {
    const before = Date.now();
    const { jobId, runId } = await h.client.call('jobs.startTraining', { experiment: 'timed', model: 'gbt', params: { nRounds: 60, earlyStopping: 1000 }, featureSet: 'basic', train: train.datasetId, val: val.datasetId });
    expect((await h.client.call('jobs.wait', { jobId })).state).toBe('succeeded');
    const run = await h.client.call('runs.get', { runId });
    for (const key of ['round_rmse_train', 'round_rmse_val']) {
      const points = await h.client.call('runs.metricHistory', { runId, key });
      expect(points.length).toBe(60);
      const times = points.map((p) => p.timestampMs);
      expect(times.every((t, i) => t >= before && t <= run.endMs! && (i === 0 || t >= times[i - 1]))).toBe(true);
      expect(times.at(-1)!).toBeGreaterThan(times[0]); // not one moment at the end
    }
  });

  it('trains in a worker, reports progress, tracks the run and saves a model that scores the same', async () => {
    const phases = new Set<string>();
    const off = h.client.on('job.progress', (p) => phases.add(p.phase));
    const { jobId, runId } = await h.client.call('jobs.startTraining', { experiment: 'nyc-taxi', model: 'ridge', params: { alpha: 2 }, featureSet: 'pu_do', train: train.datasetId, val: val.datasetId });
    const out = await h.client.call('jobs.wait', { jobId });
    off();
    expect(out.state).toBe('succeeded');
    expect([...phases]).toEqual(expect.arrayContaining(['load', 'fit', 'evaluate']));
    const run = await h.client.call('runs.get', { runId });
    expect(run.status).toBe('FINISHED');
    expect(run.endMs).not.toBeNull();
    expect(run.params).toMatchObject({ model: 'ridge', featureSet: 'pu_do', alpha: '2' });
    expect(run.inputs.map((i) => [i.role, i.dataset.sha256])).toEqual([['train', train.sha256], ['val', val.sha256]]);
    expect(run.artifacts.map((a) => a.path)).toEqual(['model/model.json']);
    // The saved model, loaded fresh, reproduces the logged validation RMSE.
    const file = parseModelFile(JSON.parse(readFileSync(join(h.ctx.artifactsDir(runId), 'model/model.json'), 'utf8')), 'model.json');
    expect(file.featureSpec).toEqual({ featureSet: 'pu_do', categorical: ['PU_DO'], numeric: ['trip_distance'], numericFill: 0 });
    const trips = loadTrips(SAMPLE.val);
    const rmse = regressionMetrics(trips.duration, predictorFor(file).predict(trips)).rmse;
    expect(rmse).toBeCloseTo(run.metrics.rmse_val, 10);
    expect(run.metrics.rmse_val).toBeGreaterThan(0);
    const listed = await h.client.call('runs.list', { experimentName: 'nyc-taxi' });
    expect(listed.map((r) => r.runId)).toContain(runId);
  });

  it('records the lasso objective per sweep as metric history', async () => {
    const { jobId, runId } = await h.client.call('jobs.startTraining', { experiment: 'nyc-taxi', model: 'lasso', params: { alpha: 0.01 }, featureSet: 'basic', train: train.datasetId, val: val.datasetId });
    await h.client.call('jobs.wait', { jobId });
    const run = await h.client.call('runs.get', { runId });
    expect(run.historyKeys).toContain('train_objective');
    const hist = await h.client.call('runs.metricHistory', { runId, key: 'train_objective' });
    expect(hist.length).toBeGreaterThan(2);
    // coordinate descent never increases the objective
    for (let i = 1; i < hist.length; i++) expect(hist[i].value).toBeLessThanOrEqual(hist[i - 1].value + 1e-9);
  });

  it('cancel stops the worker and marks the run KILLED', async () => {
    // tol 0 never converges, so the job runs until cancelled
    const { jobId, runId } = await h.client.call('jobs.startTraining', { experiment: 'nyc-taxi', model: 'lasso', params: { alpha: 1e-6, tol: 0, maxIter: 1e7 }, featureSet: 'pu_do', train: train.datasetId, val: val.datasetId });
    await new Promise<void>((resolve) => { const off = h.client.on('job.progress', (p) => { if (p.jobId === jobId && p.phase === 'fit' && p.done > 3) { off(); resolve(); } }); });
    expect((await h.client.call('jobs.cancel', { jobId })).cancelled).toBe(true);
    const out = await h.client.call('jobs.wait', { jobId });
    expect(out.state).toBe('cancelled');
    const run = await h.client.call('runs.get', { runId });
    expect(run.status).toBe('KILLED');
    expect(run.artifacts).toEqual([]);
    expect(existsSync(join(h.ctx.artifactsDir(runId), 'model/model.json'))).toBe(false);
  });

  it('a worker that crashes mid-training leaves the run FAILED with the error and the store intact', async () => {
    const before = await h.client.call('runs.list', {});
    process.env.METER_FAULT = 'crash:fit';
    let started;
    try {
      started = await h.client.call('jobs.startTraining', { experiment: 'nyc-taxi', model: 'linear', featureSet: 'basic', train: train.datasetId, val: val.datasetId });
    } finally {
      delete process.env.METER_FAULT; // the worker copied the environment when it was created
    }
    const out = await h.client.call('jobs.wait', { jobId: started.jobId });
    expect(out.state).toBe('failed');
    expect(out.error?.code).toBe('WORKER_CRASHED');
    const run = await h.client.call('runs.get', { runId: started.runId });
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatch(/stopped unexpectedly \(exit code 70\)/);
    expect(h.ctx.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const after = await h.client.call('runs.list', {});
    expect(after.length).toBe(before.length + 1);
    for (const r of before) expect(after.find((a) => a.runId === r.runId)?.status).toBe(r.status);
  });

  it('bad requests are refused before a run exists', async () => {
    const count = (await h.client.call('runs.list', {})).length;
    const base = { experiment: 'x', featureSet: 'basic' as const, train: train.datasetId, val: val.datasetId };
    await expect(h.client.call('jobs.startTraining', { ...base, model: 'svm' as 'linear' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/Unknown model "svm"/) });
    await expect(h.client.call('jobs.startTraining', { ...base, model: 'ridge', params: { alpha: -1 } })).rejects.toMatchObject({ message: expect.stringMatching(/alpha .* must be a number > 0; got -1/) });
    await expect(h.client.call('jobs.startTraining', { ...base, model: 'linear', params: { alpha: 1 } })).rejects.toMatchObject({ message: expect.stringMatching(/linear has no parameter "alpha"/) });
    await expect(h.client.call('jobs.startTraining', { ...base, model: 'linear', val: 'nope' as Dataset['datasetId'] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await h.client.call('runs.list', {})).length).toBe(count);
    expect((await h.client.call('experiments.list', {})).map((e) => e.name)).not.toContain('x');
  });
});
