// Monitoring end to end through the contract on the shipped sample: the reference is the version's own
// training rows, a labelled month's RMSE equals the version's validation RMSE, timelines come in month order,
// rules flag reports, and bad input is refused with nothing recorded.
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSample, openHarness, SAMPLE, tempDir, type Harness } from '../../../test/helpers';
import { loadTrips } from '../data/tlc-reader';
import { jensenShannon, ksStatistic, wassersteinNorm } from './stattests';

describe('monitoring', () => {
  let h: Harness;
  let rmseVal: number;
  const dir = tempDir('meter-monitor-');
  const wait = (jobId: string) => h.client.call('jobs.wait', { jobId: jobId as never });
  const count = () => h.ctx.db.prepare('SELECT COUNT(*) FROM monitoring_reports').pluck().get() as number;

  beforeAll(async () => {
    h = openHarness();
    const { train, val } = await importSample(h.client);
    const started = await h.client.call('jobs.startTraining', { experiment: 'monitor', model: 'ridge', featureSet: 'basic', params: { alpha: 1 }, train, val });
    await wait(started.jobId);
    rmseVal = (await h.client.call('runs.get', { runId: started.runId })).metrics.rmse_val;
    await h.client.call('models.register', { runId: started.runId, name: 'taxi-duration' });
  });
  afterAll(() => h.dispose());

  it('reports drift of a month against the training data, with the validation RMSE when the month is the validation file', async () => {
    const { jobId } = await h.client.call('monitoring.start', { modelUri: 'models:/taxi-duration/1', current: [SAMPLE.val] });
    expect((await wait(jobId)).state).toBe('succeeded');
    const [summary] = await h.client.call('monitoring.list', { name: 'taxi-duration', version: 1 });
    const r = await h.client.call('monitoring.get', { reportId: summary.reportId });
    const train = loadTrips(SAMPLE.train);
    const val = loadTrips(SAMPLE.val);
    expect(r.reference).toMatchObject({ source: 'training', path: SAMPLE.train, kept: train.n });
    expect(r.current[0]).toMatchObject({ path: SAMPLE.val, kept: val.n, month: '2023-02' });
    expect(r.columns.map((c) => c.column).sort()).toEqual(['DOLocationID', 'PULocationID', 'duration', 'prediction', 'trip_distance']);
    // 5,000-row reference: Evidently's large-reference tests
    const dist = r.columns.find((c) => c.column === 'trip_distance')!;
    expect(dist).toMatchObject({ method: 'wasserstein', threshold: 0.1, pValue: false });
    expect(dist.statistic).toBe(wassersteinNorm(Float64Array.from(train.distance!).sort(), Float64Array.from(val.distance!).sort()));
    expect(r.columns.find((c) => c.column === 'PULocationID')).toMatchObject({ method: 'jensenshannon', kind: 'categorical' });
    expect(r.quality!.rmse).toBeCloseTo(rmseVal, 9);
    expect(Math.abs(r.quality!.rmseChange!)).toBeLessThan(1e-9);
    expect(r.quality!.byHour.reduce((s, g) => s + g.n, 0)).toBe(val.n);
    expect(r.datasetDrift.columnCount).toBe(3);
    expect(r.datasetDrift.share).toBe(r.datasetDrift.driftedColumns.length / 3);
    expect(summary.columns.trip_distance.statistic).toBe(dist.statistic);
    const { html, fileName } = await h.client.call('monitoring.html', { reportId: r.reportId });
    expect(fileName).toMatch(/^drift-taxi-duration-v1-2023-02\.html$/);
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it('a timeline: one report per month in month order; the training month against itself has no drift', async () => {
    const { jobId } = await h.client.call('monitoring.start', { modelUri: 'models:/taxi-duration@latest'.replace('@latest', '/latest'), current: [SAMPLE.val, SAMPLE.train], timeline: true });
    expect((await wait(jobId)).state).toBe('succeeded');
    const rows = await h.client.call('monitoring.list', { jobId });
    expect(rows.map((x) => x.month)).toEqual(['2023-01', '2023-02']);
    expect(rows[0].datasetDrift.share).toBe(0);
    expect(rows[0].columns.trip_distance.statistic).toBe(0);
    expect(rows[0].columns.PULocationID.statistic).toBe(0);
  });

  it('method overrides: KS and chi-squared p-values, PSI', async () => {
    const { jobId } = await h.client.call('monitoring.start', {
      modelUri: 'models:/taxi-duration/1', current: [SAMPLE.val], methods: { trip_distance: 'ks', PULocationID: 'chisquare', prediction: 'psi' }, thresholds: { trip_distance: 0.01 },
    });
    await wait(jobId);
    const [s] = await h.client.call('monitoring.list', { jobId });
    expect(s.columns.trip_distance).toMatchObject({ method: 'ks', threshold: 0.01 });
    expect(s.columns.PULocationID).toMatchObject({ method: 'chisquare', threshold: 0.05 });
    expect(s.columns.prediction).toMatchObject({ method: 'psi', threshold: 0.1 });
    const train = loadTrips(SAMPLE.train);
    const val = loadTrips(SAMPLE.val);
    expect(ksStatistic(Float64Array.from(train.distance!).sort(), Float64Array.from(val.distance!).sort())).toBeGreaterThan(0);
    expect(jensenShannon([1, 0], [0, 1])).toBeCloseTo(Math.sqrt(Math.log(2)), 12);
  });

  it('rules flag the reports that break them, naming the columns', async () => {
    await h.client.call('monitoring.setRules', { name: 'taxi-duration', version: 1, rules: [{ metric: 'rmse_change', threshold: -0.5 }, { metric: 'drift_share', threshold: 1 }] });
    expect(await h.client.call('monitoring.rules', { name: 'taxi-duration', version: 1 })).toHaveLength(2);
    const { jobId } = await h.client.call('monitoring.start', { modelUri: 'models:/taxi-duration/1', current: [SAMPLE.val] });
    await wait(jobId);
    const [s] = await h.client.call('monitoring.list', { jobId });
    expect(s.alerts.map((a) => a.rule.metric)).toEqual(['rmse_change']);
    expect(s.alerts[0].message).toMatch(/^RMSE (up|down) \d+\.\d% against validation \(rule: up > -50\.0%\)/);
    expect((await h.client.call('monitoring.list', { flagged: true })).map((x) => x.reportId)).toContain(s.reportId);
    await expect(h.client.call('monitoring.setRules', { name: 'taxi-duration', version: 1, rules: [{ metric: 'drift_share', threshold: 5 }] })).rejects.toThrow(/in \(0, 1\]/);
    await h.client.call('monitoring.setRules', { name: 'taxi-duration', version: 1, rules: [] });
  });

  it('refuses bad input and records nothing', async () => {
    const before = count();
    const yellow = join(dir, 'yellow.parquet');
    pl.readParquet(SAMPLE.val).rename({ lpep_pickup_datetime: 'tpep_pickup_datetime', lpep_dropoff_datetime: 'tpep_dropoff_datetime' }).writeParquet(yellow);
    await expect(h.client.call('monitoring.start', { modelUri: 'models:/taxi-duration/1', current: [yellow] }))
      .rejects.toThrow('yellow.parquet is a yellow trip file but the reference green_tripdata_2023-01.sample.parquet is green');
    const noZone = join(dir, 'no-zone.parquet');
    pl.readParquet(SAMPLE.val).drop('PULocationID').writeParquet(noZone);
    await expect(h.client.call('monitoring.start', { modelUri: 'models:/taxi-duration/1', current: [noZone] }))
      .rejects.toThrow('no-zone.parquet looks like a green trip file but has no column PULocationID');
    const empty = join(dir, 'empty.parquet');
    pl.readParquet(SAMPLE.val).head(0).writeParquet(empty);
    const { jobId } = await h.client.call('monitoring.start', { modelUri: 'models:/taxi-duration/1', current: [empty] });
    const out = await wait(jobId);
    expect(out.state).toBe('failed');
    expect(out.error?.message).toBe('empty.parquet has no rows; a month to monitor needs trips.');
    await expect(h.client.call('monitoring.start', { modelUri: 'models:/taxi-duration/1', current: [] })).rejects.toThrow(/at least one current parquet file/);
    await expect(h.client.call('monitoring.start', { modelUri: 'models:/taxi-duration/1', current: [SAMPLE.val], methods: { PULocationID: 'wasserstein' } }))
      .rejects.toThrow('PULocationID is categorical; its methods are jensenshannon, chisquare, psi (not wasserstein).');
    expect(count()).toBe(before);
  });

  it('a cancelled job records nothing, not even the months it finished', async () => {
    const big = join(dir, 'big.parquet');
    const one = pl.readParquet(SAMPLE.val);
    pl.concat(Array.from({ length: 100 }, () => one)).writeParquet(big);
    const before = count();
    const { jobId } = await h.client.call('monitoring.start', { modelUri: 'models:/taxi-duration/1', current: [SAMPLE.val, big], timeline: true });
    await new Promise<void>((resolve) => {
      const off = h.client.on('job.progress', (p) => { if (p.jobId === jobId && p.phase.includes('big.parquet')) { off(); resolve(); } });
    });
    await h.client.call('jobs.cancel', { jobId });
    const out = await wait(jobId);
    expect(out.state).toBe('cancelled');
    expect(count()).toBe(before);
    expect(await h.client.call('monitoring.list', { jobId })).toEqual([]);
  });

  it('a version whose training file was overwritten since (another size) is refused as reference, and one whose record moved reads it where it is now', async () => {
    const latest = join(dir, 'latest-train.parquet');
    pl.readParquet(SAMPLE.train).head(4400).writeParquet(latest);
    const train = await h.client.call('data.import', { path: latest });
    const val = await h.client.call('data.import', { path: SAMPLE.val });
    const run = await h.client.call('jobs.startTraining', { experiment: 'monitor', model: 'linear', featureSet: 'basic', train: train.datasetId, val: val.datasetId });
    await wait(run.jobId);
    const v = await h.client.call('models.register', { runId: run.runId, name: 'overwritten-data' });
    const archive = join(dir, 'archived-train.parquet');
    copyFileSync(latest, archive);
    pl.readParquet(SAMPLE.val).head(4300).writeParquet(latest); // latest-train.parquet now holds other trips
    const uri = `models:/overwritten-data/${v.version}`;
    await expect(h.client.call('monitoring.start', { modelUri: uri, current: [SAMPLE.val] }))
      .rejects.toThrow(/^The training data of overwritten-data v\d+ \(latest-train\.parquet\) at .* is not the file imported as this dataset any more/);
    // importing the archive moves the record to it: the version's reference follows its bytes there
    await h.client.call('data.import', { path: archive });
    const { jobId } = await h.client.call('monitoring.start', { modelUri: uri, current: [SAMPLE.val] });
    expect((await wait(jobId)).state).toBe('succeeded');
    const [s] = await h.client.call('monitoring.list', { jobId });
    const report = await h.client.call('monitoring.get', { reportId: s.reportId });
    expect(report.reference).toMatchObject({ source: 'training', sha256: train.sha256 });
  });

  it('a version whose training file is gone says so and takes a reference file instead', async () => {
    const copy = join(dir, 'jan-copy.parquet');
    // other bytes than the sample month's, else the import is that dataset (the same bytes are one dataset)
    pl.readParquet(SAMPLE.train).head(4500).writeParquet(copy);
    const train = await h.client.call('data.import', { path: copy });
    const val = await h.client.call('data.import', { path: SAMPLE.val });
    const run = await h.client.call('jobs.startTraining', { experiment: 'monitor', model: 'linear', featureSet: 'basic', train: train.datasetId, val: val.datasetId });
    await wait(run.jobId);
    const v = await h.client.call('models.register', { runId: run.runId, name: 'gone-data' });
    rmSync(copy);
    await expect(h.client.call('monitoring.start', { modelUri: `models:/gone-data/${v.version}`, current: [SAMPLE.val] }))
      .rejects.toThrow(`The training data of gone-data v${v.version} (jan-copy.parquet, at ${copy}) is gone; choose a reference file (--reference FILE).`);
    const { jobId } = await h.client.call('monitoring.start', { modelUri: `models:/gone-data/${v.version}`, current: [SAMPLE.val], reference: SAMPLE.train });
    expect((await wait(jobId)).state).toBe('succeeded');
    const [s] = await h.client.call('monitoring.list', { jobId });
    expect((await h.client.call('monitoring.get', { reportId: s.reportId })).reference.source).toBe('file');
  });
});
