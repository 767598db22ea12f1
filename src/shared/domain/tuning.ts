// A hyper-parameter search: a parent "search" run and one child run per trial (MLflow's nested runs: each
// child has the tag mlflow.parentRunId).
import type { DatasetId, RunId } from './ids';
import type { RunStatus } from './tracking';

export type TuningAlgo = 'tpe' | 'random';

/** The search run's tag listing the model kinds its space draws ("ridge, lasso"): the runs table's model for it. */
export const SEARCH_MODELS_TAG = 'meter.search_models';

export interface TuningRequest {
  experiment: string;
  runName?: string;
  /** one dataset, or several of one kind read as one set */
  train: DatasetId | DatasetId[];
  val: DatasetId | DatasetId[];
  /** hyperopt-style space (src/shared/tuning/space.ts); must set "model", may set "featureSet" */
  space: Record<string, unknown>;
  algo: TuningAlgo;
  maxTrials: number;
  /** stop starting trials after this many seconds */
  timeBudgetSec?: number;
  /** trials at once (bounded by cores); trials start in waves, so a seed gives the same search */
  parallel?: number;
  seed?: number;
  /** prune unpromising trials (Optuna's median pruner over the validation RMSE per gbt round or lasso sweep) */
  prune?: { startupTrials?: number; warmupSteps?: number; everySteps?: number };
}

export interface TrialInfo {
  trial: number;
  runId: RunId;
  status: RunStatus;
  params: Record<string, string>;
  rmseVal: number | null;
  trainSeconds: number | null;
  /** the pruner stopped this trial (its run is KILLED) after `step` rounds or sweeps, when its validation RMSE was `value` */
  pruned: { step: number; value: number } | null;
}

export interface TuningStatus {
  tuningId: RunId;
  name: string;
  algo: TuningAlgo;
  status: RunStatus;
  maxTrials: number;
  /** whether unpromising trials are pruned */
  pruning: boolean;
  trials: TrialInfo[];
  best: TrialInfo | null;
  /** which parameters moved the loss (0–1, summing to 1), once enough trials are done */
  importance: { param: string; importance: number }[];
  /** parameters drawn from a log distribution (loguniform, qloguniform): their plots use log axes */
  logParams: string[];
}
