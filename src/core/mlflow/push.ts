// Part 2 of MLflow compatibility: push Meter's runs and registered models into a real MLflow tracking
// server, over MLflow's REST API (what its own client calls). A run becomes an MLflow run in the experiment
// of the same name — params, every metric point, tags, artifact files (through the server's proxied
// mlflow-artifacts routes) — tagged meter.run_id. What the server has acknowledged is kept in the store per
// server (push-map.ts), so pushing again sends only what is missing: nothing for a finished run, the rest of
// a run a cancel or crash interrupted (checked against the server's metric histories, so a batch that landed
// just before the stop is not sent twice). A registered model's versions become versions of the same name
// (source: the pushed run's model folder), tagged meter.version, with their descriptions, tags and aliases.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { MeterError } from '../../shared/errors';
import type { Run, RunId } from '../../shared/domain';
import type { CoreContext } from '../context';
import { getRun, metricHistory } from '../store/runs-repo';
import { getModel } from '../registry/registry-repo';
import { dropPushMapping, getPushMapping, startPushMapping, updatePushMapping, type PushMapping } from './push-map';
import { IMPORTED_RUN_TAG } from './import';
import { pushModel, type ModelsReport } from './push-models';
import { takePushLease, type PushLease } from './push-lease';
import { missingFiles, missingPairs, pendingPoints, type Point } from './push-verify';
import { codeOf, isRefusal, remoteFor, type Json, type Remote, type RemoteHooks, type RetryPolicy } from './remote';
import { emptyCounts, type TransferCounts, type TransferHooks } from './transfer';

export interface PushRequest {
  trackingUri: string; token?: string; user?: string; password?: string;
  experiments: string[]; runIds: string[]; models: string[];
  /** count what would be sent, send nothing */
  dryRun?: boolean;
  retry?: RetryPolicy;
}
export interface PushReport extends ModelsReport {
  runs: { runId: string; remoteRunId: string; experiment: string; pushed: boolean; error?: string }[];
}

const PARAMS_PER_BATCH = 100;
const METRICS_PER_BATCH = 1000;

function files(dir: string): string[] {
  let entries;
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return []; }
  return entries.flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return e.isFile() && !e.name.endsWith('.part') && !e.name.endsWith('.tmp') ? [p] : [];
  }).sort();
}

function chunks<T>(all: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < all.length; i += size) out.push(all.slice(i, i + size));
  return out;
}

/** What a run sends, in a fixed order (the resume point counts along it). */
function planRun(ctx: CoreContext, run: Run) {
  const points: Point[] = Object.keys(run.metrics).sort().flatMap((key) => metricHistory(ctx.db, run.runId, key)
    .sort((a, b) => a.step - b.step || a.timestampMs - b.timestampMs || a.value - b.value)
    .map((p): Point => ({ key, value: Number.isNaN(p.value) ? 'NaN' : p.value, step: p.step, timestamp: p.timestampMs })));
  const root = ctx.artifactsDir(run.runId);
  return { params: Object.entries(run.params).map(([key, value]) => ({ key, value })), points, root, files: files(root) };
}
type Plan = ReturnType<typeof planRun>;
const callsOf = (p: Plan) => 2 + Math.ceil(p.params.length / PARAMS_PER_BATCH) + Math.ceil(p.points.length / METRICS_PER_BATCH) + p.files.length;

/** One push: the server, the store's resume points for it, and the tally. */
interface Session {
  ctx: CoreContext; remote: Remote; target: string; dryRun: boolean; hooks: TransferHooks;
  experiments: Map<string, string>; counts: TransferCounts; done: number; total: number;
}

function step(s: Session, n = 1): void {
  s.done += n;
  s.hooks.progress?.('push runs', Math.min(s.done, s.total), s.total);
}

