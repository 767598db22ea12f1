// The pipeline's load step on the shipped sample months (a real SQLite file, real parquet): a month already
// imported from another path is that dataset, reused without checking the file again, and kept at its path only
// while that file still holds the month's bytes; otherwise the record moves to the pipeline's file (training and
// evaluate read the record's path, so it must hold what the lineage says).
import { copyFileSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, SAMPLE, tempDir, type Harness } from '../../../test/helpers';
import type { PipelineSpec } from '../../shared/pipeline';
import type { TaskControl } from '../jobs/job-manager';
import { asJobId } from '../../shared/domain';
import pl from 'nodejs-polars';
import { STEPS, type StepResult } from './steps';
import { MAX_STRAY_SHARE } from './month-check';

const sha256Of = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('pipeline load step', () => {
  let h: Harness;
  const dir = tempDir('meter-load-');
  const folder = join(dir, 'months');
  const spec: PipelineSpec = { name: 'load-only', data: folder, kind: 'green', model: 'linear', experiment: 'load-only', offsets: { train: -1, val: 0 } };
  const control: TaskControl = { jobId: asJobId('load-step-test'), cancelled: () => false, adopt: () => {}, progress: () => {} };
  beforeAll(() => {
    h = openHarness();
    mkdirSync(folder);
    copyFileSync(SAMPLE.train, join(folder, 'green_tripdata_2023-01.parquet'));
    copyFileSync(SAMPLE.val, join(folder, 'green_tripdata_2023-02.parquet'));
  });
  afterAll(() => h.dispose());

  const load = async (logs: string[] = []): Promise<StepResult> => STEPS.load({
    ctx: h.ctx, flowRunId: 'load-step-test', spec, month: '2023-02', trigger: 'api', outputs: {}, control, log: (m) => { logs.push(m); },
  });
  const outputOf = (r: StepResult, role: 'train' | 'val') => (r.outputs as Record<string, { datasetId: string; sha256: string }>)[role];

  it('reuses the months imported from elsewhere (cached), and leaves them where they are while their files hold them', async () => {
    const jan = join(dir, 'jan.parquet');
    const feb = join(dir, 'feb.parquet');
    copyFileSync(SAMPLE.train, jan);
    copyFileSync(SAMPLE.val, feb);
    const [a, b] = [await h.client.call('data.import', { path: jan }), await h.client.call('data.import', { path: feb })];
    const before = (await h.client.call('data.list', {})).length;
    const logs: string[] = [];
    const r = await load(logs);
    expect(r.status).toBe('cached');
    expect([outputOf(r, 'train').datasetId, outputOf(r, 'val').datasetId]).toEqual([a.datasetId, b.datasetId]);
    expect(logs.filter((l) => l.endsWith('recorded before'))).toHaveLength(2);
    expect((await h.client.call('data.list', {})).length).toBe(before);
    expect(await h.client.call('data.get', { datasetId: a.datasetId })).toMatchObject({ path: jan, fileName: 'jan.parquet' });

    // jan.parquet is overwritten with February: January's record moves to the pipeline's file, which holds it
    copyFileSync(SAMPLE.val, jan);
    const again = await load();
    expect(again.status).toBe('cached');
    expect(outputOf(again, 'train').datasetId).toBe(a.datasetId);
    const moved = await h.client.call('data.get', { datasetId: a.datasetId });
    expect(moved).toMatchObject({ path: join(folder, 'green_tripdata_2023-01.parquet'), sha256: a.sha256 });
    expect(sha256Of(moved.path)).toBe(a.sha256);
    // February's record stays at feb.parquet, which still holds it
    expect(await h.client.call('data.get', { datasetId: b.datasetId })).toMatchObject({ path: feb });
    expect((await h.client.call('data.list', {})).length).toBe(before);
  });

  /** A data folder with the given files (each a sample month, or a frame written as parquet) under TLC names. */
  function months(name: string, files: Record<string, string | pl.DataFrame>): string {
    const d = join(dir, name);
    mkdirSync(d);
    for (const [m, src] of Object.entries(files)) {
      const to = join(d, `green_tripdata_${m}.parquet`);
      if (typeof src === 'string') symlinkSync(src, to);
      else src.writeParquet(to);
    }
    return d;
  }
  const flow = async (data: string) => {
    const { flowRunId, jobId } = await h.client.call('pipelines.run', { pipeline: { ...spec, name: 'month-check', data, retries: { count: 2, delaySeconds: 0 } }, month: '2023-02' });
    await h.client.call('jobs.wait', { jobId });
    return h.client.call('pipelines.get', { flowRunId });
  };

  it("fails the load at once when a month's file holds another month's trips, naming the file, its month and what it holds", async () => {
    // January's sample symlinked under February's name: the val month would silently be January.
    const f = await flow(months('wrong', { '2023-01': SAMPLE.train, '2023-02': SAMPLE.train }));
    expect(f.status).toBe('failed');
    const load = f.steps.find((s) => s.name === 'load')!;
    expect(load).toMatchObject({ status: 'failed', attempts: 1 });
    expect(load.error).toBe('green_tripdata_2023-02.parquet is the val month 2023-02 by its name, but 5000 of its 5000 pickups (100%) are in other months '
      + '(2023-01: 5000 (100%)); at most 1% may be. Is it another month\'s file under this name?');
    expect(f.steps.filter((s) => s.name !== 'load').every((s) => s.status === 'pending')).toBe(true);
  });

  it('allows a few stray pickups (at most 1%), as real TLC months have, and logs them; more fails', async () => {
    const jan = pl.readParquet(SAMPLE.train);
    const feb = pl.readParquet(SAMPLE.val);
    // (the two sample months' parquet differ in a few integer widths: January's rows take February's types)
    const strays = (n: number) => pl.concat([feb, jan.head(n).select(...feb.columns.map((c) => pl.col(c).cast(feb.getColumn(c).dtype)))], { how: 'vertical' });
    // 50 January trips in February's file: 50 / 5050 < 1%
    const few = await flow(months('few', { '2023-01': SAMPLE.train, '2023-02': strays(50) }));
    expect(few.status).toBe('done');
    expect(few.steps[0].logs.map((l) => l.message)).toContain(`val: 50 pickups of green_tripdata_2023-02.parquet are outside 2023-02 (at most ${MAX_STRAY_SHARE * 100}% may be): kept, as TLC months have a few`);
    // 60: 60 / 5060 > 1%
    const many = await flow(months('many', { '2023-01': SAMPLE.train, '2023-02': strays(60) }));
    expect(many.status).toBe('failed');
    expect(many.steps[0].error).toMatch(/^green_tripdata_2023-02\.parquet is the val month 2023-02 by its name, but 60 of its 5060 pickups \(1\.2%\) are in other months \(2023-02: 5000 \(98\.8%\), 2023-01: 60 \(1\.2%\)\)/);
  });
});
