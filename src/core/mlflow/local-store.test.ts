// Importing an MLflow store on disk, no server (issue 20 part 3): MLflow's real Python client (2.17.2,
// ../shared/mlflow-server) writes mlflow.db the way a course user's notebook does — params, a metric history,
// tags, a note, a dataset input, artifacts, an sklearn model registered twice with an alias — and its artifact
// folder is then moved, as when a user copies their work over; `--artifacts DIR` finds it. Checked field by
// field; importing again adds nothing; a store at a revision Meter doesn't know is refused by name. The same
// store upgraded to MLflow 3.x's schema (test/fixtures/mlflow3-upgrade.ts: every migration from 2.17's head
// to 3.x's, as MLflow's migration files define them) imports alike, with a model logged the 3.x way (a
// logged model, registered from models:/<id>). The same script into a file store (./mlruns) lands the same
// way, also through the built CLI.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, openHarness, type Harness } from '../../../test/helpers';
import { mlflowClientMissing, runPython } from '../../../test/mlflow-client';
import { upgradeToMlflow3 } from '../../../test/fixtures/mlflow3-upgrade';
import { importFromMlflowStore, importFromStoreCounted } from './local-store';

const SCRIPT = `import json, os, mlflow, numpy as np, pandas as pd
DESCRIPTION = "trip duration: it's " + "a long description that YAML folds over lines " * 4
from sklearn.linear_model import LinearRegression
mlflow.set_experiment("course")
with mlflow.start_run(run_name="baseline") as run:
    mlflow.log_params({"alpha": 0.1, "solver": "lbfgs"})
    for i in range(3): mlflow.log_metric("rmse", 10.0 - i, step=i)
    mlflow.set_tag("team", "taxi")
    mlflow.set_tag("mlflow.note.content", "first try")
    mlflow.log_input(mlflow.data.from_pandas(pd.DataFrame({"x": [1.0, 2.0]}), name="jan"), context="training")
    os.makedirs("notes", exist_ok=True); open("notes/readme.txt", "w").write("hello")
    mlflow.log_artifacts("notes", artifact_path="notes")
    mlflow.sklearn.log_model(LinearRegression().fit(np.array([[1.0], [2.0], [3.0]]), np.array([3.0, 5.0, 7.0])), "model")
    rid = run.info.run_id
mlflow.set_experiment("other")
with mlflow.start_run(run_name="second") as run2:
    mlflow.log_metric("rmse", 7.5)
    rid2 = run2.info.run_id
c = mlflow.MlflowClient()
c.create_registered_model("taxi-model", description=DESCRIPTION)
c.create_model_version("taxi-model", f"runs:/{rid}/model", rid)
c.create_model_version("taxi-model", f"runs:/{rid}/model", rid, description="again")
c.set_registered_model_alias("taxi-model", "champion", "2")
r = c.get_run(rid)
print("RESULT " + json.dumps({"rid": rid, "rid2": rid2, "start": r.info.start_time, "end": r.info.end_time}))`;
const DESCRIPTION = "trip duration: it's " + 'a long description that YAML folds over lines '.repeat(4);

const missing = mlflowClientMissing();
if (missing) console.log(`mlflow store import tests skipped: ${missing}`);

