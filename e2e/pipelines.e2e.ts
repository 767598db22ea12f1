// Pipelines in the app: a flow run started from the form shows its steps on a timeline with logs; a flow
// that failed on a bad file is rerun from the failed step once the file is fixed; a running flow is cancelled.
import { copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { afterAll, describe, expect, it } from 'vitest';
import { openCore } from '../src/core/context';
import { lastFireBetween, parseCron } from '../src/core/pipelines/cron';
import { savePipeline } from '../src/core/pipelines/flow-repo';
import { monthForFire } from '../src/core/pipelines/scheduler';
import { addMonths, type PipelineSpec } from '../src/shared/pipeline';
import { useMeter } from './fixtures';
import { SAMPLE_TRAIN, SAMPLE_VAL } from './harness';
import { PipelinesPage } from './pages/pipelines-page';

/** The sample months under their TLC names, as a pipeline's data folder expects them. */
function dataFolder(name: string): string {
  const dir = join(tmpdir(), `meter-e2e-pipe-${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  symlinkSync(SAMPLE_TRAIN, join(dir, 'green_tripdata_2023-01.parquet'));
  symlinkSync(SAMPLE_VAL, join(dir, 'green_tripdata_2023-02.parquet'));
  return dir;
}

describe('pipelines (Chromium)', () => {
  const meter = useMeter({ viewport: { width: 1280, height: 900 } });
  const good = dataFolder('good');
  const bad = dataFolder('bad');
  afterAll(() => { rmSync(good, { recursive: true, force: true }); rmSync(bad, { recursive: true, force: true }); });
  const page = () => new PipelinesPage(meter.page, meter.url);
  const spec = (over: Partial<PipelineSpec>): PipelineSpec => ({
    name: 'green-sample', data: good, kind: 'green', model: 'linear', params: {}, features: 'basic', experiment: 'monthly',
    offsets: { train: -1, val: 0 }, retries: { count: 1, delaySeconds: 0 }, ...over,
  });

  it('runs a pipeline from the form and shows its steps on a timeline with their logs', async () => {
    const p = page();
    await p.open();
    await p.fill('Name', 'green-sample');
    await p.fill('Data folder', good);
    await p.fill('Retry delay (s)', '0');
    await p.fill('Schedule (cron)', '0 6 2 * *');
    await p.page.getByRole('button', { name: 'Save', exact: true }).click();
    expect(await p.note.textContent()).toMatch(/^Saved green-sample; next scheduled run /);
    expect((await meter.api('pipelines.list', {})).map((x) => `${x.name} ${x.schedule}`)).toEqual(['green-sample 0 6 2 * *']);
    // 2023-03 by the default offsets (-2/-1/0) needs March as the test month: it isn't there, and the flow says so.
    await p.fill('Month', '2023-03');
    await p.run();
    await p.waitForStatus('failed');
    expect(await p.page.getByTestId('flow-error').textContent()).toContain('green_tripdata_2023-03.parquet (the test month 2023-03)');
    expect((await p.stepStates())[0]).toBe('load:failed');
    // The two sample months: train on January (-1), validate on February (0), no test month.
    await p.open();
    await p.fillSampleMonths('green-sample', good);
    await p.fill('Month', '2023-02');
    await p.run();
    await p.waitForStatus('done');
    const flowRunId = p.flowRunId();
    expect(await p.stepStates()).toEqual(['load:done', 'features:done', 'train:done', 'evaluate:done', 'register:done', 'promote:done']);
    expect(await p.chartState('flow timeline chart')).toBe('true');
    expect(await p.logs.textContent()).toContain('moved @champion to version 1: no @champion yet');
    expect(await p.page.getByTestId('flow-promoted').textContent()).toContain('@champion');
    await p.shot('70-pipeline-flow-done');
    await p.page.getByRole('button', { name: '← Pipelines' }).click();
    await p.flows.locator('tbody tr').nth(1).waitFor();
    expect(await p.flows.locator('tbody tr').count()).toBe(2);
    await p.clickFlow('2023-02');
    expect(p.flowRunId()).toBe(flowRunId);
    // A backfill over January and February: January has no December to train on; February is done already.
    await p.open();
    await p.fillSampleMonths('green-sample', good);
    await p.fill('backfill from', '2023-01');
    await p.fill('backfill to', '2023-02');
    await p.page.getByRole('button', { name: 'Backfill', exact: true }).click();
    expect(await p.note.textContent()).toBe('Backfill: 2023-01 skipped (missing green_tripdata_2022-12.parquet (train)); 2023-02 done before');
    await p.shot('69-pipelines-form-and-flows');
  });

  it('reruns a flow from the step that failed once its file is fixed', async () => {
    const p = page();
    // (the link to the sample is removed first, so the sample itself is never written)
    rmSync(join(bad, 'green_tripdata_2023-02.parquet'));
    writeFileSync(join(bad, 'green_tripdata_2023-02.parquet'), 'not parquet');
    const { flowRunId } = await meter.api('pipelines.run', { pipeline: spec({ name: 'green-bad', data: bad }), month: '2023-02', trigger: 'ui' });
    await p.openFlow(flowRunId);
    await p.waitForStatus('failed');
    expect(await p.stepStates()).toEqual(['load:failed', 'features:pending', 'train:pending', 'evaluate:pending', 'register:pending', 'promote:pending']);
    expect(await p.page.getByTestId('flow-error').textContent()).toMatch(/green_tripdata_2023-02\.parquet/);
    await p.shot('71-pipeline-flow-failed');
    copyFileSync(SAMPLE_VAL, join(bad, 'green_tripdata_2023-02.parquet'));
    await p.rerunFrom('load');
    await p.waitForStatus('done');
    // the fixed file's bytes (and January's) are the datasets the good folder's flow recorded: load reuses them
    expect(await p.stepStates()).toEqual(['load:cached', 'features:cached', 'train:cached', 'evaluate:done', 'register:skipped', 'promote:skipped']);
  });

  it('cancels a running flow run: the flow is cancelled and its training run KILLED', async () => {
    const p = page();
    const long = spec({ name: 'green-long', model: 'gbt', params: { nRounds: 20000, learningRate: 0.001, earlyStopping: 20000 } });
    const { flowRunId } = await meter.api('pipelines.run', { pipeline: long, month: '2023-02', trigger: 'ui' });
    await p.openFlow(flowRunId);
    await p.steps.locator('tr[data-step="train"][data-status="running"]').waitFor({ timeout: 60_000 });
    await p.cancel();
    await p.waitForStatus('cancelled');
    const flow = await meter.api('pipelines.get', { flowRunId });
    expect(flow.steps.find((s) => s.name === 'train')!.status).toBe('failed');
    expect((await meter.api('runs.get', { runId: flow.runId! })).status).toBe('KILLED');
  });
});

/** The sample's February trips moved by whole days to start on the 1st of `m` (its days 1–28 exist in every month). */
function sampleAsMonth(m: string, to: string): void {
  const [y, mo] = m.split('-').map(Number);
  const deltaUs = (Date.UTC(y, mo - 1, 1) - Date.UTC(2023, 1, 1)) * 1000;
  const shift = (c: string) => pl.col(c).cast(pl.Datetime('us')).cast(pl.Int64).add(deltaUs).cast(pl.Datetime('us')).alias(c);
  pl.readParquet(SAMPLE_VAL).withColumns(shift('lpep_pickup_datetime'), shift('lpep_dropoff_datetime')).writeParquet(to);
}

describe('a pipeline schedule in meter ui (Chromium)', () => {
  // The last fire was 40 days ago, so at least one monthly fire (the 2nd, 06:00) was missed while Meter was
  // closed: meter ui catches it up once at start, running the month before that fire.
  const dir = join(tmpdir(), `meter-e2e-pipe-sched-${process.pid}`);
  let month = '';
  const meter = useMeter({
    seed: async (home) => {
      const ctx = openCore({ home });
      const due = lastFireBetween(parseCron('0 6 2 * *'), Date.now() - 40 * 86_400_000, Date.now())!;
      month = monthForFire(due);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      // The load step checks a file's trips are its month's: the sample's February, moved to each month.
      for (const m of [addMonths(month, -1), month]) sampleAsMonth(m, join(dir, `green_tripdata_${m}.parquet`));
      const spec: PipelineSpec = { name: 'green-scheduled', data: dir, kind: 'green', model: 'linear', experiment: 'monthly', offsets: { train: -1, val: 0 }, schedule: '0 6 2 * *' };
      savePipeline(ctx.db, spec, Date.now() - 40 * 86_400_000);
      await ctx.close();
    },
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('catches up the missed fire once at start and shows the scheduled flow run', async () => {
    const p = new PipelinesPage(meter.page, meter.url);
    await p.open();
    await p.page.getByRole('table', { name: 'schedules' }).filter({ hasText: 'green-scheduled' }).waitFor();
    const row = p.flows.locator('tbody tr', { hasText: 'schedule' });
    await row.waitFor();
    expect(await row.textContent()).toContain(month);
    await row.click();
    await p.waitForStatus('done');
    expect((await meter.api('pipelines.runs', { pipeline: 'green-scheduled' })).map((f) => `${f.month}:${f.trigger}`)).toEqual([`${month}:schedule`]);
  });
});
