// Part 3 of MLflow compatibility: import runs and registered models from an MLflow tracking server into
// Meter. A remote run becomes a Meter run in the experiment of the same name — params, every metric point,
// tags, dataset inputs, status and times, and its artifact files (downloaded through the server's proxied
// mlflow-artifacts routes) — tagged mlflow.imported_run_id, so importing again adds nothing. A registered
// model's versions whose runs were imported become Meter versions of the same name, made from the imported
// model folder as any MLflow client's version is (src/core/mlflow/registry.ts), with their aliases; a version
// this store pushed there (or an import made here already) is that version, not a new one (version-map.ts); one
// made there of a run this store pushed is Meter's own version of it (native-version.ts). Importing again brings
// what an earlier import lacked: the files of runs it made (artifact-fill.ts), then the versions needing them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MeterError } from '../../shared/errors';
import { asRunId, type RunId } from '../../shared/domain';
import type { CoreContext } from '../context';
import { inTransaction } from '../store/db';
import { ensureExperiment } from '../store/experiments-repo';
import { createRun, getRun, logMetrics, logParams, metricHistory, runExists, runIdsTagged, setNotes, setTag } from '../store/runs-repo';
import { placeFiles, type SourceFile } from './artifact-fill';
import { logInputs } from './runs';
import { createMlflowVersion, setMlflowAlias } from './registry';
import { createModelRow } from '../registry/registry-repo';
import { checkModelName } from '../registry/names';
import { codeOf, remoteFor, type Json, type Remote, type RetryPolicy } from './remote';
import { emptyCounts, type TransferCounts, type TransferHooks } from './transfer';
import { modelFolderOf, versionsHere } from './version-map';
import { nativeModelComing, nativeModelHere, registerNativeVersion } from './native-version';
import { IMPORTED_RUN_TAG, IMPORTED_VERSION_TAG, NOTE_TAG, PARENT_TAG, PUSHED_RUN_TAG, tagValues } from './mlflow-tags';

export interface ImportRequest {
  trackingUri: string; token?: string; user?: string; password?: string;
  experiments: string[]; runIds: string[]; models: string[];
  /** every active experiment and every registered model on the server (the app's import) */
  all?: boolean;
  dryRun?: boolean;
  retry?: RetryPolicy;
}
export interface ImportReport {
  /** a dry run's new runs have runId '' and `planned`: what importing them would bring */
  runs: {
    remoteRunId: string; runId: string; experiment: string; imported: boolean; artifactsSkipped?: string; planned?: { params: number; metrics: number; artifacts: number };
    /** a run an earlier import made: how many of its files this import added (a dry run: would add) */
    artifactsAdded?: number;
    /** its files here whose bytes differ from the source's: kept, not overwritten */
    artifactConflicts?: string[];
  }[];
  versions: { name: string; remoteVersion: string; version: number | null; imported: boolean; reason?: string }[];
  aliases: { name: string; alias: string; version: number }[];
}

const STATUSES = new Set(['RUNNING', 'FINISHED', 'FAILED', 'KILLED']);

/** Every active experiment's name and every registered model's name on the server. */
async function everything(remote: Remote): Promise<{ experiments: string[]; models: string[] }> {
  const experiments: string[] = [];
  const models: string[] = [];
  let token: string | undefined;
  do {
    const page = await remote.call('POST', 'experiments/search', { max_results: 1000, view_type: 'ACTIVE_ONLY', ...(token ? { page_token: token } : {}) });
    for (const e of (page.experiments as Json[] | undefined) ?? []) experiments.push(e.name as string);
    token = page.next_page_token as string | undefined;
  } while (token);
  do {
    const page = await remote.call('GET', 'registered-models/search', { max_results: 1000, ...(token ? { page_token: token } : {}) });
    for (const m of (page.registered_models as Json[] | undefined) ?? []) models.push(m.name as string);
    token = page.next_page_token as string | undefined;
  } while (token);
  return { experiments, models };
}

