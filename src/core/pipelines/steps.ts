// The six steps of a flow run. Each gets what the steps before it produced and returns its outputs, its cache
// key (sha256 of its inputs: file hashes, params, code version) and whether it reused an earlier result
// (cached) or had nothing to do (skipped). They use the features' own modules: import, training jobs, the
// registry and the engine's predictor.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { MeterError } from '../../shared/errors';
import { asRunId, checkSameFeatureFamily, MODEL_ARTIFACT, type DatasetId, type ModelKind, type RunId } from '../../shared/domain';
import type { TrainingRequest } from '../../shared/contract';
import { monthsFor, tlcFileName, type FlowTrigger, type PipelineSpec, type PipelineStep } from '../../shared/pipeline';
import { resolveParams } from '../../shared/model-params';
import type { CoreContext } from '../context';
import type { TaskControl } from '../jobs/job-manager';
import { hashDataFile } from '../data/file-hash';
import { importDataset, recordedDataset } from '../data/import-dataset';
import { loadTrips } from '../data/tlc-reader';
import { parseModelFile, predictorFor } from '../engine/model-file';
import { regressionMetrics } from '../engine/metrics';
import { registerRun } from '../registry/register';
import { setAlias } from '../registry/aliases';
import { resolveModelUri } from '../registry/resolve';
import { getDataset } from '../store/datasets-repo';
import { getRun } from '../store/runs-repo';
import { startTraining } from '../training/start-training';
import { cachedStep, setFlowFields, sha256Of } from './flow-repo';
import { checkFileMonth, MAX_STRAY_SHARE } from './month-check';

export interface StepContext {
  ctx: CoreContext;
  flowRunId: string;
  spec: PipelineSpec;
  month: string;
  /** who started the flow run: the training run's source says so (CLI, UI, or API for schedule and backfill) */
  trigger: FlowTrigger;
  /** outputs of the steps before this one */
  outputs: Partial<Record<PipelineStep, Record<string, unknown> | null>>;
  control: TaskControl;
  log(message: string, level?: 'info' | 'warn'): void;
}

export interface StepResult {
  status: 'done' | 'cached' | 'skipped';
  outputs: Record<string, unknown> | null;
  cacheKey: string | null;
}

interface LoadedFile { datasetId: DatasetId; fileName: string; sha256: string; rows: number; month: string }
type Loaded = Record<'train' | 'val' | 'test', LoadedFile | undefined>;

const ROLES = ['train', 'val', 'test'] as const;
export const CACHE_TAG = 'meter.pipeline.cache_key';

/** The files a flow run for `month` reads; the ones missing are named. */
export function filesFor(spec: PipelineSpec, month: string): { role: 'train' | 'val' | 'test'; month: string; path: string; exists: boolean }[] {
  const months = monthsFor(spec, month);
  return ROLES.flatMap((role) => {
    const m = months[role];
    if (m === undefined) return [];
    const path = join(spec.data, tlcFileName(spec.kind, m));
    return [{ role, month: m, path, exists: existsSync(path) }];
  });
}

async function load(sc: StepContext): Promise<StepResult> {
  const files = filesFor(sc.spec, sc.month);
  const missing = files.find((f) => !f.exists);
  if (missing) {
    throw new MeterError('NOT_FOUND', `${basename(missing.path)} (the ${missing.role} month ${missing.month}) is not in ${sc.spec.data}.`, { file: basename(missing.path) });
  }
  const out: Partial<Loaded> = {};
  let reused = 0;
  for (const f of files) {
    const { sha256 } = await hashDataFile(f.path);
    // Bytes recorded before (from this folder or imported from anywhere else) are that dataset: not checked again
    // (the same bytes give the same report). A record at another path is kept there only while that file still
    // holds these bytes, else it is re-pointed here, where they just hashed: training and evaluate read the
    // record's path, so it must hold what the lineage says (recordedDataset, claimDataset).
    const known = await recordedDataset(sc.ctx, f.path, sha256);
    const d = known ?? await importDataset(sc.ctx, f.path);
    if (known) reused++;
    if (d.kind !== sc.spec.kind) {
      throw new MeterError('SCHEMA_MISMATCH', `${d.fileName} holds ${d.kind} trips, but the pipeline's kind is ${sc.spec.kind}.`, { file: d.fileName });
    }
    // The file is chosen by its name: its trips must be that month's (checked each time, as a name can change).
    const { strays } = await checkFileMonth(f.path, f.month, f.role);
    out[f.role] = { datasetId: d.datasetId, fileName: d.fileName, sha256: d.sha256, rows: d.rows, month: f.month };
    sc.log(`${f.role}: ${d.fileName} (${d.rows} rows, sha256 ${d.sha256.slice(0, 12)}…)${known ? ', recorded before' : ', imported'}`);
    if (strays) sc.log(`${f.role}: ${strays} pickups of ${d.fileName} are outside ${f.month} (at most ${MAX_STRAY_SHARE * 100}% may be): kept, as TLC months have a few`);
  }
  return { status: reused === files.length ? 'cached' : 'done', outputs: out, cacheKey: sha256Of({ step: 'load', files: files.map((f) => f.path), shas: ROLES.map((r) => out[r]?.sha256 ?? null) }) };
}