async function remoteExperiment(s: Session, name: string): Promise<string | null> {
  const known = s.experiments.get(name);
  if (known) return known;
  let id: string;
  try {
    const got = await s.remote.call('GET', 'experiments/get-by-name', { experiment_name: name });
    id = got.experiment.experiment_id as string;
    if (got.experiment.lifecycle_stage === 'deleted' && !s.dryRun) await s.remote.call('POST', 'experiments/restore', { experiment_id: id });
  } catch (err) {
    if (codeOf(err) !== 'RESOURCE_DOES_NOT_EXIST') throw err;
    s.counts.experiments++;
    if (s.dryRun) return null;
    id = (await s.remote.call('POST', 'experiments/create', { name })).experiment_id as string;
  }
  s.experiments.set(name, id);
  return id;
}

function runsToPush(ctx: CoreContext, req: PushRequest): Run[] {
  const ids = new Set<string>(req.runIds);
  for (const name of req.experiments) {
    const exp = ctx.db.prepare('SELECT experiment_id FROM experiments WHERE name = ?').pluck().get(name) as string | undefined;
    if (!exp) throw new MeterError('NOT_FOUND', `No experiment named "${name}".`);
    for (const id of ctx.db.prepare("SELECT run_id FROM runs WHERE experiment_id = ? AND deleted_ms IS NULL AND status != 'RUNNING' ORDER BY start_ms").pluck().all(exp) as string[]) ids.add(id);
  }
  for (const name of req.models) {
    for (const v of getModel(ctx.db, name).versions) if (v.runExists) ids.add(v.runId);
  }
  return [...ids].map((id) => {
    const run = getRun(ctx.db, id as RunId);
    if (run.status === 'RUNNING') throw new MeterError('INVALID_STATE', `Run ${run.name} (${id}) is still running; push it when it has ended.`);
    return run;
  });
}

/** The remote run this Meter run maps to, with where it stands; null when there is none yet. A mapping whose
 * run the server no longer has is dropped; a run an import made of one of this server's runs is that run; a
 * run tagged meter.run_id but not in the store (pushed from another home, or created just before a crash) is
 * adopted and checked point by point. */
/** Where a run goes on the server: its mapping, whether to ask the server what it has (verify), and for a run
 * pulled from there the server's params and tags (only what Meter added since is sent). */
interface Found { map: PushMapping; verify: boolean; pulled?: { params: Json[]; tags: Json[] } }

async function findRemote(s: Session, run: Run, plan: Plan, expId: string | null): Promise<Found | null> {
  const map = getPushMapping(s.ctx.db, s.target, run.runId);
  if (map) {
    try {
      const got = await s.remote.call('GET', 'runs/get', { run_id: map.remoteRunId });
      // a run in another experiment (this one's was renamed since) is not where this push goes: a new run there
      if (got.run.info.lifecycle_stage !== 'deleted') {
        if (String(got.run.info.experiment_id) === expId) {
          return { map, verify: !map.finished, ...(run.tags[IMPORTED_RUN_TAG] === map.remoteRunId ? { pulled: pulledData(got.run.data as Json | undefined) } : {}) };
        }
        return findElsewhere(s, run, plan, expId);
      }
    } catch (err) {
      if (codeOf(err) !== 'RESOURCE_DOES_NOT_EXIST') throw err;
    }
    if (!s.dryRun) dropPushMapping(s.ctx.db, s.target, run.runId);
  }
  return findElsewhere(s, run, plan, expId);
}

const pulledData = (data: Json | undefined) => ({ params: (data?.params as Json[] | undefined) ?? [], tags: (data?.tags as Json[] | undefined) ?? [] });

/** The tags a pulled run has in Meter as the server should have them: its notes as MLflow's description, and
 * without the tag naming the server's run (that is the run itself). */
function pushedBackTags(run: Run): Record<string, string> {
  const tags: Record<string, string> = { ...run.tags, ...(run.notes ? { 'mlflow.note.content': run.notes } : {}) };
  delete tags[IMPORTED_RUN_TAG];
  return tags;
}

/** No mapping to use: the run an import made this one of, or one tagged meter.run_id (pushed from another home,
 * or created just before a crash), else none. */
