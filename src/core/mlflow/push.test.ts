// Pushing into MLflow's real tracking server (../shared/mlflow-server/start.sh, MLflow 2.17.2 with SQLite
// and proxied artifacts): a trained run and its registered model with an alias arrive as MLflow has them,
// and pushing again adds nothing.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, importSample, openHarness, type Harness } from '../../../test/helpers';
import { mlflowClientMissing, startMlflowServer } from '../../../test/mlflow-client';
import type { RunId } from '../../shared/domain';
import { importFromServerCounted } from './import';
import { ensureExperiment } from '../store/experiments-repo';
import { createRun, endRun } from '../store/runs-repo';
import { pushCounted, pushToMlflow } from './push';
import { createMlflowVersion } from './registry';

const missing = mlflowClientMissing();
if (missing) console.log(`mlflow push tests skipped: ${missing}`);

describe.skipIf(missing !== null)('push to a real MLflow server', () => {
  let h: Harness;
  let dir: string;
  let mlflow: { uri: string; stop(): void };
  let runId: RunId;
  const get = async (path: string, q: Record<string, string>) => (await fetch(`${mlflow.uri}/api/2.0/mlflow/${path}?${new URLSearchParams(q)}`)).json() as Promise<any>;
  const post = async (path: string, body: unknown) => (await fetch(`${mlflow.uri}/api/2.0/mlflow/${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })).json() as Promise<any>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meter-mlflow-server-'));
    mlflow = await startMlflowServer(dir);
    h = openHarness();
    const { train, val } = await importSample(h.client);
    const started = await h.client.call('jobs.startTraining', { experiment: 'push-exp', runName: 'lasso-1', model: 'lasso', featureSet: 'basic', params: { alpha: 0.1 }, train, val });
    await h.client.call('jobs.wait', { jobId: started.jobId });
    runId = started.runId;
    await h.client.call('runs.setTag', { runId, key: 'reviewed', value: 'yes' });
    await h.client.call('models.register', { runId, name: 'taxi-push', description: 'pushed from Meter' });
    await h.client.call('models.setAlias', { name: 'taxi-push', alias: 'champion', version: 1 });
    await h.client.call('models.setDescription', { name: 'taxi-push', description: 'NYC taxi (Meter)' });
  }, 120_000);
  afterAll(async () => { mlflow?.stop(); await h?.dispose(); rmSync(dir, { recursive: true, force: true }); });

  it('pushes the run (params, every metric point, tags, artifacts) and the model with its alias; again, nothing new', async () => {
    const report = await pushToMlflow(h.ctx, { trackingUri: mlflow.uri, experiments: [], runIds: [], models: ['taxi-push'] });
    expect(report.runs).toMatchObject([{ runId, experiment: 'push-exp', pushed: true }]);
    expect(report.versions).toEqual([{ name: 'taxi-push', version: 1, remoteVersion: '1', pushed: true }]);
    expect(report.aliases).toEqual([{ name: 'taxi-push', alias: 'champion', remoteVersion: '1' }]);

    const meterRun = await h.client.call('runs.get', { runId });
    const remote = (await get('runs/get', { run_id: report.runs[0].remoteRunId })).run;
    expect(remote.info).toMatchObject({ run_name: 'lasso-1', status: 'FINISHED', start_time: meterRun.startMs, end_time: meterRun.endMs });
    expect(Object.fromEntries(remote.data.params.map((p: any) => [p.key, p.value]))).toEqual(meterRun.params);
    expect(Object.fromEntries(remote.data.metrics.map((m: any) => [m.key, m.value]))).toEqual(meterRun.metrics);
    expect(Object.fromEntries(remote.data.tags.map((t: any) => [t.key, t.value]))).toMatchObject({ reviewed: 'yes', 'meter.run_id': runId, 'mlflow.runName': 'lasso-1' });
    const key = meterRun.historyKeys[0];
    const history = await h.client.call('runs.metricHistory', { runId, key });
    const remoteHistory = (await get('metrics/get-history', { run_id: report.runs[0].remoteRunId, metric_key: key })).metrics;
    expect(remoteHistory.map((m: any) => [m.step, m.value])).toEqual(history.map((p) => [p.step, p.value]));
    const modelFile = await fetch(`${mlflow.uri}/get-artifact?${new URLSearchParams({ run_uuid: report.runs[0].remoteRunId, path: 'model/model.json' })}`);
    expect(await modelFile.text()).toBe(readFileSync(join(h.ctx.artifactsDir(runId), 'model', 'model.json'), 'utf8'));

    const rm = (await get('registered-models/get', { name: 'taxi-push' })).registered_model;
    expect(rm).toMatchObject({ description: 'NYC taxi (Meter)', aliases: [{ alias: 'champion', version: '1' }] });
    const v = (await get('model-versions/get', { name: 'taxi-push', version: '1' })).model_version;
    expect(v).toMatchObject({ description: 'pushed from Meter', run_id: report.runs[0].remoteRunId, source: `${remote.info.artifact_uri}/model`, status: 'READY' });

    const again = await pushToMlflow(h.ctx, { trackingUri: mlflow.uri, experiments: ['push-exp'], runIds: [], models: ['taxi-push'] });
    expect(again.runs.map((r) => r.pushed)).toEqual([false]);
    expect(again.versions.map((x) => x.pushed)).toEqual([false]);
    const all = await post('runs/search', { experiment_ids: [remote.info.experiment_id], max_results: 100 });
    expect(all.runs).toHaveLength(1);
    expect((await get('model-versions/search', { filter: "name = 'taxi-push'" })).model_versions).toHaveLength(1);
  });

  it('meter push --runs FILTER --json prints one object of counts; again, every count is 0', async () => {
    const started = await h.client.call('jobs.startTraining', { experiment: 'cli-push', runName: 'ridge-cli', model: 'ridge', featureSet: 'basic', params: { alpha: 1 }, ...(await importSample(h.client)) });
    await h.client.call('jobs.wait', { jobId: started.jobId });
    const meterRun = await h.client.call('runs.get', { runId: started.runId });
    const points = (await Promise.all(meterRun.historyKeys.map((key) => h.client.call('runs.metricHistory', { runId: started.runId, key })))).flat().length;
    const cli = (...args: string[]) => {
      const r = spawnSync(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', h.home, ...args], { encoding: 'utf8', env: { ...process.env, METER_HOME: '' } });
      expect(r.stderr).toBe('');
      return { status: r.status, out: JSON.parse(r.stdout) as Record<string, number> };
    };
    const first = cli('push', '--to', mlflow.uri, '--runs', "attributes.run_name = 'ridge-cli'", '--json');
    expect(first.status).toBe(0);
    expect(Object.keys(first.out).sort()).toEqual(['artifacts', 'errors', 'experiments', 'metrics', 'models', 'runs', 'skipped', 'versions']);
    expect(first.out).toMatchObject({ experiments: 1, runs: 1, errors: 0, models: 0 });
    expect(first.out.metrics).toBeGreaterThanOrEqual(points);
    const again = cli('push', '--to', mlflow.uri, '--runs', "attributes.run_name = 'ridge-cli'", '--json');
    expect(again.out).toMatchObject({ experiments: 0, runs: 0, metrics: 0, artifacts: 0, errors: 0 });
    const nothing = spawnSync(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', h.home, 'push', '--to', mlflow.uri, '--runs', "attributes.run_name = 'nope'"], { encoding: 'utf8' });
    expect(nothing.status).not.toBe(0);
    expect(nothing.stderr).toMatch(/No run matches --runs "attributes.run_name = 'nope'"/);
  }, 120_000);

  it("importing from the server it pushed to brings nothing back twice, and an MLflow child run joins its imported parent", async () => {
    const before = (await h.client.call('runs.search', { limit: 1 })).total;
    const { counts } = await importFromServerCounted(h.ctx, { trackingUri: mlflow.uri, experiments: ['push-exp'], runIds: [], models: ['taxi-push'] });
    expect(counts).toMatchObject({ runs: 0, metrics: 0, versions: 0 });
    expect(counts.skipped).toBeGreaterThanOrEqual(2); // the run and the version: this store's own
    expect((await h.client.call('runs.search', { limit: 1 })).total).toBe(before);

    // A parent and its child logged the MLflow way; the child comes first in MLflow's order (newest first)
    const exp = (await post('experiments/create', { name: 'nested-in-mlflow' })).experiment_id;
    const parent = (await post('runs/create', { experiment_id: exp, run_name: 'search', start_time: 1 })).run.info.run_id;
    const child = (await post('runs/create', { experiment_id: exp, run_name: 'trial-1', start_time: 2, tags: [{ key: 'mlflow.parentRunId', value: parent }] })).run.info.run_id;
    const { report } = await importFromServerCounted(h.ctx, { trackingUri: mlflow.uri, experiments: ['nested-in-mlflow'], runIds: [], models: [] });
    const local = new Map(report.runs.map((r) => [r.remoteRunId, r.runId]));
    const trial = await h.client.call('runs.get', { runId: local.get(child)! as RunId });
    expect(trial.tags['mlflow.parentRunId']).toBe(local.get(parent));
    const nested = await h.client.call('runs.search', { parentRunId: local.get(parent)! as RunId, limit: 10 });
    expect(nested.runs.map((r) => r.runId)).toEqual([local.get(child)]);
  });

  it('says what is wrong: nothing chosen, an unknown model, a server that is not there', async () => {
    await expect(pushToMlflow(h.ctx, { trackingUri: mlflow.uri, experiments: [], runIds: [], models: [] })).rejects.toThrow(/Say what to push/);
    await expect(pushToMlflow(h.ctx, { trackingUri: mlflow.uri, experiments: [], runIds: [], models: ['nope'] })).rejects.toThrow(/No registered model named "nope"/);
    await expect(pushToMlflow(h.ctx, { trackingUri: 'http://127.0.0.1:1', experiments: ['push-exp'], runIds: [], models: [] })).rejects.toThrow(/Cannot reach MLflow at http:\/\/127\.0\.0\.1:1/);
    await expect(pushToMlflow(h.ctx, { trackingUri: 'ftp://x', experiments: ['push-exp'], runIds: [], models: [] })).rejects.toThrow(/http\(s\) MLflow tracking URI/);
  });

  it("a version whose run is still running (MLflow's clients register before the run ends) waits, said for that version; --all and the other versions go", async () => {
    // as `with mlflow.start_run(): log_model(..., registered_model_name=...)` leaves it: v2's run still open
    const exp = ensureExperiment(h.ctx.db, 'push-exp');
    const open = createRun(h.ctx.db, { experimentId: exp.experimentId, name: 'still-logging', params: {}, tags: {}, source: { type: 'API', name: 'test' }, inputs: [] });
    mkdirSync(join(h.ctx.artifactsDir(open), 'model'), { recursive: true });
    writeFileSync(join(h.ctx.artifactsDir(open), 'model', 'MLmodel'), 'flavors:\n  python_function: {}\n');
    createMlflowVersion(h.ctx, { name: 'taxi-push', source: `runs:/${open}/model`, runId: open, tags: {} });
    const reason = `its run ${open} is still running; push it when the run has ended`;
    for (const req of [{ models: ['taxi-push'] }, { all: true }]) {
      const dry = await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: [], runIds: [], models: [], ...req, dryRun: true });
      const { report, counts } = await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: [], runIds: [], models: [], ...req });
      expect(counts).toEqual(dry.counts);
      expect(counts.errors).toBe(0);
      expect(report.runs.map((r) => r.runId)).not.toContain(open);
      expect(report.versions.filter((v) => v.name === 'taxi-push')).toEqual([
        { name: 'taxi-push', version: 1, remoteVersion: '1', pushed: false },
        { name: 'taxi-push', version: 2, remoteVersion: null, pushed: false, reason },
      ]);
    }
    // named itself, it is refused before anything is sent
    await expect(pushToMlflow(h.ctx, { trackingUri: mlflow.uri, experiments: [], runIds: [open], models: [] })).rejects.toThrow(/is still running/);
    endRun(h.ctx.db, open, 'FINISHED');
    const ended = await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: [], runIds: [], models: ['taxi-push'] });
    expect(ended.report.versions.find((v) => v.version === 2)).toEqual({ name: 'taxi-push', version: 2, remoteVersion: '2', pushed: true });
  });
});