const loaded = (sc: StepContext): Loaded => sc.outputs.load as unknown as Loaded;
const shas = (l: Loaded) => ROLES.map((r) => l[r]?.sha256 ?? null);

async function features(sc: StepContext): Promise<StepResult> {
  const l = loaded(sc);
  const train = getDataset(sc.ctx.db, l.train!.datasetId);
  for (const role of ['val', 'test'] as const) {
    if (!l[role]) continue;
    const d = getDataset(sc.ctx.db, l[role]!.datasetId);
    checkSameFeatureFamily(role, d.fileName, d.kind, train);
  }
  const featureSet = sc.spec.features ?? 'basic';
  const key = sha256Of({ step: 'features', shas: shas(l), featureSet, version: sc.ctx.version });
  const cached = cachedStep(sc.ctx.db, 'features', key);
  if (cached) { sc.log(`same files and feature set as before: ${(cached.columns as string[]).join(', ')}`); return { status: 'cached', outputs: cached, cacheKey: key }; }
  const columns = [...(featureSet === 'pu_do' ? ['PU_DO'] : ['PULocationID', 'DOLocationID']), ...(train.kind === 'fhv' ? [] : ['trip_distance'])];
  sc.log(`${featureSet}: ${columns.join(', ')} (one-hot for the location ids)`);
  return { status: 'done', outputs: { featureSet, columns }, cacheKey: key };
}

/** The params of a search's best trial (the search run's best_trial_run_id tag). */
function bestParams(sc: StepContext, searchRunId: string): Record<string, number> {
  const search = getRun(sc.ctx.db, asRunId(searchRunId));
  const best = search.tags.best_trial_run_id;
  if (!best) throw new MeterError('NOT_FOUND', `Run ${search.name} has no best_trial_run_id tag; paramsFrom takes a finished search (tuning) run.`);
  const trial = getRun(sc.ctx.db, asRunId(best));
  if (trial.params.model !== sc.spec.model) {
    throw new MeterError('INVALID_ARGUMENT', `The best trial of search ${search.name} is a ${trial.params.model} model, but the pipeline trains ${sc.spec.model}.`);
  }
  const rules = resolveParams(sc.spec.model);
  const out = Object.fromEntries(Object.keys(rules).filter((k) => trial.params[k] !== undefined).map((k) => [k, Number(trial.params[k])]));
  sc.log(`params from search ${search.name}'s best trial ${trial.name}: ${Object.entries(out).map(([k, v]) => `${k}=${v}`).join(', ') || 'none'}`);
  return out;
}

