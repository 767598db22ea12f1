// A hyper-parameter search as a task job (core/jobs): a parent run, and trials as child runs trained by
// ordinary training jobs that are the task's child jobs (the loop: run-trials.ts). A finished or cancelled
// search can be extended: the same task kind runs again on the same parent run, TPE and the pruner starting
// from every trial it already has. Cancelling the task cancels the running trials (they end KILLED), keeps the
// finished ones, and marks the parent KILLED.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { MeterError } from '../../shared/errors';
import { SEARCH_MODELS_TAG, type DatasetId, type RunId, type TuningRequest, type TuningStatus, type TrialInfo } from '../../shared/domain';
import type { TuningStart } from '../../shared/contract';
import type { SearchSpace } from '../../shared/tuning/space';
import type { CoreContext } from '../context';
import { seededRandom as rng } from '../../shared/random';
import { inTransaction } from '../store/db';
import { ensureExperiment } from '../store/experiments-repo';
import { createRun, endRun, getRun, metricHistory, OWNER, recordArtifact, runIdsTagged, setTag } from '../store/runs-repo';
import { resolveRoleDatasets } from '../training/role-datasets';
import { paramImportance } from './importance';
import { DEFAULT_REPORT_EVERY, INTERMEDIATE_KEY, runTrials, writeBest, type SearchPlan, type StudyState } from './run-trials';
import { flattenSpace, sampleRandom, searchedModels } from './space';
import { drawsOf, toTrial } from './trial-point';

const SPACE_ARTIFACT = 'search/space.json';

/** One id as itself, several as a list (the contract takes either). */
const idOrList = (ids: DatasetId[]): DatasetId | DatasetId[] => (ids.length === 1 ? ids[0] : ids);

const parallelOf = (asked: number | undefined): number => Math.max(1, Math.min(asked ?? 1, availableParallelism(), 16));

export function startTuning(ctx: CoreContext, start: TuningStart): { tuningId: RunId } {
  const req: TuningRequest = { ...start, algo: start.algo ?? 'tpe', maxTrials: start.maxTrials ?? 20 };
  const nodes = flattenSpace(req.space);
  const space = req.space as SearchSpace;
  const parallel = parallelOf(req.parallel);
  const seed = req.seed ?? 0;
  // Catch a bad space now, not at trial 37: draw points from every corner of it and check each.
  const probe = rng(seed + 99);
  for (let i = 0; i < 32; i++) toTrial(space, nodes, sampleRandom(nodes, probe));
  // One dataset or several per role (a year of months to tune on), checked as training checks them.
  const datasets = resolveRoleDatasets(ctx, { train: req.train, val: req.val });
  const name = req.runName ?? `search-${req.algo}-${randomBytes(2).toString('hex')}`;
  const prune = req.prune ? {
    prune_every: String(req.prune.everySteps ?? DEFAULT_REPORT_EVERY),
    ...(req.prune.startupTrials !== undefined ? { prune_startup_trials: String(req.prune.startupTrials) } : {}),
    ...(req.prune.warmupSteps !== undefined ? { prune_warmup_steps: String(req.prune.warmupSteps) } : {}),
  } : {};
  const parentId = inTransaction(ctx.db, () => createRun(ctx.db, {
    experimentId: ensureExperiment(ctx.db, req.experiment).experimentId, name,
    params: { algo: req.algo, max_trials: String(req.maxTrials), parallel: String(parallel), seed: String(seed), ...(req.timeBudgetSec ? { time_budget_s: String(req.timeBudgetSec) } : {}), ...prune },
    tags: { 'meter.search': 'parent', [SEARCH_MODELS_TAG]: searchedModels(space).join(', '), 'meter.version': ctx.version }, source: { type: 'API', name: 'search' },
    inputs: [...datasets].flatMap(([role, ds]) => ds.map((d) => ({ role, datasetId: d.datasetId }))),
  }));
  const dir = join(ctx.artifactsDir(parentId), 'search');
  mkdirSync(dir, { recursive: true });
  const spaceJson = JSON.stringify(req.space, null, 2);
  writeFileSync(join(dir, 'space.json'), spaceJson);
  recordArtifact(ctx.db, parentId, SPACE_ARTIFACT, Buffer.byteLength(spaceJson));
  const plan: SearchPlan = { parentId, name, req, space, nodes, parallel, seed, trials: req.maxTrials };
  launch(ctx, plan, { history: [], completed: [], lastTrial: 0, best: Infinity });
  return { tuningId: parentId };
}

