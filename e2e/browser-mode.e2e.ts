// The app as a user drives it in browser mode: drop files, train, watch progress, cancel, read the run.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';
import { dropFiles, launchChromium, SAMPLE_TRAIN, SAMPLE_VAL, shot, startUi, type UiServer } from './harness';

describe('browser mode (Chromium)', () => {
  let ui: UiServer;
  let browser: Browser;
  let page: Page;
  const api = (method: string, arg: unknown = {}) => ui.api(method, arg);

  beforeAll(async () => {
    ui = await startUi();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 820 }, colorScheme: 'light' });
    page.on('pageerror', (e) => { throw e; });
  });
  afterAll(async () => { await browser?.close(); await ui?.stop(); });

  it('refuses every request without the session token (401), page, API and WebSocket alike', async () => {
    expect((await fetch(`${ui.origin}/`)).status).toBe(401);
    expect((await fetch(`${ui.origin}/api/call/app.info`, { method: 'POST', body: '{}' })).status).toBe(401);
    const resp = await page.goto(ui.origin);
    expect(resp?.status()).toBe(401);
    expect(await page.textContent('body')).toMatch(/session token/);
    await expect(new Promise((res, rej) => { const ws = new WebSocket(`ws://127.0.0.1:${new URL(ui.origin).port}/api/events`); ws.on('open', res); ws.on('error', rej); })).rejects.toThrow(/401/);
  });

  it('opens with the token, drops it from the address bar, and offers the sample on first launch', async () => {
    await page.goto(ui.url);
    await page.getByRole('heading', { name: 'Data', exact: true }).waitFor();
    expect(page.url()).not.toContain('token');
    await page.getByRole('button', { name: 'Train the sample model' }).waitFor();
    await shot(page, '01-data-first-launch');
  });

  it('imports a dropped parquet file and shows a clear error card for a bad one dropped with it', async () => {
    const dir = ui.home;
    const bad = join(dir, 'notes.parquet');
    writeFileSync(bad, 'VendorID,lpep_pickup_datetime\n2,2023-01-01 00:00:00\n');
    await dropFiles(page, [{ path: bad }, { path: SAMPLE_TRAIN }]);
    const card = page.locator('[data-testid="dataset-card"]', { hasText: 'green_tripdata_2023-01.sample.parquet' });
    await card.waitFor();
    expect(await card.textContent()).toMatch(/Rows5,000.*Month2023-01.*kept 4,8\d\d/);
    const error = page.locator('[data-testid="import-error"]', { hasText: 'notes.parquet' });
    await error.waitFor();
    expect(await error.textContent()).toMatch(/not a parquet file/);
    expect(await error.textContent()).toMatch(/FILE_UNREADABLE/);
    // The upload is kept under the home's datasets/<sha256 prefix>/ under its own name; the bad file was
    // stored too but got no dataset record.
    const datasets = (await api('data.list')) as { fileName: string; sha256: string; path: string }[];
    expect(datasets).toHaveLength(1);
    expect(datasets[0].fileName).toBe('green_tripdata_2023-01.sample.parquet');
    expect(datasets[0].path).toBe(join(ui.home, 'datasets', datasets[0].sha256.slice(0, 12), 'green_tripdata_2023-01.sample.parquet'));
    expect(readFileSync(datasets[0].path).equals(readFileSync(SAMPLE_TRAIN))).toBe(true);
    await shot(page, '02-data-imported-and-error');
  });

  it('trains a linear model on dropped data, opens the run with its chart, and lists it with its RMSE', async () => {
    await dropFiles(page, [{ path: SAMPLE_VAL }]);
    await page.locator('[data-testid="dataset-card"]', { hasText: '2023-02' }).waitFor();
    await page.keyboard.press('Alt+2');
    await page.getByRole('heading', { name: 'Train' }).waitFor();
    expect(await page.locator('#f-train option:checked').textContent()).toContain('2023-01');
    expect(await page.locator('#f-val option:checked').textContent()).toContain('2023-02');
    await page.getByLabel('Run name').fill('e2e-linear');
    await shot(page, '03-train-form');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await page.getByTestId('run-title').filter({ hasText: 'e2e-linear' }).waitFor();
    expect(await page.getByTestId('run-title').textContent()).toContain('FINISHED');
    const chart = page.getByRole('img', { name: 'error metrics chart' });
    await chart.locator('canvas').waitFor();
    expect(await chart.getAttribute('data-rendered')).toBe('true');
    const [row] = (await api('runs.list', {})) as { name: string; metrics: Record<string, number> }[];
    expect(row.name).toBe('e2e-linear');
    expect(await page.getByTestId('metrics').textContent()).toContain(row.metrics.rmse_val.toFixed(4));
    await shot(page, '04-run-detail');

    await page.getByRole('link', { name: 'Runs' }).click();
    const tr = page.locator('[role=grid][aria-label=runs] [role=row][data-run-id]', { hasText: 'e2e-linear' });
    await tr.waitFor();
    expect(await tr.textContent()).toContain(row.metrics.rmse_val.toFixed(4));
    expect(await tr.textContent()).toContain('FINISHED');
    await shot(page, '05-runs');
  });

  it('keeps edited notes and tags', async () => {
    await page.locator('[role=grid][aria-label=runs] [role=row][data-run-id]').first().click();
    await page.getByRole('tab', { name: 'Write' }).click();
    await page.getByLabel('notes').fill('first try: **zones** + distance');
    await page.getByRole('button', { name: 'Save notes' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await page.getByLabel('tag key').fill('purpose');
    await page.getByLabel('tag value').fill('e2e');
    await page.getByRole('button', { name: 'Set' }).click();
    await page.reload();
    // Saved notes open as rendered Markdown.
    await page.locator('.markdown strong', { hasText: 'zones' }).waitFor();
    await page.getByRole('tab', { name: 'Write' }).click();
    expect(await page.getByLabel('notes').inputValue()).toBe('first try: **zones** + distance');
    const [row] = (await api('runs.list', {})) as { runId: string }[];
    expect(((await api('runs.get', { runId: row.runId })) as { tags: Record<string, string> }).tags.purpose).toBe('e2e');
  });

  it('shows a long job\'s progress and cancels it: the run ends KILLED', async () => {
    await page.keyboard.press('Alt+2');
    await page.getByLabel('lasso').check();
    await page.getByLabel('PU_DO pair').check();
    await page.getByLabel('alpha').fill('0.0001');
    await page.getByLabel('max sweeps').fill('1000000');
    await page.getByLabel('tolerance').fill('0');
    await page.getByLabel('Run name').fill('e2e-long-lasso');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    const progress = page.getByTestId('job-progress');
    await progress.filter({ hasText: /Fitting · [\d,]+\/1,000,000/ }).waitFor({ timeout: 60_000 });
    await shot(page, '06-train-progress');
    await progress.getByRole('button', { name: /Cancel/ }).click();
    await page.getByTestId('run-title').filter({ hasText: 'e2e-long-lasso' }).waitFor();
    expect(await page.getByTestId('run-title').textContent()).toContain('KILLED');
    const runs = (await api('runs.list', {})) as { name: string; status: string }[];
    expect(runs.find((r) => r.name === 'e2e-long-lasso')?.status).toBe('KILLED');
    expect(((await api('jobs.list')) as { state: string }[]).filter((j) => j.state === 'running')).toHaveLength(0);
  });

  it('moves through the runs table with the keyboard and follows the dark scheme', async () => {
    const dark = await browser.newPage({ viewport: { width: 1280, height: 820 }, colorScheme: 'dark' });
    await dark.goto(`${ui.url}#/runs`);
    const rows = dark.locator('[role=grid][aria-label=runs] [role=row][data-run-id]');
    await rows.first().waitFor();
    await rows.first().focus();
    await dark.keyboard.press('ArrowDown');
    await dark.locator('[role=grid][aria-label=runs] [role=row][data-index="1"]:focus').waitFor();
    await dark.keyboard.press('Enter');
    await dark.getByTestId('run-title').waitFor();
    expect(await dark.getByTestId('run-title').textContent()).toContain('e2e-linear');
    const bg = await dark.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(22, 24, 29)');
    await shot(dark, '07-run-detail-dark');
    await dark.close();
  });
});
