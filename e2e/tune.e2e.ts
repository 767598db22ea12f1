// Tuning in the app: a 10-trial TPE search whose live chart grows, the best trial opened from it, and a
// second search cancelled while its trials run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, SAMPLE_TRAIN, SAMPLE_VAL, shot, startUi, type UiServer } from './harness';

describe('hyper-parameter search (Chromium)', () => {
  let ui: UiServer;
  let browser: Browser;
  let page: Page;
  const api = (method: string, arg: unknown = {}) => ui.api(method, arg);
  beforeAll(async () => {
    ui = await startUi();
    await api('data.import', { path: SAMPLE_TRAIN });
    await api('data.import', { path: SAMPLE_VAL });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => { throw e; });
  });
  afterAll(async () => { await browser?.close(); await ui?.stop(); });

  it('runs a 10-trial search with a live chart, then opens the best trial', async () => {
    await page.goto(`${ui.url}#/tune`);
    await page.getByLabel('Model').selectOption('ridge');
    expect(await page.getByRole('table', { name: 'search space' }).textContent()).toContain('loguniform');
    await page.getByLabel('alpha high').fill('2');
    await page.getByLabel('Trials').fill('10');
    await page.getByLabel('In parallel').fill('1');
    await page.getByRole('button', { name: 'Start search' }).click();
    const progress = page.getByTestId('search-progress');
    await progress.waitFor();
    // The chart grows: we see a partial count before the end.
    await progress.filter({ hasText: /^[1-9] of 10 trials done/ }).waitFor({ timeout: 60_000 });
    const chart = page.getByRole('img', { name: 'trial loss chart' });
    expect(await chart.getAttribute('data-rendered')).toBe('true');
    await shot(page, '40-search-running');
    await page.getByTestId('search-title').filter({ hasText: 'FINISHED' }).waitFor({ timeout: 120_000 });
    expect(await progress.textContent()).toMatch(/^10 of 10 trials done/);
    for (const name of ['trials parallel coordinates chart', 'parameter importance chart']) {
      await page.getByRole('img', { name }).locator('canvas').waitFor();
    }
    await shot(page, '41-search-finished');
    const searchId = new URL(page.url().replace('#/', '')).searchParams.get('search') ?? page.url().split('search=')[1];
    const status = await api('tuning.get', { searchId });
    await page.getByRole('button', { name: /Open best trial/ }).click();
    await page.getByTestId('run-title').waitFor();
    expect(page.url()).toContain(status.best.runId);
    expect(await page.getByTestId('metrics').textContent()).toContain(status.best.rmseVal.toFixed(4));
  });

  it('cancels a running search: running trials end KILLED, the search too', async () => {
    await page.goto(`${ui.url}#/tune`);
    await page.getByText(/Edit as JSON/).click();
    await page.getByLabel('search space JSON').fill(JSON.stringify({ model: 'lasso', featureSet: 'pu_do', alpha: { loguniform: [-12, -10] }, tol: 0, maxIter: 1000000 }));
    await page.getByLabel('Trials').fill('4');
    await page.getByLabel('In parallel').fill('2');
    await page.getByRole('button', { name: 'Start search' }).click();
    await page.getByTestId('search-progress').filter({ hasText: '2 running' }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Cancel search' }).click();
    await page.getByTestId('search-title').filter({ hasText: 'KILLED' }).waitFor({ timeout: 60_000 });
    const rows = await page.getByRole('table', { name: 'trials' }).locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.includes('KILLED'))).toBe(true);
    await shot(page, '42-search-cancelled');
  });
});
