// Several files per role through the API: each file is its own dataset and run input (in the order given) with
// the trips the run used from it; a set that mixes kinds, an unknown id, or a bad file among several changes
// nothing. Real parquet: the shipped samples, and the January sample rewritten as a yellow file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import type { Dataset } from '../../shared/domain';
import { asDatasetId, asRunId } from '../../shared/domain';
import { loadTrips } from '../data/tlc-reader';
import { openHarness, SAMPLE, tempDir, tuningUntil, type Harness } from '../../../test/helpers';

describe('training on several files', () => {
  let h: Harness;
  let jan: Dataset;
  let feb: Dataset;
  const dir = tempDir('meter-multi-runs-');
  const yellow = join(dir, 'yellow_tripdata_2023-01.parquet');
  const janCopy = join(dir, 'green_tripdata_2023-01.copy.parquet');
  beforeAll(async () => {
    h = openHarness();
    pl.readParquet(SAMPLE.train).rename({ lpep_pickup_datetime: 'tpep_pickup_datetime', lpep_dropoff_datetime: 'tpep_dropoff_datetime' }).writeParquet(yellow);
    copyFileSync(SAMPLE.train, janCopy);
    [jan, feb] = await h.client.call('data.importMany', { paths: [SAMPLE.train, SAMPLE.val], roles: ['train', 'train'] });
  });
  afterAll(async () => { await h.dispose(); });

  it('records each file as a run input with the trips used, in the order given, and the rows add up', async () => {
    const { jobId, runId } = await h.client.call('jobs.startTraining', { experiment: 'year', model: 'ridge', params: { alpha: 1 }, featureSet: 'basic', train: [jan.datasetId, feb.datasetId], val: feb.datasetId });
    expect((await h.client.call('jobs.wait', { jobId })).state).toBe('succeeded');
    const run = await h.client.call('runs.get', { runId });
    expect(run.inputs.map((i) => [i.role, i.dataset.fileName, i.rows])).toEqual([
      ['train', jan.fileName, loadTrips(SAMPLE.train).n],
      ['train', feb.fileName, loadTrips(SAMPLE.val).n],
      ['val', feb.fileName, loadTrips(SAMPLE.val).n],
    ]);
    expect(run.metrics.rows_train).toBe(loadTrips(SAMPLE.train).n + loadTrips(SAMPLE.val).n);
    // one id still works, and its input reads as before
    const single = await h.client.call('jobs.startTraining', { experiment: 'year', model: 'linear', featureSet: 'basic', train: jan.datasetId, val: feb.datasetId });
    await h.client.call('jobs.wait', { jobId: single.jobId });
    expect((await h.client.call('runs.get', { runId: single.runId })).inputs.map((i) => i.role)).toEqual(['train', 'val']);
  });

  it('refuses a train set mixing kinds, a file twice and an unknown id before a run exists', async () => {
    const [y] = await h.client.call('data.importMany', { paths: [yellow] });
    const before = (await h.client.call('runs.list', {})).length;
    const start = (train: string[]) => h.client.call('jobs.startTraining', { experiment: 'year', model: 'linear', featureSet: 'basic', train: train.map(asDatasetId), val: feb.datasetId });
    await expect(start([jan.datasetId, y.datasetId])).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH', message: expect.stringMatching(/train files mix kinds: .* is green but yellow_tripdata_2023-01\.parquet is yellow/) });
    await expect(start([jan.datasetId, jan.datasetId])).rejects.toThrow(/list green_tripdata_2023-01\.sample\.parquet twice/);
    await expect(start([jan.datasetId, 'feedbeefcafe0000'])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await h.client.call('runs.list', {})).length).toBe(before);
  });

  it('imports several files all or none: a bad file or a role mixing kinds records nothing', async () => {
    const before = (await h.client.call('data.list', {})).length;
    const bad = join(dir, 'green_tripdata_2023-03.parquet');
    writeFileSync(bad, 'VendorID,lpep_pickup_datetime\n1,2023-03-01\n');
    await expect(h.client.call('data.importMany', { paths: [janCopy, bad] })).rejects.toThrow(/green_tripdata_2023-03\.parquet is not a parquet file/);
    await expect(h.client.call('data.importMany', { paths: [janCopy, yellow], roles: ['train', 'train'] })).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH' });
    expect((await h.client.call('data.list', {})).length).toBe(before);
    // the same files in different roles are fine
    expect((await h.client.call('data.importMany', { paths: [janCopy, yellow], roles: ['train', 'val'] })).map((d) => d.kind)).toEqual(['green', 'yellow']);
  });

  it('tunes on several train files: the search and every trial read both, listed per file', async () => {
    const space = { model: 'ridge', featureSet: 'basic', alpha: { loguniform: [-3, 1] } };
    const { tuningId } = await h.client.call('tuning.start', { experiment: 'year-tune', train: [jan.datasetId, feb.datasetId], val: feb.datasetId, space, algo: 'random', maxTrials: 2, parallel: 1, seed: 3 });
    const status = await tuningUntil(h.client, tuningId, (s) => s.status !== 'RUNNING');
    expect(status.trials.map((t) => t.status)).toEqual(['FINISHED', 'FINISHED']);
    const files = async (runId: string) => (await h.client.call('runs.get', { runId: asRunId(runId) })).inputs.map((i) => `${i.role} ${i.dataset.fileName}`);
    const expected = [`train ${jan.fileName}`, `train ${feb.fileName}`, `val ${feb.fileName}`];
    expect(await files(tuningId)).toEqual(expected);
    for (const t of status.trials) expect(await files(t.runId)).toEqual(expected);
  });
});