/** Runs `trials` more trials of a search that has ended, on its own run, from where it stands. */
export function extendTuning(ctx: CoreContext, tuningId: RunId, trials: number): { tuningId: RunId } {
  const status = tuningStatus(ctx, tuningId);
  // RUNNING in the store covers a search another Meter process is running, which this one's jobs don't list.
  if (ctx.jobs.findRunning(tuningId) || status.status === 'RUNNING') throw new MeterError('INVALID_STATE', 'This search is still running; extend it once it has ended.');
  const parent = getRun(ctx.db, tuningId);
  let space: SearchSpace;
  try { space = JSON.parse(readFileSync(join(ctx.artifactsDir(tuningId), SPACE_ARTIFACT), 'utf8')) as SearchSpace; }
  catch { throw new MeterError('INVALID_STATE', `Search ${parent.name} has no readable ${SPACE_ARTIFACT}, so it cannot be continued.`); }
  const nodes = flattenSpace(space);
  const input = (role: string): DatasetId[] => parent.inputs.filter((i) => i.role === role).map((i) => i.dataset.datasetId);
  const train = input('train');
  const val = input('val');
  if (!train.length || !val.length) throw new MeterError('INVALID_STATE', `Search ${parent.name} has lost its train or validation dataset, so it cannot be continued.`);
  resolveRoleDatasets(ctx, { train, val });
  const p = parent.params;
  const num = (k: string): number | undefined => (p[k] === undefined ? undefined : Number(p[k]));
  const req: TuningRequest = {
    experiment: parent.experimentName, train: idOrList(train), val: idOrList(val), space, algo: status.algo, maxTrials: trials,
    ...(p.prune_every ? { prune: { everySteps: num('prune_every'), startupTrials: num('prune_startup_trials'), warmupSteps: num('prune_warmup_steps') } } : {}),
  };
  const state = studyState(ctx, status, nodes);
  inTransaction(ctx.db, () => {
    // The search run is running again (owned by this process, so a crash marks it like any other run).
    ctx.db.prepare("UPDATE runs SET status = 'RUNNING', end_ms = NULL, error = NULL, owner = ? WHERE run_id = ? AND status != 'RUNNING'").run(OWNER, tuningId);
    setTag(ctx.db, tuningId, 'meter.max_trials', String(state.lastTrial + trials));
  });
  const plan: SearchPlan = { parentId: tuningId, name: parent.name, req, space, nodes, parallel: parallelOf(num('parallel')), seed: num('seed') ?? 0, trials };
  launch(ctx, plan, state);
  ctx.events.emit('tuning.updated', { tuningId });
  return { tuningId };
}

/** What TPE and the pruner learn from an existing search: its completed and pruned trials. */
function studyState(ctx: CoreContext, status: TuningStatus, nodes: ReturnType<typeof flattenSpace>): StudyState {
  const state: StudyState = { history: [], completed: [], lastTrial: Math.max(0, ...status.trials.map((t) => t.trial)), best: status.best?.rmseVal ?? Infinity };
  for (const t of status.trials) {
    const draws = drawsOf(nodes, t.params);
    if (!draws) continue;
    if (t.pruned) state.history.push({ draws, loss: t.pruned.value, pruned: { step: t.pruned.step } });
    else if (t.status === 'FINISHED' && t.rmseVal !== null) {
      state.history.push({ draws, loss: t.rmseVal });
      state.completed.push(new Map(metricHistory(ctx.db, t.runId, INTERMEDIATE_KEY).map((m) => [m.step, m.value])));
    }
  }
  return state;
}