async function remoteRuns(remote: Remote, req: ImportRequest): Promise<Json[]> {
  const runs: Json[] = [];
  for (const name of req.experiments) {
    const exp = (await remote.call('GET', 'experiments/get-by-name', { experiment_name: name })).experiment as Json;
    let token: string | undefined;
    do {
      const page = await remote.call('POST', 'runs/search', { experiment_ids: [exp.experiment_id], max_results: 1000, ...(token ? { page_token: token } : {}) });
      runs.push(...((page.runs as Json[] | undefined) ?? []));
      token = page.next_page_token as string | undefined;
    } while (token);
  }
  for (const id of req.runIds) runs.push((await remote.call('GET', 'runs/get', { run_id: id })).run as Json);
  for (const name of req.models) {
    const versions = (await remote.call('GET', 'model-versions/search', { filter: `name = '${name.replace(/'/g, "''")}'`, max_results: 10000 })).model_versions as Json[] | undefined;
    for (const v of versions ?? []) if (v.run_id) runs.push((await remote.call('GET', 'runs/get', { run_id: v.run_id })).run as Json);
  }
  const seen = new Set<string>();
  const unique = runs.filter((r) => !seen.has(r.info.run_id as string) && seen.add(r.info.run_id as string));
  // A trial pulled without its parent (a search) takes it along, as a push does: else it would name a run that
  // is not here and hide from the runs table's top level. (Parents come last: linkParents runs on the whole batch.)
  for (let i = 0; i < unique.length; i++) {
    const parent = tagValues(((unique[i].data ?? {}) as Json).tags)[PARENT_TAG];
    if (!parent || seen.has(parent)) continue;
    seen.add(parent);
    try {
      const got = (await remote.call('GET', 'runs/get', { run_id: parent })).run as Json;
      if (got.info.lifecycle_stage !== 'deleted') unique.push(got);
    } catch (err) {
      if (codeOf(err) !== 'RESOURCE_DOES_NOT_EXIST') throw err;
    }
  }
  return unique;
}

/** The files below base on the server, by their path below it; each downloaded when read. */
async function remoteFiles(remote: Remote, base: string, rel = ''): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  for (const f of await remote.list(rel ? `${base}/${rel}` : base)) {
    const path = rel ? `${rel}/${f.path}` : f.path;
    if (f.isDir) out.push(...await remoteFiles(remote, base, path));
    else out.push({ path, size: f.size, cheap: false, read: () => remote.download(`${base}/${path}`) });
  }
  return out;
}

/** Where MLflow runs and models come from: a tracking server (below) or a store read directly (local-store.ts).
 * Runs, models and versions are in the REST API's JSON shapes, so both land the same way. */
export interface MlflowSource {
  label: string;
  experimentName(experimentId: string): Promise<string>;
  metricHistory(runId: string, key: string): Promise<{ value: number; step: number; timestampMs: number }[]>;
  /** The run's artifact files (by their paths in Meter's run), and why some or all can't be reached. */
  artifactFiles(run: Json): Promise<{ files: SourceFile[]; unreachable?: string }>;
  model(name: string): Promise<Json>;
  versions(name: string): Promise<Json[]>;
}

function serverSource(remote: Remote): MlflowSource {
  return {
    label: `MLflow ${remote.base}`,
    experimentName: async (id) => (await remote.call('GET', 'experiments/get', { experiment_id: id })).experiment.name as string,
    async metricHistory(runId, key) {
      const out: { value: number; step: number; timestampMs: number }[] = [];
      let token: string | undefined;
      do {
        const page = await remote.call('GET', 'metrics/get-history', { run_id: runId, metric_key: key, max_results: 25000, ...(token ? { page_token: token } : {}) });
        for (const p of (page.metrics as Json[] | undefined) ?? []) {
          const v = p.value;
          out.push({ value: typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : Number(v), step: Number(p.step ?? 0), timestampMs: Number(p.timestamp ?? 0) });
        }
        token = page.next_page_token as string | undefined;
      } while (token);
      return out;
    },
    async artifactFiles(run) {
      const artifactUri = String(run.info.artifact_uri ?? '');
      const base = /^mlflow-artifacts:\/(.*)$/.exec(artifactUri)?.[1];
      if (!base) return { files: [], unreachable: `its artifacts live at ${artifactUri}, which the server does not proxy (mlflow server --artifacts-destination)` };
      return { files: await remoteFiles(remote, base.replace(/\/+$/, '')) };
    },
    model: async (name) => (await remote.call('GET', 'registered-models/get', { name })).registered_model as Json,
    versions: async (name) => ((await remote.call('GET', 'model-versions/search', { filter: `name = '${name.replace(/'/g, "''")}'`, max_results: 10000 })).model_versions as Json[] | undefined) ?? [],
  };
}