async function findElsewhere(s: Session, run: Run, plan: Plan, expId: string | null): Promise<Found | null> {
  if (expId === null) return null;
  const origin = await originOf(s, run, expId);
  if (origin) {
    // the run it was pulled from: checked against the server, so what was logged in Meter since (points, params,
    // tags, files) goes there and nothing twice
    const map = s.dryRun ? { remoteRunId: origin.runId, paramsSent: false, metricsSent: 0, artifactsSent: 0, finished: false } : startPushMapping(s.ctx.db, s.target, run.runId, origin.runId);
    return { map, verify: true, pulled: pulledData(origin.data) };
  }
  const found = await s.remote.call('POST', 'runs/search', { experiment_ids: [expId], filter: `tags.\`meter.run_id\` = '${run.runId}'`, max_results: 1 });
  const existing = (found.runs as Json[] | undefined)?.[0];
  if (!existing) return null;
  const adopted = { remoteRunId: existing.info.run_id as string, paramsSent: false, metricsSent: 0, artifactsSent: 0, finished: false };
  if (!s.dryRun) startPushMapping(s.ctx.db, s.target, run.runId, adopted.remoteRunId);
  return { map: adopted, verify: true };
}

/**
 * The MLflow run an import made this run of (its mlflow.imported_run_id tag), when this server has it, active,
 * in the experiment it is pushed to: the same run, so pushing it back sends only what Meter added since. Run ids are UUIDs, so the
 * run being there is what proves it is the server (or a copy of the store) it came from — whatever URI it was
 * pulled through, and for a run read from that server's mlflow.db directly too.
 */
async function originOf(s: Session, run: Run, expId: string): Promise<{ runId: string; data: Json } | null> {
  const origin = run.tags[IMPORTED_RUN_TAG];
  if (!origin || !/^[0-9a-f]{32}$/i.test(origin)) return null;
  try {
    const got = await s.remote.call('GET', 'runs/get', { run_id: origin });
    const info = got.run.info as Json;
    return info.lifecycle_stage !== 'deleted' && String(info.experiment_id) === expId ? { runId: origin, data: (got.run.data ?? {}) as Json } : null;
  } catch (err) {
    if (codeOf(err) === 'RESOURCE_DOES_NOT_EXIST' || codeOf(err) === 'INVALID_PARAMETER_VALUE') return null;
    throw err;
  }
}

