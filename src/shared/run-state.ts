// A run's state as Meter shows it (runs table, run page, Tune screen, `meter runs`). A trial the pruner stopped
// is stored as KILLED, as MLflow and Optuna's MLflow callback store it (so `status = 'KILLED'` still finds it),
// with the tag meter.trial_state = PRUNED; everywhere Meter shows it, it reads PRUNED.
import type { RunRow, RunStatus } from './domain';

export type ShownRunState = RunStatus | 'PRUNED';

/** the tag a tuning search puts on each trial: PRUNED when the pruner stopped it */
export const TRIAL_STATE_TAG = 'meter.trial_state';

export function isPrunedTrial(run: Pick<RunRow, 'status' | 'tags'>): boolean {
  return run.status === 'KILLED' && run.tags[TRIAL_STATE_TAG] === 'PRUNED';
}

export function shownRunState(run: Pick<RunRow, 'status' | 'tags'>): ShownRunState {
  return isPrunedTrial(run) ? 'PRUNED' : run.status;
}
