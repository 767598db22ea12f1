// MLflow's own Python client (2.17.2, the real one from ../shared/mlflow-server) logs into Meter: every
// operation a notebook uses, then the same data seen through Meter's contract — one store, two front doors.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCore } from '../../core/context';
import { importSample, openHarness, type Harness } from '../../../test/helpers';
import { mlflowClientMissing, runPython } from '../../../test/mlflow-client';
import { startBrowserServer, type BrowserServer } from '../browser-server';

const missing = mlflowClientMissing();
if (missing) console.log(`mlflow-client tests skipped: ${missing}`);

describe.skipIf(missing !== null)('MLflow Python client against Meter', () => {
  let h: Harness;
  let s: BrowserServer;
  let work: string;
  const py = (script: string) => runPython(`import json, mlflow, numpy as np\nfrom mlflow import MlflowClient\nc = MlflowClient()\n${script}`, `http://127.0.0.1:${s.port}`, s.token, work);

  beforeAll(async () => {
    h = openHarness();
    s = await startBrowserServer({ ctx: h.ctx });
    work = mkdtempSync(join(tmpdir(), 'meter-mlflow-py-'));
  });
  afterAll(async () => { await s.close(); await h.dispose(); rmSync(work, { recursive: true, force: true }); });

  it('experiments: create, get, get-by-name, search, update, delete and restore', async () => {
    const r = await py(`
eid = c.create_experiment("exp-a", tags={"team": "taxi"})
got = c.get_experiment(eid)
by_name = c.get_experiment_by_name("exp-a")
c.rename_experiment(eid, "exp-b")
renamed = c.get_experiment(eid).name
found = [e.name for e in c.search_experiments(filter_string="name LIKE 'exp-%'")]
c.delete_experiment(eid)
deleted = c.get_experiment(eid).lifecycle_stage
active = [e.name for e in c.search_experiments()]
c.restore_experiment(eid)
try:
    c.create_experiment("exp-b"); dup = None
except mlflow.exceptions.MlflowException as e:
    dup = e.error_code
try:
    c.get_experiment("999"); missing = None
except mlflow.exceptions.MlflowException as e:
    missing = e.error_code
default = c.get_experiment("0").name
print("RESULT " + json.dumps({"eid": eid, "name": got.name, "tags": got.tags, "byName": by_name.experiment_id, "renamed": renamed, "found": found,
  "deleted": deleted, "active": active, "restored": c.get_experiment(eid).lifecycle_stage, "dup": dup, "missing": missing, "default": default,
  "artifact": got.artifact_location}))
`);
    expect(r).toMatchObject({ name: 'exp-a', tags: { team: 'taxi' }, byName: r.eid, renamed: 'exp-b', found: ['exp-b'], deleted: 'deleted', restored: 'active',
      dup: 'RESOURCE_ALREADY_EXISTS', missing: 'RESOURCE_DOES_NOT_EXIST', default: 'Default', artifact: `mlflow-artifacts:/${r.eid}` });
    expect(r.eid).toMatch(/^\d+$/);
    expect(r.active).not.toContain('exp-b');
    const meter = await h.client.call('experiments.list', {});
    expect(meter.map((e) => e.name)).toContain('exp-b');
  });

  it('runs: params, metrics with steps, batches, tags, inputs, update, history, search with filter and order_by, delete and restore', async () => {
    const r = await py(`
mlflow.set_experiment("runs-exp")
ids = []
for alpha, acc in [(0.1, 0.9), (0.5, 0.7), (1.0, 0.4)]:
    with mlflow.start_run(run_name=f"a{alpha}") as run:
        mlflow.log_param("alpha", alpha)
        mlflow.log_params({"solver": "lbfgs", "l1_ratio": 0.5})
        for i in range(4): mlflow.log_metric("loss", 1.0 / (i + 1), step=i)
        mlflow.log_metrics({"acc": acc, "f1": acc - 0.1})
        mlflow.set_tag("team", "taxi")
        mlflow.set_tags({"drop": "me", "kind": "smoke"})
        c.delete_tag(run.info.run_id, "drop")
        import pandas as pd
        ds = mlflow.data.from_pandas(pd.DataFrame({"x": [1.0, 2.0], "y": [3.0, 4.0]}), name="train-ds")
        mlflow.log_input(ds, context="training")
        ids.append(run.info.run_id)
from mlflow.models import Model
big = Model(artifact_path="big", run_id=ids[0], flavors={"python_function": {"loader_module": "x"}}, signature_text="x" * 6000)
c._tracking_client.store.record_logged_model(ids[0], big)
c.log_batch(ids[0], metrics=[mlflow.entities.Metric("extra", 2.5, 0, 0)], params=[mlflow.entities.Param("batch", "yes")], tags=[mlflow.entities.RunTag("b", "1")])
try:
    c.log_param(ids[0], "alpha", 0.2); clash = None
except mlflow.exceptions.MlflowException as e:
    clash = e.error_code
run = c.get_run(ids[0])
hist = [[m.step, m.value] for m in c.get_metric_history(ids[0], "loss")]
exp = mlflow.get_experiment_by_name("runs-exp").experiment_id
found = c.search_runs([exp], "metrics.acc > 0.5 and params.solver = 'lbfgs' and tags.team = 'taxi'", order_by=["metrics.acc ASC"])
df = mlflow.search_runs(experiment_ids=[exp], filter_string="params.alpha IN ('0.5', '1.0')", order_by=["params.alpha DESC"])
none = c.search_runs([exp], "metrics.never_logged > 1")
unordered = len(c.search_runs([exp], order_by=["metrics.never_logged DESC", "metrics.acc DESC"]))
paged = c.search_runs([exp], max_results=2)
c.delete_run(ids[2])
after_delete = len(c.search_runs([exp]))
deleted_only = [x.info.run_id for x in c.search_runs([exp], run_view_type=mlflow.entities.ViewType.DELETED_ONLY)]
c.restore_run(ids[2])
c.set_terminated(ids[1], status="FAILED")
print("RESULT " + json.dumps({"ids": ids, "status": run.info.status, "params": run.data.params, "metrics": run.data.metrics, "tags": run.data.tags,
  "inputs": [[d.dataset.name, d.tags[0].value] for d in run.inputs.dataset_inputs], "clash": clash, "hist": hist,
  "found": [x.data.metrics["acc"] for x in found], "df": list(df["params.alpha"]), "none": len(none), "unordered": unordered, "paged": [len(paged), paged.token is not None],
  "afterDelete": after_delete, "deletedOnly": deleted_only, "failed": c.get_run(ids[1]).info.status, "artifactUri": run.info.artifact_uri, "exp": exp}))
`);
    expect(r.ids.every((id: string) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
    expect(r).toMatchObject({
      status: 'FINISHED', params: { alpha: '0.1', solver: 'lbfgs', l1_ratio: '0.5', batch: 'yes' }, metrics: { loss: 0.25, acc: 0.9, extra: 2.5 },
      inputs: [['train-ds', 'training']], clash: 'INVALID_PARAMETER_VALUE', hist: [[0, 1], [1, 0.5], [2, 1 / 3], [3, 0.25]],
      found: [0.7, 0.9], df: ['1.0', '0.5'], none: 0, unordered: 3, paged: [2, true], afterDelete: 2, deletedOnly: [r.ids[2]], failed: 'FAILED',
      artifactUri: `mlflow-artifacts:/${r.exp}/${r.ids[0]}/artifacts`,
    });
    expect(r.tags).toMatchObject({ team: 'taxi', kind: 'smoke', b: '1', 'mlflow.runName': 'a0.1' });
    expect(r.tags.drop).toBeUndefined();
    expect(JSON.parse(r.tags['mlflow.log-model.history'])).toMatchObject([{ artifact_path: 'big', flavors: { python_function: {} } }]);
    // The same runs through Meter's own contract: the runs table, a run's page, Meter's filter language.
    const meter = await h.client.call('runs.search', { filter: "params.solver = 'lbfgs'", orderBy: 'metrics.acc DESC' });
    expect(meter.runs.map((x) => x.runId)).toEqual(r.ids);
    const run = await h.client.call('runs.get', { runId: r.ids[0] });
    expect(run).toMatchObject({ name: 'a0.1', experimentName: 'runs-exp', status: 'FINISHED', source: { type: 'API' }, historyKeys: ['loss'] });
    expect((await h.client.call('runs.get', { runId: r.ids[1] })).status).toBe('FAILED');
  });

  it("a run trained in Meter has MLflow's tags.mlflow.runName (its name, after a rename too), and a filter on it finds it", async () => {
    const data = await importSample(h.client);
    const started = await h.client.call('jobs.startTraining', { experiment: 'meter-trained', runName: 'ridge-meter', model: 'ridge', featureSet: 'basic', params: { alpha: 1 }, ...data });
    await h.client.call('jobs.wait', { jobId: started.jobId });
    const read = async () => py(`
exp = mlflow.get_experiment_by_name("meter-trained").experiment_id
df = mlflow.search_runs(experiment_ids=[exp], filter_string="params.model = 'ridge'")
by_tag = [x.info.run_id for x in c.search_runs([exp], "tags.mlflow.runName = 'ridge-renamed'")]
ordered = [x.data.tags["mlflow.runName"] for x in c.search_runs([exp], order_by=["tags.mlflow.runName ASC"])]
print("RESULT " + json.dumps({"names": list(df["tags.mlflow.runName"]), "byTag": by_tag, "ordered": ordered}))
`);
    expect(await read()).toEqual({ names: ['ridge-meter'], byTag: [], ordered: ['ridge-meter'] });
    await h.client.call('runs.rename', { runId: started.runId, name: 'ridge-renamed' });
    expect(await read()).toEqual({ names: ['ridge-renamed'], byTag: [started.runId], ordered: ['ridge-renamed'] });
    // Meter's own filter language reads the tag the same way
    expect((await h.client.call('runs.search', { filter: "tags.mlflow.runName = 'ridge-renamed'" })).runs.map((x) => x.runId)).toEqual([started.runId]);
  }, 120_000);

  it('artifacts: log_artifact(s) upload through mlflow-artifacts, list and download; Meter records them on the run', async () => {
    const r = await py(`
import os
os.makedirs("up/sub", exist_ok=True)
open("up/a.txt", "w").write("alpha")
open("up/sub/b.json", "w").write('{"b": 1}')
with mlflow.start_run() as run:
    mlflow.log_artifact("up/a.txt")
    mlflow.log_artifacts("up", artifact_path="bundle")
    mlflow.log_dict({"k": [1, 2]}, "meta/d.json")
    rid = run.info.run_id
top = sorted([(a.path, a.is_dir) for a in c.list_artifacts(rid)])
inner = sorted([(a.path, a.file_size) for a in c.list_artifacts(rid, "bundle/sub")])
os.makedirs("down", exist_ok=True)
local = c.download_artifacts(rid, "bundle", "down")
text = open(os.path.join(local, "sub", "b.json")).read()
print("RESULT " + json.dumps({"rid": rid, "top": top, "inner": inner, "text": text, "dict": mlflow.artifacts.load_dict(f"runs:/{rid}/meta/d.json")}))
`);
    expect(r.top).toEqual([['a.txt', false], ['bundle', true], ['meta', true]]);
    expect(r.inner).toEqual([['bundle/sub/b.json', 8]]);
    expect(r.text).toBe('{"b": 1}');
    expect(r.dict).toEqual({ k: [1, 2] });
    const run = await h.client.call('runs.get', { runId: r.rid });
    expect(run.artifacts.map((a) => a.path)).toEqual(['a.txt', 'bundle/a.txt', 'bundle/sub/b.json', 'meta/d.json']);
  });

  it('sklearn log_model, register_model, aliases and pyfunc.load_model("models:/NAME@champion") downloading from Meter; Meter lists the version and says it can\'t score it', async () => {
    const r = await py(`
from sklearn.linear_model import LinearRegression
mlflow.set_experiment("sk")
X = np.array([[1.0], [2.0], [3.0], [4.0]]); y = 2 * X[:, 0] + 1
with mlflow.start_run() as run:
    mlflow.log_param("fit_intercept", True)
    mlflow.log_metric("rmse", 0.0)
    mlflow.sklearn.log_model(LinearRegression().fit(X, y), "model")
    rid = run.info.run_id
v1 = mlflow.register_model(f"runs:/{rid}/model", "sk-lin")
v2 = mlflow.register_model(f"runs:/{rid}/model", "sk-lin")
c.set_registered_model_alias("sk-lin", "champion", v1.version)
c.set_registered_model_alias("sk-lin", "champion", v2.version)
c.set_registered_model_alias("sk-lin", "challenger", v1.version)
by_alias = c.get_model_version_by_alias("sk-lin", "champion").version
c.delete_registered_model_alias("sk-lin", "challenger")
aliases = c.get_registered_model("sk-lin").aliases
model = mlflow.pyfunc.load_model("models:/sk-lin@champion")
pred = [float(p) for p in model.predict(np.array([[10.0]]))]
sk = mlflow.sklearn.load_model("models:/sk-lin/1")
print("RESULT " + json.dumps({"rid": rid, "versions": [v1.version, v2.version], "byAlias": by_alias, "aliases": aliases, "pred": pred,
  "coef": float(sk.coef_[0]), "history": json.loads(c.get_run(rid).data.tags["mlflow.log-model.history"])[0]["artifact_path"]}))
`);
    expect(r).toMatchObject({ versions: ['1', '2'], byAlias: '2', aliases: { champion: '2' }, coef: 2, history: 'model' });
    expect(r.pred[0]).toBeCloseTo(21, 9);
    const m = await h.client.call('models.get', { name: 'sk-lin' });
    expect(m.aliases).toEqual({ champion: 2 });
    expect(m.versions.map((v) => [v.version, v.runId, v.stage])).toEqual([[2, r.rid, 'Production'], [1, r.rid, 'None']]);
    expect(m.versions[0].signature.model).toBe('MLflow model (python_function, sklearn)');
    await expect(h.client.call('scoring.start', { modelUri: 'models:/sk-lin@champion', inputs: [join(work, 'x.parquet')] }))
      .rejects.toThrow(/models:\/sk-lin@champion is an MLflow model with flavors python_function, sklearn; Meter can score only models in Meter's own format/);
    // Another Meter opening this home (its crash cleanup runs) keeps the client's model folder: it is recorded.
    await openCore({ home: h.home }).close();
    expect(existsSync(join(h.home, 'artifacts', r.rid, 'model', 'MLmodel'))).toBe(true);
  });

  it('registry: registered models and versions through MlflowClient, every call', async () => {
    const r = await py(`
from sklearn.linear_model import LinearRegression
with mlflow.start_run() as run:
    mlflow.sklearn.log_model(LinearRegression().fit(np.array([[0.0], [1.0]]), np.array([0.0, 1.0])), "m")
    rid = run.info.run_id
c.create_registered_model("reg-a", tags={"owner": "me"}, description="first")
try:
    c.create_registered_model("reg-a"); dup = None
except mlflow.exceptions.MlflowException as e:
    dup = e.error_code
src = c.get_run(rid).info.artifact_uri + "/m"
mv = c.create_model_version("reg-a", src, rid, tags={"via": "client"}, description="v1")
c.update_registered_model("reg-a", description="second")
c.set_registered_model_tag("reg-a", "k", "v")
c.delete_registered_model_tag("reg-a", "owner")
c.update_model_version("reg-a", mv.version, description="v1 updated")
c.set_model_version_tag("reg-a", mv.version, "validated", "true")
c.delete_model_version_tag("reg-a", mv.version, "via")
got = c.get_model_version("reg-a", mv.version)
uri = c.get_model_version_download_uri("reg-a", mv.version)
c.rename_registered_model("reg-a", "reg-b")
model = c.get_registered_model("reg-b")
found = [m.name for m in c.search_registered_models(filter_string="name LIKE 'reg-%'")]
versions = [(v.name, v.version, v.run_id) for v in c.search_model_versions(f"run_id = '{rid}'")]
mv2 = c.create_model_version("reg-b", src, rid)
c.delete_model_version("reg-b", mv2.version)
left = [v.version for v in c.search_model_versions("name = 'reg-b'")]
c.delete_registered_model("reg-b")
try:
    c.get_registered_model("reg-b"); gone = None
except mlflow.exceptions.MlflowException as e:
    gone = e.error_code
print("RESULT " + json.dumps({"dup": dup, "desc": got.description, "tags": got.tags, "uri": uri, "name": model.name, "modelDesc": model.description,
  "modelTags": model.tags, "latest": [v.version for v in model.latest_versions], "found": found, "versions": versions, "left": left, "gone": gone, "rid": rid}))
`);
    expect(r).toMatchObject({
      dup: 'RESOURCE_ALREADY_EXISTS', desc: 'v1 updated', tags: { validated: 'true' }, uri: 'mlflow-artifacts:/registry/reg-a/v1', name: 'reg-b',
      modelDesc: 'second', modelTags: { k: 'v' }, latest: ['1'], found: ['reg-b'], versions: [['reg-b', '1', r.rid]], left: ['1'], gone: 'RESOURCE_DOES_NOT_EXIST',
    });
    expect((await h.client.call('models.list', {})).map((m) => m.name)).not.toContain('reg-b');
  });
});
