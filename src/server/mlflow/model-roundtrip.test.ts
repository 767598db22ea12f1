// A registered model's round trip through MLflow's real tracking server (MLflow 2.17.2, ../shared/mlflow-server):
// a version Meter pushed comes back as that same version — by a pull from the server, or by import-mlflow of
// the server's own mlflow.db — never as a second version of the same run; its alias stays on it, or follows the
// server's alias to another version this store has. Both a model Meter trained and one MLflow's own client logged
// into Meter (`meter serve`'s door; its MLmodel makes it a model a pull could copy). The mirror too: a version made on the server, pulled, then
// pushed back is that version there, not a new one. Counted by MLflow's REST API and by Meter's registry.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, importSample, openHarness, type Harness } from '../../../test/helpers';
import { mlflowClientMissing, runPython, startMlflowServer } from '../../../test/mlflow-client';
import type { DatasetId, RunId } from '../../shared/domain';
import { importFromServerCounted } from '../../core/mlflow/import';
import { importFromStoreCounted } from '../../core/mlflow/local-store';
import { pushCounted } from '../../core/mlflow/push';
import { startBrowserServer, type BrowserServer } from '../browser-server';

const missing = mlflowClientMissing();
if (missing) console.log(`mlflow model round-trip tests skipped: ${missing}`);

