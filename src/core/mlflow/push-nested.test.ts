// A search's trials pushed into MLflow's real tracking server (2.17.2, started here) nest under the search's
// run there — mlflow.parentRunId names the parent's MLflow run, which MLflow's own runs/search finds them by —
// whether the search was pushed with them, taken along by a trial pushed alone, or pushed before by a push
// that was cancelled halfway or that sent Meter's own id. Pulled back into a fresh home they nest under the
// pulled search. A dry run's counts are the real push's, field by field.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, openHarness, openSampleHarness, tuningUntil, type Harness } from '../../../test/helpers';
import { mlflowClientMissing, startMlflowServer } from '../../../test/mlflow-client';
import type { DatasetId, RunId } from '../../shared/domain';
import { ensureExperiment } from '../store/experiments-repo';
import { createRun, endRun, logMetrics } from '../store/runs-repo';
import { importFromServerCounted } from './import';
import { pushCounted } from './push';
import { getPushMapping } from './push-map';

const missing = mlflowClientMissing();
if (missing) console.log(`mlflow nested push tests skipped: ${missing}`);

const PARENT = 'mlflow.parentRunId';

describe.skipIf(missing !== null)('pushing a search with its trials to a real MLflow server', () => {
  let h: Harness;
  let train: DatasetId;
  let val: DatasetId;
  let dir: string;
  let mlflow: { uri: string; stop(): void };
  const others: Harness[] = [];
  const get = async (path: string, q: Record<string, string>) => (await fetch(`${mlflow.uri}/api/2.0/mlflow/${path}?${new URLSearchParams(q)}`)).json() as Promise<any>;
  const post = async (path: string, body: unknown) => (await fetch(`${mlflow.uri}/api/2.0/mlflow/${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })).json() as Promise<any>;
  const remoteTags = async (remoteRunId: string): Promise<Record<string, string>> =>
    Object.fromEntries(((await get('runs/get', { run_id: remoteRunId })).run.data.tags ?? []).map((t: any) => [t.key, t.value]));
  /** MLflow's own answer to "the children of this run": a search on the tag its UI nests by. */
  const remoteChildren = async (experiment: string, remoteParent: string): Promise<string[]> => {
    const exp = (await get('experiments/get-by-name', { experiment_name: experiment })).experiment.experiment_id;
    const found = await post('runs/search', { experiment_ids: [exp], filter: `tags.\`${PARENT}\` = '${remoteParent}'`, max_results: 100 });
    return ((found.runs ?? []) as any[]).map((r) => r.info.run_id as string).sort();
  };
  /** The search's run on the server: the one run of the experiment without a parent. */
  const remoteSearchRun = async (experiment: string): Promise<string> => {
    const exp = (await get('experiments/get-by-name', { experiment_name: experiment })).experiment.experiment_id;
    const runs = (await post('runs/search', { experiment_ids: [exp], max_results: 100 })).runs as any[];
    const roots = runs.filter((r) => !(r.data.tags ?? []).some((t: any) => t.key === PARENT));
    expect(roots).toHaveLength(1);
    return roots[0].info.run_id as string;
  };
  /** A finished ridge search of n trials in its own experiment: the search run and its trials. */
  async function search(experiment: string, trials: number): Promise<{ parent: RunId; trials: RunId[] }> {
    const { tuningId } = await h.client.call('tuning.start', { experiment, train, val, space: { model: 'ridge', featureSet: 'basic', alpha: { loguniform: [-5, 3] } }, algo: 'random', maxTrials: trials, parallel: 1, seed: 3 });
    const s = await tuningUntil(h.client, tuningId, (x) => x.status !== 'RUNNING');
    expect(s.status).toBe('FINISHED');
    return { parent: tuningId, trials: s.trials.map((t) => t.runId) };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meter-mlflow-nested-'));
    mlflow = await startMlflowServer(dir);
    ({ h, train, val } = await openSampleHarness());
  }, 120_000);
  afterAll(async () => {
    mlflow?.stop();
    await h?.dispose();
    for (const o of others) await o.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pushes the search before its trials, each trial naming the search\'s MLflow run; the dry run counted exactly that', async () => {
    const { parent, trials } = await search('nested-push', 3);
    const dry = await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: ['nested-push'], runIds: [], models: [], dryRun: true });
    // one experiment for the four runs (it counted one per run)
    expect(dry.counts).toMatchObject({ experiments: 1, runs: 4, skipped: 0, errors: 0 });
    const real = await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: ['nested-push'], runIds: [], models: [] });
    expect(real.counts).toEqual(dry.counts);
    const remote = new Map(real.report.runs.map((r) => [r.runId, r.remoteRunId]));
    expect(real.report.runs[0].runId).toBe(parent); // the search goes first
    expect(await remoteChildren('nested-push', remote.get(parent)!)).toEqual(trials.map((t) => remote.get(t)!).sort());
    for (const t of trials) expect((await remoteTags(remote.get(t)!))[PARENT]).toBe(remote.get(parent));
    expect((await remoteTags(remote.get(parent)!))[PARENT]).toBeUndefined();

    const again = await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: ['nested-push'], runIds: [], models: [], dryRun: true });
    expect(again.counts).toEqual({ experiments: 0, runs: 0, metrics: 0, artifacts: 0, models: 0, versions: 0, skipped: 4, errors: 0 });
    expect((await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: ['nested-push'], runIds: [], models: [] })).counts).toEqual(again.counts);
  }, 120_000);

  it('pulled back into a fresh home, the trials nest under the pulled search; a trial pulled alone brings its search', async () => {
    const exp = 'nested-push';
    const fresh = openHarness();
    others.push(fresh);
    const { report } = await importFromServerCounted(fresh.ctx, { trackingUri: mlflow.uri, experiments: [exp], runIds: [], models: [] });
    expect(report.runs.filter((r) => r.imported)).toHaveLength(4);
    const top = await fresh.client.call('runs.search', { topLevel: true, limit: 10 });
    expect(top.runs).toHaveLength(1); // only the search: its trials are under it
    expect(top.runs[0].tags['mlflow.imported_run_id']).toBe((await remoteSearchRun(exp)));
    const kids = await fresh.client.call('runs.search', { parentRunId: top.runs[0].runId, limit: 10 });
    expect(kids.total).toBe(3);
    expect(kids.runs.every((r) => r.tags[PARENT] === top.runs[0].runId)).toBe(true);
    // pushed back from there: the same runs, nothing to send (the trials' tag is the search's run there already)
    const back = await pushCounted(fresh.ctx, { trackingUri: mlflow.uri, experiments: [exp], runIds: [], models: [] });
    expect(back.counts).toMatchObject({ experiments: 0, runs: 0, metrics: 0, artifacts: 0, skipped: 4, errors: 0 });
    const remoteParent = await remoteSearchRun(exp);
    expect(await remoteChildren(exp, remoteParent)).toHaveLength(3);

    // one trial alone, into another fresh home: its search comes with it, and the trial nests under it
    const alone = openHarness();
    others.push(alone);
    const trialThere = (await post('runs/search', { experiment_ids: [(await get('experiments/get-by-name', { experiment_name: exp })).experiment.experiment_id], filter: `tags.\`${PARENT}\` != ''`, max_results: 1 })).runs[0].info.run_id as string;
    const one = await importFromServerCounted(alone.ctx, { trackingUri: mlflow.uri, experiments: [], runIds: [trialThere], models: [] });
    expect(one.counts.runs).toBe(2);
    const aloneTop = await alone.client.call('runs.search', { topLevel: true, limit: 10 });
    expect(aloneTop.runs).toHaveLength(1);
    expect((await alone.client.call('runs.search', { parentRunId: aloneTop.runs[0].runId, limit: 10 })).total).toBe(1);
  }, 120_000);

  it('a trial pushed alone takes its search along, saying so; MLflow nests it there', async () => {
    const { parent, trials } = await search('trial-alone', 2);
    const dry = await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: [], runIds: [trials[1]], models: [], dryRun: true });
    expect(dry.counts).toMatchObject({ experiments: 1, runs: 2 });
    const { report, counts } = await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: [], runIds: [trials[1]], models: [] });
    expect(counts).toEqual(dry.counts);
    expect(report.runs.map((r) => r.runId)).toEqual([parent, trials[1]]);
    expect(report.runs[0].note).toEqual({ kind: 'parent-added', text: expect.stringContaining(`pushed as the parent of trial`) });
    expect(await remoteChildren('trial-alone', report.runs[0].remoteRunId)).toEqual([report.runs[1].remoteRunId]);
  }, 120_000);

  it('a push cancelled between the search and its trials resumes right; one that sent Meter\'s id is repaired', async () => {
    const { parent, trials } = await search('nested-resume', 3);
    let calls = 0;
    // stop after the search's run is created and a few calls more: some trials are there, some not
    const first = await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: ['nested-resume'], runIds: [], models: [] }, { progress: () => { calls++; }, cancelled: () => calls > 8 });
    expect(first.cancelled).toBe(true);
    expect(getPushMapping(h.ctx.db, mlflow.uri, parent)).not.toBeNull();
    expect(trials.some((t) => !getPushMapping(h.ctx.db, mlflow.uri, t)?.finished)).toBe(true);
    const dry = await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: ['nested-resume'], runIds: [], models: [], dryRun: true });
    const rest = await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: ['nested-resume'], runIds: [], models: [] });
    expect(rest.cancelled).toBe(false);
    expect(rest.counts).toEqual(dry.counts);
    const remote = new Map(rest.report.runs.map((r) => [r.runId, r.remoteRunId]));
    expect(await remoteChildren('nested-resume', remote.get(parent)!)).toEqual(trials.map((t) => remote.get(t)!).sort());
    const exp = (await get('experiments/get-by-name', { experiment_name: 'nested-resume' })).experiment.experiment_id;
    expect((await post('runs/search', { experiment_ids: [exp], max_results: 100 })).runs).toHaveLength(4); // none twice

    // as an earlier Meter pushed it: the trial naming the search by Meter's id
    await post('runs/set-tag', { run_id: remote.get(trials[0]), key: PARENT, value: parent });
    const dryFix = await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: ['nested-resume'], runIds: [], models: [], dryRun: true });
    expect(dryFix.counts).toMatchObject({ runs: 1, skipped: 3, metrics: 0, artifacts: 0 });
    const fix = await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: ['nested-resume'], runIds: [], models: [] });
    expect(fix.counts).toEqual(dryFix.counts);
    expect((await remoteTags(remote.get(trials[0])!))[PARENT]).toBe(remote.get(parent));
  }, 120_000);

  it('holds back a trial whose search is still running, and pushes one whose search is in the trash without the tag', async () => {
    const exp = ensureExperiment(h.ctx.db, 'nested-edge');
    const run = (name: string, tags: Record<string, string>) => {
      const id = createRun(h.ctx.db, { experimentId: exp.experimentId, name, params: {}, tags, source: { type: 'API', name: 'test' }, inputs: [] });
      logMetrics(h.ctx.db, id, [{ key: 'rmse_val', value: 5, step: 0, timestampMs: 1_700_000_000_000 }]);
      return id;
    };
    const running = run('search-running', {});
    const waiting = run('trial-waiting', { [PARENT]: running });
    endRun(h.ctx.db, waiting, 'FINISHED');
    const held = await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: [], runIds: [waiting], models: [] });
    expect(held.counts).toMatchObject({ runs: 0, skipped: 1, experiments: 0 });
    expect(held.report.runs).toEqual([{ runId: waiting, remoteRunId: '', experiment: 'nested-edge', pushed: false, note: { kind: 'held', text: `not pushed: its parent run search-running (${running}) is still running; push it when it has ended` } }]);
    endRun(h.ctx.db, running, 'FINISHED');
    await h.client.call('runs.setDeleted', { runIds: [running], deleted: true });
    const dropped = await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: [], runIds: [waiting], models: [] });
    expect(dropped.counts).toMatchObject({ runs: 1 });
    expect(dropped.report.runs[0].note?.kind).toBe('parent-dropped');
    expect((await remoteTags(dropped.report.runs[0].remoteRunId))[PARENT]).toBeUndefined();
  }, 60_000);

  it('meter push --dry-run --json prints the counts the real push then prints, every field; --all pushes everything', async () => {
    // a trial registered, with an alias: --all takes the model too
    const { trials } = await search('nested-cli', 2);
    await h.client.call('models.register', { runId: trials[0], name: 'nested-model' });
    await h.client.call('models.setAlias', { name: 'nested-model', alias: 'champion', version: 1 });
    const cli = (...args: string[]) => {
      const r = spawnSync(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', h.home, ...args], { encoding: 'utf8', env: { ...process.env, METER_HOME: '' } });
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout) as Record<string, number>;
    };
    const dry = cli('push', '--to', mlflow.uri, '--all', '--dry-run', '--json');
    expect(Object.keys(dry).sort()).toEqual(['artifacts', 'errors', 'experiments', 'metrics', 'models', 'runs', 'skipped', 'versions']);
    // nested-cli's search and trials, and trial-alone's first trial (its search went with the second)
    expect(dry).toMatchObject({ experiments: 1, runs: 4, models: 1, versions: 1, errors: 0 });
    expect(cli('push', '--to', mlflow.uri, '--all', '--json')).toEqual(dry);
    const again = cli('push', '--to', mlflow.uri, '--all', '--dry-run', '--json');
    expect(again).toMatchObject({ experiments: 0, runs: 0, metrics: 0, artifacts: 0, errors: 0 });
    expect(cli('push', '--to', mlflow.uri, '--all', '--json')).toEqual(again);
  }, 120_000);

  it("a trial whose search was deleted for good goes without mlflow.parentRunId, saying so; one there naming Meter's id loses it", async () => {
    const exp = ensureExperiment(h.ctx.db, 'nested-purged');
    const run = (name: string, tags: Record<string, string>) => {
      const id = createRun(h.ctx.db, { experimentId: exp.experimentId, name, params: {}, tags, source: { type: 'API', name: 'test' }, inputs: [] });
      logMetrics(h.ctx.db, id, [{ key: 'rmse_val', value: 5, step: 0, timestampMs: 1_700_000_000_000 }]);
      endRun(h.ctx.db, id, 'FINISHED');
      return id;
    };
    const searchRun = run('search-purged', { 'meter.search': 'parent' });
    const [pushedBefore, fresh] = [1, 2].map((n) => run(`trial-${n}`, { [PARENT]: searchRun, 'meter.trial': String(n) }));
    const before = await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: [], runIds: [pushedBefore], models: [] });
    const remoteBefore = before.report.runs.find((r) => r.runId === pushedBefore)!.remoteRunId;
    // as an earlier Meter left it: the trial naming its search by Meter's id
    await post('runs/set-tag', { run_id: remoteBefore, key: PARENT, value: searchRun });
    await h.client.call('runs.setDeleted', { runIds: [searchRun], deleted: true });
    await h.client.call('runs.purge', { runIds: [searchRun] });

    const dry = await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: ['nested-purged'], runIds: [], models: [], dryRun: true });
    const { report, counts } = await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: ['nested-purged'], runIds: [], models: [] });
    expect(counts).toMatchObject({ runs: 2, errors: 0 });
    expect(counts).toEqual(dry.counts);
    for (const id of [pushedBefore, fresh]) {
      const r = report.runs.find((x) => x.runId === id)!;
      expect(r.note).toEqual({ kind: 'parent-dropped', text: `its search (${searchRun}) was deleted from Meter, so it went without mlflow.parentRunId` });
      expect((await remoteTags(r.remoteRunId))[PARENT]).toBeUndefined();
    }
    expect(report.runs.find((x) => x.runId === pushedBefore)!.remoteRunId).toBe(remoteBefore);
    expect((await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: ['nested-purged'], runIds: [], models: [] })).counts).toMatchObject({ runs: 0, skipped: 2 });
  }, 120_000);
});
