// Monitoring in the app: choose a version, drop a month, read its drift report (columns sorted by drift, both
// distributions drawn, RMSE against validation, an alert the version's rule raised); monitor two months as a
// timeline and open a month from it; find the reports and the flag on the version page and the models list;
// open the exported HTML report in Chromium with the network off.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useMeter } from './fixtures';
import { SAMPLE_VAL } from './harness';

describe('monitoring (Chromium)', () => {
  const meter = useMeter({ importSample: true, viewport: { width: 1440, height: 900 } });
  let rmseVal = 0;

  beforeAll(async () => {
    const { runId } = await meter.train({ ...meter.onSample, experiment: 'nyc-taxi', model: 'ridge', featureSet: 'basic', params: { alpha: 1 } });
    rmseVal = (await meter.api('runs.get', { runId })).metrics.rmse_val;
    await meter.api('models.register', { runId, name: 'taxi-duration' });
    // A rule every labelled month breaks (RMSE "up" by more than −50%), so the flag shows.
    await meter.api('monitoring.setRules', { name: 'taxi-duration', version: 1, rules: [{ metric: 'rmse_change', threshold: -0.5 }] });
  });

  it('drops a month and shows its drift report against the training data', async () => {
    const m = meter.monitor;
    await m.open();
    expect(await m.model.inputValue()).toBe('models:/taxi-duration/1');
    // the sample's February under another name: its bytes are the February dataset already, and that one is ticked
    await m.drop([{ path: SAMPLE_VAL, name: 'feb.parquet' }]);
    const tick = m.month(/green_tripdata_2023-02\.sample\.parquet/);
    await tick.waitFor();
    // (listed before the drop: wait for the drop's import to tick it)
    await expect.poll(() => tick.isChecked()).toBe(true);
    await m.makeReport();
    await m.report.waitFor({ timeout: 60_000 });
    expect(['detected', 'not detected']).toContain(await m.datasetDrift.textContent());
    expect(await m.columns.count()).toBe(5);
    expect(Number((await m.rmse.textContent())!.split(' ')[0])).toBeCloseTo(rmseVal, 4);
    expect(await m.alerts.textContent()).toMatch(/RMSE (up|down)/);
    expect(await m.column('trip_distance').textContent()).toMatch(/wasserstein/);
    expect(await m.column('PULocationID').textContent()).toMatch(/jensenshannon/);
    expect(await m.chartState('trip_distance distributions')).toBe('true');
    expect(await m.chartState('residuals by hour')).toBe('true');
    await m.shot('40-monitor-report');
  });

  it('monitors two months as a timeline and opens a month from it', async () => {
    const m = meter.monitor;
    await m.open();
    await m.chooseTimeline();
    await m.month(/green_tripdata_2023-01/).check();
    await m.month(/green_tripdata_2023-02\.sample\.parquet/).check();
    await m.monitor(2);
    await m.timeline.waitFor({ timeout: 60_000 });
    expect(await m.chartState('drift timeline')).toBe('true');
    await m.timelineRow('2023-01').waitFor();
    // The training month against itself: nothing drifts.
    expect(await m.timelineRow('2023-01').locator('td').nth(1).textContent()).toBe('0.00');
    await m.shot('41-monitor-timeline');
    await m.timelineRow('2023-02').click();
    await m.report.waitFor();
    expect(await m.report.locator('.badge').first().textContent()).toBe('2023-02');
    await m.shot('42-monitor-timeline-month');
  });

  it('lists the reports on the version page and flags the model in the models list', async () => {
    await meter.version.open('taxi-duration', 1);
    const section = meter.page.getByRole('region', { name: 'monitoring' });
    await section.locator('tbody tr').first().waitFor();
    expect(await section.locator('tbody tr').count()).toBe(3);
    expect(await section.getByTestId('report-alert').first().textContent()).toMatch(/RMSE (up|down)/);
    await meter.version.shot('43-version-monitoring');
    await meter.page.goto(`${meter.url}#/models`);
    await meter.page.getByTestId('drift-flag').waitFor();
    expect(await meter.page.getByTestId('drift-flag').textContent()).toMatch(/monitoring alert/);
  });

  it('the exported HTML report opens offline', async () => {
    const [last] = await meter.api('monitoring.list', { name: 'taxi-duration', version: 1, limit: 1 });
    const { html, fileName } = await meter.api('monitoring.html', { reportId: last.reportId });
    const file = join(meter.home, fileName);
    writeFileSync(file, html);
    const page = await meter.newPage({ viewport: { width: 1440, height: 900 } });
    await page.context().setOffline(true);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${file}`);
    await page.getByRole('heading', { name: 'Drift report' }).waitFor();
    expect(await page.locator('svg').count()).toBeGreaterThanOrEqual(5);
    expect(requests.filter((u) => !u.startsWith('file://') && !u.startsWith('data:'))).toEqual([]);
    await page.screenshot({ path: join(__dirname, '..', 'test-results', 'screenshots', '44-monitor-html-offline.png'), fullPage: true });
  });
});