/** The Meter run an earlier import made of this MLflow run, if any. */
function importedRunOf(ctx: CoreContext, remoteRunId: string): string | undefined {
  return runIdsTagged(ctx.db, IMPORTED_RUN_TAG, remoteRunId)[0] as string | undefined;
}

/**
 * The Meter run this MLflow run already is: one an earlier import made of it, or — a run this very store
 * pushed (its meter.run_id tag names a run here) — the original. Else pushing then importing from the same
 * server brought every run back twice, and the copies' trials joined the original searches.
 */
function localRunOf(ctx: CoreContext, run: Json): string | undefined {
  const remoteId = (run.info as Json).run_id as string;
  const imported = importedRunOf(ctx, remoteId);
  if (imported) return imported;
  const own = tagValues(((run.data ?? {}) as Json).tags)[PUSHED_RUN_TAG];
  return own && runExists(ctx.db, own) ? own : undefined;
}

/**
 * MLflow's nesting names the parent by its MLflow id; here it must name the parent's Meter run, known once the
 * whole batch is in (a child may come before its parent). Runs that were already here keep their tag.
 */
function linkParents(ctx: CoreContext, found: Json[], runs: Map<string, string>): void {
  for (const run of found) {
    const remoteId = (run.info as Json).run_id as string;
    const child = runs.get(remoteId);
    const remoteParent = tagValues(((run.data ?? {}) as Json).tags)[PARENT_TAG];
    const parent = remoteParent === undefined ? undefined : runs.get(remoteParent);
    // only runs an import made (this one or an earlier, interrupted one), never a run of this store's own
    if (child && parent && importedRunOf(ctx, remoteId) === child) setTag(ctx.db, asRunId(child), PARENT_TAG, parent);
  }
}

type RunEntry = ImportReport['runs'][number];

/** Lands the run's files in Meter's run: what was added (a dry run: would be), and the report's words on it. */
async function landFiles(ctx: CoreContext, source: MlflowSource, run: Json, runId: RunId, dryRun: boolean): Promise<{ added: string[]; said: Partial<RunEntry> }> {
  const { files, unreachable } = await source.artifactFiles(run);
  const placed = await placeFiles(ctx, runId, files, dryRun);
  return {
    added: placed.added,
    said: { ...(unreachable ? { artifactsSkipped: unreachable } : {}), ...(placed.conflicts.length ? { artifactConflicts: placed.conflicts } : {}) },
  };
}

export async function importRun(ctx: CoreContext, source: MlflowSource, run: Json, experimentNames: Map<string, string>): Promise<RunEntry> {
  return (await importRunPlaced(ctx, source, run, experimentNames, false)).entry;
}