function launch(ctx: CoreContext, plan: SearchPlan, state: StudyState): void {
  ctx.jobs.startTask('tune', async (control) => {
    await runTrials(ctx, plan, state, control);
    writeBest(ctx, plan.parentId, tuningStatus(ctx, plan.parentId).best);
  }, {
    runId: plan.parentId,
    onSuccess: () => { finishTuning(ctx, plan.parentId, 'FINISHED'); return null; },
    onFailure: (st, error) => finishTuning(ctx, plan.parentId, st === 'cancelled' ? 'KILLED' : 'FAILED', st === 'cancelled' ? null : error.message),
  });
}

/** Ends the parent run (the trials already ended on their own) and tells the screens. */
function finishTuning(ctx: CoreContext, parentId: RunId, status: 'FINISHED' | 'KILLED' | 'FAILED', error: string | null = null): void {
  endRun(ctx.db, parentId, status, error);
  // The event goes out after the job framework commits the transaction this runs in.
  setImmediate(() => ctx.events.emit('tuning.updated', { tuningId: parentId }));
}

export function cancelTuning(ctx: CoreContext, tuningId: RunId): { cancelled: boolean } {
  const jobId = ctx.jobs.findRunning(tuningId);
  if (!jobId) { getRun(ctx.db, tuningId); return { cancelled: false }; }
  return { cancelled: ctx.jobs.cancel(jobId) };
}

export function tuningStatus(ctx: CoreContext, tuningId: RunId): TuningStatus {
  const parent = getRun(ctx.db, tuningId);
  if (parent.tags['meter.search'] !== 'parent') throw new MeterError('INVALID_ARGUMENT', `Run ${parent.name} is not a search.`);
  const ids = runIdsTagged(ctx.db, 'mlflow.parentRunId', tuningId);
  const trials: TrialInfo[] = ids.map((id) => {
    const r = getRun(ctx.db, id);
    const params = Object.fromEntries(Object.entries(r.params));
    // A trial the pruner stopped: KILLED with its state tag (one that finished first is tagged COMPLETE again).
    const pruned = r.status === 'KILLED' && r.tags['meter.trial_state'] === 'PRUNED'
      ? { step: Number(r.tags['meter.pruned_step']), value: Number(r.tags['meter.pruned_value']) } : null;
    return { trial: Number(r.tags['meter.trial'] ?? 0), runId: r.runId, status: r.status, params, rmseVal: r.metrics.rmse_val ?? null, trainSeconds: r.metrics.train_seconds ?? null, pruned };
  }).sort((a, b) => a.trial - b.trial);
  const done = trials.filter((t) => t.rmseVal !== null);
  const best = done.reduce<TrialInfo | null>((b, t) => (b === null || t.rmseVal! < b.rmseVal! ? t : b), null);
  return {
    tuningId, name: parent.name, algo: parent.params.algo as TuningStatus['algo'], status: parent.status,
    maxTrials: Number(parent.tags['meter.max_trials'] ?? parent.params.max_trials), pruning: parent.params.prune_every !== undefined,
    trials, best, importance: paramImportance(trials), logParams: logParamsOf(ctx, tuningId),
  };
}

/** The parameters the search draws on a log scale, from its saved space (none if it can't be read). */
function logParamsOf(ctx: CoreContext, tuningId: RunId): string[] {
  try {
    const nodes = flattenSpace(JSON.parse(readFileSync(join(ctx.artifactsDir(tuningId), SPACE_ARTIFACT), 'utf8')));
    return [...new Set(nodes.flatMap((n) => (n.kind === 'num' && n.dist.endsWith('loguniform') ? [n.name] : [])))];
  } catch {
    return [];
  }
}
