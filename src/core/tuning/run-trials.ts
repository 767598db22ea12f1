// The trial loop of a search (a task job): trials start in waves of `parallel` (so a seed gives the same search
// whatever the timing); each finished trial feeds TPE (or random search) for the next wave; the parent run logs
// every trial's loss and the best so far. With pruning, a trial posts its validation RMSE every few steps
// (gbt's boosting rounds, lasso's sweeps); the median pruner compares it with the completed trials at the same
// step and, when it is worse, the trial is marked PRUNED and its training job cancelled (its worker stops at
// the next step).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JobId, RunId, TuningRequest } from '../../shared/domain';
import type { TrainingRequest } from '../../shared/contract';
import type { SearchSpace } from '../../shared/tuning/space';
import type { CoreContext } from '../context';
import type { TaskControl } from '../jobs/job-manager';
import { seededRandom as rng } from '../../shared/random';
import { logMetrics, recordArtifact, setTag } from '../store/runs-repo';
import { startTraining, type IntermediateReports } from '../training/start-training';
import { PRUNER_DEFAULTS, shouldPrune, type Intermediates } from './pruner';
import { sampleRandom, type Node } from './space';
import { suggestTpe, type Observation } from './tpe';
import { toTrial } from './trial-point';

/** How often a trial reports when the request doesn't say: every 10 boosting rounds or lasso sweeps. */
export const DEFAULT_REPORT_EVERY = 10;
export const INTERMEDIATE_KEY = 'intermediate_rmse_val';

/** Where a search stands: what TPE and the pruner learn from, and how many trials exist. */
export interface StudyState {
  history: Observation[];
  /** intermediate values of every completed trial (the pruner's reference) */
  completed: Intermediates[];
  /** the highest trial number so far; new trials go on from it */
  lastTrial: number;
  best: number;
}

export interface SearchPlan {
  parentId: RunId;
  name: string;
  req: TuningRequest;
  space: SearchSpace;
  nodes: Node[];
  parallel: number;
  seed: number;
  /** trials to add in this job */
  trials: number;
}

export async function runTrials(ctx: CoreContext, plan: SearchPlan, state: StudyState, control: TaskControl): Promise<void> {
  const { parentId, name, req, space, nodes, parallel } = plan;
  // A continued search draws from its own stream: the seed and where it starts.
  const rand = rng(state.lastTrial === 0 ? plan.seed : plan.seed + 1_000_003 * state.lastTrial);
  const deadline = req.timeBudgetSec ? Date.now() + req.timeBudgetSec * 1000 : Infinity;
  const first = state.lastTrial;
  const total = first + plan.trials;
  const prune = req.prune ? { ...PRUNER_DEFAULTS, ...definedOnly(req.prune) } : null;
  const every = req.prune?.everySteps ?? DEFAULT_REPORT_EVERY;
  while (state.lastTrial < total && !control.cancelled() && Date.now() < deadline) {
    const wave = Math.min(parallel, total - state.lastTrial);
    const started = Array.from({ length: wave }, () => {
      const draws = req.algo === 'tpe' ? suggestTpe(nodes, state.history, rand) : sampleRandom(nodes, rand);
      const t = toTrial(space, nodes, draws);
      const n = ++state.lastTrial;
      const request = {
        experiment: req.experiment, runName: `${name}-trial-${n}`, model: t.model, featureSet: t.featureSet, params: t.params,
        train: req.train, val: req.val, source: { type: 'API', name: `search ${parentId}` },
      } as TrainingRequest;
      const curve = new Map<number, number>();
      // jobId and runId are set as soon as startTraining returns, before the worker can post anything.
      const trial = { n, draws, curve, jobId: null as JobId | null, runId: null as RunId | null, pruned: null as { step: number; value: number } | null };
      const intermediate: IntermediateReports | undefined = prune ? {
        every,
        onValue: (v) => {
          logMetrics(ctx.db, trial.runId!, [{ key: INTERMEDIATE_KEY, value: v.value, step: v.step }]);
          curve.set(v.step, v.value);
          if (trial.pruned || !shouldPrune(curve, v.step, state.completed, prune)) return;
          trial.pruned = { step: v.step, value: v.value };
          setTag(ctx.db, trial.runId!, 'meter.trial_state', 'PRUNED');
          setTag(ctx.db, trial.runId!, 'meter.pruned_step', String(v.step));
          setTag(ctx.db, trial.runId!, 'meter.pruned_value', String(v.value));
          return () => { ctx.jobs.cancel(trial.jobId!); };
        },
      } : undefined;
      const { jobId, runId } = startTraining(ctx, request, { parentJobId: control.jobId, tags: { 'mlflow.parentRunId': parentId, 'meter.trial': String(n) }, intermediate });
      trial.jobId = jobId;
      trial.runId = runId;
      control.adopt(jobId);
      return trial;
    });
    control.progress('trials', state.lastTrial - first, plan.trials);
    ctx.events.emit('tuning.updated', { tuningId: parentId });
    for (const s of started) {
      const outcome = await ctx.jobs.wait(s.jobId!);
      if (outcome.state === 'cancelled' && s.pruned && !control.cancelled()) {
        state.history.push({ draws: s.draws, loss: s.pruned.value, pruned: { step: s.pruned.step } });
        ctx.events.emit('tuning.updated', { tuningId: parentId });
        continue;
      }
      if (outcome.state !== 'succeeded' || !outcome.metrics) continue;
      // It finished before the pruner's cancel reached it: a complete trial after all.
      if (s.pruned) setTag(ctx.db, s.runId!, 'meter.trial_state', 'COMPLETE');
      const loss = outcome.metrics.rmse_val;
      state.history.push({ draws: s.draws, loss });
      state.completed.push(s.curve);
      const improved = loss < state.best;
      if (improved) { state.best = loss; setTag(ctx.db, parentId, 'best_trial_run_id', s.runId!); }
      logMetrics(ctx.db, parentId, [{ key: 'trial_rmse_val', value: loss, step: s.n }, { key: 'best_rmse_val', value: state.best, step: s.n }]);
      ctx.events.emit('tuning.updated', { tuningId: parentId });
    }
  }
  const complete = state.history.filter((h) => !h.pruned).length;
  if (Number.isFinite(state.best)) logMetrics(ctx.db, parentId, [{ key: 'rmse_val', value: state.best, step: 0 }, { key: 'n_trials', value: complete, step: 0 }]);
}

/** Writes search/best.json on the parent run (again after an extension). */
export function writeBest(ctx: CoreContext, parentId: RunId, best: { runId: RunId; rmseVal: number | null; params: Record<string, string> } | null): void {
  if (!best) return;
  const body = JSON.stringify({ runId: best.runId, rmse_val: best.rmseVal, params: best.params }, null, 2);
  writeFileSync(join(ctx.artifactsDir(parentId), 'search', 'best.json'), body);
  recordArtifact(ctx.db, parentId, 'search/best.json', Buffer.byteLength(body));
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
