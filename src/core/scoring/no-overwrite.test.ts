// Scoring never replaces a predictions file (newcomer finding: v4 scoring a month replaced v2's file, and v2's
// record then served v4's predictions). Real sample month, real models, the parquet read back.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, SAMPLE, tempDir, type Harness } from '../../../test/helpers';
import { loadTrips } from '../data/tlc-reader';
import { parseModelFile, predictorFor } from '../engine/model-file';
import type { ScoringRecord } from '../../shared/domain';

describe('scoring keeps every predictions file', () => {
  let h: Harness;
  const waitJob = async (jobId: string) => h.client.call('jobs.wait', { jobId: jobId as never });

  beforeAll(async () => {
    h = openHarness();
    const train = (await h.client.call('data.import', { path: SAMPLE.train })).datasetId;
    const val = (await h.client.call('data.import', { path: SAMPLE.val })).datasetId;
    // Two versions that predict differently: another feature set and regularisation.
    for (const [featureSet, alpha] of [['pu_do', 0.5], ['basic', 5]] as const) {
      const started = await h.client.call('jobs.startTraining', { experiment: 'keep', model: 'ridge', featureSet, params: { alpha }, train, val });
      await waitJob(started.jobId);
      await h.client.call('models.register', { runId: started.runId, name: 'taxi-duration' });
    }
  }, 120_000);
  afterAll(() => h.dispose());

  const predictionsOf = async (version: number): Promise<Float64Array> => {
    const { modelPath } = await h.client.call('models.resolve', { uri: `models:/taxi-duration/${version}` });
    return predictorFor(parseModelFile(JSON.parse(readFileSync(modelPath, 'utf8')), modelPath)).predict(loadTrips(SAMPLE.val));
  };
  const scored = async (version: number, outputDir?: string): Promise<ScoringRecord> => {
    const { jobId } = await h.client.call('scoring.start', { modelUri: `models:/taxi-duration/${version}`, inputs: [SAMPLE.val], outputDir });
    expect((await waitJob(jobId)).state).toBe('succeeded');
    const [rec] = await h.client.call('scoring.list', { jobId });
    expect(rec.status).toBe('FINISHED');
    return rec;
  };
  const fileOf = (rec: ScoringRecord) => {
    const df = pl.readParquet(rec.file!.outputPath);
    return { versions: new Set(df.getColumn('model_version').toArray()), predicted: df.getColumn('predicted_duration').toTypedArray() as Float64Array };
  };

  it('scoring a month with v1 then v2 keeps both files, each record pointing at its own version\'s predictions', async () => {
    const v1 = await scored(1);
    const v2 = await scored(2);
    expect(basename(v1.file!.outputPath)).toBe('green_tripdata_2023-02.sample.taxi-duration-v1.predictions.parquet');
    expect(basename(v2.file!.outputPath)).toBe('green_tripdata_2023-02.sample.taxi-duration-v2.predictions.parquet');
    for (const [rec, version] of [[v1, 1], [v2, 2]] as const) {
      const listed = (await h.client.call('scoring.list', { name: 'taxi-duration', version }))[0];
      expect(listed.file!.outputPath).toBe(rec.file!.outputPath);
      const { versions, predicted } = fileOf(listed);
      expect([...versions]).toEqual([version]);
      expect(predicted).toEqual(await predictionsOf(version));
    }
    expect(await predictionsOf(1)).not.toEqual(await predictionsOf(2)); // else the test could not tell them apart
  }, 60_000);

  it('the same version again gets a new name; a file the user put at the name is left as it was', async () => {
    const dir = tempDir('meter-keep-');
    const first = await scored(1, dir);
    const theirs = join(dir, 'green_tripdata_2023-02.sample.taxi-duration-v1.predictions (2).parquet');
    writeFileSync(theirs, 'my notes');
    const again = await scored(1, dir);
    expect(again.file!.outputPath).toBe(join(dir, 'green_tripdata_2023-02.sample.taxi-duration-v1.predictions (3).parquet'));
    expect(readFileSync(theirs, 'utf8')).toBe('my notes');
    expect(fileOf(first).predicted).toEqual(fileOf(again).predicted);
  }, 60_000);

  it('two jobs started together on the same month and version write two files (names are claimed as each records)', async () => {
    const dir = tempDir('meter-keep-both-');
    const starts = await Promise.all([1, 2].map(() => h.client.call('scoring.start', { modelUri: 'models:/taxi-duration/2', inputs: [SAMPLE.val], outputDir: dir })));
    // Both planned the same free name: neither had recorded anything yet.
    expect(starts[0].outputs).toEqual(starts[1].outputs);
    for (const s of starts) expect((await waitJob(s.jobId)).state).toBe('succeeded');
    const recs = (await Promise.all(starts.map((s) => h.client.call('scoring.list', { jobId: s.jobId })))).flat();
    const paths = recs.map((r) => r.file!.outputPath).sort();
    expect(paths).toEqual([
      join(dir, 'green_tripdata_2023-02.sample.taxi-duration-v2.predictions (2).parquet'),
      join(dir, 'green_tripdata_2023-02.sample.taxi-duration-v2.predictions.parquet'),
    ]);
    const expected = await predictionsOf(2);
    for (const r of recs) expect(fileOf(r).predicted).toEqual(expected);
  }, 60_000);

  it('two inputs of the same name in one job get two files', async () => {
    const dir = tempDir('meter-keep-same-');
    const copy = join(tempDir('meter-keep-src-'), basename(SAMPLE.val));
    writeFileSync(copy, readFileSync(SAMPLE.val));
    const { jobId, outputs } = await h.client.call('scoring.start', { modelUri: 'models:/taxi-duration/1', inputs: [SAMPLE.val, copy], outputDir: dir });
    expect(outputs.map((o) => basename(o))).toEqual(['green_tripdata_2023-02.sample.taxi-duration-v1.predictions.parquet', 'green_tripdata_2023-02.sample.taxi-duration-v1.predictions (2).parquet']);
    await waitJob(jobId);
    expect((await h.client.call('scoring.list', { jobId })).map((r) => r.file!.outputPath).sort()).toEqual([...outputs].sort());
  }, 60_000);
});
