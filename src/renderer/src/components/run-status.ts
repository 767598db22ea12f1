// A run's status as the user reads it. A trial the pruner stopped is stored as KILLED (as MLflow and Optuna's
// MLflow callback store it, so `status = 'KILLED'` still finds it) with tag meter.trial_state = PRUNED; the
// table, the run page and the Tune screen all call it PRUNED, with the step it stopped at.
import type { RunRow } from '../../../shared/domain';
import { isPrunedTrial } from '../../../shared/run-state';
import { fmtMetric } from '../format';

export interface ShownStatus {
  /** the word shown, and the CSS class that colours it */
  label: string;
  /** the tooltip: why a pruned trial is PRUNED and how to find such runs */
  title: string | undefined;
}

/** What one step of a model's intermediate reports is called. */
export const stepNoun = (model: string | undefined): string => (model === 'gbt' ? 'boosting rounds' : model === 'lasso' ? 'coordinate-descent sweeps' : 'steps');

export function shownStatus(run: Pick<RunRow, 'status' | 'tags' | 'params'>): ShownStatus {
  if (!isPrunedTrial(run)) return { label: run.status, title: undefined };
  const step = Number(run.tags['meter.pruned_step']);
  const value = Number(run.tags['meter.pruned_value']);
  const after = Number.isFinite(step) ? ` after ${step} ${stepNoun(run.params.model)}` : '';
  const at = Number.isFinite(value) ? ` (rmse_val ${fmtMetric(value)} there)` : '';
  return { label: 'PRUNED', title: `The pruner stopped this trial${after}${at}. Stored as KILLED; find pruned trials with tags.meter.trial_state = 'PRUNED'.` };
}
