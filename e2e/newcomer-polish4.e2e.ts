// A fourth newcomer trial's findings, in Chromium (screenshots at 1440×900 and 1024×700, light and dark): the
// runs table is one Tab stop (headers and select boxes are not; ↑ from the first row reaches the headers); a
// refused filter shows no rows from the last search; Score and Monitor start on @champion; Compare's scatter
// starts on a key every run has; a killed run says why it has no metrics; paths, log bounds, trial params and
// the Train screen's model choices fit a 1024 px window without breaking mid-word or spilling.
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { RunId, TuningStatus } from '../src/shared/domain';
import { useMeter } from './fixtures';
import { SAMPLE_TRAIN, SAMPLE_VAL } from './harness';

const NARROW = { width: 1024, height: 700 };
const WIDE = { width: 1440, height: 900 };
const GRID = '[role=treegrid][aria-label=runs]';

/** what has the focus: its role (or tag) and text, and whether it is inside the runs table */
const focus = (page: Page) => page.evaluate((grid) => {
  const el = document.activeElement;
  return { role: el?.getAttribute('role') ?? el?.tagName.toLowerCase() ?? '', text: el?.textContent?.trim() ?? '', inGrid: !!el?.closest(grid) };
}, GRID);

/**
 * The characters a rendered text breaks its lines after (each line's last character but the last line's).
 * A path may only break after a separator; a break anywhere else is a word cut in two.
 */
const lineBreaksAfter = (cell: Locator): Promise<string[]> => cell.evaluate((el) => {
  const chars: { ch: string; top: number }[] = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent ?? '';
    for (let i = 0; i < text.length; i++) {
      const r = document.createRange();
      r.setStart(n, i);
      r.setEnd(n, i + 1);
      const box = r.getBoundingClientRect();
      if (box.width > 0) chars.push({ ch: text[i]!, top: Math.round(box.top) });
    }
  }
  return chars.flatMap((c, i) => (i > 0 && c.top > chars[i - 1]!.top + 2 ? [chars[i - 1]!.ch] : []));
});

