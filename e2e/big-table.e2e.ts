// 10,000 runs with 20 params and 10 metrics each: the table keeps only the rows in view in the DOM and
// loads pages as they scroll in, so the last run is reachable and the page stays small.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openCore } from '../src/core/context';
import { seedRuns } from '../test/fixtures/seed-runs';
import { launchChromium, shot, startUi, type UiServer } from './harness';

describe('runs table at 10,000 runs (Chromium)', () => {
  let ui: UiServer;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    ui = await startUi(async (home) => {
      const ctx = openCore({ home });
      seedRuns(ctx.db, { runs: 10_000, params: 20, metrics: 10, experiments: ['big-a', 'big-b'] });
      await ctx.close();
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
    page.on('pageerror', (e) => { throw e; });
  });
  afterAll(async () => { await browser?.close(); await ui?.stop(); });

  it('renders a window of rows, pages in as it scrolls, and sorts all 10,000 on the server', async () => {
    await page.goto(`${ui.url}#/runs`);
    const rows = page.locator('[role=grid][aria-label=runs] [role=row][data-run-id]');
    await rows.first().waitFor();
    expect(await page.getByTestId('runs-total').textContent()).toBe('(10,000)');
    expect(await page.locator('[role=grid][aria-label=runs] [role=row]').count()).toBeLessThan(80);
    await page.getByRole('columnheader', { name: 'rmse_val' }).getByRole('button').click();
    await page.getByRole('columnheader', { name: /rmse_val ▲/ }).waitFor();
    await page.getByTestId('runs-grid').evaluate((el) => { el.scrollTop = el.scrollHeight; });
    const last = page.locator('[role=grid][aria-label=runs] [role=row][aria-rowindex="10001"]');
    await last.locator('[role=gridcell]').nth(1).filter({ hasText: /run-/ }).waitFor();
    expect(await page.locator('[role=grid][aria-label=runs] [role=row]').count()).toBeLessThan(80);
    // Ascending by rmse_val: the last row holds the largest value (5 + 49/10 = 9.9).
    expect(await last.textContent()).toContain('9.9000');
    await shot(page, '14-runs-10k-bottom');
  });
});
