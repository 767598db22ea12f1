// One run may hold several models (model/ and other-model/), and a registered version is made of one of them:
// a version elsewhere is this store's only when its run AND its model folder are the same. Against MLflow
// 2.17.2's real tracking server (../shared/mlflow-server), started here twice: two Meter homes pushing versions of
// two models of one run to one server, and one home pulling version 1 of two servers, each of another model of
// the same run. Before, the run alone decided: "already there as version 1", and the aliases moved onto the
// other home's (or the other server's) model.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from '../../../test/helpers';
import { mlflowClientMissing, startMlflowServer } from '../../../test/mlflow-client';
import type { RunId } from '../../shared/domain';
import { importFromServerCounted } from '../../core/mlflow/import';
import { pushCounted } from '../../core/mlflow/push';
import { createMlflowVersion, setMlflowAlias } from '../../core/mlflow/registry';
import { createModelRow } from '../../core/registry/registry-repo';
import { inTransaction } from '../../core/store/db';
import { ensureExperiment } from '../../core/store/experiments-repo';
import { createRun, endRun, logMetrics } from '../../core/store/runs-repo';

const missing = mlflowClientMissing();
if (missing) console.log(`mlflow model folder tests skipped: ${missing}`);

type Server = { uri: string; stop(): void };

describe.skipIf(missing !== null)('a version is the same only with the same run and the same model folder', () => {
  let a: Harness;
  let b: Harness;
  let dir: string;
  let s1: Server;
  let s2: Server;
  const call = async (s: Server, method: 'GET' | 'POST', path: string, q: Record<string, unknown>) => {
    const res = method === 'GET'
      ? await fetch(`${s.uri}/api/2.0/mlflow/${path}?${new URLSearchParams(q as Record<string, string>)}`)
      : await fetch(`${s.uri}/api/2.0/mlflow/${path}`, { method, body: JSON.stringify(q), headers: { 'content-type': 'application/json' } });
    return res.json() as Promise<any>;
  };
  /** The server's versions as [version, model folder, description, tags] and its aliases. */
  const onServer = async (s: Server, name: string) => {
    const versions = ((await call(s, 'GET', 'model-versions/search', { filter: `name = '${name}'` })).model_versions ?? []) as any[];
    const model = (await call(s, 'GET', 'registered-models/get', { name })).registered_model;
    return {
      versions: versions.sort((x, y) => Number(x.version) - Number(y.version))
        .map((v) => [v.version, /artifacts\/(.+)$/.exec(v.source)![1], v.description, Object.fromEntries(((v.tags ?? []) as any[]).map((t) => [t.key, t.value]))]),
      aliases: Object.fromEntries(((model.aliases ?? []) as any[]).map((x) => [x.alias, x.version])),
    };
  };
  const inMeter = async (h: Harness, name: string) => {
    const m = await h.client.call('models.get', { name });
    return { versions: m.versions.map((v) => [v.version, v.description]).sort(), aliases: m.aliases };
  };
  /** A finished run in h holding two models, model/ and other-model/ (each an MLmodel a version is made of). */
  const twoModelRun = (h: Harness, experiment: string): RunId => {
    const exp = ensureExperiment(h.ctx.db, experiment);
    const id = createRun(h.ctx.db, { experimentId: exp.experimentId, name: 'two-models', params: { alpha: '0.1' }, tags: {}, source: { type: 'API', name: 'test' }, inputs: [] });
    logMetrics(h.ctx.db, id, [{ key: 'rmse_val', value: 5, step: 0, timestampMs: 1_700_000_000_000 }]);
    for (const f of ['model', 'other-model']) {
      mkdirSync(join(h.ctx.artifactsDir(id), f), { recursive: true });
      writeFileSync(join(h.ctx.artifactsDir(id), f, 'MLmodel'), `artifact_path: ${f}\nflavors:\n  python_function:\n    loader_module: mlflow.sklearn\n`);
    }
    endRun(h.ctx.db, id, 'FINISHED');
    return id;
  };
  const register = (h: Harness, name: string, runId: string, folder: string, description: string) => {
    if (!h.ctx.db.prepare('SELECT 1 FROM registered_models WHERE name = ?').get(name)) inTransaction(h.ctx.db, () => createModelRow(h.ctx.db, name, ''));
    return createMlflowVersion(h.ctx, { name, source: `runs:/${runId}/${folder}`, runId, description, tags: {} }).version;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meter-mlflow-folders-'));
    mkdirSync(join(dir, 's1'));
    mkdirSync(join(dir, 's2'));
    s1 = await startMlflowServer(join(dir, 's1'));
    s2 = await startMlflowServer(join(dir, 's2'));
    a = openHarness();
    b = openHarness();
  }, 180_000);
  afterAll(async () => {
    s1?.stop();
    s2?.stop();
    await a?.dispose();
    await b?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("two homes, one server: home B's v1 of the run's other model is a new version there, and B's @champion goes to it", async () => {
    const run = twoModelRun(a, 'two-homes');
    register(a, 'shared', run, 'model', 'A: model');
    const pa = await pushCounted(a.ctx, { trackingUri: s1.uri, experiments: ['two-homes'], runIds: [], models: ['shared'] });
    expect(pa.report.versions).toEqual([{ name: 'shared', version: 1, remoteVersion: '1', pushed: true }]);
    // home B pulls the run (not the model), registers its own v1 of the run's other model, and promotes it
    const pulled = await importFromServerCounted(b.ctx, { trackingUri: s1.uri, experiments: ['two-homes'], runIds: [], models: [] });
    register(b, 'shared', pulled.report.runs[0].runId, 'other-model', 'B: other model');
    setMlflowAlias(b.ctx.db, 'shared', 'champion', 1);
    const pb = await pushCounted(b.ctx, { trackingUri: s1.uri, experiments: [], runIds: [], models: ['shared'] });
    expect(pb.report.versions).toEqual([{ name: 'shared', version: 1, remoteVersion: '2', pushed: true }]);
    expect(pb.report.aliases).toEqual([{ name: 'shared', alias: 'champion', remoteVersion: '2' }]);
    expect(pb.counts).toMatchObject({ versions: 1, errors: 0 });
    expect(await onServer(s1, 'shared')).toEqual({
      versions: [['1', 'model', 'A: model', { 'meter.version': '1' }], ['2', 'other-model', 'B: other model', { 'meter.version': '1' }]],
      aliases: { champion: '2' },
    });
    // each home pushing again finds its own version there: nothing new, the alias where B put it
    for (const h of [a, b]) {
      const again = await pushCounted(h.ctx, { trackingUri: s1.uri, experiments: [], runIds: [], models: ['shared'] });
      expect(again.counts).toMatchObject({ versions: 0, errors: 0 });
      expect(again.report.aliases).toEqual([]);
    }
    expect((await onServer(s1, 'shared')).aliases).toEqual({ champion: '2' });
    // and A pulling brings B's version as a new one of its run's other model, leaving v1 as it was
    const back = await importFromServerCounted(a.ctx, { trackingUri: s1.uri, experiments: [], runIds: [], models: ['shared'] });
    expect(back.report.versions).toEqual([
      { name: 'shared', remoteVersion: '1', version: 1, imported: false },
      { name: 'shared', remoteVersion: '2', version: 2, imported: true },
    ]);
    expect(await inMeter(a, 'shared')).toEqual({ versions: [[1, 'A: model'], [2, 'B: other model']], aliases: { champion: 2 } });
  }, 180_000);

  it("two servers, one run: server 2's version 1 of the run's other model is not the v1 pulled from server 1", async () => {
    const run = twoModelRun(a, 'two-servers');
    const placed: { s: Server; remote: string; artifacts: string }[] = [];
    for (const s of [s1, s2]) {
      const pushed = await pushCounted(a.ctx, { trackingUri: s.uri, experiments: [], runIds: [run], models: [] });
      const remote = pushed.report.runs[0].remoteRunId;
      placed.push({ s, remote, artifacts: (await call(s, 'GET', 'runs/get', { run_id: remote })).run.info.artifact_uri });
    }
    // on each server a teammate registers version 1 of another of the run's models; server 2's is @prod
    for (const [i, folder] of ['model', 'other-model'].entries()) {
      const { s, remote, artifacts } = placed[i];
      await call(s, 'POST', 'registered-models/create', { name: 'dual' });
      await call(s, 'POST', 'model-versions/create', { name: 'dual', source: `${artifacts}/${folder}`, run_id: remote, description: `S${i + 1}: ${folder}` });
    }
    await call(s2, 'POST', 'registered-models/alias', { name: 'dual', alias: 'prod', version: '1' });

    const p1 = await importFromServerCounted(a.ctx, { trackingUri: s1.uri, experiments: [], runIds: [], models: ['dual'] });
    expect(p1.report.versions).toEqual([{ name: 'dual', remoteVersion: '1', version: 1, imported: true }]);
    const p2 = await importFromServerCounted(a.ctx, { trackingUri: s2.uri, experiments: [], runIds: [], models: ['dual'] });
    expect(p2.report.versions).toEqual([{ name: 'dual', remoteVersion: '1', version: 2, imported: true }]);
    expect(p2.report.aliases).toEqual([{ name: 'dual', alias: 'prod', version: 2 }]);
    expect(await inMeter(a, 'dual')).toEqual({ versions: [[1, 'S1: model'], [2, 'S2: other-model']], aliases: { prod: 2 } });
    // pulled again from either, each is the version it made: nothing new, @prod stays on v2
    for (const s of [s1, s2]) {
      const again = await importFromServerCounted(a.ctx, { trackingUri: s.uri, experiments: [], runIds: [], models: ['dual'] });
      expect(again.counts.versions).toBe(0);
      expect(again.report.aliases).toEqual([]);
    }
    expect((await inMeter(a, 'dual')).aliases).toEqual({ prod: 2 });
    // pushed to server 2: v2 is its version 1 (skipped), v1 (server 1's model) goes as a new version 2
    const pushed = await pushCounted(a.ctx, { trackingUri: s2.uri, experiments: [], runIds: [], models: ['dual'] });
    expect(pushed.report.versions).toEqual([
      { name: 'dual', version: 1, remoteVersion: '2', pushed: true },
      { name: 'dual', version: 2, remoteVersion: '1', pushed: false },
    ]);
    expect((await onServer(s2, 'dual')).versions.map(([v, folder]) => [v, folder])).toEqual([['1', 'other-model'], ['2', 'model']]);
    expect((await onServer(s2, 'dual')).aliases).toEqual({ prod: '1' });
  }, 180_000);
});
