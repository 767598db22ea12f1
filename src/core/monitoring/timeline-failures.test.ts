// A timeline goes on past a bad month (newcomer trial: one broken file among the months stopped the whole
// job): the good months are reported, each bad one is recorded as failed with its reason and the month its
// name says, and the job's result counts both. Real sample months, a text file and a yellow-taxi parquet named
// like months, through the contract on a real store.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSample, openHarness, SAMPLE, tempDir, type Harness } from '../../../test/helpers';
import { monthOfFileName } from './monitoring-jobs';

describe('a timeline with bad months', () => {
  let h: Harness;
  const dir = tempDir('meter-timeline-');
  const wait = (jobId: string) => h.client.call('jobs.wait', { jobId: jobId as never });
  const count = (table: string) => h.ctx.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;

  beforeAll(async () => {
    h = openHarness();
    const { train, val } = await importSample(h.client);
    const started = await h.client.call('jobs.startTraining', { experiment: 'monitor', model: 'ridge', featureSet: 'basic', params: { alpha: 1 }, train, val });
    await wait(started.jobId);
    await h.client.call('models.register', { runId: started.runId, name: 'taxi-duration' });
  });
  afterAll(() => h.dispose());

  it('reports the good months and marks each bad one failed with its reason', async () => {
    const months = join(dir, 'months');
    mkdirSync(months);
    symlinkSync(SAMPLE.train, join(months, 'green_tripdata_2023-01.parquet'));
    symlinkSync(SAMPLE.val, join(months, 'green_tripdata_2023-02.parquet'));
    writeFileSync(join(months, 'green_tripdata_2023-03.parquet'), 'this is not a parquet file\n');
    pl.readParquet(SAMPLE.val).rename({ lpep_pickup_datetime: 'tpep_pickup_datetime', lpep_dropoff_datetime: 'tpep_dropoff_datetime' })
      .writeParquet(join(months, 'green_tripdata_2023-04.parquet'));
    const { jobId, files } = await h.client.call('monitoring.start', { modelUri: 'models:/taxi-duration/1', current: [months], timeline: true });
    expect(files).toHaveLength(4);
    const out = await wait(jobId);
    expect(out.state).toBe('succeeded');
    expect(out.metrics).toEqual({ reports: 2, failed: 2 });
    expect((await h.client.call('monitoring.list', { jobId })).map((r) => r.month)).toEqual(['2023-01', '2023-02']);
    const failed = await h.client.call('monitoring.failures', { jobId });
    expect(failed.map((f) => [f.month, f.fileName, f.code])).toEqual([
      ['2023-03', 'green_tripdata_2023-03.parquet', 'FILE_UNREADABLE'],
      ['2023-04', 'green_tripdata_2023-04.parquet', 'SCHEMA_MISMATCH'],
    ]);
    expect(failed[0].reason).toMatch(/green_tripdata_2023-03\.parquet/);
    expect(failed[1].reason).toBe('green_tripdata_2023-04.parquet is a yellow trip file but the reference green_tripdata_2023-01.sample.parquet is green; '
      + 'monitor files of the reference\'s kind (or choose a yellow reference file).');
    expect(failed.every((f) => f.jobId === jobId && f.path.startsWith(months))).toBe(true);
  });

  it('one report over a bad file, or a timeline of nothing but bad months, is refused and records nothing', async () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'green_tripdata_2023-05.parquet'), 'not parquet');
    writeFileSync(join(bad, 'green_tripdata_2023-06.parquet'), 'not parquet either');
    const before = [count('monitoring_reports'), count('monitoring_failures')];
    await expect(h.client.call('monitoring.start', { modelUri: 'models:/taxi-duration/1', current: [SAMPLE.val, join(bad, 'green_tripdata_2023-05.parquet')] }))
      .rejects.toThrow(/green_tripdata_2023-05\.parquet/);
    await expect(h.client.call('monitoring.start', { modelUri: 'models:/taxi-duration/1', current: [bad], timeline: true }))
      .rejects.toThrow(/^No month could be monitored: .*green_tripdata_2023-05\.parquet.* \(and 1 more month refused\)$/);
    expect([count('monitoring_reports'), count('monitoring_failures')]).toEqual(before);
  });

  it('a cancelled timeline records neither its reports nor its failed months', async () => {
    const months = join(dir, 'cancel');
    mkdirSync(months);
    writeFileSync(join(months, 'green_tripdata_2022-12.parquet'), 'not parquet');
    const big = join(months, 'green_tripdata_2023-01.parquet');
    const one = pl.readParquet(SAMPLE.val);
    pl.concat(Array.from({ length: 100 }, () => one)).writeParquet(big);
    const before = [count('monitoring_reports'), count('monitoring_failures')];
    const { jobId } = await h.client.call('monitoring.start', { modelUri: 'models:/taxi-duration/1', current: [months], timeline: true });
    await new Promise<void>((resolve) => {
      const off = h.client.on('job.progress', (p) => { if (p.jobId === jobId && p.phase.includes('2023-01')) { off(); resolve(); } });
    });
    await h.client.call('jobs.cancel', { jobId });
    expect((await wait(jobId)).state).toBe('cancelled');
    expect([count('monitoring_reports'), count('monitoring_failures')]).toEqual(before);
  });

  it('reads the month from a file name as TLC names them', () => {
    expect(monthOfFileName('green_tripdata_2023-03.parquet')).toBe('2023-03');
    expect(monthOfFileName('yellow_tripdata_2024-12.sample.parquet')).toBe('2024-12');
    expect(monthOfFileName('trips-2023-13.parquet')).toBeNull();
    expect(monthOfFileName('feb.parquet')).toBeNull();
  });
});
