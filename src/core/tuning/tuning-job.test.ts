import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSampleHarness, tuningUntil, type Harness } from '../../../test/helpers';
import type { DatasetId, RunId, TuningStatus } from '../../shared/domain';

describe('hyper-parameter search', () => {
  let h: Harness;
  let train: DatasetId;
  let val: DatasetId;
  beforeAll(async () => { ({ h, train, val } = await openSampleHarness()); });
  afterAll(() => h.dispose());

  const until = (tuningId: RunId, done: (s: TuningStatus) => boolean): Promise<TuningStatus> => tuningUntil(h.client, tuningId, done);
  const ridgeSpace = { model: 'ridge', featureSet: { choice: ['basic', 'pu_do'] }, alpha: { loguniform: [-5, 3] } };

  it('runs trials as child runs of a search run, logs the best so far, and keeps the best trial', async () => {
    const { tuningId } = await h.client.call('tuning.start', { experiment: 'tune', train, val, space: ridgeSpace, algo: 'tpe', maxTrials: 6, parallel: 2, seed: 4 });
    const s = await until(tuningId, (x) => x.status !== 'RUNNING');
    expect(s.status).toBe('FINISHED');
    expect(s.trials.map((t) => t.trial)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.trials.every((t) => t.status === 'FINISHED' && t.params.model === 'ridge')).toBe(true);
    const bestVal = Math.min(...s.trials.map((t) => t.rmseVal!));
    expect(s.best?.rmseVal).toBe(bestVal);
    expect(s.logParams).toEqual(['alpha']); // from the saved space: its plots draw alpha on a log axis
    const parent = await h.client.call('runs.get', { runId: tuningId });
    expect(parent.tags.best_trial_run_id).toBe(s.best?.runId);
    expect(parent.tags['meter.search_models']).toBe('ridge'); // the runs table's model for the search's row
    expect(parent.metrics.rmse_val).toBe(bestVal);
    const bestSoFar = await h.client.call('runs.metricHistory', { runId: tuningId, key: 'best_rmse_val' });
    expect(bestSoFar.map((p) => p.value)).toEqual(s.trials.map((_, i) => Math.min(...s.trials.slice(0, i + 1).map((t) => t.rmseVal!))));
    expect(JSON.parse(readFileSync(join(h.ctx.artifactsDir(tuningId), 'search', 'best.json'), 'utf8')).runId).toBe(s.best?.runId);
    const children = await h.client.call('runs.search', { filter: `tags.mlflow.parentRunId = '${tuningId}'` });
    expect(children.total).toBe(6);
    // Seeded: the same search again draws the same trials.
    const again = await h.client.call('tuning.start', { experiment: 'tune', train, val, space: ridgeSpace, algo: 'tpe', maxTrials: 6, parallel: 2, seed: 4 });
    const s2 = await until(again.tuningId, (x) => x.status !== 'RUNNING');
    expect(s2.trials.map((t) => t.params)).toEqual(s.trials.map((t) => t.params));
  });

  it('cancel stops the running trials, keeps the finished ones and marks the search KILLED', async () => {
    const space = { model: 'lasso', featureSet: 'pu_do', alpha: { loguniform: [-12, -10] }, tol: 0, maxIter: 1_000_000 };
    const { tuningId } = await h.client.call('tuning.start', { experiment: 'tune', train, val, space, algo: 'random', maxTrials: 4, parallel: 2, seed: 1 });
    await until(tuningId, (x) => x.trials.length === 2);
    await new Promise((r) => setTimeout(r, 500));
    expect(await h.client.call('tuning.cancel', { tuningId })).toEqual({ cancelled: true });
    const s = await until(tuningId, (x) => x.status !== 'RUNNING');
    expect(s.status).toBe('KILLED');
    expect(s.trials.map((t) => t.status)).toEqual(['KILLED', 'KILLED']);
    expect(existsSync(join(h.ctx.artifactsDir(tuningId), 'search', 'space.json'))).toBe(true);
  });

  it.each([
    [{ model: 'ridge', alpha: { lognormal: [0, 1] } }, /alpha: "lognormal" is not a distribution/],
    [{ model: 'ridge', alpha: { uniform: [2, 1] } }, /alpha: uniform needs low < high/],
    [{ model: 'ridge', depth: { quniform: [1, 5, 1] } }, /ridge has no parameter "depth"/],
    [{ alpha: { uniform: [0.1, 1] } }, /set "model"/],
    [{ model: { choice: [] } }, /choice needs a non-empty list/],
    [{ model: 'forest' }, /Unknown model "forest"/],
  ])('refuses a bad space before creating anything: %j', async (space, re) => {
    const before = (await h.client.call('runs.search', {})).total;
    await expect(h.client.call('tuning.start', { experiment: 'tune', train, val, space, algo: 'tpe', maxTrials: 3 })).rejects.toThrow(re);
    expect((await h.client.call('runs.search', {})).total).toBe(before);
  });
});