async function pushRun(s: Session, run: Run, plan: Plan): Promise<PushReport['runs'][number]> {
  const { ctx, remote, target } = s;
  const expId = await remoteExperiment(s, run.experimentName);
  const found = await findRemote(s, run, plan, expId);
  const pushedAs = (remoteRunId: string, pushed: boolean) => ({ runId: run.runId, remoteRunId, experiment: run.experimentName, pushed });
  if (found?.map.finished) {
    s.counts.skipped++;
    step(s, callsOf(plan));
    return pushedAs(found.map.remoteRunId, false);
  }
  // A run pulled from this server sends only what the server lacks: params and tags by value, files by name and
  // size (points are checked as for any run being verified).
  const pulled = found?.pulled;
  const params = pulled ? missingPairs(Object.fromEntries(plan.params.map((p) => [p.key, p.value])), pulled.params) : plan.params;
  const tags = pulled ? missingPairs(pushedBackTags(run), pulled.tags) : [];
  const artifactUri = found ? (await remote.call('GET', 'runs/get', { run_id: found.map.remoteRunId })).run.info.artifact_uri as string : null;
  const prefix = (uri: string | null) => (uri === null ? undefined : /^mlflow-artifacts:\/(.*)$/.exec(uri)?.[1]);
  const filesLeft = async (map: PushMapping, uri: string | null) => {
    const left = plan.files.slice(map.artifactsSent);
    const at = prefix(uri);
    return pulled && at !== undefined ? missingFiles(remote, at, plan.root, left, (f) => statSync(f).size) : left;
  };
  if (s.dryRun) {
    const m = found?.map;
    const points = m ? (await pendingPoints(remote, m.remoteRunId, plan.points, m.metricsSent, found.verify)).length : plan.points.length;
    const files = m ? (await filesLeft(m, artifactUri)).length : plan.files.length;
    if (pulled && params.length + tags.length + points + files === 0) s.counts.skipped++;
    else s.counts.runs++;
    s.counts.metrics += points;
    s.counts.artifacts += files;
    step(s, callsOf(plan));
    return pushedAs(m?.remoteRunId ?? '', false);
  }
  let map: PushMapping;
  let sent = !found;
  if (found) map = found.map;
  else {
    const newTags: Record<string, string> = { ...run.tags, 'meter.run_id': run.runId, 'mlflow.runName': run.name, 'mlflow.source.type': 'LOCAL', 'mlflow.source.name': `meter (${run.source.type})` };
    if (run.notes) newTags['mlflow.note.content'] = run.notes;
    const created = await remote.call('POST', 'runs/create', {
      experiment_id: expId, run_name: run.name, start_time: run.startMs, tags: Object.entries(newTags).map(([key, value]) => ({ key, value })),
    });
    map = startPushMapping(ctx.db, target, run.runId, created.run.info.run_id as string);
  }
  step(s);
  if (!map.paramsSent) {
    // MLflow takes a param logged again with the same value, so a batch resent after a stop is harmless.
    for (const part of chunks(params, PARAMS_PER_BATCH)) { await remote.call('POST', 'runs/log-batch', { run_id: map.remoteRunId, params: part }); step(s); sent = true; }
    for (const part of chunks(tags, PARAMS_PER_BATCH)) { await remote.call('POST', 'runs/log-batch', { run_id: map.remoteRunId, tags: part }); sent = true; }
    map.paramsSent = true;
    updatePushMapping(ctx.db, target, run.runId, map);
  } else step(s, Math.ceil(plan.params.length / PARAMS_PER_BATCH));
  const pending = await pendingPoints(remote, map.remoteRunId, plan.points, map.metricsSent, found?.verify ?? false);
  step(s, Math.ceil(plan.points.length / METRICS_PER_BATCH) - Math.ceil(pending.length / METRICS_PER_BATCH));
  for (const part of chunks(pending, METRICS_PER_BATCH)) {
    await remote.call('POST', 'runs/log-batch', { run_id: map.remoteRunId, metrics: part.map((x) => x.p) });
    map.metricsSent = part[part.length - 1].i + 1;
    s.counts.metrics += part.length;
    sent = true;
    updatePushMapping(ctx.db, target, run.runId, map);
    step(s);
  }
  map.metricsSent = plan.points.length;
  const uri = artifactUri ?? (await remote.call('GET', 'runs/get', { run_id: map.remoteRunId })).run.info.artifact_uri as string;
  const at = prefix(uri);
  const left = await filesLeft(map, uri);
  step(s, plan.files.length - left.length);
  for (const file of left) {
    if (at === undefined) throw new MeterError('INVALID_STATE', `MLflow gave run ${map.remoteRunId} the artifact location ${uri}; Meter uploads only to a server that proxies artifacts (mlflow server --artifacts-destination).`);
    // an upload replaces the file, so one resent after a stop is harmless
    await remote.upload(`${at}/${relative(plan.root, file).split(sep).join('/')}`, readFileSync(file));
    map.artifactsSent = plan.files.indexOf(file) + 1;
    s.counts.artifacts++;
    sent = true;
    updatePushMapping(ctx.db, target, run.runId, map);
    step(s);
  }
  // a pulled run the server has whole keeps its own status and end there
  if (!pulled || sent) await remote.call('POST', 'runs/update', { run_id: map.remoteRunId, status: run.status, ...(run.endMs !== null ? { end_time: run.endMs } : {}) });
  map.artifactsSent = plan.files.length;
  map.finished = true;
  updatePushMapping(ctx.db, target, run.runId, map);
  step(s);
  if (pulled && !sent) { s.counts.skipped++; return pushedAs(map.remoteRunId, false); }
  s.counts.runs++;
  return pushedAs(map.remoteRunId, true);
}

