// The pipeline's load step on the shipped sample months (a real SQLite file, real parquet): a month already
// imported from another path is that dataset, reused without checking the file again, and kept at its path only
// while that file still holds the month's bytes; otherwise the record moves to the pipeline's file (training and
// evaluate read the record's path, so it must hold what the lineage says).
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, SAMPLE, tempDir, type Harness } from '../../../test/helpers';
import type { PipelineSpec } from '../../shared/pipeline';
import type { TaskControl } from '../jobs/job-manager';
import { asJobId } from '../../shared/domain';
import { STEPS, type StepResult } from './steps';

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
});
