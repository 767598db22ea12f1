import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import pl from 'nodejs-polars';
import { MeterError } from '../../shared/errors';
import { makeBadInputs } from '../../../test/fixtures/bad-inputs';
import { openHarness, SAMPLE, tempDir, type Harness } from '../../../test/helpers';
import { loadTrips } from './tlc-reader';

const sha256Of = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

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

  it('never answers a record whose file was overwritten with other bytes: it moves to the file that holds its bytes now', async () => {
    // A file the user overwrites each month (latest.parquet), January archived first: importing the archive must
    // not answer January's record at latest.parquet, which now holds February (training would read February
    // while the lineage says January).
    const latest = join(dir, 'latest.parquet');
    const archive = join(dir, 'jan-archive.parquet');
    pl.readParquet(SAMPLE.train).head(2600).writeParquet(latest);
    const jan = await h.client.call('data.import', { path: latest });
    expect(jan.alreadyImported).toBe(false);
    copyFileSync(latest, archive);
    pl.readParquet(SAMPLE.val).head(2600).writeParquet(latest);
    expect(sha256Of(latest)).not.toBe(jan.sha256);
    const again = await h.client.call('data.import', { path: archive });
    expect(again).toMatchObject({ datasetId: jan.datasetId, path: archive, fileName: 'jan-archive.parquet', sha256: jan.sha256, alreadyImported: true });
    expect(sha256Of(again.path)).toBe(jan.sha256);
    expect(await h.client.call('data.get', { datasetId: jan.datasetId })).toMatchObject({ path: archive, sha256: jan.sha256 });
    // latest.parquet's February is a dataset of its own; January's record stays with the archive
    const feb = await h.client.call('data.import', { path: latest });
    expect(feb).toMatchObject({ path: latest, sha256: sha256Of(latest), alreadyImported: false, pickupMonth: '2023-02' });
    expect(feb.datasetId).not.toBe(jan.datasetId);
    expect(await h.client.call('data.get', { datasetId: jan.datasetId })).toMatchObject({ path: archive, pickupMonth: '2023-01' });
    // several at once: the same, and a file overwritten in place is checked by its bytes, not by its size alone
    const march = join(dir, 'jan-copy.parquet');
    copyFileSync(archive, march);
    copyFileSync(latest, archive); // the archive now holds February's bytes (another size) …
    const [moved] = await h.client.call('data.importMany', { paths: [march] });
    expect(moved).toMatchObject({ datasetId: jan.datasetId, path: march, alreadyImported: true });
    expect(sha256Of(moved.path)).toBe(jan.sha256);
  });

  it('moves the record when a same-size file at its path was rewritten: the sha256 is compared, not only the size', async () => {
    const a = join(dir, 'same-size-a.parquet');
    const b = join(dir, 'same-size-b.parquet');
    pl.readParquet(SAMPLE.train).head(2700).writeParquet(a);
    const first = await h.client.call('data.import', { path: a });
    copyFileSync(a, b);
    // flip one byte in the middle of a: same size, other bytes
    const bytes = readFileSync(a);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(a, bytes);
    expect(statSync(a).size).toBe(first.sizeBytes);
    const again = await h.client.call('data.import', { path: b });
    expect(again).toMatchObject({ datasetId: first.datasetId, path: b, alreadyImported: true });
  });

  it('training refuses a dataset whose file was overwritten since its import (another size), before any run exists', async () => {
    const file = join(dir, 'overwritten.parquet');
    pl.readParquet(SAMPLE.train).head(2200).writeParquet(file);
    const d = await h.client.call('data.import', { path: file });
    const val = await h.client.call('data.import', { path: SAMPLE.val });
    pl.readParquet(SAMPLE.val).head(2300).writeParquet(file);
    const runs = () => h.ctx.db.prepare('SELECT COUNT(*) FROM runs').pluck().get() as number;
    const before = runs();
    const err = await h.client.call('jobs.startTraining', { experiment: 'overwritten', model: 'linear', featureSet: 'basic', train: d.datasetId, val: val.datasetId }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(MeterError);
    expect((err as MeterError).code).toBe('INVALID_STATE');
    expect((err as MeterError).message).toMatch(/^overwritten\.parquet at .* is not the file imported as this dataset any more \(\d+ bytes now, \d+ when imported/);
    expect(runs()).toBe(before);
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
