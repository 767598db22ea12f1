// Scoring and export in the app: drop a file on the Score screen, score it with @champion, see the charts
// and the output path; export the version and find the bundle on disk.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { beforeAll, describe, expect, it } from 'vitest';
import { useMeter } from './fixtures';
import { SAMPLE_VAL } from './harness';

describe('score and export (Chromium)', () => {
  const meter = useMeter({ importSample: true, viewport: { width: 1280, height: 900 } });
  let rmseVal = 0;

  beforeAll(async () => {
    const { runId } = await meter.train({ ...meter.onSample, experiment: 'nyc-taxi', model: 'ridge', featureSet: 'basic', params: { alpha: 1 } });
    rmseVal = (await meter.api('runs.get', { runId })).metrics.rmse_val;
    await meter.api('models.register', { runId, name: 'taxi-duration' });
    await meter.api('models.setAlias', { name: 'taxi-duration', alias: 'champion', version: 1 });
  });

  it('scores a dropped file with @champion: RMSE as in training, histograms drawn, output on disk', async () => {
    const score = meter.score;
    await score.open();
    expect(await score.model.inputValue()).toBe('models:/taxi-duration@champion');
    // the sample's February under another name: its bytes are the February dataset already, and that one is ticked
    await score.drop([{ path: SAMPLE_VAL, name: 'feb.parquet' }]);
    const tick = score.dataset(/green_tripdata_2023-02\.sample\.parquet/);
    await tick.waitFor();
    // (listed before the drop: wait for the drop's import to tick it)
    await expect.poll(() => tick.isChecked(), { timeout: 15_000 }).toBe(true);
    await score.score(1);
    await score.result.waitFor({ timeout: 60_000 });
    expect(Number(await score.rmse.textContent())).toBeCloseTo(rmseVal, 4);
    for (const chart of ['prediction histogram', 'residual histogram', 'residuals by hour chart']) {
      expect(await score.chartState(chart)).toBe('true');
    }
    const output = (await score.output.textContent())!;
    expect(output).toBe(join(meter.home, 'predictions', 'green_tripdata_2023-02.sample.taxi-duration-v1.predictions.parquet'));
    expect(existsSync(output)).toBe(true);
    expect(pl.readParquet(output).height).toBe(4829);
    await score.shot('30-score-result');
    // A file that isn't trip data, dropped here, says why right here (not only on the Data screen).
    await score.drop([{ path: join(process.cwd(), 'README.md'), name: 'notes.parquet' }]);
    await score.errorNotice().filter({ hasText: 'notes.parquet' }).waitFor();
  });

  it('shows the scoring job on the version page and exports the version as a service bundle', async () => {
    const version = meter.version;
    await version.open('taxi-duration', 1);
    await version.scoringJobs.locator('tbody tr').first().waitFor();
    expect(await version.scoringJobs.textContent()).toContain('green_tripdata_2023-02.sample.parquet');
    await version.exportTo(join(meter.home, 'bundle'));
    for (const f of ['server.js', 'model.json', 'Dockerfile', 'README.md']) expect(existsSync(join(meter.home, 'bundle', f))).toBe(true);
    await version.shot('31-version-export');
  });

  it('a relative output folder lands under the Meter home (not the server\'s cwd), shown in full; scoring again keeps the first file', async () => {
    const score = meter.score;
    await score.open();
    const tick = score.dataset(/green_tripdata_2023-02\.sample\.parquet/);
    if (!(await tick.isChecked())) await tick.check();
    await score.outputFolder.fill('march');
    const folder = join(meter.home, 'predictions', 'march');
    const name = 'green_tripdata_2023-02.sample.taxi-duration-v1.predictions';
    for (const expected of [`${name}.parquet`, `${name} (2).parquet`]) {
      await score.score(1);
      await expect.poll(() => score.output.first().textContent(), { timeout: 60_000 }).toBe(join(folder, expected));
    }
    expect(readdirSync(folder).sort()).toEqual([`${name} (2).parquet`, `${name}.parquet`]);
    await score.shotSizes('32-score-relative-folder');

    const version = meter.version;
    await version.open('taxi-duration', 1);
    await version.exportTo('svc');
    expect(await version.exportResult.textContent()).toContain(join(meter.home, 'exports', 'svc'));
    expect(existsSync(join(meter.home, 'exports', 'svc', 'server.js'))).toBe(true);
    await version.shotSizes('32-version-export-relative-folder');
    // the scoring jobs' full output paths (longer now they name the model) wrap instead of widening the page
    await version.page.setViewportSize({ width: 1024, height: 700 });
    expect(await version.scrollsSideways()).toBe(false);
  });

  it('scoring yellow trips with the green model goes ahead, with the warning on the file\'s result', async () => {
    const yellow = join(meter.home, 'yellow_tripdata_2023-02.parquet');
    // the sample's green February under yellow's column names: a yellow file as Meter reads it
    pl.readParquet(SAMPLE_VAL).rename({ lpep_pickup_datetime: 'tpep_pickup_datetime', lpep_dropoff_datetime: 'tpep_dropoff_datetime' }).writeParquet(yellow);
    const score = meter.score;
    await score.open();
    await score.outputFolder.fill('');
    const feb = score.dataset(/green_tripdata_2023-02\.sample\.parquet/);
    if (await feb.isChecked()) await feb.uncheck();
    await score.drop([{ path: yellow, name: 'yellow_tripdata_2023-02.parquet' }]);
    const tick = score.dataset(/yellow_tripdata_2023-02\.parquet/);
    await tick.waitFor();
    await expect.poll(() => tick.isChecked(), { timeout: 15_000 }).toBe(true);
    await score.score(1);
    const warning = score.page.getByTestId('scoring-warnings');
    await warning.waitFor({ timeout: 60_000 });
    expect(await warning.textContent()).toBe('yellow_tripdata_2023-02.parquet holds yellow trips but models:/taxi-duration@champion was trained on green trips (2023-01); its predictions may be much worse than its validation RMSE says.');
    expect(existsSync((await score.output.textContent())!)).toBe(true);
    await score.shotSizes('33-score-kind-warning');
  });
});
