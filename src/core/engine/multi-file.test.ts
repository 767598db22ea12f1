// Training on several files is training on their rows together: the same model as on one file holding both
// samples (written with polars, the rows in the same order), whatever the files or chunks the rows came in.
// Real parquet: the two shipped sample months.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { NEVER_CANCELLED } from '../../shared/cancel';
import { MeterError } from '../../shared/errors';
import type { LinearModelFile, ModelKind, TreeModelFile } from '../../shared/domain';
import { SAMPLE, tempDir } from '../../../test/helpers';
import { loadTrips, type TripColumns } from '../data/tlc-reader';
import { concatTrips, openTripFile, tripChunks } from '../data/trip-chunks';
import { encode, featureSpecFor, fitVocabularies } from './features';
import { LinearStatsBuilder, statsOfEncoded } from './linear-stats';
import { solveRidgeFromStats } from './ridge';
import { trainModel } from './train';
import { BinnedBuilder } from './trees/binned-ingest';
import { binFeatures, rawFeatures } from './trees/tree-data';

const dir = tempDir('meter-multi-');
const both = join(dir, 'green_both_months.parquet');
// The months differ in column types (January's ids are Int64, a column is all-null): the role columns, one type each.
const roleColumns = (path: string): pl.DataFrame => pl.readParquet(path).select(
  pl.col('lpep_pickup_datetime').cast(pl.Datetime('us')), pl.col('lpep_dropoff_datetime').cast(pl.Datetime('us')),
  pl.col('PULocationID').cast(pl.Int64), pl.col('DOLocationID').cast(pl.Int64), pl.col('trip_distance').cast(pl.Float64));
pl.concat([roleColumns(SAMPLE.train), roleColumns(SAMPLE.val)], { how: 'vertical' }).writeParquet(both);
/** The January sample as a yellow file (yellow names its times tpep_*): a real parquet of another kind. */
const yellow = join(dir, 'yellow_tripdata_2023-01.parquet');
pl.readParquet(SAMPLE.train).rename({ lpep_pickup_datetime: 'tpep_pickup_datetime', lpep_dropoff_datetime: 'tpep_dropoff_datetime' }).writeParquet(yellow);

// async, so a synchronous throw (as the worker sees it) becomes a rejection
const train = async (model: ModelKind, files: string | string[], params: Record<string, number> = {}, featureSet: 'basic' | 'pu_do' = 'basic') =>
  (trainModel({ model, params, featureSet, files: { train: files, val: SAMPLE.val } }, () => {}, NEVER_CANCELLED));
const numbersOf = (m: LinearModelFile): number[] => [m.intercept, ...m.groups.flatMap((g) => g.coef), ...m.numeric.map((x) => x.coef)];

/** Slices of one TripColumns, as chunks of `size` rows. */
function slices(t: TripColumns, size: number): TripColumns[] {
  const out: TripColumns[] = [];
  for (let a = 0; a < t.n; a += size) {
    const b = Math.min(t.n, a + size);
    out.push({ ...t, n: b - a, duration: t.duration.subarray(a, b), pu: t.pu.subarray(a, b), do: t.do.subarray(a, b), distance: t.distance ? t.distance.subarray(a, b) : null });
  }
  return out;
}

