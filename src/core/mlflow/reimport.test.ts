// Importing an MLflow store again brings what the first import lacked (a newcomer's trial: `import-mlflow
// sqlite:///mlflow.db` run first without --artifacts DIR, then with it, changed nothing — every run "already
// here", no files, no model versions, forever). MLflow 2.17.2's real Python client writes the stores: an
// mlflow.db whose artifact folder is then moved away (as when a user copies their work over), and an ./mlruns
// file store whose runs' artifact folders are moved out of it. Without --artifacts the runs come without files
// and the registered versions can't be made; with it the files come (byte-equal), then the versions and the
// alias; a third time nothing; a dry run counts what the import then brings. A file here that differs from
// the store's is kept and named, a file missing here comes back. A pull from MLflow's real server takes the
// same path: a pull cut off before a run's files came is completed by the next.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, openHarness, type Harness } from '../../../test/helpers';
import { mlflowClientMissing, runPython, startMlflowServer } from '../../../test/mlflow-client';
import { importFromServerCounted } from './import';
import { importFromStoreCounted } from './local-store';

// One notebook, logged twice: into mlflow.db (artifacts under ./mlruns beside it) and into a file store.
const SCRIPT = `import json, os, mlflow, numpy as np
from sklearn.linear_model import LinearRegression
def log(uri):
    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment("course")
    with mlflow.start_run(run_name="baseline") as run:
        mlflow.log_param("alpha", 0.1)
        mlflow.log_metric("rmse", 9.5)
        os.makedirs("notes/deep", exist_ok=True)
        open("notes/readme.txt", "w").write("hello")
        open("notes/deep/data.bin", "wb").write(bytes(range(256)) * 40)
        mlflow.log_artifacts("notes", artifact_path="notes")
        mlflow.sklearn.log_model(LinearRegression().fit(np.array([[1.0], [2.0]]), np.array([3.0, 5.0])), "model")
        rid = run.info.run_id
    with mlflow.start_run(run_name="no files") as run2:
        mlflow.log_metric("rmse", 7.0)
    c = mlflow.MlflowClient()
    c.create_registered_model("taxi")
    c.create_model_version("taxi", f"runs:/{rid}/model", rid)
    c.create_model_version("taxi", f"runs:/{rid}/model", rid)
    c.set_registered_model_alias("taxi", "champion", "2")
    return {"rid": rid, "rid2": run2.info.run_id}
os.makedirs("sql"); os.chdir("sql")
a = log("sqlite:///" + os.path.abspath("mlflow.db"))
os.chdir("..")
b = log("file://" + os.path.abspath("mlruns"))
print("RESULT " + json.dumps({"sql": a, "files": b}))`;

type Logged = { rid: string; rid2: string };
const missing = mlflowClientMissing();
if (missing) console.log(`mlflow re-import tests skipped: ${missing}`);

/** Every file below dir, by its path relative to dir. */
function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => statSync(join(dir, p)).isFile()).map((p) => p.split('\\').join('/')).sort();
}

/** A run's artifact folder below an artifact root: <experiment>/<run>/artifacts. */
function runFolder(root: string, runId: string): string {
  const exp = readdirSync(root).find((e) => existsSync(join(root, e, runId)));
  if (!exp) throw new Error(`no folder of run ${runId} below ${root}`);
  return join(root, exp, runId, 'artifacts');
}

