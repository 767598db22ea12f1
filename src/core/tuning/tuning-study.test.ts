// A search continued and pruned, on the sample months, through the API with real worker threads and SQLite.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSampleHarness, tuningUntil, type Harness } from '../../../test/helpers';
import type { DatasetId, RunId, TuningStatus } from '../../shared/domain';
import { median } from './pruner';

describe('a search extended and pruned', () => {
  let h: Harness;
  let train: DatasetId;
  let val: DatasetId;
  beforeAll(async () => { ({ h, train, val } = await openSampleHarness()); });
  afterAll(() => h.dispose());

  const until = (tuningId: RunId, done: (s: TuningStatus) => boolean): Promise<TuningStatus> => tuningUntil(h.client, tuningId, done);
  const ended = (s: TuningStatus) => s.status !== 'RUNNING';
  let aTrial: RunId | null = null;

  it('extends a finished search: same run, numbering goes on, TPE starts from the trials it has', async () => {
    const space = { model: 'ridge', featureSet: { choice: ['basic', 'pu_do'] }, alpha: { loguniform: [-5, 3] } };
    const { tuningId } = await h.client.call('tuning.start', { experiment: 'study', train, val, space, algo: 'tpe', maxTrials: 4, parallel: 2, seed: 2 });
    const first = await until(tuningId, ended);
    expect(first.status).toBe('FINISHED');
    const again = await h.client.call('tuning.extend', { tuningId, trials: 3 });
    expect(again.tuningId).toBe(tuningId);
    // running again, and a second extension meanwhile is refused
    expect((await h.client.call('tuning.get', { tuningId })).status).toBe('RUNNING');
    await expect(h.client.call('tuning.extend', { tuningId, trials: 1 })).rejects.toThrow(/still running/);
    const s = await until(tuningId, ended);
    expect(s.status).toBe('FINISHED');
    expect(s.maxTrials).toBe(7);
    expect(s.trials.map((t) => t.trial)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(s.trials.slice(0, 4).map((t) => t.runId)).toEqual(first.trials.map((t) => t.runId));
    expect(s.trials.every((t) => t.status === 'FINISHED' && t.params.model === 'ridge')).toBe(true);
    // every trial is a child of the one search run
    expect((await h.client.call('runs.search', { filter: `tags.mlflow.parentRunId = '${tuningId}'` })).total).toBe(7);
    const history = await h.client.call('runs.metricHistory', { runId: tuningId, key: 'trial_rmse_val' });
    expect(history.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    aTrial = s.trials[0].runId;
    expect(s.best!.rmseVal).toBe(Math.min(...s.trials.map((t) => t.rmseVal!)));
    // the new trials are new points, not the first ones drawn again
    const key = (p: Record<string, string>) => `${p.featureSet}:${p.alpha}`;
    const seen = new Set(first.trials.map((t) => key(t.params)));
    expect(s.trials.slice(4).some((t) => !seen.has(key(t.params)))).toBe(true);
  });

  it('refuses to extend a search another Meter process is running (RUNNING in the store, no job here)', async () => {
    const space = { model: 'ridge', alpha: { loguniform: [-5, 3] } };
    const { tuningId } = await h.client.call('tuning.start', { experiment: 'study', train, val, space, algo: 'random', maxTrials: 1 });
    await until(tuningId, ended);
    h.ctx.db.prepare("UPDATE runs SET status = 'RUNNING', end_ms = NULL WHERE run_id = ?").run(tuningId);
    await expect(h.client.call('tuning.extend', { tuningId, trials: 1 })).rejects.toThrow(/still running/);
    expect((await h.client.call('tuning.get', { tuningId })).trials).toHaveLength(1);
  });

  it('refuses to extend a run that is not a search', async () => {
    await expect(h.client.call('tuning.extend', { tuningId: aTrial!, trials: 2 })).rejects.toThrow(/is not a search/);
  });

  /** every pruned trial stopped before its budget, rightly (worse than the median of trials completed before it) */
  async function checkPruned(s: TuningStatus, budget: number, every: number, warmup: number) {
    const pruned = s.trials.filter((t) => t.pruned);
    const complete = s.trials.filter((t) => t.status === 'FINISHED');
    expect(pruned.length).toBeGreaterThan(0);
    expect(complete.length + pruned.length).toBe(s.trials.length);
    const curves = new Map<string, Map<number, number>>();
    for (const t of s.trials) {
      const points = await h.client.call('runs.metricHistory', { runId: t.runId, key: 'intermediate_rmse_val' });
      curves.set(t.runId, new Map(points.map((p) => [p.step, p.value])));
    }
    for (const t of pruned) {
      // stopped before its budget, recorded as a pruned, killed run without a model
      expect(t.status).toBe('KILLED');
      expect(t.rmseVal).toBeNull();
      expect(t.pruned!.step).toBeLessThan(budget);
      expect(t.pruned!.step % every).toBe(0);
      expect(t.pruned!.step).toBeGreaterThanOrEqual(warmup);
      // (its worker goes on while the pruner decides, so it may post a value or two past the pruned step before
      // the cancel reaches it — on a fast lasso even its last sweep's; what counts is that it ended without a model)
      expect(existsSync(join(h.ctx.artifactsDir(t.runId), 'model', 'model.json'))).toBe(false);
      // and rightly: its best value so far was worse than the median of the trials completed before it
      const before = complete.filter((c) => c.trial < t.trial).map((c) => curves.get(c.runId)!.get(t.pruned!.step)).filter((v): v is number => v !== undefined);
      const own = [...curves.get(t.runId)!].filter(([step]) => step <= t.pruned!.step).map(([, v]) => v);
      expect(Math.min(...own)).toBeGreaterThan(median(before));
      expect(t.pruned!.value).toBe(curves.get(t.runId)!.get(t.pruned!.step));
    }
    // completed trials ran their budget and reported every `every` steps
    for (const t of complete) expect(Math.max(...curves.get(t.runId)!.keys())).toBeGreaterThanOrEqual(budget - every);
    // pruned trials are not the search's result
    expect(s.best && complete.some((c) => c.runId === s.best!.runId)).toBe(true);
  }

  it('prunes gbt trials whose validation RMSE is worse than the median of completed trials at the same round', async () => {
    const nRounds = 80;
    // Slow learning rates are far behind at every round: those are the trials to prune.
    const space = { model: 'gbt', featureSet: 'basic', nRounds, earlyStopping: nRounds, maxDepth: 3, learningRate: { loguniform: [-5.5, -1] } };
    const { tuningId } = await h.client.call('tuning.start', {
      experiment: 'study', train, val, space, algo: 'random', maxTrials: 8, parallel: 1, seed: 5, prune: { startupTrials: 2, warmupSteps: 10, everySteps: 5 },
    });
    const s = await until(tuningId, ended);
    expect(s.status).toBe('FINISHED');
    expect(s.pruning).toBe(true);
    // the first two trials are the pruner's start-up: never pruned
    expect(s.trials.slice(0, 2).every((t) => t.status === 'FINISHED')).toBe(true);
    await checkPruned(s, nRounds, 5, 10);
  });

  it('prunes lasso trials by their validation RMSE per coordinate-descent sweep', async () => {
    const maxIter = 40;
    // tol 0: every trial takes its maxIter sweeps unless pruned; a large alpha is far behind from the start
    const space = { model: 'lasso', featureSet: 'basic', alpha: { loguniform: [-9, 1] }, tol: 0, maxIter };
    const { tuningId } = await h.client.call('tuning.start', {
      experiment: 'study', train, val, space, algo: 'random', maxTrials: 8, parallel: 1, seed: 3, prune: { startupTrials: 2, everySteps: 5 },
    });
    const s = await until(tuningId, ended);
    expect(s.status).toBe('FINISHED');
    await checkPruned(s, maxIter, 5, 0);
  });
});