describe.skipIf(missing !== null)('import an MLflow SQLite store written by MLflow\'s client', () => {
  let h: Harness;
  let dir: string;
  let logged: { rid: string; rid2: string; start: number; end: number };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meter-mlflow-store-'));
    h = openHarness();
    logged = await runPython(SCRIPT, 'sqlite:///mlflow.db', '', dir);
    renameSync(join(dir, 'mlruns'), join(dir, 'moved-artifacts'));
  }, 120_000);
  afterAll(async () => { await h?.dispose(); rmSync(dir, { recursive: true, force: true }); });

  it('brings experiments, runs, metric histories, notes, inputs, artifacts and the model with its versions and alias; again adds nothing', async () => {
    await checkImport(h, `sqlite:///${join(dir, 'mlflow.db')}`, join(dir, 'moved-artifacts'), logged);
  }, 60_000);

  it('refuses a store at an alembic revision it does not know, naming it', async () => {
    const copy = join(dir, 'future.db');
    copyFileSync(join(dir, 'mlflow.db'), copy);
    const db = new Database(copy);
    db.prepare("UPDATE alembic_version SET version_num = 'ffff00000000'").run();
    db.close();
    await expect(importFromMlflowStore(h.ctx, { source: `sqlite:///${copy}` })).rejects.toThrow(/revision ffff00000000, which Meter cannot read; it reads f5a4f2784254 \(MLflow 2\.17\) through 5d2d30f0abce/);
    // a real revision of an MLflow newer than the ones read (workspaces, 2026): refused by name too
    const db2 = new Database(copy);
    db2.prepare("UPDATE alembic_version SET version_num = '1b5f0d9ad7c1'").run();
    db2.close();
    await expect(importFromMlflowStore(h.ctx, { source: `sqlite:///${copy}` })).rejects.toThrow(/revision 1b5f0d9ad7c1, which Meter cannot read/);
  });

  it('reads the store upgraded to MLflow 3.x\'s schema, with a model logged the 3.x way registered as version 3', async () => {
    const copy = join(dir, 'mlflow3.db');
    copyFileSync(join(dir, 'mlflow.db'), copy);
    expect(upgradeToMlflow3(copy)).toBe('5d2d30f0abce');
    // What MLflow 3.x's log_model + register_model write (rows as its SqlAlchemyStore makes them): a logged
    // model of run "baseline" whose files live at <artifact root>/<experiment>/models/<id>/artifacts (here
    // the sklearn model the 2.17 client logged, copied there), and version 3 registered from models:/<id>.
    const modelId = `m-${randomUUID().replace(/-/g, '')}`;
    const db = new Database(copy);
    const expId = db.prepare('SELECT experiment_id FROM runs WHERE run_uuid = ?').pluck().get(logged.rid) as number;
    const location = join(dir, 'mlruns', String(expId), 'models', modelId, 'artifacts');
    const now = Date.now();
    db.prepare(`INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp_ms, last_updated_timestamp_ms, status, lifecycle_stage, model_type, source_run_id)
      VALUES (?, ?, 'model', ?, ?, ?, 2, 'active', NULL, ?)`).run(modelId, expId, location, now, now, logged.rid);
    db.prepare(`INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, user_id, current_stage, source, run_id, status, run_link, storage_location)
      VALUES ('taxi-model', 3, ?, ?, 'from a logged model', NULL, 'None', ?, ?, 'READY', '', ?)`).run(now, now, `models:/${modelId}`, logged.rid, location);
    db.close();
    cpSync(join(dir, 'moved-artifacts', String(expId), logged.rid, 'artifacts', 'model'), join(dir, 'moved-artifacts', String(expId), 'models', modelId, 'artifacts'), { recursive: true });

    const fresh = openHarness();
    try {
      // a dry run counts what the import brings — the logged model's files too — and writes nothing
      const dry = await importFromStoreCounted(fresh.ctx, { source: `sqlite:///${copy}`, artifactsDir: join(dir, 'moved-artifacts') }, {}, true);
      expect((await fresh.client.call('runs.search', { limit: 1 })).total).toBe(0);
      const { report, counts } = await importFromStoreCounted(fresh.ctx, { source: `sqlite:///${copy}`, artifactsDir: join(dir, 'moved-artifacts') });
      expect(dry.counts).toEqual(counts);
      expect(counts.artifacts).toBe((await Promise.all(report.runs.map((r) => fresh.client.call('runs.get', { runId: r.runId as never })))).reduce((n, r) => n + r.artifacts.length, 0));
      expect(report.runs.map((r) => [r.remoteRunId, r.experiment, r.imported])).toEqual([[logged.rid, 'course', true], [logged.rid2, 'other', true]]);
      expect(report.versions).toEqual([
        { name: 'taxi-model', remoteVersion: '1', version: 1, imported: true },
        { name: 'taxi-model', remoteVersion: '2', version: 2, imported: true },
        { name: 'taxi-model', remoteVersion: '3', version: 3, imported: true }]);
      const run = await fresh.client.call('runs.get', { runId: report.runs[0].runId as never });
      expect(run).toMatchObject({ name: 'baseline', params: { alpha: '0.1', solver: 'lbfgs' }, metrics: { rmse: 8 }, notes: 'first try' });
      expect(run.artifacts.map((a) => a.path)).toEqual(expect.arrayContaining(['model/MLmodel', `models/${modelId}/MLmodel`, `models/${modelId}/model.pkl`]));
      const model = await fresh.client.call('models.get', { name: 'taxi-model' });
      expect(model.aliases).toEqual({ champion: 2 });
      expect(model.versions.find((v) => v.version === 3)?.signature.model).toBe('MLflow model (python_function, sklearn)');
      const again = await importFromMlflowStore(fresh.ctx, { source: `sqlite:///${copy}`, artifactsDir: join(dir, 'moved-artifacts') });
      expect(again.versions.map((v) => v.imported)).toEqual([false, false, false]);
    } finally {
      await fresh.dispose();
    }
  }, 60_000);
});