describe('linear models on several files', () => {
  for (const [model, featureSet, params] of [['linear', 'basic', {}], ['ridge', 'basic', { alpha: 2 }], ['ridge', 'pu_do', { alpha: 0.5 }], ['lasso', 'basic', { alpha: 0.01 }]] as const) {
    it(`${model} (${featureSet}): the same coefficients as on one file holding both months, to 1e-9`, async () => {
      const two = await train(model, [SAMPLE.train, SAMPLE.val], params, featureSet);
      const one = await train(model, both, params, featureSet);
      const a = numbersOf(two.model as LinearModelFile);
      const b = numbersOf(one.model as LinearModelFile);
      expect(a.length).toBe(b.length);
      expect((two.model as LinearModelFile).groups.map((g) => g.keys)).toEqual((one.model as LinearModelFile).groups.map((g) => g.keys));
      for (let k = 0; k < a.length; k++) expect(Math.abs(a[k] - b[k])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b[k])));
      expect(two.metrics.rmse_train).toBeCloseTo(one.metrics.rmse_train, 9);
      expect(two.rows.train).toBe(one.rows.train);
      // rows per file, in the order given, adding up to the role's rows
      expect(two.fileRows.map((f) => [f.role, f.fileName])).toEqual([['train', 'green_tripdata_2023-01.sample.parquet'], ['train', 'green_tripdata_2023-02.sample.parquet'], ['val', 'green_tripdata_2023-02.sample.parquet']]);
      expect(two.fileRows[0].rows + two.fileRows[1].rows).toBe(two.rows.train);
      expect(two.fileRows[0].rows).toBe(loadTrips(SAMPLE.train).n);
    });
  }

  it('statistics accumulated in small chunks equal those of the whole encoded matrix', () => {
    const trips = concatTrips([loadTrips(SAMPLE.train), loadTrips(SAMPLE.val)], 'both');
    const spec = featureSpecFor('basic', true);
    const builder = new LinearStatsBuilder(spec);
    for (const c of slices(trips, 7_919)) builder.add(c);
    const { stats, vocabs } = builder.finish();
    const whole = statsOfEncoded(encode(spec, fitVocabularies(spec, trips), trips), trips.duration);
    expect(vocabs.map((v) => v.keys)).toEqual(fitVocabularies(spec, trips).map((v) => v.keys));
    expect(stats.groups.map((g) => [...g.count])).toEqual(whole.groups.map((g) => [...g.count]));
    expect([...stats.cross[0][1]]).toEqual([...whole.cross[0][1]]);
    const a = solveRidgeFromStats(stats, 1);
    const b = solveRidgeFromStats(whole, 1);
    expect(Math.abs(a.intercept - b.intercept)).toBeLessThan(1e-9);
    a.groupCoef.forEach((g, k) => g.forEach((v, j) => expect(Math.abs(v - b.groupCoef[k][j])).toBeLessThan(1e-9)));
  });
});

describe('tree models on several files', () => {
  it('bins built chunk by chunk are the bins of the whole column (categories in first-sight order, quantile edges)', () => {
    const trips = concatTrips([loadTrips(SAMPLE.train), loadTrips(SAMPLE.val)], 'both');
    for (const featureSet of ['basic', 'pu_do'] as const) {
      const spec = featureSpecFor(featureSet, true);
      const builder = new BinnedBuilder(spec);
      for (const c of slices(trips, 10_007)) builder.add(c);
      const { binned, y } = builder.finish();
      const whole = binFeatures(rawFeatures(spec, trips));
      expect(binned.bins).toEqual(whole.bins);
      binned.splitValue.forEach((s, f) => expect([...s]).toEqual([...whole.splitValue[f]]));
      binned.codes.forEach((c, f) => expect(Buffer.from(c.buffer, c.byteOffset, c.byteLength).equals(Buffer.from(whole.codes[f].buffer, whole.codes[f].byteOffset, whole.codes[f].byteLength))).toBe(true));
      expect([...y]).toEqual([...trips.duration]);
    }
  });

  for (const [model, params] of [['gbt', { nRounds: 30, earlyStopping: 5 }], ['rf', { nTrees: 8, maxDepth: 8 }]] as const) {
    it(`${model}: the same trees and predictions as on one file holding both months`, async () => {
      const two = await train(model, [SAMPLE.train, SAMPLE.val], params);
      const one = await train(model, both, params);
      expect((two.model as TreeModelFile).trees).toEqual((one.model as TreeModelFile).trees);
      for (const key of ['rmse_train', 'rmse_val', 'mae_val']) expect(two.metrics[key]).toBe(one.metrics[key]);
      expect(two.fileRows.filter((f) => f.role === 'train').map((f) => f.rows)).toEqual([loadTrips(SAMPLE.train).n, loadTrips(SAMPLE.val).n]);
    });
  }
});

describe('files of several kinds, or a file twice', () => {
  it('a train set mixing green and yellow is refused naming both files, before a row is read', async () => {
    const err = await train('linear', [SAMPLE.train, yellow]).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(MeterError);
    expect((err as MeterError).code).toBe('SCHEMA_MISMATCH');
    expect((err as MeterError).message).toMatch(/train files mix kinds: green_tripdata_2023-01\.sample\.parquet is green but yellow_tripdata_2023-01\.parquet is yellow/);
  });

  it('a file listed twice in a role is refused', async () => {
    await expect(train('ridge', [SAMPLE.train, SAMPLE.train])).rejects.toThrow(/list green_tripdata_2023-01\.sample\.parquet twice/);
  });

  it('a file is read in slices: the kept trips are those of one whole read', () => {
    const file = openTripFile(SAMPLE.train);
    const parts = [...tripChunks(file, Math.ceil(file.rows / 4))];
    expect(parts.length).toBeGreaterThan(3);
    const whole = loadTrips(SAMPLE.train);
    const joined = concatTrips(parts, file.fileName);
    expect(joined.n).toBe(whole.n);
    expect([...joined.duration]).toEqual([...whole.duration]);
    expect([...joined.pu]).toEqual([...whole.pu]);
  });
});
