// Tracking in the app: filter language (with its errors), sorting, columns, compare, trash and purge.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, SAMPLE_TRAIN, SAMPLE_VAL, shot, startUi, type UiServer } from './harness';

describe('runs search, compare and lifecycle (Chromium)', () => {
  let ui: UiServer;
  let browser: Browser;
  let page: Page;
  const api = (method: string, arg: unknown = {}) => ui.api(method, arg);
  const rows = () => page.locator('[role=grid][aria-label=runs] [role=row][data-run-id]');
  const column = async (label: string) => {
    const headers = await page.locator('[role=grid][aria-label=runs] [role=columnheader]').allTextContents();
    const i = headers.findIndex((h) => h.replace(/ [▲▼]$/, '') === label);
    expect(i, `column ${label} in ${headers.join('|')}`).toBeGreaterThan(-1);
    return (await rows().evaluateAll((els, idx) => els.map((el) => el.children[idx]?.textContent ?? ''), i));
  };

  beforeAll(async () => {
    ui = await startUi();
    const train = await api('data.import', { path: SAMPLE_TRAIN });
    const val = await api('data.import', { path: SAMPLE_VAL });
    const runs: [string, string, Record<string, number>, string][] = [
      ['ridge', 'basic', { alpha: 0.1 }, 'ridge-a'], ['ridge', 'basic', { alpha: 1 }, 'ridge-b'], ['ridge', 'basic', { alpha: 10 }, 'ridge-c'],
      ['lasso', 'pu_do', { alpha: 0.01 }, 'lasso-a'], ['linear', 'basic', {}, 'linear-a'],
    ];
    for (const [model, featureSet, params, runName] of runs) {
      const { jobId } = await api('jobs.startTraining', { experiment: 'nyc-taxi', runName, model, featureSet, params, train: train.datasetId, val: val.datasetId });
      expect((await api('jobs.wait', { jobId })).state).toBe('succeeded');
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
    page.on('pageerror', (e) => { throw e; });
    await page.goto(`${ui.url}#/runs`);
    await rows().first().waitFor();
  });
  afterAll(async () => { await browser?.close(); await ui?.stop(); });

  it('filters with the filter language, and shows a syntax error with its position without losing the table', async () => {
    expect(await rows().count()).toBe(5);
    const box = page.getByLabel('filter runs');
    await box.fill("params.model = 'ridge' and metrics.rmse_val > 0");
    await box.press('Enter');
    await page.getByTestId('runs-total').filter({ hasText: '(3)' }).waitFor();
    expect((await column('model')).every((m) => m === 'ridge')).toBe(true);
    await shot(page, '10-runs-filtered');
    await box.fill('metrics.rmse_val <');
    await box.press('Enter');
    expect(await page.getByTestId('filter-error').textContent()).toMatch(/position 19: expected a value/);
    await box.fill('metrics.rmse < 9');
    await box.press('Enter');
    await page.getByTestId('filter-error').filter({ hasText: 'did you mean metrics.rmse_val?' }).waitFor();
    await shot(page, '11-runs-filter-error');
    await box.fill('');
    await box.press('Enter');
    await page.getByTestId('runs-total').filter({ hasText: '(5)' }).waitFor();
  });

  it('offers keys that exist as you type', async () => {
    const box = page.getByLabel('filter runs');
    await box.fill('');
    await box.pressSequentially('params.al');
    await page.getByRole('option', { name: 'params.alpha' }).waitFor();
    await box.press('Tab');
    expect(await box.inputValue()).toBe('params.alpha ');
    await box.fill('');
  });

  it('sorts by a column header, both ways, on the server', async () => {
    await page.getByRole('columnheader', { name: 'rmse_val' }).getByRole('button').click();
    await page.getByRole('columnheader', { name: /rmse_val ▲/ }).waitFor();
    const asc = (await column('rmse_val')).map(Number);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    await page.getByRole('columnheader', { name: /rmse_val/ }).getByRole('button').click();
    await page.getByRole('columnheader', { name: /rmse_val ▼/ }).waitFor();
    const desc = (await column('rmse_val')).map(Number);
    expect(desc).toEqual([...asc].reverse());
    expect(page.url()).toContain('order=metrics.rmse_val+DESC');
  });

  it('adds a chosen column, kept in the URL across a reload', async () => {
    await page.getByText(/^Columns \(/).click();
    await page.getByRole('group', { name: 'columns' }).getByLabel('params.alpha').check();
    await page.getByText(/^Columns \(/).click();
    const alphas = await column('alpha');
    expect(alphas.sort()).toEqual(['0.01', '0.1', '1', '10', '—']);
    await page.reload();
    await rows().first().waitFor();
    expect((await column('alpha')).length).toBe(5);
    expect(page.url()).toContain('cols=');
  });

  it('compares three runs: diff table and every chart drawn, reopenable from the URL', async () => {
    const names = ['ridge-a', 'ridge-c', 'lasso-a'];
    for (const n of names) await rows().filter({ hasText: n }).click({ modifiers: ['Control'] });
    await page.getByRole('button', { name: 'Compare 3' }).click();
    await page.getByRole('heading', { name: 'Compare 3 runs' }).waitFor();
    const diff = page.getByRole('table', { name: 'param diff' });
    expect(await diff.textContent()).toContain('params.alpha');
    expect(await diff.textContent()).toContain('params.feature_set');
    for (const chart of ['metric bar chart', 'parallel coordinates chart', 'scatter chart', 'metric history overlay chart']) {
      const el = page.getByRole('img', { name: chart });
      await el.locator('canvas').waitFor();
      expect(await el.getAttribute('data-rendered'), chart).toBe('true');
    }
    await page.getByLabel('x', { exact: true }).selectOption('params.alpha');
    expect(page.url()).toContain('x=params.alpha');
    await shot(page, '12-compare');
    const url = page.url();
    await page.goto('about:blank');
    await page.goto(url);
    await page.getByRole('heading', { name: 'Compare 3 runs' }).waitFor();
    expect(await page.getByLabel('x', { exact: true }).inputValue()).toBe('params.alpha');
  });

  it('moves a run to the trash, restores nothing, and purging removes its artifact folder', async () => {
    await page.getByRole('link', { name: 'Runs' }).click();
    const target = (await api('runs.search', { filter: "attributes.run_name = 'linear-a'" })).runs[0];
    const dir = join(ui.home, 'artifacts', target.runId);
    expect(existsSync(join(dir, 'model', 'model.json'))).toBe(true);
    await rows().first().waitFor();
    await rows().filter({ hasText: 'linear-a' }).click({ modifiers: ['Control'] });
    await page.getByRole('button', { name: 'Move to trash' }).click();
    await page.getByTestId('runs-total').filter({ hasText: '(4)' }).waitFor();
    await page.getByRole('button', { name: 'Trash' }).click();
    await rows().filter({ hasText: 'linear-a' }).click({ modifiers: ['Control'] });
    await page.getByRole('button', { name: 'Delete for good…' }).click();
    await shot(page, '13-trash-confirm');
    await page.getByRole('alertdialog', { name: 'confirm purge' }).getByRole('button', { name: 'Delete for good' }).click();
    await page.getByText('The trash is empty.').waitFor();
    expect(existsSync(dir)).toBe(false);
    await expect(api('runs.get', { runId: target.runId })).rejects.toThrow(/No run with id/);
  });
});
