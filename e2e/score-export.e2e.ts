// Scoring and export in the app: drop a file on the Score screen, score it with @champion, see the charts
// and the output path; export the version and find the bundle on disk.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { dropFiles, launchChromium, SAMPLE_TRAIN, SAMPLE_VAL, shot, startUi, type UiServer } from './harness';

describe('score and export (Chromium)', () => {
  let ui: UiServer;
  let browser: Browser;
  let page: Page;
  let rmseVal = 0;
  const api = (method: string, arg: unknown = {}) => ui.api(method, arg);

  beforeAll(async () => {
    ui = await startUi();
    const train = await api('data.import', { path: SAMPLE_TRAIN });
    const val = await api('data.import', { path: SAMPLE_VAL });
    const { jobId, runId } = await api('jobs.startTraining', { experiment: 'nyc-taxi', model: 'ridge', featureSet: 'basic', params: { alpha: 1 }, train: train.datasetId, val: val.datasetId });
    await api('jobs.wait', { jobId });
    rmseVal = (await api('runs.get', { runId })).metrics.rmse_val;
    await api('models.register', { runId, name: 'taxi-duration' });
    await api('models.setAlias', { name: 'taxi-duration', alias: 'champion', version: 1 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => { throw e; });
  });
  afterAll(async () => { await browser?.close(); await ui?.stop(); });

  it('scores a dropped file with @champion: RMSE as in training, histograms drawn, output on disk', async () => {
    await page.goto(`${ui.url}#/score`);
    await page.getByRole('heading', { name: 'Score' }).waitFor();
    expect(await page.getByLabel('Model').inputValue()).toBe('models:/taxi-duration@champion');
    await dropFiles(page, [{ path: SAMPLE_VAL, name: 'feb.parquet' }]);
    const tick = page.getByRole('group', { name: 'datasets to score' }).getByLabel(/feb\.parquet/);
    await tick.waitFor();
    expect(await tick.isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Score 1 file' }).click();
    const result = page.getByTestId('scoring-result');
    await result.waitFor({ timeout: 60_000 });
    expect(Number(await page.getByTestId('scoring-rmse').textContent())).toBeCloseTo(rmseVal, 4);
    for (const chart of ['prediction histogram', 'residual histogram', 'residuals by hour chart']) {
      const el = page.getByRole('img', { name: chart });
      await el.locator('canvas').waitFor();
      expect(await el.getAttribute('data-rendered')).toBe('true');
    }
    const output = (await page.getByTestId('scoring-output').textContent())!;
    expect(output).toBe(join(ui.home, 'predictions', 'feb.predictions.parquet'));
    expect(existsSync(output)).toBe(true);
    expect(pl.readParquet(output).height).toBe(4829);
    await shot(page, '30-score-result');
  });

  it('shows the scoring job on the version page and exports the version as a service bundle', async () => {
    await page.goto(`${ui.url}#/models/taxi-duration/1`);
    const jobs = page.getByRole('region', { name: 'scoring jobs' });
    await jobs.locator('tbody tr').first().waitFor();
    expect(await jobs.textContent()).toContain('feb.parquet');
    await page.getByLabel('export folder').fill(join(ui.home, 'bundle'));
    await page.getByRole('region', { name: 'export' }).getByRole('button', { name: 'Export' }).click();
    await page.getByTestId('export-result').waitFor();
    for (const f of ['server.js', 'model.json', 'Dockerfile', 'README.md']) expect(existsSync(join(ui.home, 'bundle', f))).toBe(true);
    await shot(page, '31-version-export');
  });
});
