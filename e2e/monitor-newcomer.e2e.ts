// The Monitor screen after newcomer trial 3: the recent reports follow any monitoring job that ends (one the
// CLI or another window started too); a timeline with a bad month shows the others and that month failed with
// its reason; the timeline's table fits a 1024 px window; reports are named "taxi-duration v1 @champion,
// 2023-02" and alert badges say what they count. Real sample months, a text file and a yellow-taxi parquet.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useMeter } from './fixtures';
import { SAMPLE_TRAIN, SAMPLE_VAL, SHOT_SIZES, shotSizes } from './harness';

const dir = join(tmpdir(), `meter-e2e-monitor3-${process.pid}`);
const SMALL = [SHOT_SIZES[1], SHOT_SIZES[2]] as const; // 1024×700 dark and light

describe('the Monitor screen (Chromium)', () => {
  const meter = useMeter({ importSample: true, viewport: { width: 1024, height: 700 } });

  beforeAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const { runId } = await meter.train({ ...meter.onSample, experiment: 'nyc-taxi', model: 'ridge', featureSet: 'basic', params: { alpha: 1 } });
    await meter.api('models.register', { runId, name: 'taxi-duration' });
    await meter.api('models.setAlias', { name: 'taxi-duration', alias: 'champion', version: 1 });
    // every labelled month breaks the first (RMSE "up" more than −50%); the second, when 2 of 3 columns drift
    await meter.api('monitoring.setRules', { name: 'taxi-duration', version: 1, rules: [{ metric: 'rmse_change', threshold: -0.5 }, { metric: 'drift_share', threshold: 0.5 }] });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists a report as soon as a monitoring job this window did not start ends, named as users say it', async () => {
    const m = meter.monitor;
    await m.open();
    const recent = m.page.getByRole('region', { name: 'recent reports' });
    await recent.getByText('No drift report yet.').waitFor();
    // started as the CLI or another window would: not this window's job
    const { jobId } = await meter.api('monitoring.start', { modelUri: 'models:/taxi-duration/1', current: [SAMPLE_VAL] });
    expect((await meter.api('jobs.wait', { jobId })).state).toBe('succeeded');
    const [report] = await meter.api('monitoring.list', { jobId });
    const row = recent.locator(`tr[data-report="${report.reportId}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getByTestId('report-name').textContent()).toBe('taxi-duration v1 @champion, 2023-02');
    expect(await row.getByTestId('alert-badge').textContent()).toMatch(/^⚠ RMSE (±0|[+−]\d+(\.\d)?)% · 2 drifted columns$/);
    await row.click();
    await m.report.waitFor();
    expect(await m.page.getByTestId('report-title').textContent()).toBe('taxi-duration v1 @champion, 2023-02');
  });

  it('a timeline with a bad month shows the others, that month failed with its reason, and fits 1024 px', async () => {
    const m = meter.monitor;
    const months = join(dir, 'months');
    mkdirSync(months);
    symlinkSync(SAMPLE_TRAIN, join(months, 'green_tripdata_2023-01.parquet'));
    symlinkSync(SAMPLE_VAL, join(months, 'green_tripdata_2023-02.parquet'));
    writeFileSync(join(months, 'green_tripdata_2023-03.parquet'), 'not a parquet file\n');
    pl.readParquet(SAMPLE_VAL).rename({ lpep_pickup_datetime: 'tpep_pickup_datetime', lpep_dropoff_datetime: 'tpep_dropoff_datetime' })
      .writeParquet(join(months, 'green_tripdata_2023-04.parquet'));
    const { jobId } = await meter.api('monitoring.start', { modelUri: 'models:/taxi-duration/1', current: [months], timeline: true });
    expect((await meter.api('jobs.wait', { jobId })).state).toBe('succeeded');
    await m.page.goto(`${meter.url}#/monitor?job=${jobId}`);
    await m.timeline.waitFor();
    await m.timelineRow('2023-04').waitFor();
    expect(await m.timeline.locator('h3').textContent()).toMatch(/4 months, 2 failed/);
    expect(await m.timeline.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-month'), r.getAttribute('data-failed') ?? 'report'])))
      .toEqual([['2023-01', 'report'], ['2023-02', 'report'], ['2023-03', 'true'], ['2023-04', 'true']]);
    expect(await m.timelineRow('2023-03').textContent()).toMatch(/^2023-03Failed: green_tripdata_2023-03\.parquet/);
    expect(await m.timelineRow('2023-04').textContent()).toContain('is a yellow trip file but the reference green_tripdata_2023-01.sample.parquet is green');
    expect(await m.timelineRow('2023-02').getByTestId('alert-badge').textContent()).toMatch(/^⚠ RMSE \S+% · 2 drifted columns$/);
    expect(await m.chartState('drift timeline')).toBe('true');
    for (const scheme of ['dark', 'light'] as const) {
      await m.page.setViewportSize({ width: 1024, height: 700 });
      await m.page.emulateMedia({ colorScheme: scheme });
      // the table inside its card, the page no wider than the window
      const fit = await m.timeline.evaluate((card) => {
        const table = card.querySelector('table')!;
        return { table: table.getBoundingClientRect().right, card: card.getBoundingClientRect().right, page: document.documentElement.scrollWidth };
      });
      expect(fit.table).toBeLessThanOrEqual(fit.card);
      expect(fit.page).toBeLessThanOrEqual(1024);
    }
    await shotSizes(m.page, '72-monitor-timeline-failed-month', SMALL);
    await m.timelineRow('2023-02').click();
    await m.report.waitFor();
    expect(await m.page.getByTestId('report-title').textContent()).toBe('taxi-duration v1 @champion, 2023-02');
    await shotSizes(m.page, '73-monitor-report-named', SMALL);
  });
});