async function train(sc: StepContext): Promise<StepResult> {
  const l = loaded(sc);
  const { spec, ctx } = sc;
  const params = resolveParams(spec.model, spec.paramsFrom ? bestParams(sc, spec.paramsFrom) : spec.params ?? {});
  const featureSet = (sc.outputs.features?.featureSet as string | undefined) ?? spec.features ?? 'basic';
  const key = sha256Of({ step: 'train', shas: shas(l), model: spec.model, params, featureSet, version: ctx.version });
  // The cache is the run itself: a FINISHED run carrying this key (set as it was created, so a crash between
  // the run finishing and the step being recorded still finds it, and no run is trained twice).
  const existing = ctx.db.prepare(`SELECT r.run_id FROM runs r JOIN run_tags t ON t.run_key = r.run_key
    AND t.key_id = (SELECT key_id FROM key_names WHERE key = ?) AND t.value = ?
    WHERE r.status = 'FINISHED' AND r.deleted_ms IS NULL ORDER BY r.start_ms DESC LIMIT 1`).pluck().get(CACHE_TAG, key) as RunId | undefined;
  if (existing) {
    const run = getRun(ctx.db, existing);
    setFlowFields(ctx.db, sc.flowRunId, { runId: existing });
    sc.log(`same data, model, params and Meter version as run ${run.name}: reused, not retrained`);
    return { status: 'cached', outputs: { runId: existing, runName: run.name, metrics: run.metrics }, cacheKey: key };
  }
  const request = {
    experiment: spec.experiment, runName: `${spec.name}-${sc.month}`, model: spec.model as ModelKind, params, featureSet,
    train: l.train!.datasetId, val: l.val!.datasetId, ...(l.test ? { test: l.test.datasetId } : {}),
    source: { type: sc.trigger === 'cli' ? 'CLI' : sc.trigger === 'ui' ? 'UI' : 'API', name: `pipeline ${spec.name} (${sc.trigger})` },
  } as TrainingRequest;
  const { jobId, runId } = startTraining(ctx, request, {
    parentJobId: sc.control.jobId,
    tags: { 'meter.pipeline': spec.name, 'meter.pipeline.month': sc.month, 'meter.pipeline.flow_run_id': sc.flowRunId, [CACHE_TAG]: key },
  });
  sc.control.adopt(jobId);
  setFlowFields(ctx.db, sc.flowRunId, { runId });
  sc.log(`training ${spec.model} (${featureSet}) as run ${request.runName} (${runId})`);
  const outcome = await ctx.jobs.wait(jobId);
  if (outcome.state === 'cancelled') throw new MeterError('CANCELLED', 'The training job was cancelled.');
  if (outcome.state !== 'succeeded') throw MeterError.fromData(outcome.error ?? { code: 'INTERNAL', message: 'The training job failed.' });
  const m = outcome.metrics ?? {};
  sc.log(`rmse_train ${m.rmse_train?.toFixed(4)}, rmse_val ${m.rmse_val?.toFixed(4)}${m.rmse_test !== undefined ? `, rmse_test ${m.rmse_test.toFixed(4)}` : ''}`);
  return { status: 'done', outputs: { runId, runName: request.runName, metrics: getRun(ctx.db, runId).metrics }, cacheKey: key };
}

function rmseOn(modelPath: string, trips: ReturnType<typeof loadTrips>, where: string): number {
  const file = parseModelFile(JSON.parse(readFileSync(modelPath, 'utf8')), where);
  return regressionMetrics(trips.duration, predictorFor(file).predict(trips)).rmse;
}

const aliasOf = (spec: PipelineSpec): string => spec.promote?.alias ?? 'champion';

/** The version holding @alias now, or null (no model yet, or no alias). */
function championNow(ctx: CoreContext, spec: PipelineSpec): { version: number; runId: RunId; modelPath: string } | null {
  try {
    const r = resolveModelUri(ctx, `models:/${spec.promote!.registeredModel}@${aliasOf(spec)}`);
    return { version: r.version!, runId: asRunId(r.runId), modelPath: r.modelPath };
  } catch (err) {
    if (err instanceof MeterError && err.code === 'NOT_FOUND') return null;
    throw err;
  }
}