/** A run imported, or one here already given the files it lacks; added: the files that came (a dry run: would). */
async function importRunPlaced(ctx: CoreContext, source: MlflowSource, run: Json, experimentNames: Map<string, string>, dryRun: boolean): Promise<{ entry: RunEntry; added: string[] }> {
  const info = run.info as Json;
  const remoteId = info.run_id as string;
  let expName = experimentNames.get(String(info.experiment_id));
  if (!expName) {
    expName = await source.experimentName(String(info.experiment_id));
    experimentNames.set(String(info.experiment_id), expName);
  }
  const existing = localRunOf(ctx, run);
  if (existing) {
    const entry: RunEntry = { remoteRunId: remoteId, runId: existing, experiment: expName, imported: false };
    // a run this store pushed is the original, its files its own; a run an import made gets what it lacked
    if (importedRunOf(ctx, remoteId) !== existing) return { entry, added: [] };
    const { added, said } = await landFiles(ctx, source, run, asRunId(existing), dryRun);
    return { entry: { ...entry, ...(added.length ? { artifactsAdded: added.length } : {}), ...said }, added };
  }
  const data = (run.data ?? {}) as Json;
  const tags: Record<string, string> = { ...tagValues(data.tags), [IMPORTED_RUN_TAG]: remoteId };
  const params = tagValues(data.params);
  const history: { key: string; value: number; step: number; timestampMs: number }[] = [];
  for (const m of (data.metrics as { key: string }[] | undefined) ?? []) {
    for (const p of await source.metricHistory(remoteId, m.key)) history.push({ key: m.key, ...p });
  }
  const status = STATUSES.has(info.status as string) ? info.status as string : 'FINISHED';
  const name = ((info.run_name as string | undefined) || tags['mlflow.runName'] || remoteId).slice(0, 250);
  const runId = inTransaction(ctx.db, () => {
    const exp = ensureExperiment(ctx.db, expName!);
    const id = createRun(ctx.db, { experimentId: exp.experimentId, name, params: {}, tags, source: { type: 'API', name: source.label }, inputs: [] });
    logParams(ctx.db, id, params);
    if (history.length) logMetrics(ctx.db, id, history);
    // MLflow's run description is this tag (what push.ts writes from Meter's notes); it becomes the notes
    if (tags[NOTE_TAG]) setNotes(ctx.db, id, tags[NOTE_TAG].slice(0, 100_000));
    ctx.db.prepare('UPDATE runs SET status = ?, start_ms = ?, end_ms = ?, owner = NULL WHERE run_id = ?')
      .run(status === 'RUNNING' ? 'KILLED' : status, Number(info.start_time ?? Date.now()), info.end_time !== undefined ? Number(info.end_time) : Date.now(), id);
    return id;
  });
  const inputs = ((run.inputs as Json | undefined)?.dataset_inputs as Json[] | undefined) ?? [];
  if (inputs.length) {
    logInputs(ctx.db, runId, inputs.map((i) => ({
      tags: tagValues(i.tags),
      dataset: { name: i.dataset.name, digest: i.dataset.digest, sourceType: i.dataset.source_type, source: i.dataset.source, schema: i.dataset.schema ?? null, profile: i.dataset.profile ?? null },
    })));
  }
  const { added, said } = await landFiles(ctx, source, run, asRunId(runId), false);
  return { entry: { remoteRunId: remoteId, runId, experiment: expName, imported: true, ...said }, added };
}

/** Where in its run's artifacts a version's model is; null when its source is not a run's artifact folder. */
const modelFolder = (v: Json) => modelFolderOf(v.source);
const notImportable = (v: Json) => `its source ${String(v.source)} is not an imported run's artifact folder`;
/** A dry run's model: which versions importing would add (runs: the runs here or to be imported, by MLflow id;
 * files: by MLflow run id, the files importing would bring — a version needs its model's MLmodel file). */
async function planModel(ctx: CoreContext, source: MlflowSource, name: string, runs: Map<string, string>, files: Map<string, Set<string>>, report: ImportReport): Promise<void> {
  const versions = (await source.versions(name)).sort((a, b) => Number(a.version) - Number(b.version));
  const done = versionsHere(ctx.db, checkModelName(name), versions, runs);
  for (const v of versions) {
    const remoteVersion = String(v.version);
    const have = done.get(remoteVersion);
    if (have !== undefined) report.versions.push({ name, remoteVersion, version: have, imported: false });
    else if (!runs.has(v.run_id as string) || !modelFolder(v)) report.versions.push({ name, remoteVersion, version: null, imported: false, reason: notImportable(v) });
    else if (!hasModelFile(ctx, runs.get(v.run_id as string)!, modelFolder(v)!, files.get(v.run_id as string))) {
      report.versions.push({ name, remoteVersion, version: null, imported: false, reason: `its model folder "${modelFolder(v)}" would hold no MLmodel file: its run's artifacts were not found` });
    } else report.versions.push({ name, remoteVersion, version: null, imported: false, reason: 'dry run' });
  }
}