describe.skipIf(missing !== null)('importing an MLflow store again brings what the first import lacked', () => {
  let dir: string;
  let logged: { sql: Logged; files: Logged };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meter-mlflow-reimport-'));
    logged = await runPython(SCRIPT, 'file:///dev/null', '', dir);
    // the SQLite store's artifact folder moves away (its recorded paths go stale)
    renameSync(join(dir, 'sql', 'mlruns'), join(dir, 'sql-artifacts'));
    // the file store's runs lose their artifact folders to another place, <experiment>/<run>/artifacts below it
    for (const exp of readdirSync(join(dir, 'mlruns'))) {
      for (const run of existsSync(join(dir, 'mlruns', exp, 'meta.yaml')) ? readdirSync(join(dir, 'mlruns', exp)) : []) {
        if (!existsSync(join(dir, 'mlruns', exp, run, 'artifacts'))) continue;
        mkdirSync(join(dir, 'files-artifacts', exp, run), { recursive: true });
        renameSync(join(dir, 'mlruns', exp, run, 'artifacts'), join(dir, 'files-artifacts', exp, run, 'artifacts'));
      }
    }
  }, 180_000);
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  const stores = () => [
    { kind: 'mlflow.db', source: `sqlite:///${join(dir, 'sql', 'mlflow.db')}`, artifacts: join(dir, 'sql-artifacts'), logged: logged.sql },
    { kind: './mlruns', source: join(dir, 'mlruns'), artifacts: join(dir, 'files-artifacts'), logged: logged.files },
  ];

  for (const which of [0, 1]) {
    it(`${which === 0 ? 'mlflow.db' : './mlruns'}: without --artifacts, then with (dry run first), then again`, async () => {
      const s = stores()[which];
      const h = openHarness();
      try {
        const first = await importFromStoreCounted(h.ctx, { source: s.source });
        expect(first.counts).toMatchObject({ runs: 2, artifacts: 0, versions: 0 });
        expect(first.report.runs.map((r) => [r.remoteRunId, r.imported])).toEqual([[s.logged.rid, true], [s.logged.rid2, true]]);
        expect(first.report.runs[0].artifactsSkipped).toMatch(/no artifact folder at /);
        expect(first.report.versions.map((v) => [v.remoteVersion, v.version, v.reason])).toEqual([['1', null, expect.stringMatching(/holds no MLmodel file/)], ['2', null, expect.stringMatching(/holds no MLmodel file/)]]);
        const runId = first.report.runs[0].runId;
        const mine = h.ctx.artifactsDir(runId);

        const sourceFolder = runFolder(s.artifacts, s.logged.rid);
        const expected = filesBelow(sourceFolder);
        expect(expected).toEqual(expect.arrayContaining(['notes/readme.txt', 'notes/deep/data.bin', 'model/MLmodel', 'model/model.pkl']));

        // a dry run says what the import will bring, and writes nothing
        const dry = await importFromStoreCounted(h.ctx, { source: s.source, artifactsDir: s.artifacts }, {}, true);
        expect(existsSync(mine) ? filesBelow(mine) : []).toEqual([]);
        expect(dry.report.runs[0]).toMatchObject({ remoteRunId: s.logged.rid, runId, imported: false, artifactsAdded: expected.length });
        expect(dry.report.versions.map((v) => v.reason)).toEqual(['dry run', 'dry run']);

        const second = await importFromStoreCounted(h.ctx, { source: s.source, artifactsDir: s.artifacts });
        expect(second.counts).toEqual(dry.counts);
        expect(second.counts).toMatchObject({ runs: 0, artifacts: expected.length, versions: 2, models: 0 });
        expect(second.report.runs[0]).toMatchObject({ runId, imported: false, artifactsAdded: expected.length });
        expect(second.report.runs[0].artifactConflicts).toBeUndefined();
        expect(filesBelow(mine)).toEqual(expected);
        for (const f of expected) expect(readFileSync(join(mine, f)).equals(readFileSync(join(sourceFolder, f)))).toBe(true);
        const run = await h.client.call('runs.get', { runId: runId as never });
        expect(run.artifacts.map((a) => a.path).sort()).toEqual(expected);
        expect(second.report.versions.map((v) => [v.remoteVersion, v.version, v.imported])).toEqual([['1', 1, true], ['2', 2, true]]);
        expect(second.report.aliases).toEqual([{ name: 'taxi', alias: 'champion', version: 2 }]);
        const model = await h.client.call('models.get', { name: 'taxi' });
        expect(model.versions.map((v) => v.runId)).toEqual([runId, runId]);
        expect(model.aliases).toEqual({ champion: 2 });

        // a third time nothing comes, nor would
        const third = await importFromStoreCounted(h.ctx, { source: s.source, artifactsDir: s.artifacts });
        expect(third.counts).toMatchObject({ experiments: 0, runs: 0, metrics: 0, artifacts: 0, models: 0, versions: 0 });
        expect(third.report.runs[0].artifactsAdded).toBeUndefined();
        expect((await importFromStoreCounted(h.ctx, { source: s.source, artifactsDir: s.artifacts }, {}, true)).counts).toEqual(third.counts);

        // a file lost here comes back; one here with other bytes than the store's is kept, and said
        unlinkSync(join(mine, 'notes', 'deep', 'data.bin'));
        writeFileSync(join(mine, 'notes', 'readme.txt'), 'my edit');
        const fourth = await importFromStoreCounted(h.ctx, { source: s.source, artifactsDir: s.artifacts });
        expect(fourth.counts.artifacts).toBe(1);
        expect(fourth.report.runs[0]).toMatchObject({ artifactsAdded: 1, artifactConflicts: ['notes/readme.txt'] });
        expect(readFileSync(join(mine, 'notes', 'readme.txt'), 'utf8')).toBe('my edit');
        expect(readFileSync(join(mine, 'notes', 'deep', 'data.bin')).equals(readFileSync(join(sourceFolder, 'notes', 'deep', 'data.bin')))).toBe(true);
        expect(filesBelow(mine)).toEqual(expected); // no temporary file left behind
        expect((await h.client.call('models.get', { name: 'taxi' })).versions).toHaveLength(2);
      } finally {
        await h.dispose();
      }
    }, 120_000);
  }

  it('the built CLI says what a re-import added: `meter import-mlflow sqlite:///… --artifacts DIR`', async () => {
    const s = stores()[0];
    const h = openHarness();
    try {
      const meter = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', h.home, 'import-mlflow', s.source, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, METER_HOME: '' } });
      const first = meter();
      expect(first.stderr).toBe('');
      expect(first.stdout).toContain('taxi version 1 → not imported: ');
      const dry = meter('--artifacts', relative(dir, s.artifacts), '--dry-run');
      expect(dry.stderr).toBe('');
      const n = filesBelow(runFolder(s.artifacts, s.logged.rid)).length;
      expect(dry.stdout).toMatch(new RegExp(`^run ${s.logged.rid} → already here as [0-9a-f]{32} \\(experiment course\\); would add ${n} artifact files it lacked$`, 'm'));
      expect(dry.stdout).toContain('would import taxi version 1\nwould import taxi version 2\n');
      const real = meter('--artifacts', relative(dir, s.artifacts));
      expect(real.stderr).toBe('');
      expect(real.status).toBe(0);
      expect(real.stdout).toMatch(new RegExp(`^run ${s.logged.rid} → already here as [0-9a-f]{32} \\(experiment course\\); added ${n} artifact files it lacked$`, 'm'));
      expect(real.stdout).toContain('taxi version 1 → v1\ntaxi version 2 → v2\ntaxi@champion → v2\n');
      const again = meter('--artifacts', relative(dir, s.artifacts));
      expect(again.stdout).not.toContain('added');
      expect(again.stdout).toContain('taxi version 2 → already here as v2\n');
    } finally {
      await h.dispose();
    }
  }, 120_000);
});

