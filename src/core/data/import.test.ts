import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pl from 'nodejs-polars';
import { MeterError } from '../../shared/errors';
import { makeBadInputs } from '../../../test/fixtures/bad-inputs';
import { openHarness, SAMPLE, tempDir, type Harness } from '../../../test/helpers';
import { loadTrips } from './tlc-reader';

describe('data.import', () => {
  let h: Harness;
  const dir = tempDir('meter-bad-');
  const corpus = makeBadInputs(dir);
  beforeAll(() => { h = openHarness(); });
  afterAll(async () => { await h.dispose(); });

  it('reports kind, rows, month and the duration filter for a real green month', async () => {
    const d = await h.client.call('data.import', { path: SAMPLE.train });
    expect(d.kind).toBe('green');
    expect(d.rows).toBe(5000);
    expect(d.pickupMonth).toBe('2023-01');
    expect(d.report.pickupMin?.startsWith('2023-01')).toBe(true);
    expect(d.report.filter.kept + d.report.filter.dropped).toBe(5000);
    // the filter's count agrees with what training loads
    expect(d.report.filter.kept).toBe(loadTrips(SAMPLE.train).n);
    expect(d.report.columns.find((c) => c.name === 'store_and_fwd_flag')?.nullCount).toBeGreaterThan(0);
    expect(d.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(d.alreadyImported).toBe(false);
    const again = await h.client.call('data.import', { path: SAMPLE.train });
    expect(again.datasetId).toBe(d.datasetId);
    expect(again.alreadyImported).toBe(true);
  });

  it('takes the same bytes at another path (an upload kept under the home, then the CLI\'s path) as the one dataset, and says so', async () => {
    // the app's upload: the sample month's bytes kept under <home>/datasets/<sha prefix>/
    const uploaded = join(h.home, 'datasets', 'feedc0ffee12', 'feb.parquet');
    mkdirSync(dirname(uploaded), { recursive: true });
    copyFileSync(SAMPLE.val, uploaded);
    const first = await h.client.call('data.import', { path: uploaded });
    expect(first.alreadyImported).toBe(false);
    const before = await h.client.call('data.list', {});
    // the CLI's path to the same file: nothing added, the answer is the uploaded one (named by its path)
    const second = await h.client.call('data.import', { path: SAMPLE.val });
    expect(second).toMatchObject({ datasetId: first.datasetId, path: uploaded, fileName: 'feb.parquet', sha256: first.sha256, alreadyImported: true });
    // several at once too: a copy elsewhere and a new file in one call; only the new one is added
    const copy = join(dir, 'feb-again.parquet');
    copyFileSync(SAMPLE.val, copy);
    const other = join(dir, 'feb-fewer.parquet');
    pl.readParquet(SAMPLE.val).head(4000).writeParquet(other);
    const many = await h.client.call('data.importMany', { paths: [copy, other, other] });
    expect(many.map((m) => [m.datasetId === first.datasetId, m.alreadyImported])).toEqual([[true, true], [false, false], [false, true]]);
    expect(many[2].datasetId).toBe(many[1].datasetId);
    const after = await h.client.call('data.list', {});
    expect(after.length).toBe(before.length + 1);
    expect(after.filter((x) => x.sha256 === first.sha256).map((x) => x.datasetId)).toEqual([first.datasetId]);
  });

  it('moves a dataset whose file is gone to where the same bytes are imported from now, so runs on it still read it', async () => {
    const old = join(dir, 'moved-away.parquet');
    pl.readParquet(SAMPLE.train).head(3000).writeParquet(old);
    const first = await h.client.call('data.import', { path: old });
    const moved = join(dir, 'moved-here.parquet');
    copyFileSync(old, moved);
    // while the first file is there, the record stays where it was
    expect(await h.client.call('data.import', { path: moved })).toMatchObject({ datasetId: first.datasetId, path: old, alreadyImported: true });
    rmSync(old);
    expect(await h.client.call('data.import', { path: moved })).toMatchObject({ datasetId: first.datasetId, path: moved, fileName: 'moved-here.parquet', alreadyImported: true });
    expect(await h.client.call('data.get', { datasetId: first.datasetId })).toMatchObject({ path: moved, sha256: first.sha256 });
    const other = (await h.client.call('data.list', {})).find((x) => x.fileName === 'green_tripdata_2023-02.sample.parquet' || x.fileName === 'feb.parquet')!;
    const { jobId } = await h.client.call('jobs.startTraining', { experiment: 'moved', model: 'linear', featureSet: 'basic', train: first.datasetId, val: other.datasetId });
    expect((await h.client.call('jobs.wait', { jobId })).state).toBe('succeeded');
  });

  for (const bad of corpus) {
    it(`refuses ${bad.name} with ${bad.code} and writes nothing`, async () => {
      const before = (await h.client.call('data.list', {})).length;
      const err = await h.client.call('data.import', { path: bad.file }).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(MeterError);
      expect((err as MeterError).code).toBe(bad.code);
      expect((err as MeterError).message).toMatch(bad.message);
      expect((await h.client.call('data.list', {})).length).toBe(before);
    });
  }

  it('a file deleted mid-import (after its check, before its hash) is FILE_UNREADABLE naming it, and nothing is recorded', async () => {
    const file = join(dir, 'deleted-mid-import.parquet');
    copyFileSync(SAMPLE.val, file);
    const before = (await h.client.call('data.list', {})).length;
    // The inspect worker reports its last progress before its result, and events are emitted as its messages
    // arrive, in order: deleting the file here happens after the check and before the hash, every time.
    const off = h.ctx.events.on('job.progress', (p) => {
      if (p.kind === 'inspect' && p.done === p.total) rmSync(file);
    });
    try {
      const err = await h.client.call('data.import', { path: file }).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(MeterError);
      expect((err as MeterError).code).toBe('FILE_UNREADABLE'); // was INTERNAL: "Internal error: ENOENT …"
      expect((err as MeterError).message).toMatch(/^deleted-mid-import\.parquet was deleted or moved while Meter was reading it/);
    } finally {
      off();
    }
    expect((await h.client.call('data.list', {})).length).toBe(before);
  });

  it('detects yellow and fhv files from their columns, not their names', async () => {
    const df = pl.readParquet(SAMPLE.val);
    const yellow = join(dir, 'green-looking-name.parquet');
    df.rename({ lpep_pickup_datetime: 'tpep_pickup_datetime', lpep_dropoff_datetime: 'tpep_dropoff_datetime' }).writeParquet(yellow);
    expect((await h.client.call('data.import', { path: yellow })).kind).toBe('yellow');
    const fhv = join(dir, 'fhv.parquet');
    df.select(
      pl.col('lpep_pickup_datetime').alias('pickup_datetime'), pl.col('lpep_dropoff_datetime').alias('dropOff_datetime'),
      pl.when(pl.col('PULocationID').gt(200)).then(pl.lit(null)).otherwise(pl.col('PULocationID')).cast(pl.Float64).alias('PUlocationID'),
      pl.col('DOLocationID').cast(pl.Float64).alias('DOlocationID'),
    ).writeParquet(fhv);
    const d = await h.client.call('data.import', { path: fhv });
    expect(d.kind).toBe('fhv');
    const trips = loadTrips(fhv);
    expect(trips.distance).toBeNull();
    expect(Array.from(trips.pu).some((v) => v === -1)).toBe(true); // a missing id becomes the "nan" category
  });
});