describe.skipIf(missing !== null)('a model pushed to MLflow and pulled back is the same model', () => {
  let h: Harness;
  let dir: string;
  let mlflow: { uri: string; stop(): void };
  let data: { train: DatasetId; val: DatasetId };
  let door: BrowserServer;
  const get = async (path: string, q: Record<string, string>) => (await fetch(`${mlflow.uri}/api/2.0/mlflow/${path}?${new URLSearchParams(q)}`)).json() as Promise<any>;
  const post = async (path: string, body: unknown) => (await fetch(`${mlflow.uri}/api/2.0/mlflow/${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })).json() as Promise<any>;
  /** The server's versions of a model as MLflow lists them: version → run, and its aliases. */
  const onServer = async (name: string) => {
    const versions = ((await get('model-versions/search', { filter: `name = '${name}'` })).model_versions ?? []) as any[];
    const model = (await get('registered-models/get', { name })).registered_model;
    return { versions: versions.map((v) => v.version as string).sort(), aliases: Object.fromEntries(((model.aliases ?? []) as any[]).map((a) => [a.alias, a.version])) };
  };
  /** Meter's versions of a model: version → run, and its aliases. */
  const inMeter = async (name: string) => {
    const m = await h.client.call('models.get', { name });
    return { versions: m.versions.map((v) => [v.version, v.runId]).sort(), aliases: m.aliases };
  };
  const train = async (experiment: string, runName: string): Promise<RunId> => {
    const started = await h.client.call('jobs.startTraining', { experiment, runName, model: 'lasso', featureSet: 'basic', params: { alpha: 0.1 }, ...data });
    await h.client.call('jobs.wait', { jobId: started.jobId });
    return started.runId;
  };
  /** A run logged on the server the way an MLflow client logs one with a model (its MLmodel file), in taxi-exp. */
  const serverModelRun = async (runName: string, tags: { key: string; value: string }[]): Promise<{ run_id: string; artifact_uri: string }> => {
    const exp = (await get('experiments/get-by-name', { experiment_name: 'taxi-exp' })).experiment.experiment_id;
    const run = (await post('runs/create', { experiment_id: exp, run_name: runName, start_time: Date.now(), tags })).run.info;
    const put = await fetch(`${mlflow.uri}/api/2.0/mlflow-artifacts/artifacts/${run.artifact_uri.replace(/^mlflow-artifacts:\//, '')}/model/MLmodel`, { method: 'PUT', body: 'flavors:\n  python_function: {}\n' });
    expect(put.status).toBe(200);
    await post('runs/update', { run_id: run.run_id, status: 'FINISHED', end_time: Date.now() });
    return run;
  };
  const pull = (models: string[], experiments: string[] = []) => importFromServerCounted(h.ctx, { trackingUri: mlflow.uri, experiments, runIds: [], models });
  const push = (models: string[], experiments: string[] = []) => pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments, runIds: [], models });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meter-mlflow-roundtrip-'));
    mlflow = await startMlflowServer(dir);
    h = openHarness();
    data = await importSample(h.client);
    door = await startBrowserServer({ ctx: h.ctx });
  }, 120_000);
  afterAll(async () => { mlflow?.stop(); await door?.close(); await h?.dispose(); rmSync(dir, { recursive: true, force: true }); });

  it("a model MLflow's client logged into Meter: push → pull → pull, the server keeps one version and Meter v1 with @champion", async () => {
    const logged = await runPython(`import json, mlflow, numpy as np
from sklearn.linear_model import LinearRegression
mlflow.set_experiment("py-exp")
with mlflow.start_run(run_name="sk") as run:
    mlflow.log_param("alpha", 0.1)
    mlflow.sklearn.log_model(LinearRegression().fit(np.array([[1.0], [2.0]]), np.array([3.0, 5.0])), "model")
v = mlflow.register_model(f"runs:/{run.info.run_id}/model", "taxi-py")
mlflow.MlflowClient().set_registered_model_alias("taxi-py", "champion", v.version)
print("RESULT " + json.dumps({"rid": run.info.run_id}))`, `http://127.0.0.1:${door.port}`, door.token, dir);
    expect(await inMeter('taxi-py')).toEqual({ versions: [[1, logged.rid]], aliases: { champion: 1 } });
    expect((await push(['taxi-py'], ['py-exp'])).counts).toMatchObject({ runs: 1, versions: 1, errors: 0 });
    for (const round of [1, 2]) {
      const { report, counts } = await pull(['taxi-py'], ['py-exp']);
      expect(report.versions, `pull ${round}`).toEqual([{ name: 'taxi-py', remoteVersion: '1', version: 1, imported: false }]);
      expect(counts, `pull ${round}`).toMatchObject({ runs: 0, versions: 0, metrics: 0, artifacts: 0 });
      expect(await inMeter('taxi-py'), `pull ${round}`).toEqual({ versions: [[1, logged.rid]], aliases: { champion: 1 } });
      expect(await onServer('taxi-py'), `pull ${round}`).toEqual({ versions: ['1'], aliases: { champion: '1' } });
    }
  }, 120_000);

  it('push → pull → pull: the server keeps one version, Meter keeps v1 with @champion on it, the second pull brings nothing', async () => {
    const runId = await train('taxi-exp', 'lasso-1');
    await h.client.call('models.register', { runId, name: 'taxi', description: 'mine' });
    await h.client.call('models.setAlias', { name: 'taxi', alias: 'champion', version: 1 });
    const pushed = await push(['taxi'], ['taxi-exp']);
    expect(pushed.counts).toMatchObject({ runs: 1, versions: 1, errors: 0 });

    for (const round of [1, 2]) {
      const { report, counts } = await pull(['taxi'], ['taxi-exp']);
      expect(report.versions, `pull ${round}`).toEqual([{ name: 'taxi', remoteVersion: '1', version: 1, imported: false }]);
      expect(report.aliases, `pull ${round}`).toEqual([]); // @champion is on v1 already: nothing to say
      expect(counts, `pull ${round}`).toMatchObject({ experiments: 0, runs: 0, metrics: 0, artifacts: 0, models: 0, versions: 0 });
      expect(await inMeter('taxi'), `pull ${round}`).toEqual({ versions: [[1, runId]], aliases: { champion: 1 } });
      expect(await onServer('taxi'), `pull ${round}`).toEqual({ versions: ['1'], aliases: { champion: '1' } });
    }
    // a dry run plans no version either
    const dry = await importFromServerCounted(h.ctx, { trackingUri: mlflow.uri, experiments: ['taxi-exp'], runIds: [], models: ['taxi'], dryRun: true });
    expect(dry.counts).toMatchObject({ runs: 0, versions: 0 });
    expect(dry.report.versions).toEqual([{ name: 'taxi', remoteVersion: '1', version: 1, imported: false }]);
    // and pushing after the pulls sends nothing
    const again = await push(['taxi'], ['taxi-exp']);
    expect(again.counts).toMatchObject({ runs: 0, versions: 0, metrics: 0, artifacts: 0 });
    expect(await onServer('taxi')).toEqual({ versions: ['1'], aliases: { champion: '1' } });
  }, 120_000);

  it("a pull follows the server's alias to another version this store pushed", async () => {
    const second = await train('taxi-exp', 'lasso-2');
    await h.client.call('models.register', { runId: second, name: 'taxi' });
    await push(['taxi'], ['taxi-exp']);
    expect(await onServer('taxi')).toEqual({ versions: ['1', '2'], aliases: { champion: '1' } });
    // a teammate promotes the second version on the server
    await post('registered-models/alias', { name: 'taxi', alias: 'champion', version: '2' });
    const { report, counts } = await pull(['taxi'], ['taxi-exp']);
    expect(counts.versions).toBe(0);
    expect(report.aliases).toContainEqual({ name: 'taxi', alias: 'champion', version: 2 });
    expect((await inMeter('taxi')).versions.map(([v]) => v)).toEqual([1, 2]);
    expect((await inMeter('taxi')).aliases).toEqual({ champion: 2 });
    // the store is where it was: the alias goes back to v1 on the next push
    await h.client.call('models.setAlias', { name: 'taxi', alias: 'champion', version: 1 });
    await push(['taxi']);
    expect(await onServer('taxi')).toEqual({ versions: ['1', '2'], aliases: { champion: '1' } });
  }, 120_000);

  it("a version another Meter home pushed with the same number is not taken for this store's", async () => {
    // made on the server the way a push from another store makes one: same tag, another run
    const other = await serverModelRun('elsewhere', [{ key: 'meter.run_id', value: 'f'.repeat(32) }]);
    await post('registered-models/create', { name: 'taxi-other' });
    await post('model-versions/create', { name: 'taxi-other', source: `${other.artifact_uri}/model`, run_id: other.run_id, tags: [{ key: 'meter.version', value: '1' }] });
    const mine = await train('taxi-exp', 'lasso-3');
    await h.client.call('models.register', { runId: mine, name: 'taxi-other' });
    // this store's v1 of taxi-other is not the server's version 1: pushing makes version 2
    const pushed = await push(['taxi-other']);
    expect(pushed.report.versions).toEqual([{ name: 'taxi-other', version: 1, remoteVersion: '2', pushed: true }]);
    // and pulling brings the other home's version as a new version, leaving v1 as it is
    const { report } = await pull(['taxi-other'], []);
    expect(report.versions).toEqual([
      { name: 'taxi-other', remoteVersion: '1', version: 2, imported: true },
      { name: 'taxi-other', remoteVersion: '2', version: 1, imported: false },
    ]);
    expect((await inMeter('taxi-other')).versions).toEqual([[1, mine], [2, expect.any(String)]]);
  }, 120_000);

  it('a version made on the server, pulled, then pushed back is that version there', async () => {
    // a teammate logs a model on the server and registers it as the next version of taxi
    const theirs = await serverModelRun('teammate', []);
    await post('model-versions/create', { name: 'taxi', source: `${theirs.artifact_uri}/model`, run_id: theirs.run_id, description: 'teammate' });
    const { report } = await pull(['taxi'], ['taxi-exp']);
    const made = report.versions.find((v) => v.remoteVersion === '3')!;
    expect(made).toMatchObject({ imported: true, version: 3 });
    expect(report.versions.filter((v) => v.imported)).toHaveLength(1);
    const back = await push(['taxi'], ['taxi-exp']);
    expect(back.counts.versions).toBe(0);
    expect(back.report.versions.map((v) => [v.version, v.remoteVersion, v.pushed])).toEqual([[1, '1', false], [2, '2', false], [3, '3', false]]);
    expect((await onServer('taxi')).versions).toEqual(['1', '2', '3']);
  }, 120_000);

  it("a version a teammate made on the server of a run Meter pushed (Meter's model, no MLmodel) is pulled as Meter's own version, scoreable", async () => {
    const runId = await train('team-exp', 'lasso-team');
    expect((await push([], ['team-exp'])).counts).toMatchObject({ runs: 1, errors: 0 });
    const exp = (await get('experiments/get-by-name', { experiment_name: 'team-exp' })).experiment.experiment_id;
    const [there] = (await post('runs/search', { experiment_ids: [exp], filter: `tags.\`meter.run_id\` = '${runId}'` })).runs as any[];
    // the teammate registers the model folder the push sent, in MLflow's UI or with its client
    await post('registered-models/create', { name: 'taxi-team' });
    await post('model-versions/create', { name: 'taxi-team', source: `${there.info.artifact_uri}/model`, run_id: there.info.run_id, description: 'from the team' });
    await post('registered-models/alias', { name: 'taxi-team', alias: 'champion', version: '1' });
    for (const round of [1, 2]) {
      const { report, counts } = await pull(['taxi-team']);
      expect(counts.versions).toBe(round === 1 ? 1 : 0);
      expect(report.versions).toEqual([{ name: 'taxi-team', remoteVersion: '1', version: 1, imported: round === 1 }]);
      expect(await inMeter('taxi-team')).toEqual({ versions: [[1, runId]], aliases: { champion: 1 } });
    }
    const v1 = await h.client.call('models.getVersion', { name: 'taxi-team', version: 1 });
    expect(v1).toMatchObject({ runId, description: 'from the team' });
    expect(v1.signature?.model).toBe('lasso');
    expect((await h.client.call('models.resolve', { uri: 'models:/taxi-team@champion' })).version).toBe(1);
    // and pushed back, it is that version there
    const back = await push(['taxi-team']);
    expect(back.counts.versions).toBe(0);
    expect((await onServer('taxi-team')).versions).toEqual(['1']);
  }, 180_000);

  it("another Meter home's pushed run with a version on its Meter model: the dry run plans what the pull then does", async () => {
    // a teammate's Meter (another home) trains, pushes, and registers the model folder its push sent
    const mate = openHarness();
    try {
      const mateData = await importSample(mate.client);
      const started = await mate.client.call('jobs.startTraining', { experiment: 'mate-exp', runName: 'lasso-mate', model: 'lasso', featureSet: 'basic', params: { alpha: 0.1 }, ...mateData });
      await mate.client.call('jobs.wait', { jobId: started.jobId });
      expect((await pushCounted(mate.ctx, { trackingUri: mlflow.uri, experiments: ['mate-exp'], runIds: [], models: [] })).counts).toMatchObject({ runs: 1, errors: 0 });
    } finally { await mate.dispose(); }
    const exp = (await get('experiments/get-by-name', { experiment_name: 'mate-exp' })).experiment.experiment_id;
    const [there] = (await post('runs/search', { experiment_ids: [exp] })).runs as any[];
    await post('registered-models/create', { name: 'taxi-mate' });
    await post('model-versions/create', { name: 'taxi-mate', source: `${there.info.artifact_uri}/model`, run_id: there.info.run_id });
    // this store has neither the run nor its files yet: the dry run must count what the run's import brings
    const dry = await importFromServerCounted(h.ctx, { trackingUri: mlflow.uri, experiments: ['mate-exp'], runIds: [], models: ['taxi-mate'], dryRun: true });
    expect(dry.report.versions).toEqual([{ name: 'taxi-mate', remoteVersion: '1', version: null, imported: false, reason: 'dry run' }]);
    const real = await pull(['taxi-mate'], ['mate-exp']);
    expect(real.report.versions).toEqual([{ name: 'taxi-mate', remoteVersion: '1', version: 1, imported: true }]);
    expect((await h.client.call('models.getVersion', { name: 'taxi-mate', version: 1 })).signature?.model).toBe('lasso');
  }, 180_000);

  it("import-mlflow of the server's own mlflow.db finds this store's versions (the CLI says v1), and adds none", async () => {
    const before = await inMeter('taxi');
    const { report, counts } = await importFromStoreCounted(h.ctx, { source: `sqlite:///${join(dir, 'mlflow.db')}`, artifactsDir: join(dir, 'artifacts') });
    expect(counts.versions).toBe(0);
    expect(report.versions.filter((v) => v.name === 'taxi')).toEqual([
      { name: 'taxi', remoteVersion: '1', version: 1, imported: false },
      { name: 'taxi', remoteVersion: '2', version: 2, imported: false },
      { name: 'taxi', remoteVersion: '3', version: 3, imported: false },
    ]);
    expect(report.versions.filter((v) => v.name === 'taxi-py')).toEqual([{ name: 'taxi-py', remoteVersion: '1', version: 1, imported: false }]);
    expect(await inMeter('taxi')).toEqual(before);

    // the same through the built CLI, as a user runs it
    const cli = spawnSync(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', h.home, 'import-mlflow', `sqlite:///${join(dir, 'mlflow.db')}`, '--artifacts', join(dir, 'artifacts')], { encoding: 'utf8', env: { ...process.env, METER_HOME: '' } });
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain('taxi version 1 → already here as v1\n');
    expect(cli.stdout).toContain('taxi-py version 1 → already here as v1\n');
    expect(await inMeter('taxi')).toEqual(before);
    expect((await onServer('taxi')).versions).toEqual(['1', '2', '3']);
  }, 120_000);
});