/** Checks the request and the things it names before anything is sent: a refusal changes nothing. */
export function preparePush(ctx: CoreContext, req: PushRequest, hooks: TransferHooks & RemoteHooks = {}): { remote: Remote; runs: Run[] } {
  const remote = remoteFor(req.trackingUri, { token: req.token, user: req.user, password: req.password }, '--to', req.retry, hooks);
  if (req.experiments.length + req.runIds.length + req.models.length === 0) throw new MeterError('INVALID_ARGUMENT', 'Say what to push: --experiment NAME, --run RUN_ID or --model NAME (each repeatable).');
  for (const n of req.models) getModel(ctx.db, n); // refuse an unknown model before anything is sent
  return { remote, runs: runsToPush(ctx, req) };
}

/**
 * A push with its tally; a cancel (hooks.cancelled) stops it between calls with every resume point saved.
 * It holds the server's push lease (push-lease.ts) while it sends — `lease` when the caller took it already
 * (the app, to refuse a second push before its job starts), else its own — so another push to the same server
 * from this store, in this process or another, is refused. A dry run sends nothing and takes none.
 */
export async function pushCounted(ctx: CoreContext, req: PushRequest, hooks: TransferHooks = {}, lease?: PushLease): Promise<{ report: PushReport; counts: TransferCounts; cancelled: boolean }> {
  // Before every call to the server the lease is read again: one another push took over (this one seemed gone)
  // stops this push as a cancel saying so, before it writes anything more.
  let held: PushLease | null = null;
  const { remote, runs } = preparePush(ctx, req, { ...hooks, guard: () => held?.assertHeld() });
  const own = lease || req.dryRun ? null : takePushLease(ctx.db, remote.base, 'meter push');
  held = lease ?? own;
  try {
    return await pushLeased(ctx, req, hooks, remote, runs);
  } finally {
    own?.release();
  }
}

async function pushLeased(ctx: CoreContext, req: PushRequest, hooks: TransferHooks, remote: Remote, runs: Run[]): Promise<{ report: PushReport; counts: TransferCounts; cancelled: boolean }> {
  // Each run's metric histories are read in its own turn of the event loop, so the lease's heartbeat (and a
  // cancel) still run while a big push is planned.
  const plans: { run: Run; plan: Plan }[] = [];
  for (const run of runs) {
    plans.push({ run, plan: planRun(ctx, run) });
    await nextTurn();
  }
  const s: Session = { ctx, remote, target: remote.base, dryRun: req.dryRun === true, hooks, experiments: new Map(), counts: emptyCounts(), done: 0, total: plans.reduce((n, p) => n + callsOf(p.plan), 0) };
  const report: PushReport = { runs: [], versions: [], aliases: [] };
  step(s, 0);
  try {
    await pushAll(s, req, plans, report);
  } catch (err) {
    if (err instanceof MeterError && err.code === 'CANCELLED' && hooks.cancelled?.()) return { report, counts: s.counts, cancelled: true };
    throw err;
  }
  return { report, counts: s.counts, cancelled: false };
}

async function pushAll(s: Session, req: PushRequest, plans: { run: Run; plan: Plan }[], report: PushReport): Promise<void> {
  const { ctx, hooks } = s;
  const remoteRuns = new Map<string, string>();
  for (const { run, plan } of plans) {
    let r: PushReport['runs'][number];
    try {
      r = await pushRun(s, run, plan);
    } catch (err) {
      // MLflow refused this run's data (a 4xx with its own error code, e.g. a param value over its limit):
      // the others still go; anything else (unreachable, auth, retries used up, cancel) stops the push.
      if (!(err instanceof MeterError) || !isRefusal(err)) throw err;
      s.counts.errors++;
      r = { runId: run.runId, remoteRunId: getPushMapping(ctx.db, s.target, run.runId)?.remoteRunId ?? '', experiment: run.experimentName, pushed: false, error: err.message };
    }
    if (r.remoteRunId && !r.error) remoteRuns.set(r.runId, r.remoteRunId);
    report.runs.push(r);
  }
  for (const [i, name] of req.models.entries()) {
    hooks.progress?.('push models', i, req.models.length);
    await pushModel(s, name, remoteRuns, report);
  }
}

export async function pushToMlflow(ctx: CoreContext, req: PushRequest, hooks: TransferHooks = {}): Promise<PushReport> {
  return (await pushCounted(ctx, req, hooks)).report;
}
