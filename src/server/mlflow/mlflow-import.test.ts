// Importing from MLflow's real tracking server (../shared/mlflow-server/start.sh, MLflow 2.17.2): what
// MLflow's own Python client logged there — params, metric history, tags, a dataset input, artifacts, an
// sklearn model registered with an alias — arrives as Meter runs and a Meter model version, and MLflow's
// client can load the imported model back from Meter. Importing again adds nothing; pushing it back to the
// server it came from adds nothing there either.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from '../../../test/helpers';
import { mlflowClientMissing, runPython, startMlflowServer } from '../../../test/mlflow-client';
import { importFromMlflow, importFromServerCounted } from '../../core/mlflow/import';
import { pushCounted, pushToMlflow } from '../../core/mlflow/push';
import { logMetrics, recordArtifact, setNotes, setTag } from '../../core/store/runs-repo';
import type { RunId } from '../../shared/domain';
import { startBrowserServer } from '../browser-server';

const missing = mlflowClientMissing();
if (missing) console.log(`mlflow import tests skipped: ${missing}`);

describe.skipIf(missing !== null)('import from a real MLflow server', () => {
  let h: Harness;
  let dir: string;
  let mlflow: { uri: string; stop(): void };
  let logged: { rid: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meter-mlflow-server-'));
    mlflow = await startMlflowServer(dir);
    h = openHarness();
    logged = await runPython(`import json, os, mlflow, numpy as np, pandas as pd
from sklearn.linear_model import LinearRegression
mlflow.set_experiment("imp")
with mlflow.start_run(run_name="sk-run") as run:
    mlflow.log_params({"alpha": 0.1, "solver": "lbfgs"})
    for i in range(3): mlflow.log_metric("loss", 1.0 / (i + 1), step=i)
    mlflow.set_tag("team", "taxi")
    mlflow.log_input(mlflow.data.from_pandas(pd.DataFrame({"x": [1.0, 2.0]}), name="train-ds"), context="training")
    os.makedirs("notes", exist_ok=True); open("notes/readme.txt", "w").write("hello")
    mlflow.log_artifacts("notes", artifact_path="notes")
    mlflow.sklearn.log_model(LinearRegression().fit(np.array([[1.0], [2.0], [3.0]]), np.array([3.0, 5.0, 7.0])), "sk")
    rid = run.info.run_id
v = mlflow.register_model(f"runs:/{rid}/sk", "imp-model")
mlflow.MlflowClient().set_registered_model_alias("imp-model", "champion", v.version)
print("RESULT " + json.dumps({"rid": rid}))`, mlflow.uri, '', dir);
  }, 120_000);
  afterAll(async () => { mlflow?.stop(); await h?.dispose(); rmSync(dir, { recursive: true, force: true }); });

  it('imports the runs and the model with its alias; MLflow\'s client loads the model back from Meter; again, nothing new; pushed back to its server, nothing new there; as a copy, MLflow serves it', async () => {
    // a dry run lists every metric point and artifact file the import brings, and writes nothing
    const what = { trackingUri: mlflow.uri, experiments: ['imp'], runIds: [], models: ['imp-model'] };
    const dry = await importFromServerCounted(h.ctx, { ...what, dryRun: true });
    expect(dry.report.runs).toMatchObject([{ remoteRunId: logged.rid, runId: '', imported: false, planned: { params: 2, metrics: 3 } }]);
    expect(dry.report.versions).toEqual([{ name: 'imp-model', remoteVersion: '1', version: null, imported: false, reason: 'dry run' }]);
    expect((await h.client.call('runs.search', { limit: 1 })).total).toBe(0);
    const { report, counts } = await importFromServerCounted(h.ctx, what);
    expect(dry.counts).toEqual(counts);
    expect(report.runs).toMatchObject([{ remoteRunId: logged.rid, experiment: 'imp', imported: true }]);
    expect(report.versions).toEqual([{ name: 'imp-model', remoteVersion: '1', version: 1, imported: true }]);
    expect(report.aliases).toEqual([{ name: 'imp-model', alias: 'champion', version: 1 }]);
    const runId = report.runs[0].runId as never;
    const run = await h.client.call('runs.get', { runId });
    expect(run).toMatchObject({ name: 'sk-run', experimentName: 'imp', status: 'FINISHED', params: { alpha: '0.1', solver: 'lbfgs' }, metrics: { loss: 1 / 3 } });
    expect(run.tags).toMatchObject({ team: 'taxi', 'mlflow.imported_run_id': logged.rid });
    expect((await h.client.call('runs.metricHistory', { runId, key: 'loss' })).map((p) => p.value)).toEqual([1, 0.5, 1 / 3]);
    expect(run.artifacts.map((a) => a.path)).toEqual(expect.arrayContaining(['sk/MLmodel', 'sk/model.pkl', 'notes/readme.txt']));
    expect(dry.report.runs[0].planned?.artifacts).toBe(run.artifacts.length);
    const model = await h.client.call('models.get', { name: 'imp-model' });
    expect(model.aliases).toEqual({ champion: 1 });
    expect(model.versions[0].signature.model).toBe('MLflow model (python_function, sklearn)');

    const s = await startBrowserServer({ ctx: h.ctx });
    try {
      const loaded = await runPython(`import json, mlflow, numpy as np
m = mlflow.pyfunc.load_model("models:/imp-model@champion")
print("RESULT " + json.dumps({"pred": [float(x) for x in m.predict(np.array([[10.0]]))]}))`, `http://127.0.0.1:${s.port}`, s.token, dir);
      expect(loaded.pred[0]).toBeCloseTo(21, 9);
    } finally {
      await s.close();
    }

    const again = await importFromMlflow(h.ctx, { trackingUri: mlflow.uri, experiments: ['imp'], runIds: [], models: ['imp-model'] });
    expect(again.runs.map((r) => r.imported)).toEqual([false]);
    expect(again.versions.map((v) => v.imported)).toEqual([false]);
    expect((await h.client.call('runs.search', { filter: "tags.team = 'taxi'" })).total).toBe(1);
    expect((await h.client.call('models.get', { name: 'imp-model' })).versions).toHaveLength(1);

    // pushed back to the server it came from: the same runs and the same version, nothing new — also when the
    // store has no record of the server (a run imported before this store kept one: only its tags say)
    const countOnServer = `import json, mlflow
c = mlflow.MlflowClient()
exp = c.get_experiment_by_name("imp")
print("RESULT " + json.dumps({"runs": len(c.search_runs([exp.experiment_id])), "versions": len(c.search_model_versions("name = 'imp-model'")), "champion": c.get_model_version_by_alias("imp-model", "champion").version}))`;
    const back = await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: ['imp'], runIds: [], models: ['imp-model'] });
    expect(back.report.runs).toEqual([{ runId, remoteRunId: logged.rid, experiment: 'imp', pushed: false }]);
    expect(back.report.versions).toEqual([{ name: 'imp-model', version: 1, remoteVersion: '1', pushed: false }]);
    expect(back.counts).toMatchObject({ experiments: 0, runs: 0, metrics: 0, artifacts: 0, models: 0, versions: 0, errors: 0 });
    expect(back.report.aliases).toEqual([]);
    h.ctx.db.prepare('DELETE FROM mlflow_push_runs').run();
    const dryBack = await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: ['imp'], runIds: [], models: ['imp-model'], dryRun: true });
    expect(dryBack.counts).toMatchObject({ runs: 0, metrics: 0, artifacts: 0, versions: 0 });
    const backAgain = await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: ['imp'], runIds: [], models: ['imp-model'] });
    expect(backAgain.counts).toMatchObject({ runs: 0, metrics: 0, artifacts: 0, versions: 0 });
    expect(await runPython(countOnServer, mlflow.uri, '', dir)).toEqual({ runs: 1, versions: 1, champion: '1' });

    // in an experiment of another name it is another run: pushed as a copy, the model (under sk/, not model/)
    // is version 2 on the MLflow server, loadable there
    await h.client.call('experiments.rename', { experimentId: run.experimentId, name: 'imp-copy' });
    const pushed = await pushToMlflow(h.ctx, { trackingUri: mlflow.uri, experiments: [], runIds: [], models: ['imp-model'] });
    expect(pushed.runs).toMatchObject([{ runId, experiment: 'imp-copy', pushed: true }]);
    expect(pushed.versions).toEqual([{ name: 'imp-model', version: 1, remoteVersion: '2', pushed: true }]);
    const there = await runPython(`import json, mlflow, numpy as np
m = mlflow.pyfunc.load_model("models:/imp-model@champion")
print("RESULT " + json.dumps({"pred": [float(x) for x in m.predict(np.array([[10.0]]))], "source": mlflow.MlflowClient().get_model_version("imp-model", "2").source}))`, mlflow.uri, '', dir);
    expect(there.pred[0]).toBeCloseTo(21, 9);
    expect(there.source).toMatch(/\/artifacts\/sk$/);
  });

  it('pushes back to the run it was pulled from what was logged in Meter since (a point, a tag, notes, a file), exactly that, and no second run', async () => {
    const made = await runPython(`import json, os, mlflow
mlflow.set_experiment("pulled")
with mlflow.start_run(run_name="pulled-run") as run:
    mlflow.log_param("alpha", "0.5")
    for i in range(3): mlflow.log_metric("rmse", 10.0 - i, step=i)
    os.makedirs("pulled-files", exist_ok=True); open("pulled-files/a.txt", "w").write("from mlflow")
    mlflow.log_artifacts("pulled-files", artifact_path="files")
print("RESULT " + json.dumps({"rid": run.info.run_id}))`, mlflow.uri, '', dir) as { rid: string };
    const pulled = await importFromServerCounted(h.ctx, { trackingUri: mlflow.uri, experiments: ['pulled'], runIds: [], models: [] });
    const runId = pulled.report.runs[0].runId as RunId;
    // in Meter, after the pull
    logMetrics(h.ctx.db, runId, [{ key: 'rmse', value: 6.5, step: 3, timestampMs: 1_700_000_000_123 }]);
    setTag(h.ctx.db, runId, 'reviewed', 'yes');
    setNotes(h.ctx.db, runId, 'checked in Meter');
    mkdirSync(join(h.ctx.artifactsDir(runId), 'files'), { recursive: true });
    writeFileSync(join(h.ctx.artifactsDir(runId), 'files', 'b.txt'), 'from meter');
    recordArtifact(h.ctx.db, runId, 'files/b.txt', 10);

    const dry = await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: ['pulled'], runIds: [], models: [], dryRun: true });
    expect(dry.counts).toMatchObject({ runs: 1, metrics: 1, artifacts: 1 });
    const back = await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: ['pulled'], runIds: [], models: [] });
    expect(back.report.runs).toEqual([{ runId, remoteRunId: made.rid, experiment: 'pulled', pushed: true }]);
    expect(back.counts).toMatchObject({ runs: 1, metrics: 1, artifacts: 1, errors: 0 });
    const there = await runPython(`import json, mlflow
c = mlflow.MlflowClient()
exp = c.get_experiment_by_name("pulled")
r = c.get_run("${made.rid}")
h = c.get_metric_history(r.info.run_id, "rmse")
files = sorted(f.path for f in c.list_artifacts(r.info.run_id, "files"))
b = open(mlflow.artifacts.download_artifacts(run_id=r.info.run_id, artifact_path="files/b.txt")).read()
print("RESULT " + json.dumps({"runs": len(c.search_runs([exp.experiment_id])), "points": sorted([m.step, m.value, m.timestamp] for m in h), "tags": r.data.tags, "params": r.data.params, "files": files, "b": b, "status": r.info.status}))`, mlflow.uri, '', dir);
    expect(there.runs).toBe(1);
    expect(there.points).toEqual([[0, 10, expect.any(Number)], [1, 9, expect.any(Number)], [2, 8, expect.any(Number)], [3, 6.5, 1_700_000_000_123]]);
    expect(there.tags).toMatchObject({ reviewed: 'yes', 'mlflow.note.content': 'checked in Meter' });
    expect(there.tags['mlflow.imported_run_id']).toBeUndefined();
    expect(there).toMatchObject({ params: { alpha: '0.5' }, files: ['files/a.txt', 'files/b.txt'], b: 'from meter', status: 'FINISHED' });
    // again: nothing
    const again = await pushCounted(h.ctx, { trackingUri: mlflow.uri, experiments: ['pulled'], runIds: [], models: [] });
    expect(again.counts).toMatchObject({ runs: 0, metrics: 0, artifacts: 0, skipped: 1 });
  });

  it('says what is wrong: nothing chosen, an experiment MLflow lacks, a name Meter can\'t hold', async () => {
    await expect(importFromMlflow(h.ctx, { trackingUri: mlflow.uri, experiments: [], runIds: [], models: [] })).rejects.toThrow(/Say what to import/);
    await expect(importFromMlflow(h.ctx, { trackingUri: mlflow.uri, experiments: ['nope'], runIds: [], models: [] })).rejects.toThrow(/MLflow at http:\/\/127\.0\.0\.1:\d+ answered 404 RESOURCE_DOES_NOT_EXIST to experiments\/get-by-name/);
    await expect(importFromMlflow(h.ctx, { trackingUri: mlflow.uri, experiments: [], runIds: [], models: ['a b'] })).rejects.toThrow(/not allowed \(a space\)/);
    expect(existsSync(join(h.home, 'registry', 'a b'))).toBe(false);
  });
});
