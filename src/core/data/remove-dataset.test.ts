// data.remove: a record no run read goes (with the app's own copy of an upload); one a run read is kept,
// and the refusal names the runs.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pl from 'nodejs-polars';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openHarness, SAMPLE, type Harness } from '../../../test/helpers';

describe('data.remove', () => {
  let h: Harness;
  beforeEach(() => { h = openHarness(); });
  afterEach(() => h.dispose());

  it('refuses while a run read the dataset, naming the run; removes it and the app\'s copy once no run did', async () => {
    const train = await h.client.call('data.import', { path: SAMPLE.train });
    const val = await h.client.call('data.import', { path: SAMPLE.val });
    const { jobId } = await h.client.call('jobs.startTraining', { experiment: 'e', runName: 'uses-jan', model: 'linear', featureSet: 'basic', train: train.datasetId, val: val.datasetId });
    expect((await h.client.call('jobs.wait', { jobId })).state).toBe('succeeded');
    await expect(h.client.call('data.remove', { datasetId: train.datasetId })).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringMatching(/1 run read it \(uses-jan \(train\)\)/) });
    expect((await h.client.call('data.list', {})).length).toBe(2);

    const copy = join(h.home, 'datasets', 'abcdef012345', 'jan.parquet');
    mkdirSync(dirname(copy), { recursive: true });
    // other bytes than the imported months' (the same bytes would be the dataset already recorded)
    pl.readParquet(SAMPLE.train).head(4000).writeParquet(copy);
    const uploaded = await h.client.call('data.import', { path: copy });
    expect(await h.client.call('data.remove', { datasetId: uploaded.datasetId })).toEqual({ removed: true, fileRemoved: true });
    expect(existsSync(copy)).toBe(false);
    expect((await h.client.call('data.list', {})).map((d) => d.datasetId)).not.toContain(uploaded.datasetId);
    await expect(h.client.call('data.get', { datasetId: uploaded.datasetId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("never deletes a file of the user's, only the record", async () => {
    const d = await h.client.call('data.import', { path: SAMPLE.val });
    expect(await h.client.call('data.remove', { datasetId: d.datasetId })).toEqual({ removed: true, fileRemoved: false });
    expect(existsSync(SAMPLE.val)).toBe(true);
  });
});