describe('newcomer polish, fourth trial (Chromium)', () => {
  const meter = useMeter({ importSample: true, viewport: WIDE });
  const ids: Record<'linear' | 'ridge' | 'pudo' | 'killed', RunId> = {} as never;
  let search: TuningStatus;

  beforeAll(async () => {
    ids.linear = (await meter.train({ ...meter.onSample, experiment: 'polish4', runName: 'p4-linear', model: 'linear', featureSet: 'basic' })).runId;
    ids.ridge = (await meter.train({ ...meter.onSample, experiment: 'polish4', runName: 'p4-ridge', model: 'ridge', featureSet: 'basic', params: { alpha: 3 } })).runId;
    ids.pudo = (await meter.train({ ...meter.onSample, experiment: 'polish4', runName: 'p4-linear-pudo', model: 'linear', featureSet: 'pu_do' })).runId;
    // a run killed before it logged anything: a long gbt cancelled at once
    const { jobId, runId } = await meter.api('jobs.startTraining', { ...meter.onSample, experiment: 'polish4', runName: 'p4-killed', model: 'gbt', featureSet: 'basic', params: { nRounds: 5000, earlyStopping: 5000 } });
    await meter.api('jobs.cancel', { jobId });
    await meter.api('jobs.wait', { jobId });
    ids.killed = runId;
    // a registered model whose @challenger sorts before its @champion
    await meter.api('models.register', { runId: ids.linear, name: 'taxi-p4' });
    await meter.api('models.register', { runId: ids.ridge, name: 'taxi-p4' });
    await meter.api('models.setAlias', { name: 'taxi-p4', alias: 'champion', version: 1 });
    await meter.api('models.setAlias', { name: 'taxi-p4', alias: 'challenger', version: 2 });
    const scoring = await meter.api('scoring.start', { modelUri: 'models:/taxi-p4/1', inputs: [SAMPLE_VAL] });
    await meter.api('jobs.wait', { jobId: scoring.jobId });
    // a short gbt search: long params per trial
    const { tuningId } = await meter.api('tuning.start', {
      experiment: 'polish4', runName: 'p4-search', ...meter.onSample, algo: 'random', maxTrials: 2, parallel: 1, seed: 1,
      space: { model: 'gbt', featureSet: 'basic', nRounds: 20, earlyStopping: 5, learningRate: { loguniform: [-3.9, -0.9] }, maxDepth: { quniform: [3, 6, 1] },
        minChildWeight: { qloguniform: [0, 4, 1] }, subsample: { uniform: [0.5, 1] }, regLambda: { loguniform: [-6, 2] }, regAlpha: { loguniform: [-6, 1] } },
    });
    for (;;) {
      search = await meter.api('tuning.get', { tuningId });
      if (search.status !== 'RUNNING') break;
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 240_000);

  it('is one Tab stop: from the filter box Tab reaches a row, not headers or select boxes, and the next Tab leaves', async () => {
    const { runs, page } = meter;
    await page.setViewportSize(WIDE);
    await runs.open();
    await runs.filterBox.focus();
    let stops = 0;
    let now = await focus(page);
    while (!now.inGrid && stops < 10) { await page.keyboard.press('Tab'); stops++; now = await focus(page); }
    expect(now.role, `first stop in the table: ${now.text}`).toBe('row'); // not the "Run" header's sort button
    expect(stops).toBeLessThanOrEqual(4); // Search, Columns, Push to MLflow…, the table
    await page.keyboard.press('Tab');
    expect((await focus(page)).inGrid).toBe(false); // no select box, no other row
    expect(await page.locator(`${GRID} input[type=checkbox][tabindex="0"], ${GRID} input[type=checkbox]:not([tabindex])`).count()).toBe(0);

    // Space on the row selects it; a click on its box still toggles it
    await page.keyboard.press('Shift+Tab');
    await runs.focusedRow(0).waitFor();
    await page.keyboard.press(' ');
    expect(await runs.rowAtIndex(2).getAttribute('aria-selected')).toBe('true');
    await runs.rowAtIndex(2).getByRole('checkbox').click();
    expect(await runs.rowAtIndex(2).getAttribute('aria-selected')).toBe('false');

    // the headers by keyboard: ↑ from the first row, →, Enter sorts, ↓ back to the row
    await runs.rowAtIndex(2).focus();
    await page.keyboard.press('ArrowUp');
    expect(await focus(page)).toMatchObject({ role: 'button', text: 'Run', inGrid: true });
    await page.keyboard.press('ArrowRight');
    expect((await focus(page)).text).toBe('status');
    await page.keyboard.press('Enter');
    await runs.waitForSort('status', '▼');
    await runs.shotSizes('90-runs-header-focus');
    await page.keyboard.press('ArrowDown');
    expect((await focus(page)).role).toBe('row');
  });

  it('shows no rows from the last search under a refused filter, and says why', async () => {
    const { runs, page } = meter;
    await page.setViewportSize(WIDE);
    await runs.open();
    await runs.search("params.model = 'ridge'");
    await runs.waitForTotal(1);
    await runs.search('metrics.rmse_vall < 5 and params.model = ');
    await runs.filterError.filter({ hasText: /Syntax error at position 42/ }).waitFor();
    await runs.total.filter({ hasText: '(no valid filter)' }).waitFor();
    expect(await runs.rows().count()).toBe(0);
    expect(await page.getByTestId('runs-refused').textContent()).toMatch(/^No runs shown: fix the filter/);
    await runs.shotSizes('91-runs-filter-refused');
    // fixed as it is typed: nothing searched with it yet, so still no rows, and not "No runs match"
    await runs.filterBox.fill("params.model = 'ridge'");
    await runs.total.filter({ hasText: '(not searched)' }).waitFor();
    expect(await page.getByTestId('runs-refused').textContent()).toMatch(/press Search/);
    await runs.filterBox.press('Enter');
    await runs.waitForTotal(1);
    // core's refusal (a type error) the same way
    await runs.search("metrics.rmse_val < 'low'");
    await runs.filterError.filter({ hasText: /is a number/ }).waitFor();
    await runs.total.filter({ hasText: '(no valid filter)' }).waitFor();
    expect(await runs.rows().count()).toBe(0);
    await runs.search('');
    await runs.rows().first().waitFor();
  });

  it('starts Score and Monitor on @champion, not @challenger (first by name)', async () => {
    const { score, monitor, page } = meter;
    await page.setViewportSize(WIDE);
    await score.open();
    await expect.poll(() => score.model.inputValue()).toBe('models:/taxi-p4@champion');
    await monitor.open();
    await expect.poll(() => page.getByLabel('Model').inputValue()).toBe('models:/taxi-p4@champion');
  });

  it("starts Compare's scatter on a key every run has, not a param only one run has", async () => {
    const { page } = meter;
    await page.setViewportSize(WIDE);
    await meter.compare.open([ids.linear, ids.ridge, ids.pudo]);
    const x = page.getByLabel('x', { exact: true });
    await x.waitFor();
    expect(await x.inputValue()).toBe('params.featureSet'); // alpha, first by name, is only the ridge run's
    await meter.compare.shotSizes('92-compare-defaults');
  });

  it("draws the monitor timeline's lines in their own colours (the colours are unit-tested; this is for the eye)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meter-p4-months-'));
    try {
      symlinkSync(SAMPLE_TRAIN, join(dir, 'green_tripdata_2023-01.parquet'));
      symlinkSync(SAMPLE_VAL, join(dir, 'green_tripdata_2023-02.parquet'));
      const { jobId } = await meter.api('monitoring.start', { modelUri: 'models:/taxi-p4/1', current: [dir], timeline: true });
      expect((await meter.api('jobs.wait', { jobId })).state).toBe('succeeded');
      const m = meter.monitor;
      await m.page.setViewportSize(WIDE);
      await m.page.goto(`${meter.url}#/monitor?job=${jobId}`);
      await m.timeline.waitFor();
      expect(await m.chartState('drift timeline')).toBe('true');
      await m.shotSizes('98-monitor-timeline-colours');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says why a killed run has no metrics', async () => {
    const { run } = meter;
    expect((await meter.api('runs.get', { runId: ids.killed })).status).toBe('KILLED');
    await run.open(ids.killed);
    await run.page.getByTestId('no-metrics').filter({ hasText: 'No metrics: the run was killed before it logged any.' }).waitFor();
    await run.shotSizes('93-killed-run');
  });

  it('fits 1024 px: paths break at separators, log bounds and trial params stay in their tables, model choices whole', async () => {
    const { page, version, tune, trainScreen } = meter;
    await page.setViewportSize(NARROW);
    await version.open('taxi-p4', 1);
    await version.waitFor('taxi-p4 v1');
    const job = page.getByRole('region', { name: 'scoring jobs' }).locator('tbody tr').first();
    await job.waitFor();
    for (const cell of [job.locator('td').nth(1), job.locator('td').nth(5)]) {
      const breaks = await lineBreaksAfter(cell);
      for (const ch of breaks) expect('/\\_.-', `a line of ${await cell.textContent()} ends in "${ch}"`).toContain(ch);
    }
    expect(await job.locator('td').nth(1).locator('[title]').getAttribute('title')).toMatch(/\/green_tripdata_2023-02\.sample\.parquet$/); // the whole path
    expect(await job.evaluate((row) => { const wrap = row.closest('.table-wrap')!; return wrap.scrollWidth <= wrap.clientWidth + 1; }), 'scoring jobs fit their card').toBe(true);
    await version.shotSizes('94-version-scoring-paths');

    await page.setViewportSize(NARROW);
    await tune.open();
    const bounds = page.getByTestId('log-bounds').first();
    await bounds.waitFor();
    // the text's own extent (its box is 240 px wide whether or not the text spills out of it)
    const textRight = await bounds.evaluate((el) => { const r = document.createRange(); r.selectNodeContents(el); return r.getBoundingClientRect().right; });
    const table = (await tune.spaceTable.boundingBox())!;
    expect(textRight).toBeLessThanOrEqual(table.x + table.width);
    await tune.shotSizes('95-tune-log-bounds');

    await page.goto(`${meter.url}#/tune?search=${search.tuningId}`);
    const trials = page.getByRole('table', { name: 'trials' });
    await trials.locator('tbody tr').first().waitFor();
    for (const size of [NARROW, WIDE]) {
      await page.setViewportSize(size);
      const card = trials.locator('xpath=ancestor::section[1]');
      expect(await card.evaluate((el) => el.scrollWidth <= el.clientWidth + 1), `trials table fits its card at ${size.width}`).toBe(true);
    }
    await tune.shotSizes('96-tune-trial-params');

    await trainScreen.open();
    for (const size of [NARROW, WIDE]) {
      await page.setViewportSize(size);
      // each choice (its radio and its words) on one line: none wraps inside its label. (Their boxes can't
      // tell: flex items stretch to the row's height.)
      const lines = await page.getByRole('group', { name: 'model' }).locator('label').evaluateAll((els) => els.map((el) => {
        const r = document.createRange();
        r.selectNodeContents(el);
        const tops = Array.from(r.getClientRects()).filter((b) => b.width > 0).map((b) => b.top + b.height / 2);
        return `${el.textContent?.trim()}: ${Math.max(...tops) - Math.min(...tops) < 8 ? 1 : 2}`;
      }));
      for (const l of lines) expect(l, `at ${size.width} px`).toMatch(/: 1$/);
    }
    await trainScreen.shotSizes('97-train-model-choices');
  });
});