/** Whether a version of the run's model folder could be made: its MLmodel (or Meter's own model) is here, or would come. */
function hasModelFile(ctx: CoreContext, runHere: string, folder: string, coming: Set<string> | undefined): boolean {
  const file = `${folder.replace(/\/+$/, '')}/MLmodel`;
  return coming?.has(file) === true || (runHere !== '' && existsSync(join(ctx.artifactsDir(runHere), ...file.split('/'))))
    || nativeModelHere(ctx, runHere, folder) || nativeModelComing(folder, coming);
}

export async function importModel(ctx: CoreContext, source: MlflowSource, name: string, runs: Map<string, string>, report: ImportReport): Promise<void> {
  const model = await source.model(name);
  const local = checkModelName(name);
  if (!ctx.db.prepare('SELECT 1 FROM registered_models WHERE name = ?').get(local)) {
    inTransaction(ctx.db, () => createModelRow(ctx.db, local, (model.description as string | undefined) ?? ''));
  }
  const versions = (await source.versions(name)).sort((a, b) => Number(a.version) - Number(b.version));
  // those an import made, and those this store pushed there: the same versions, not new ones
  const done = versionsHere(ctx.db, local, versions, runs);
  for (const v of versions) {
    const remoteVersion = String(v.version);
    const have = done.get(remoteVersion);
    if (have !== undefined) { report.versions.push({ name, remoteVersion, version: have, imported: false }); continue; }
    const runId = runs.get(v.run_id as string);
    const path = modelFolder(v);
    if (!runId || !path) { report.versions.push({ name, remoteVersion, version: null, imported: false, reason: notImportable(v) }); continue; }
    try {
      const r = { name: local, runId, description: (v.description as string | undefined) ?? '', tags: { ...tagValues(v.tags), [IMPORTED_VERSION_TAG]: remoteVersion } };
      // made on the server of a run this store pushed, from its Meter model (no MLmodel): Meter's own version
      const made = nativeModelHere(ctx, runId, path) ? registerNativeVersion(ctx, r) : createMlflowVersion(ctx, { ...r, source: `runs:/${runId}/${path}` });
      done.set(remoteVersion, made.version);
      report.versions.push({ name, remoteVersion, version: made.version, imported: true });
    } catch (err) {
      // a version that can't be made is said and skipped (its run's model unreadable, not FINISHED, …); the rest go
      if (!(err instanceof MeterError) || err.code === 'DB_BUSY') throw err;
      report.versions.push({ name, remoteVersion, version: null, imported: false, reason: err.message });
    }
  }
  const aliasHolder = ctx.db.prepare('SELECT version FROM model_aliases WHERE name = ? AND alias = ?').pluck();
  for (const a of (model.aliases as { alias: string; version: string }[] | undefined) ?? []) {
    const version = done.get(String(a.version));
    // an alias already on that version is not news (a second pull lists none)
    if (version === undefined || aliasHolder.get(local, a.alias) === version) continue;
    setMlflowAlias(ctx.db, local, a.alias, version);
    report.aliases.push({ name, alias: a.alias, version });
  }
}

/** Imports the runs, then the models, one run at a time: a cancel (checked between runs, so each run is
 * imported whole or not at all) leaves the store consistent, and importing again picks up the rest. */