async function evaluate(sc: StepContext): Promise<StepResult> {
  const { ctx, spec } = sc;
  const l = loaded(sc);
  const runId = sc.outputs.train!.runId as RunId;
  const run = getRun(ctx.db, runId);
  const champion = spec.promote ? championNow(ctx, spec) : null;
  const key = sha256Of({ step: 'evaluate', runId, champion: champion?.version ?? null, model: spec.promote?.registeredModel ?? null, val: l.val!.sha256, version: ctx.version });
  const cached = cachedStep(ctx.db, 'evaluate', key);
  if (cached) { sc.log('same run, champion and validation month as before: reused'); return { status: 'cached', outputs: cached, cacheKey: key }; }
  // Both models scored by the same code on the same month: the comparison is fair by construction.
  const trips = loadTrips(getDataset(ctx.db, l.val!.datasetId).path);
  const challengerRmse = rmseOn(join(ctx.artifactsDir(runId), MODEL_ARTIFACT), trips, `run ${run.name}'s model`);
  sc.log(`run ${run.name}: rmse_val ${challengerRmse.toFixed(4)} on ${l.val!.fileName} (${trips.n} trips)`);
  let championOut: Record<string, unknown> | null = null;
  if (champion) {
    const rmse = champion.runId === runId ? challengerRmse : rmseOn(champion.modelPath, trips, `${spec.promote!.registeredModel} version ${champion.version}`);
    championOut = { version: champion.version, runId: champion.runId, rmseVal: rmse };
    sc.log(`@${aliasOf(spec)} (${spec.promote!.registeredModel} version ${champion.version}): rmse_val ${rmse.toFixed(4)} on the same month`);
  } else if (spec.promote) {
    sc.log(`${spec.promote.registeredModel} has no @${aliasOf(spec)} yet`);
  }
  return {
    status: 'done', cacheKey: key,
    outputs: { valMonth: l.val!.month, rmseVal: challengerRmse, rmseTest: run.metrics.rmse_test ?? null, champion: championOut },
  };
}

async function register(sc: StepContext): Promise<StepResult> {
  const { ctx, spec } = sc;
  if (!spec.promote) { sc.log('no promotion rule: nothing to register'); return { status: 'skipped', outputs: null, cacheKey: null }; }
  const runId = sc.outputs.train!.runId as RunId;
  const name = spec.promote.registeredModel;
  const key = sha256Of({ step: 'register', runId, name });
  const known = ctx.db.prepare('SELECT version FROM model_versions WHERE name = ? AND run_id = ? ORDER BY version DESC LIMIT 1').pluck().get(name, runId) as number | undefined;
  if (known !== undefined) { sc.log(`run already registered as ${name} version ${known}`); return { status: 'cached', outputs: { name, version: known }, cacheKey: key }; }
  const v = registerRun(ctx, runId, name, `Trained by pipeline ${spec.name} for ${sc.month}.`);
  sc.log(`registered as ${name} version ${v.version}`);
  return { status: 'done', outputs: { name, version: v.version }, cacheKey: key };
}

async function promote(sc: StepContext): Promise<StepResult> {
  const { ctx, spec } = sc;
  if (!spec.promote) { sc.log('no promotion rule'); return { status: 'skipped', outputs: null, cacheKey: null }; }
  const alias = aliasOf(spec);
  const name = spec.promote.registeredModel;
  const ev = sc.outputs.evaluate!;
  const version = sc.outputs.register!.version as number;
  const challengerRmse = ev.rmseVal as number;
  const champ = ev.champion as { version: number; rmseVal: number } | null;
  const now = championNow(ctx, spec);
  const base = { alias, model: name, version, challengerRmse, championVersion: champ?.version ?? null, championRmse: champ?.rmseVal ?? null, month: ev.valMonth };
  const key = sha256Of({ step: 'promote', name, alias, version, holder: now?.version ?? null });
  if (now?.version === version) {
    sc.log(`@${alias} already points at version ${version}: nothing to move`);
    return { status: 'cached', outputs: { ...base, decision: 'already', promoted: false }, cacheKey: key };
  }
  if (now && champ && now.version !== champ.version) {
    throw new MeterError('INVALID_STATE', `@${alias} moved from version ${champ.version} to ${now.version} while this flow ran; rerun from evaluate to compare with the new holder.`);
  }
  const beats = champ === null || challengerRmse < champ.rmseVal;
  const vs = champ ? `version ${version} rmse_val ${challengerRmse.toFixed(4)} vs @${alias} version ${champ.version} ${champ.rmseVal.toFixed(4)} on ${String(ev.valMonth)}` : `no @${alias} yet`;
  if (!beats) {
    sc.log(`kept @${alias} on version ${champ!.version}: ${vs} (not better)`);
    return { status: 'done', outputs: { ...base, decision: 'kept', promoted: false }, cacheKey: key };
  }
  setAlias(ctx.db, name, alias, version);
  setFlowFields(ctx.db, sc.flowRunId, { promoted: true });
  sc.log(`moved @${alias} to version ${version}: ${vs}`);
  return { status: 'done', outputs: { ...base, decision: 'promoted', promoted: true }, cacheKey: key };
}

export const STEPS: Record<PipelineStep, (sc: StepContext) => Promise<StepResult>> = { load, features, train, evaluate, register, promote };