async function checkImport(h: Harness, source: string, artifactsDir: string | undefined, logged: { rid: string; rid2: string; start: number; end: number }): Promise<void> {
    const report = await importFromMlflowStore(h.ctx, { source, artifactsDir });
    expect(report.runs.map((r) => [r.remoteRunId, r.experiment, r.imported])).toEqual([[logged.rid, 'course', true], [logged.rid2, 'other', true]]);
    expect(report.runs[0].artifactsSkipped).toBeUndefined();
    // the second run logged no artifacts: a SQLite store has no folder for it (said so), a file store an empty one
    if (artifactsDir) expect(report.runs[1].artifactsSkipped).toMatch(/^no artifact folder at .*\/[0-9a-f]{32}\/artifacts nor under /);
    else expect(report.runs[1].artifactsSkipped).toBeUndefined();
    expect(report.versions).toEqual([
      { name: 'taxi-model', remoteVersion: '1', version: 1, imported: true },
      { name: 'taxi-model', remoteVersion: '2', version: 2, imported: true }]);
    expect(report.aliases).toEqual([{ name: 'taxi-model', alias: 'champion', version: 2 }]);

    const runId = report.runs[0].runId as never;
    const run = await h.client.call('runs.get', { runId });
    expect(run).toMatchObject({ name: 'baseline', experimentName: 'course', status: 'FINISHED', notes: 'first try',
      params: { alpha: '0.1', solver: 'lbfgs' }, metrics: { rmse: 8 } });
    expect(run.tags).toMatchObject({ team: 'taxi', 'mlflow.runName': 'baseline', 'mlflow.imported_run_id': logged.rid });
    expect((await h.client.call('runs.metricHistory', { runId, key: 'rmse' })).map((p) => [p.step, p.value])).toEqual([[0, 10], [1, 9], [2, 8]]);
    expect(run.artifacts.map((a) => a.path)).toEqual(expect.arrayContaining(['notes/readme.txt', 'model/MLmodel', 'model/model.pkl']));
    const times = h.ctx.db.prepare('SELECT start_ms, end_ms FROM runs WHERE run_id = ?').get(runId) as { start_ms: number; end_ms: number };
    expect(times).toEqual({ start_ms: logged.start, end_ms: logged.end });
    const inputs = h.ctx.db.prepare('SELECT * FROM mlflow_run_inputs WHERE run_id = ?').all(runId) as Record<string, unknown>[];
    expect(inputs).toHaveLength(1);
    expect(JSON.stringify(inputs[0])).toContain('jan');
    expect(JSON.stringify(inputs[0])).toContain('training');
    const second = await h.client.call('runs.get', { runId: report.runs[1].runId as never });
    expect(second).toMatchObject({ name: 'second', experimentName: 'other', metrics: { rmse: 7.5 } });

    const model = await h.client.call('models.get', { name: 'taxi-model' });
    expect(model.aliases).toEqual({ champion: 2 });
    expect(model.versions.map((v) => v.version).sort()).toEqual([1, 2]);
    expect(model.versions.find((v) => v.version === 2)?.signature.model).toBe('MLflow model (python_function, sklearn)');

    const again = await importFromMlflowStore(h.ctx, { source, artifactsDir });
    expect(again.runs.map((r) => r.imported)).toEqual([false, false]);
    expect(again.versions.map((v) => v.imported)).toEqual([false, false]);
    expect((await h.client.call('runs.search', { filter: "tags.team = 'taxi'" })).total).toBe(1);
    expect((await h.client.call('models.get', { name: 'taxi-model' })).versions).toHaveLength(2);
  const described = await h.client.call('models.get', { name: 'taxi-model' });
  expect(described.description).toBe(DESCRIPTION);
}