describe.skipIf(missing !== null)('pulling from a real MLflow server again brings a run\'s files it lacked', () => {
  let dir: string;
  let mlflow: { uri: string; stop(): void };
  let rid: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meter-mlflow-repull-'));
    mlflow = await startMlflowServer(dir);
    rid = (await runPython(`import json, os, mlflow, numpy as np
from sklearn.linear_model import LinearRegression
mlflow.set_experiment("repull")
with mlflow.start_run(run_name="sk") as run:
    os.makedirs("notes", exist_ok=True); open("notes/readme.txt", "w").write("hello")
    mlflow.log_artifacts("notes", artifact_path="notes")
    mlflow.sklearn.log_model(LinearRegression().fit(np.array([[1.0], [2.0]]), np.array([3.0, 5.0])), "model")
    rid = run.info.run_id
mlflow.register_model(f"runs:/{rid}/model", "repull-model")
print("RESULT " + json.dumps({"rid": rid}))`, mlflow.uri, '', dir) as { rid: string }).rid;
  }, 180_000);
  afterAll(() => { mlflow?.stop(); if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('a run here without its model folder gets it back, then its version; a file here of another size is kept and said', async () => {
    const h = openHarness();
    try {
      const pull = (models: string[], dryRun = false) => importFromServerCounted(h.ctx, { trackingUri: mlflow.uri, experiments: ['repull'], runIds: [], models, dryRun });
      const first = await pull([]);
      const runId = first.report.runs[0].runId;
      const mine = h.ctx.artifactsDir(runId);
      const all = filesBelow(mine);
      expect(all).toEqual(expect.arrayContaining(['notes/readme.txt', 'model/MLmodel', 'model/model.pkl']));
      // as if that pull had been cut off before the model's files came; and the note edited here
      const model = all.filter((f) => f.startsWith('model/'));
      rmSync(join(mine, 'model'), { recursive: true });
      writeFileSync(join(mine, 'notes', 'readme.txt'), 'edited here');

      const dry = await pull(['repull-model'], true);
      expect(filesBelow(mine)).toEqual(['notes/readme.txt']);
      expect(dry.report.runs[0]).toMatchObject({ runId, artifactsAdded: model.length, artifactConflicts: ['notes/readme.txt'] });
      const again = await pull(['repull-model']);
      expect(again.counts).toEqual(dry.counts);
      expect(again.counts).toMatchObject({ runs: 0, artifacts: model.length, versions: 1 });
      expect(again.report.runs[0]).toMatchObject({ runId, imported: false, artifactsAdded: model.length, artifactConflicts: ['notes/readme.txt'] });
      expect(filesBelow(mine)).toEqual(all);
      expect(readFileSync(join(mine, 'notes', 'readme.txt'), 'utf8')).toBe('edited here');
      expect(again.report.versions).toEqual([{ name: 'repull-model', remoteVersion: '1', version: 1, imported: true }]);
      const third = await pull(['repull-model']);
      expect(third.counts).toMatchObject({ runs: 0, artifacts: 0, versions: 0 });
      expect(third.report.runs[0].artifactsAdded).toBeUndefined();
    } finally {
      await h.dispose();
    }
  }, 120_000);
});
