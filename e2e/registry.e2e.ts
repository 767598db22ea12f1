// The registry in the app: register two runs (from a run's page and from the runs table), promote, roll
// back, and read the history and lineage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, SAMPLE_TRAIN, SAMPLE_VAL, shot, startUi, type UiServer } from './harness';

describe('model registry (Chromium)', () => {
  let ui: UiServer;
  let browser: Browser;
  let page: Page;
  const runIds: string[] = [];
  const api = (method: string, arg: unknown = {}) => ui.api(method, arg);

  beforeAll(async () => {
    ui = await startUi();
    const train = await api('data.import', { path: SAMPLE_TRAIN });
    const val = await api('data.import', { path: SAMPLE_VAL });
    for (const [runName, alpha] of [['ridge-one', 1], ['ridge-ten', 10]] as const) {
      const { jobId, runId } = await api('jobs.startTraining', { experiment: 'nyc-taxi', runName, model: 'ridge', featureSet: 'basic', params: { alpha }, train: train.datasetId, val: val.datasetId });
      await api('jobs.wait', { jobId });
      runIds.push(runId);
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => { throw e; });
  });
  afterAll(async () => { await browser?.close(); await ui?.stop(); });

  it('registers a run from its page and another from the runs table', async () => {
    await page.goto(`${ui.url}#/runs/${runIds[0]}`);
    await page.getByRole('button', { name: 'Register model…' }).click();
    await page.getByLabel('model name').fill('taxi-duration');
    await page.getByRole('form', { name: 'register model' }).getByRole('button', { name: 'Register' }).click();
    await page.getByTestId('version-title').filter({ hasText: 'taxi-duration v1' }).waitFor();
    await page.goto(`${ui.url}#/runs`);
    await page.locator('[role=grid] [role=row][data-run-id]', { hasText: 'ridge-ten' }).click({ modifiers: ['Control'] });
    await page.getByRole('button', { name: 'Register model…' }).click();
    await page.getByRole('form', { name: 'register model' }).getByRole('button', { name: 'Register' }).click();
    await page.getByTestId('version-title').filter({ hasText: 'taxi-duration v2' }).waitFor();
    const lineage = await page.getByRole('region', { name: 'lineage' }).textContent();
    expect(lineage).toContain('ridge-ten');
    expect(lineage).toContain('green_tripdata_2023-01.sample.parquet');
    expect(lineage).toContain('alpha=10');
    await page.getByLabel('compare with version').selectOption('1');
    const cmp = page.getByRole('table', { name: 'version comparison' });
    expect(await cmp.locator('tr', { hasText: 'params.alpha' }).textContent()).toBe('params.alpha101');
    await shot(page, '20-version-lineage');
  });

  it('promotes v1 then v2 to @champion, rolls back to v1, and shows each move in the history', async () => {
    await page.getByRole('button', { name: '← taxi-duration' }).click();
    await page.getByTestId('model-title').waitFor();
    const row = (v: number) => page.locator(`table[aria-label="versions"] tr[data-version="${v}"]`);
    await row(1).getByRole('button', { name: 'Promote to @champion' }).click();
    await row(1).getByTestId('alias-badge').filter({ hasText: '@champion' }).waitFor();
    await row(2).getByRole('button', { name: 'Promote to @champion' }).click();
    await row(2).getByTestId('alias-badge').filter({ hasText: '@champion' }).waitFor();
    expect(await row(1).getByTestId('alias-badge').count()).toBe(0);
    expect(await row(2).textContent()).toContain('Production');
    expect((await api('models.resolve', { uri: 'models:/taxi-duration@champion' })).version).toBe(2);
    await page.getByRole('button', { name: 'Roll back @champion' }).click();
    await row(1).getByTestId('alias-badge').filter({ hasText: '@champion' }).waitFor();
    expect((await api('models.resolve', { uri: 'models:/taxi-duration@champion' })).version).toBe(1);
    const history = await page.getByRole('list', { name: 'alias history' }).locator('li').allTextContents();
    expect(history.map((h) => h.replace(/^.*?@champion /, ''))).toEqual(['rollback v2 → v1', 'move v1 → v2', 'set → v1']);
    await shot(page, '21-model-history');
    await page.getByRole('link', { name: 'Models' }).click();
    const list = page.getByRole('table', { name: 'registered models' });
    await list.waitFor();
    expect(await list.textContent()).toContain('@champion → v1');
  });
});
