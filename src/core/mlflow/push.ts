// Part 2 of MLflow compatibility: push Meter's runs and registered models into a real MLflow tracking
// server, over MLflow's REST API (what its own client calls). A run becomes an MLflow run in the experiment
// of the same name — params, every metric point, tags, artifact files (through the server's proxied
// mlflow-artifacts routes) — tagged meter.run_id. What the server has acknowledged is kept in the store per
// server (push-map.ts), so pushing again sends only what is missing: nothing for a finished run that has not
// changed since, the rest of a run a cancel or crash interrupted (checked against the server's metric
// histories, so a batch that landed just before the stop is not sent twice), and of one changed in Meter since
// its push (a search extended, a tag set) what the server lacks. A registered model's versions become versions of the same name
// (source: the pushed run's model folder), tagged meter.version, with their descriptions, tags and aliases.
// A search's trials go after their search run and name its run there as their parent (push-parents.ts).
// Where each run goes there, and what it should have, is push-find.ts's.
import { readFileSync, statSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { MeterError } from '../../shared/errors';
import type { Run } from '../../shared/domain';
import type { CoreContext } from '../context';
import { getModel } from '../registry/registry-repo';
import { getPushMapping, startPushMapping, updatePushMapping, type PushMapping } from './push-map';
import { pushModel, type ModelsReport } from './push-models';
import { takePushLease, type PushLease } from './push-lease';
import { missingFiles, missingPairs, pendingPoints } from './push-verify';
import { findRemote, remoteExperiment, remoteParentOf, step, wantedParent, wantedTags, type Session } from './push-find';
import { callsOf, chunks, METRICS_PER_BATCH, PARAMS_PER_BATCH, planRun, runsToPush, type Plan } from './push-plan';
import { withParents } from './push-parents';
import { PARENT_TAG } from './mlflow-tags';
import { isRefusal, remoteFor, type Remote, type RemoteHooks, type RetryPolicy } from './remote';
import { emptyCounts, type TransferCounts, type TransferHooks } from './transfer';

export interface PushRequest {
  trackingUri: string; token?: string; user?: string; password?: string;
  experiments: string[]; runIds: string[]; models: string[];
  /** every experiment that is not archived and every registered model */
  all?: boolean;
  /** count what would be sent, send nothing */
  dryRun?: boolean;
  retry?: RetryPolicy;
}
export interface PushReport extends ModelsReport {
  /** note: what the push did about the run's parent — taken along (this run is a trial's search), left out
   * (in Meter's trash), or the run held back (its search still running) */
  runs: { runId: string; remoteRunId: string; experiment: string; pushed: boolean; error?: string; note?: { kind: 'parent-added' | 'parent-dropped' | 'held'; text: string } }[];
}

async function pushRun(s: Session, run: Run, plan: Plan): Promise<PushReport['runs'][number]> {
  const { ctx, remote, target } = s;
  const expId = await remoteExperiment(s, run.experimentName);
  const found = await findRemote(s, run, plan, expId);
  const pushedAs = (remoteRunId: string, pushed: boolean) => ({ runId: run.runId, remoteRunId, experiment: run.experimentName, pushed });
  // A run there whose parent tag is not its parent's run there (pushed by a Meter that sent its own id, or its
  // parent pushed afresh since) gets it set, even when nothing else is missing.
  // One whose parent was left out (trash, deleted) loses a tag naming Meter's id there.
  const parentTag = wantedParent(s, run);
  const dropped = s.nested.parents.get(run.runId);
  const dropTag = found !== null && dropped?.kind === 'dropped' && found.tags[PARENT_TAG] === dropped.parentId;
  const fixParent = dropTag || (found !== null && parentTag !== undefined && found.tags[PARENT_TAG] !== parentTag);
  const setParent = async (remoteRunId: string) => {
    if (!fixParent || s.dryRun) return;
    if (dropTag) await remote.call('POST', 'runs/delete-tag', { run_id: remoteRunId, key: PARENT_TAG });
    else await remote.call('POST', 'runs/set-tag', { run_id: remoteRunId, key: PARENT_TAG, value: parentTag });
  };
  if (found?.map.finished && fixParent) {
    await setParent(found.map.remoteRunId);
    s.counts.runs++;
    step(s, callsOf(plan));
    return pushedAs(found.map.remoteRunId, !s.dryRun);
  }
  if (found?.map.finished) {
    s.counts.skipped++;
    step(s, callsOf(plan));
    return pushedAs(found.map.remoteRunId, false);
  }
  // A run pulled from this server, or one changed since its push finished, sends only what the server lacks:
  // params and tags by value, files by name and size (points are checked as for any run being verified).
  const pulled = found?.pulled === true;
  const there = found?.there;
  const params = there ? missingPairs(Object.fromEntries(plan.params.map((p) => [p.key, p.value])), there.params) : plan.params;
  const tags = there ? missingPairs(wantedTags(s, run, pulled), there.tags) : [];
  const artifactUri = found ? (await remote.call('GET', 'runs/get', { run_id: found.map.remoteRunId })).run.info.artifact_uri as string : null;
  const prefix = (uri: string | null) => (uri === null ? undefined : /^mlflow-artifacts:\/(.*)$/.exec(uri)?.[1]);
  const filesLeft = async (map: PushMapping, uri: string | null) => {
    const left = plan.files.slice(map.artifactsSent);
    const at = prefix(uri);
    if (!there || at === undefined) return left;
    const missing = new Set(await missingFiles(remote, at, plan.root, left, (f) => statSync(f).size));
    const after = found?.recheck?.rewrittenAfter ?? null;
    return left.filter((f) => missing.has(f) || (after !== null && statSync(f).mtimeMs > after));
  };
  // a re-check keeps the finished mapping until the end: stopped halfway, the next push re-checks it again
  const save = (m: PushMapping) => { if (!found?.recheck) updatePushMapping(ctx.db, target, run.runId, m); };
  if (s.dryRun) {
    const m = found?.map;
    const points = m ? (await pendingPoints(remote, m.remoteRunId, plan.points, m.metricsSent, found.verify)).length : plan.points.length;
    const files = m ? (await filesLeft(m, artifactUri)).length : plan.files.length;
    if (pulled && params.length + tags.length + points + files === 0 && !fixParent) s.counts.skipped++;
    else s.counts.runs++;
    s.counts.metrics += points;
    s.counts.artifacts += files;
    step(s, callsOf(plan));
    return pushedAs(m?.remoteRunId ?? '', false);
  }
  let map: PushMapping;
  let sent = !found || fixParent;
  if (found) {
    map = found.map;
    await setParent(map.remoteRunId);
  } else {
    // the parent's run there, or (its parent in Meter's trash) no parent: Meter's id names nothing there
    const newTags = { ...wantedTags(s, run, false), ...(parentTag ? { [PARENT_TAG]: parentTag } : {}) };
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
    save(map);
  } else step(s, Math.ceil(plan.params.length / PARAMS_PER_BATCH));
  const pending = await pendingPoints(remote, map.remoteRunId, plan.points, map.metricsSent, found?.verify ?? false);
  step(s, Math.ceil(plan.points.length / METRICS_PER_BATCH) - Math.ceil(pending.length / METRICS_PER_BATCH));
  for (const part of chunks(pending, METRICS_PER_BATCH)) {
    await remote.call('POST', 'runs/log-batch', { run_id: map.remoteRunId, metrics: part.map((x) => x.p) });
    map.metricsSent = part[part.length - 1].i + 1;
    s.counts.metrics += part.length;
    sent = true;
    save(map);
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
    save(map);
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

export const NOTHING_CHOSEN = 'Say what to push: --all (every experiment and registered model), --experiment NAME, --runs FILTER, --run RUN_ID or --models NAME (each repeatable).';

/** Checks the request and the things it names before anything is sent: a refusal changes nothing. `all`
 * becomes every experiment that is not archived and every registered model. */
export function preparePush(ctx: CoreContext, req: PushRequest, hooks: TransferHooks & RemoteHooks = {}): { remote: Remote; runs: Run[]; models: string[] } {
  const remote = remoteFor(req.trackingUri, { token: req.token, user: req.user, password: req.password }, '--to', req.retry, hooks);
  const chosen = req.all
    ? { ...req, experiments: ctx.db.prepare('SELECT name FROM experiments WHERE deleted_ms IS NULL ORDER BY created_ms').pluck().all() as string[], models: ctx.db.prepare('SELECT name FROM registered_models ORDER BY name').pluck().all() as string[] }
    : req;
  if (!req.all && req.experiments.length + req.runIds.length + req.models.length === 0) throw new MeterError('INVALID_ARGUMENT', NOTHING_CHOSEN);
  for (const n of chosen.models) getModel(ctx.db, n); // refuse an unknown model before anything is sent
  return { remote, runs: runsToPush(ctx, chosen), models: chosen.models };
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
  const { remote, runs, models } = preparePush(ctx, req, { ...hooks, guard: () => held?.assertHeld() });
  const own = lease || req.dryRun ? null : takePushLease(ctx.db, remote.base, 'meter push');
  held = lease ?? own;
  try {
    return await pushLeased(ctx, { ...req, models }, hooks, remote, runs);
  } finally {
    own?.release();
  }
}

async function pushLeased(ctx: CoreContext, req: PushRequest, hooks: TransferHooks, remote: Remote, runs: Run[]): Promise<{ report: PushReport; counts: TransferCounts; cancelled: boolean }> {
  // Each run's metric histories are read in its own turn of the event loop, so the lease's heartbeat (and a
  // cancel) still run while a big push is planned.
  const nested = withParents(ctx, runs);
  const plans: { run: Run; plan: Plan }[] = [];
  for (const run of nested.runs) {
    plans.push({ run, plan: planRun(ctx, run) });
    await nextTurn();
  }
  const s: Session = { ctx, remote, target: remote.base, dryRun: req.dryRun === true, hooks, experiments: new Map(), counts: emptyCounts(), done: 0, total: plans.reduce((n, p) => n + callsOf(p.plan), 0), nested, remoteRuns: new Map() };
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
  const { ctx, hooks, remoteRuns } = s;
  for (const { run, plan } of plans) {
    let r: PushReport['runs'][number];
    const parent = s.nested.parents.get(run.runId);
    const added = s.nested.added.get(run.runId);
    const note = added !== undefined ? { kind: 'parent-added' as const, text: added } : parent?.kind === 'dropped' ? { kind: 'parent-dropped' as const, text: parent.note } : undefined;
    if (parent?.kind === 'held') {
      // a trial pushed whole before its search was extended is there already: nothing held, nothing wrong
      const map = getPushMapping(ctx.db, s.target, run.runId);
      s.counts.skipped++;
      step(s, callsOf(plan));
      report.runs.push({ runId: run.runId, remoteRunId: map?.remoteRunId ?? '', experiment: run.experimentName, pushed: false, ...(map?.finished ? {} : { note: { kind: 'held' as const, text: parent.note } }) });
      continue;
    }
    if (parent?.kind === 'parent' && !s.dryRun && remoteParentOf(s, parent.parentId) === null) {
      // its search did not go (MLflow refused it): the trial waits for it, else it would be parentless there
      s.counts.errors++;
      step(s, callsOf(plan));
      report.runs.push({ runId: run.runId, remoteRunId: getPushMapping(ctx.db, s.target, run.runId)?.remoteRunId ?? '', experiment: run.experimentName, pushed: false, error: `its parent run ${parent.parentId} was not pushed` });
      continue;
    }
    try {
      r = { ...await pushRun(s, run, plan), ...(note ? { note } : {}) };
    } catch (err) {
      // MLflow refused this run's data (a 4xx with its own error code, e.g. a param value over its limit):
      // the others still go; anything else (unreachable, auth, retries used up, cancel) stops the push.
      if (!(err instanceof MeterError) || !isRefusal(err)) throw err;
      s.counts.errors++;
      r = { runId: run.runId, remoteRunId: getPushMapping(ctx.db, s.target, run.runId)?.remoteRunId ?? '', experiment: run.experimentName, pushed: false, error: err.message };
    }
    // (a dry run's new run is '': it will be there, its id not known yet)
    if (!r.error) remoteRuns.set(r.runId, r.remoteRunId);
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
