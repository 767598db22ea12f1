import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSample, openHarness, SAMPLE, type Harness } from '../../../test/helpers';
import { parseModelFile, predictorFor } from '../engine/model-file';
import type { RunId } from '../../shared/domain';
import { previousHolder } from './aliases';

describe('model registry', () => {
  let h: Harness;
  const runs: RunId[] = [];
  const count = (table: string) => (h.ctx.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

  beforeAll(async () => {
    h = openHarness();
    const { train, val } = await importSample(h.client);
    for (const alpha of [0.5, 5, 50]) {
      const { jobId, runId } = await h.client.call('jobs.startTraining', { experiment: 'reg', model: 'ridge', featureSet: 'basic', params: { alpha }, train, val });
      await h.client.call('jobs.wait', { jobId });
      runs.push(runId);
    }
  });
  afterAll(() => h.dispose());

  it('numbers versions per model, copies the model and snapshots the run', async () => {
    const v1 = await h.client.call('models.register', { runId: runs[0], name: 'taxi-duration' });
    const v2 = await h.client.call('models.register', { runId: runs[1], name: 'taxi-duration', description: 'alpha 5' });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v2).toMatchObject({ uri: 'models:/taxi-duration/2', description: 'alpha 5', stage: 'None', runExists: true, params: { alpha: '5', model: 'ridge' } });
    expect(v2.metrics.rmse_val).toBeGreaterThan(0);
    expect(v2.datasets.map((d) => [d.role, d.fileName, d.rows, d.month])).toEqual([
      ['train', 'green_tripdata_2023-01.sample.parquet', 5000, '2023-01'], ['val', 'green_tripdata_2023-02.sample.parquet', 5000, '2023-02']]);
    expect(v2.signature.inputs.map((i) => i.name)).toEqual(['PULocationID', 'DOLocationID', 'trip_distance']);
    const other = await h.client.call('models.register', { runId: runs[0], name: 'other-model' });
    expect(other.version).toBe(1);
    const list = await h.client.call('models.list', {});
    expect(list.find((m) => m.name === 'taxi-duration')).toMatchObject({ latestVersion: 2, versionCount: 2 });
  });

  it('keeps aliases unique per model: setting one again moves it, and every move is recorded', async () => {
    expect(await h.client.call('models.setAlias', { name: 'taxi-duration', alias: 'champion', version: 1 })).toMatchObject({ action: 'set', fromVersion: null, toVersion: 1 });
    expect(await h.client.call('models.setAlias', { name: 'taxi-duration', alias: '@champion', version: 2 })).toMatchObject({ action: 'move', fromVersion: 1, toVersion: 2 });
    const m = await h.client.call('models.get', { name: 'taxi-duration' });
    expect(m.aliases).toEqual({ champion: 2 });
    expect(m.versions.find((v) => v.version === 2)?.stage).toBe('Production');
    expect(m.versions.find((v) => v.version === 1)?.aliases).toEqual([]);
    await expect(h.client.call('models.setAlias', { name: 'taxi-duration', alias: 'champion', version: 2 })).rejects.toThrow(/already points at taxi-duration version 2/);
  });

  it('rolls an alias back to its previous holder, and again further back, in the history', async () => {
    const v3 = await h.client.call('models.register', { runId: runs[2], name: 'taxi-duration' });
    await h.client.call('models.setAlias', { name: 'taxi-duration', alias: 'champion', version: v3.version });
    expect(await h.client.call('models.rollback', { name: 'taxi-duration', alias: 'champion' })).toMatchObject({ action: 'rollback', fromVersion: 3, toVersion: 2 });
    expect(await h.client.call('models.rollback', { name: 'taxi-duration', alias: 'champion' })).toMatchObject({ fromVersion: 2, toVersion: 1 });
    await expect(h.client.call('models.rollback', { name: 'taxi-duration', alias: 'champion' })).rejects.toThrow(/has had no other version before taxi-duration version 1/);
    const history = (await h.client.call('models.get', { name: 'taxi-duration' })).history.map((e) => `${e.action}:${e.fromVersion}->${e.toVersion}`);
    expect(history).toEqual(['rollback:2->1', 'rollback:3->2', 'move:2->3', 'move:1->2', 'set:null->1']);
    expect(previousHolder([], 1)).toBeNull();
  });

  it('resolves every URI form to a loadable model file', async () => {
    const byAlias = await h.client.call('models.resolve', { uri: 'models:/taxi-duration@champion' });
    expect(byAlias).toMatchObject({ kind: 'version', name: 'taxi-duration', version: 1, alias: 'champion', runId: runs[0] });
    expect((await h.client.call('models.resolve', { uri: 'models:/taxi-duration/latest' })).version).toBe(3);
    expect((await h.client.call('models.resolve', { uri: 'models:/taxi-duration/2' })).runId).toBe(runs[1]);
    const run = await h.client.call('models.resolve', { uri: `runs:/${runs[1]}/model` });
    expect(run).toMatchObject({ kind: 'run', runId: runs[1], name: null });
    const a = readFileSync(run.modelPath, 'utf8');
    const b = readFileSync((await h.client.call('models.resolve', { uri: 'models:/taxi-duration/2' })).modelPath, 'utf8');
    expect(a).toBe(b);
    for (const [uri, re] of [
      ['models:/taxi-duration@nope', /has no alias @nope/], ['models:/taxi-duration/9', /has no version 9 \(versions 1–3\)/],
      ['models:/Taxi-Duration/1', /No registered model named "Taxi-Duration"; did you mean "taxi-duration"\?/],
      ['s3://bucket/model', /is not a model URI/], ['runs:/nope/model', /No run with id nope/], ['models:/taxi duration/1', /is not allowed \(a space\)/],
    ] as const) await expect(h.client.call('models.resolve', { uri })).rejects.toThrow(re);
  });

  it('keeps a version loadable after its source run is purged', async () => {
    await h.client.call('runs.purge', { runIds: [runs[0]] });
    const v1 = await h.client.call('models.getVersion', { name: 'taxi-duration', version: 1 });
    expect(v1.runExists).toBe(false);
    expect(v1.runName).toMatch(/^ridge-basic-/);
    const { modelPath } = await h.client.call('models.resolve', { uri: 'models:/taxi-duration@champion' });
    const predictor = predictorFor(parseModelFile(JSON.parse(readFileSync(modelPath, 'utf8')), modelPath));
    const out = predictor.predict({ kind: 'green', fileName: 'x', n: 2, duration: new Float64Array(2), pu: Int32Array.of(74, 43), do: Int32Array.of(75, 151), distance: Float64Array.of(2.1, 5) });
    expect(out).toHaveLength(2);
    expect([...out].every((x) => Number.isFinite(x) && x > 0)).toBe(true);
    await expect(h.client.call('models.register', { runId: runs[0], name: 'taxi-duration' })).rejects.toThrow(/No run with id/);
  });

  it('refuses bad names, duplicates, aliases on missing versions, and archiving/deleting an aliased version; nothing half-written', async () => {
    const before = [count('registered_models'), count('model_versions'), count('model_aliases'), count('alias_history')];
    await expect(h.client.call('models.create', { name: 'taxi-duration' })).rejects.toThrow(/already exists/);
    await expect(h.client.call('models.create', { name: 'TAXI-duration' })).rejects.toThrow(/clashes with the registered model "taxi-duration"/);
    await expect(h.client.call('models.register', { runId: runs[1], name: '../evil' })).rejects.toThrow(/not allowed \("\/"\)/);
    await expect(h.client.call('models.register', { runId: runs[1], name: 'a b' })).rejects.toThrow(/a space/);
    await expect(h.client.call('models.setAlias', { name: 'taxi-duration', alias: 'champion', version: 42 })).rejects.toThrow(/has no version 42/);
    await expect(h.client.call('models.setAlias', { name: 'taxi-duration', alias: 'latest', version: 2 })).rejects.toThrow(/reserved/);
    await expect(h.client.call('models.setAlias', { name: 'taxi-duration', alias: 'v2', version: 2 })).rejects.toThrow(/looks like a version number/);
    await expect(h.client.call('models.setArchived', { name: 'taxi-duration', version: 1, archived: true })).rejects.toThrow(/can't be archived while @champion points at it/);
    await expect(h.client.call('models.deleteVersion', { name: 'taxi-duration', version: 1 })).rejects.toThrow(/can't be deleted while @champion points at it/);
    expect([count('registered_models'), count('model_versions'), count('model_aliases'), count('alias_history')]).toEqual(before);
  });

  it('archives and deletes versions that no alias holds; numbers are never reused', async () => {
    expect((await h.client.call('models.setArchived', { name: 'taxi-duration', version: 3, archived: true })).stage).toBe('Archived');
    await expect(h.client.call('models.setAlias', { name: 'taxi-duration', alias: 'challenger', version: 3 })).rejects.toThrow(/is archived/);
    const file = (await h.client.call('models.resolve', { uri: 'models:/taxi-duration/3' })).modelPath;
    await h.client.call('models.deleteVersion', { name: 'taxi-duration', version: 3 });
    expect(existsSync(file)).toBe(false);
    const v4 = await h.client.call('models.register', { runId: runs[2], name: 'taxi-duration' });
    expect(v4.version).toBe(4);
    await h.client.call('models.setDescription', { name: 'taxi-duration', description: 'NYC green taxi trip duration' });
    await h.client.call('models.setTag', { name: 'taxi-duration', version: 4, key: 'validated', value: 'yes' });
    const m = await h.client.call('models.get', { name: 'taxi-duration' });
    expect(m.description).toBe('NYC green taxi trip duration');
    expect(m.versions.find((v) => v.version === 4)?.tags).toEqual({ validated: 'yes' });
  });
});