export async function importCounted(ctx: CoreContext, source: MlflowSource, found: Json[], models: string[], hooks: TransferHooks, dryRun: boolean): Promise<{ report: ImportReport; counts: TransferCounts }> {
  const report: ImportReport = { runs: [], versions: [], aliases: [] };
  const counts = emptyCounts();
  const experimentNames = new Map<string, string>();
  const runs = new Map<string, string>();
  /** a dry run's files to come, by MLflow run id (whether a version's model would be there) */
  const coming = new Map<string, Set<string>>();
  const knownExperiment = ctx.db.prepare('SELECT 1 FROM experiments WHERE name = ?');
  const newExperiments = new Set<string>();
  for (const [i, run] of found.entries()) {
    if (hooks.cancelled?.()) { linkParents(ctx, found, runs); return { report, counts }; }
    hooks.progress?.('import runs', i, found.length);
    const remoteId = run.info.run_id as string;
    const existing = localRunOf(ctx, run);
    if (existing) {
      counts.skipped++;
      runs.set(remoteId, existing);
      // here already: only the files an earlier import lacked come
      const { entry, added } = await importRunPlaced(ctx, source, run, experimentNames, dryRun);
      report.runs.push(entry);
      counts.artifacts += added.length;
      coming.set(remoteId, new Set(added));
      continue;
    }
    const expName = experimentNames.get(String(run.info.experiment_id)) ?? await source.experimentName(String(run.info.experiment_id));
    experimentNames.set(String(run.info.experiment_id), expName);
    if (!knownExperiment.get(expName) && !newExperiments.has(expName)) { newExperiments.add(expName); counts.experiments++; }
    counts.runs++;
    if (dryRun) {
      // what importing it would bring, counted as the import counts it: every metric point, every file
      const data = (run.data ?? {}) as Json;
      let metrics = 0;
      for (const m of (data.metrics as { key: string }[] | undefined) ?? []) metrics += (await source.metricHistory(remoteId, m.key)).length;
      const files = (await source.artifactFiles(run)).files.map((f) => f.path);
      coming.set(remoteId, new Set(files));
      const planned = { params: ((data.params as unknown[] | undefined) ?? []).length, metrics, artifacts: files.length };
      counts.metrics += planned.metrics;
      counts.artifacts += planned.artifacts;
      runs.set(remoteId, '');
      report.runs.push({ remoteRunId: remoteId, runId: '', experiment: expName, imported: false, planned });
      continue;
    }
    const r = (await importRunPlaced(ctx, source, run, experimentNames, false)).entry;
    runs.set(r.remoteRunId, r.runId);
    report.runs.push(r);
    const local = getRun(ctx.db, asRunId(r.runId));
    counts.artifacts += local.artifacts.length;
    for (const key of Object.keys(local.metrics)) counts.metrics += metricHistory(ctx.db, local.runId, key).length;
  }
  if (!dryRun) linkParents(ctx, found, runs);
  for (const [i, name] of models.entries()) {
    if (hooks.cancelled?.()) return { report, counts };
    hooks.progress?.('import models', i, models.length);
    if (!ctx.db.prepare('SELECT 1 FROM registered_models WHERE name = ?').get(name)) counts.models++;
    const before = report.versions.length;
    if (dryRun) {
      await planModel(ctx, source, name, runs, coming, report);
      for (const v of report.versions.slice(before)) { if (v.reason === 'dry run') counts.versions++; else counts.skipped++; }
      continue;
    }
    await importModel(ctx, source, name, runs, report);
    for (const v of report.versions.slice(before)) { if (v.imported) counts.versions++; else counts.skipped++; }
  }
  return { report, counts };
}

export async function importFromMlflow(ctx: CoreContext, req: ImportRequest): Promise<ImportReport> {
  return (await importFromServerCounted(ctx, req)).report;
}

/** Checks the request before anything is fetched: a refusal changes nothing. */
export function prepareServerImport(req: ImportRequest): Remote {
  const remote = remoteFor(req.trackingUri, { token: req.token, user: req.user, password: req.password }, '--from', req.retry);
  if (!req.all && req.experiments.length + req.runIds.length + req.models.length === 0) throw new MeterError('INVALID_ARGUMENT', 'Say what to import: --all (every active experiment and registered model on the server), --experiment NAME, --run RUN_ID or --model NAME (each repeatable).');
  for (const n of req.models) checkModelName(n); // a name Meter can't hold is refused before anything is fetched
  return remote;
}

export async function importFromServerCounted(ctx: CoreContext, req: ImportRequest, hooks: TransferHooks = {}): Promise<{ report: ImportReport; counts: TransferCounts }> {
  const remote = prepareServerImport(req);
  hooks.progress?.('list runs', 0, 1);
  const what = req.all ? { ...req, ...await everything(remote) } : req;
  for (const n of what.models) checkModelName(n);
  return importCounted(ctx, serverSource(remote), await remoteRuns(remote, what), what.models, hooks, req.dryRun === true);
}