describe.skipIf(missing !== null)('import an MLflow file store (./mlruns) written by MLflow\'s client', () => {
  let h: Harness;
  let dir: string;
  let logged: { rid: string; rid2: string; start: number; end: number };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meter-mlflow-files-'));
    h = openHarness();
    logged = await runPython(SCRIPT, `file://${join(dir, 'mlruns')}`, '', dir);
  }, 120_000);
  afterAll(async () => { await h?.dispose(); rmSync(dir, { recursive: true, force: true }); });

  it('lands exactly as the SQLite store does; again adds nothing', async () => {
    await checkImport(h, join(dir, 'mlruns'), undefined, logged);
  }, 60_000);

  it('is what `meter mlflow import --from ./mlruns --json` does (the built CLI, a fresh home)', () => {
    const home = join(dir, 'cli-home');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', home, 'mlflow', 'import', '--from', './mlruns', '--json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, METER_HOME: '' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { runs: { remoteRunId: string; imported: boolean }[]; aliases: unknown[] };
    expect(report.runs.map((x) => [x.remoteRunId, x.imported])).toEqual([[logged.rid, true], [logged.rid2, true]]);
    expect(report.aliases).toEqual([{ name: 'taxi-model', alias: 'champion', version: 2 }]);
  }, 60_000);

  it('reads MLflow 3.x logged models in a file store: the model\'s folder lands in its run, a version registered from it imports', async () => {
    // The layout MLflow 3.x's file store writes and its own fs2db migration reads (mlflow/store/fs2db/_tracking.py,
    // _registry.py): <experiment>/models/<model id>/meta.yaml (model_id, experiment_id, name, artifact_location,
    // timestamps, status, lifecycle_stage, model_type, source_run_id) with params/ and tags/ beside it, the files
    // at artifact_location (<experiment artifact root>/models/<id>/artifacts), and the registry's version-3 with
    // source models:/<id> and model_id. Written with yaml.safe_dump, as MLflow's write_yaml does; the files are
    // the sklearn model the 2.17 client logged.
    const store = join(dir, 'mlruns3');
    cpSync(join(dir, 'mlruns'), store, { recursive: true });
    const modelId = `m-${randomUUID().replace(/-/g, '')}`;
    await runPython(`import json, os, shutil, time, yaml
store, rid, mid = ${JSON.stringify(store)}, ${JSON.stringify(logged.rid)}, ${JSON.stringify(modelId)}
exp = next(e for e in os.listdir(store) if os.path.isdir(os.path.join(store, e, rid)))
exp_meta = yaml.safe_load(open(os.path.join(store, exp, "meta.yaml")))
run_meta = yaml.safe_load(open(os.path.join(store, exp, rid, "meta.yaml")))
location = exp_meta["artifact_location"] + "/models/" + mid + "/artifacts"
mdir = os.path.join(store, exp, "models", mid)
os.makedirs(os.path.join(mdir, "params")); os.makedirs(os.path.join(mdir, "tags"))
open(os.path.join(mdir, "tags", "mlflow.source.name"), "w").write("train.py")
now = int(time.time() * 1000)
with open(os.path.join(mdir, "meta.yaml"), "w") as f:
    yaml.safe_dump({"model_id": mid, "experiment_id": exp, "name": "model", "artifact_location": location, "creation_timestamp": now,
        "last_updated_timestamp": now, "status": "READY", "status_message": None, "lifecycle_stage": "active", "model_type": None, "source_run_id": rid}, f, default_flow_style=False)
shutil.copytree(run_meta["artifact_uri"].replace("file://", "") + "/model", os.path.join(mdir, "artifacts"))
vdir = os.path.join(store, "models", "taxi-model", "version-3")
os.makedirs(os.path.join(vdir, "tags"))
with open(os.path.join(vdir, "meta.yaml"), "w") as f:
    yaml.safe_dump({"name": "taxi-model", "version": 3, "creation_timestamp": now, "last_updated_timestamp": now, "description": "from a logged model", "user_id": None,
        "current_stage": "None", "source": "models:/" + mid, "run_id": rid, "run_link": None, "status": "READY", "status_message": None, "storage_location": location, "model_id": mid}, f, default_flow_style=False)
print("RESULT " + json.dumps({}))`, 'file:///dev/null', '', dir);

    const fresh = openHarness();
    try {
      const dry = await importFromStoreCounted(fresh.ctx, { source: store }, {}, true);
      const { report, counts } = await importFromStoreCounted(fresh.ctx, { source: store });
      expect(dry.counts).toEqual(counts);
      expect(report.versions.map((v) => [v.remoteVersion, v.version, v.imported])).toEqual([['1', 1, true], ['2', 2, true], ['3', 3, true]]);
      const run = await fresh.client.call('runs.get', { runId: report.runs[0].runId as never });
      expect(run.artifacts.map((a) => a.path)).toEqual(expect.arrayContaining(['model/MLmodel', `models/${modelId}/MLmodel`, `models/${modelId}/model.pkl`]));
      expect(readFileSync(join(fresh.ctx.artifactsDir(run.runId), 'models', modelId, 'model.pkl'))).toEqual(readFileSync(join(fresh.ctx.artifactsDir(run.runId), 'model', 'model.pkl')));
      const model = await fresh.client.call('models.get', { name: 'taxi-model' });
      expect(model.versions.find((v) => v.version === 3)).toMatchObject({ description: 'from a logged model', runId: run.runId });
      expect(model.versions.find((v) => v.version === 3)?.signature.model).toBe('MLflow model (python_function, sklearn)');
      const again = await importFromStoreCounted(fresh.ctx, { source: store });
      expect(again.counts).toMatchObject({ runs: 0, versions: 0, artifacts: 0 });
    } finally {
      await fresh.dispose();
    }
  }, 60_000);

  it('`meter import-mlflow ./mlruns --dry-run` says what would come (every metric point and file counted) and writes nothing; the import then brings exactly that', async () => {
    const fresh = openHarness();
    try {
      const meter = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', fresh.home, 'import-mlflow', './mlruns', '--dry-run', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, METER_HOME: '' } });
      const text = meter();
      expect(text.stderr).toBe('');
      expect(text.status).toBe(0);
      const json = meter('--json');
      const dry = JSON.parse(json.stdout) as { counts: Record<string, number>; runs: { remoteRunId: string; planned: { params: number; metrics: number; artifacts: number } }[] };
      expect((await fresh.client.call('runs.search', { limit: 1 })).total).toBe(0);
      expect(fresh.ctx.db.prepare('SELECT COUNT(*) FROM registered_models').pluck().get()).toBe(0);

      const { report, counts } = await importFromStoreCounted(fresh.ctx, { source: join(dir, 'mlruns') });
      expect(dry.counts).toEqual(counts);
      expect(counts).toMatchObject({ experiments: 2, runs: 2, metrics: 4, models: 1, versions: 2 }); // as the script logged them
      const imported = await Promise.all(report.runs.map((r) => fresh.client.call('runs.get', { runId: r.runId as never })));
      expect(dry.runs.map((r) => r.planned.artifacts)).toEqual(imported.map((r) => r.artifacts.length));
      const lines = text.stdout.trim().split('\n');
      expect(lines).toEqual([
        `would import run ${logged.rid} (experiment course): 2 params, 3 metric points, ${imported[0].artifacts.length} artifact files`,
        `would import run ${logged.rid2} (experiment other): 0 params, 1 metric points, 0 artifact files`,
        'would import taxi-model version 1', 'would import taxi-model version 2',
        `dry run, would import: ${Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ')}; nothing was written`]);
      // again, nothing would come
      expect(JSON.parse(meter('--json').stdout).counts).toMatchObject({ experiments: 0, runs: 0, metrics: 0, artifacts: 0, models: 0, versions: 0, skipped: 4 });
    } finally {
      await fresh.dispose();
    }
  }, 60_000);
});
