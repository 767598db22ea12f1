// Long jobs on the Monitor and Pipelines screens (newcomer trial 2): a monitoring job started before a reload
// is found again after it — progress, Cancel, Esc — and when it ends the screen opens its timeline; Esc cancels
// a running flow run as it cancels a Score or Monitor job.
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineSpec } from '../src/shared/pipeline';
import { useMeter } from './fixtures';
import { SAMPLE_TRAIN, SAMPLE_VAL, SHOT_SIZES, shotSizes } from './harness';
import { PipelinesPage } from './pages/pipelines-page';

const SMALL_DARK_AND_LIGHT = [SHOT_SIZES[1], SHOT_SIZES[0]] as const;
const dir = join(tmpdir(), `meter-e2e-longjobs-${process.pid}`);
/** A folder of `n` months (the sample's February again and again): a timeline long enough to reload during. */
function months(name: string, n: number): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  for (let i = 0; i < n; i++) symlinkSync(SAMPLE_VAL, join(d, `green_tripdata_${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}.parquet`));
  return d;
}

describe('long jobs survive a reload and cancel with Esc (Chromium)', () => {
  const meter = useMeter({ importSample: true, viewport: { width: 1024, height: 700 } });
  const running = async () => (await meter.api('jobs.list', {})).filter((j) => j.state === 'running' && j.parentJobId === null);

  beforeAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    const { runId } = await meter.train({ ...meter.onSample, experiment: 'nyc-taxi', model: 'ridge', featureSet: 'basic', params: { alpha: 1 } });
    await meter.api('models.register', { runId, name: 'taxi-duration' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds a monitoring job again after a reload, with its progress and Cancel, and opens its timeline when it ends', async () => {
    const m = meter.monitor;
    const progress = m.page.getByTestId('job-progress');
    const before = (await meter.api('monitoring.list', { limit: 500 })).length;
    await m.open();
    const { jobId } = await meter.api('monitoring.start', { modelUri: 'models:/taxi-duration/1', current: [months('a', 100)], timeline: true });
    await m.page.reload();
    await progress.filter({ hasText: /Monitoring \(started before this page loaded\)/ }).waitFor({ timeout: 30_000 });
    await progress.getByRole('button', { name: /Cancel/ }).waitFor();
    await shotSizes(m.page, '70-monitor-reattached', SMALL_DARK_AND_LIGHT);
    // The job's end is awaited apart from the screen: 100 months take from 20 s to minutes on a busy 2-core
    // machine, and a timeline that doesn't come must be told from a job still running (once it ends, the screen
    // has its job.finished to act on, and a few seconds are plenty).
    expect((await meter.api('jobs.wait', { jobId })).state).toBe('succeeded');
    // when it ends, the screen shows what it made (its timeline), not the list from before the reload
    await m.timeline.waitFor({ timeout: 15_000 });
    expect(m.page.url()).toContain(`job=${jobId}`);
    expect(await progress.count()).toBe(0);
    expect((await meter.api('monitoring.list', { limit: 500 })).length).toBe(before + 100);
  }, 300_000);

  it('cancels a monitoring job found again after a reload with Esc', async () => {
    const m = meter.monitor;
    const progress = m.page.getByTestId('job-progress');
    await m.open();
    const { jobId } = await meter.api('monitoring.start', { modelUri: 'models:/taxi-duration/1', current: [months('b', 100)], timeline: true });
    await m.page.reload();
    await progress.waitFor({ timeout: 30_000 });
    await m.page.keyboard.press('Escape');
    await progress.waitFor({ state: 'detached', timeout: 30_000 });
    expect((await meter.api('jobs.list', {})).find((j) => j.jobId === jobId)?.state).toBe('cancelled');
    expect(await running()).toHaveLength(0);
  });

  it('cancels a running flow run with Esc, as its Cancel button does', async () => {
    const p = new PipelinesPage(meter.page, meter.url);
    const data = join(dir, 'flow');
    mkdirSync(data, { recursive: true });
    symlinkSync(SAMPLE_TRAIN, join(data, 'green_tripdata_2023-01.parquet'));
    symlinkSync(SAMPLE_VAL, join(data, 'green_tripdata_2023-02.parquet'));
    const long: PipelineSpec = { name: 'green-long', data, kind: 'green', model: 'gbt', features: 'basic', experiment: 'monthly',
      params: { nRounds: 20000, learningRate: 0.001, earlyStopping: 20000 }, offsets: { train: -1, val: 0 }, retries: { count: 0, delaySeconds: 0 } };
    const { flowRunId } = await meter.api('pipelines.run', { pipeline: long, month: '2023-02', trigger: 'ui' });
    await p.openFlow(flowRunId);
    await p.steps.locator('tr[data-step="train"][data-status="running"]').waitFor({ timeout: 60_000 });
    await p.page.getByRole('button', { name: 'Cancel flow run' }).waitFor();
    await p.page.keyboard.press('Escape');
    await p.waitForStatus('cancelled');
    const flow = await meter.api('pipelines.get', { flowRunId });
    expect((await meter.api('runs.get', { runId: flow.runId! })).status).toBe('KILLED');
    await shotSizes(p.page, '71-flow-cancelled-by-esc', SMALL_DARK_AND_LIGHT);
  });
});
