// Optuna's MedianPruner, decision only (optuna/pruners/_percentile.py with percentile 50): a running trial is
// pruned at a step when its best intermediate value so far is worse than the median of the completed trials'
// values at that same step. It never prunes before `startupTrials` trials completed, before `warmupSteps`, or
// at a step no completed trial reported (median unknown). Pure, so the rule is unit-tested apart from workers.

export interface PrunerOptions {
  /** completed trials needed before anything is pruned */
  startupTrials: number;
  /** steps (boosting rounds, lasso sweeps) a trial always gets before it can be pruned */
  warmupSteps: number;
}

export const PRUNER_DEFAULTS: PrunerOptions = { startupTrials: 5, warmupSteps: 0 };

/** step → intermediate value (validation RMSE: lower is better) */
export type Intermediates = ReadonlyMap<number, number>;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Should the trial that just reported `step` stop? `completed`: the intermediates of every completed trial. */
export function shouldPrune(trial: Intermediates, step: number, completed: readonly Intermediates[], opts: PrunerOptions = PRUNER_DEFAULTS): boolean {
  if (completed.length === 0 || completed.length < opts.startupTrials) return false;
  if (step < opts.warmupSteps) return false;
  const own = [...trial.values()].filter((v) => !Number.isNaN(v));
  // A trial whose every value is NaN is going nowhere (Optuna prunes it too).
  if (own.length === 0) return trial.size > 0;
  const best = Math.min(...own);
  const atStep = completed.map((c) => c.get(step)).filter((v): v is number => v !== undefined && !Number.isNaN(v));
  if (atStep.length === 0) return false;
  return best > median(atStep);
}
