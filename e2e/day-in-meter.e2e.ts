// Issue 18, "a day in Meter": the papercuts of the screens a data scientist lives in, one step each, every
// step looked at in 1440×900 and 1024×700, light and dark (test-results/screenshots/18-*.png).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_VAL, SHOTS, SHOT_SIZES, shotSizes, startUi, type UiServer } from './harness';
import { RunsPage } from './pages/runs-page';
import { useMeter } from './fixtures';

describe('a day in Meter (Chromium)', () => {
  const meter = useMeter({ importSample: true, viewport: { width: 1440, height: 900 } });
  const dir = mkdtempSync(join(tmpdir(), 'meter-day-'));
  let gbtRun = '';
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    // A yellow cut, imported last (as in the issue): it must not become the default train file.
    const yellow = join(dir, 'yellow_tripdata_2023-02.cut.parquet');
    pl.readParquet(SAMPLE_VAL).rename({ lpep_pickup_datetime: 'tpep_pickup_datetime', lpep_dropoff_datetime: 'tpep_dropoff_datetime' }).writeParquet(yellow);
    expect((await meter.api('data.import', { path: yellow })).kind).toBe('yellow');
  });

  it('1. Train and Tune default to consecutive green months, warn on odd pairs, and remember the choice', async () => {
    const train = meter.trainScreen;
    await train.open();
    await train.waitForChosen('green 2023-01', 'green 2023-02');
    expect(await train.warnings.count()).toBe(0);
    await train.chooseVal('yellow');
    expect(await train.warnings.textContent()).toContain('Train is green but validation is yellow');
    await train.shotSizes('18-01-train-warning');
    await train.chooseTrain('green_tripdata_2023-02');
    await train.chooseVal('green_tripdata_2023-01');
    expect(await train.warnings.textContent()).toMatch(/comes before the train month/);
    await train.train();
    await meter.run.waitFor();
    await train.open();
    await meter.page.reload();
    await train.heading.waitFor();
    await train.waitForChosen('green 2023-02', 'green 2023-01'); // remembered across a reload
    const tune = meter.tune;
    await tune.open();
    await tune.waitForChosen('green 2023-01', 'green 2023-02');
    expect(await tune.warnings.count()).toBe(0);
  });

  it('2. a new tab with the bare URL (a bookmark) opens the app without the token; a fresh browser gets a page saying what to do', async () => {
    const tab = await meter.page.context().newPage();
    tab.on('pageerror', (e) => { throw e; });
    await tab.goto(`${meter.ui.origin}/#/runs`);
    const runs = new RunsPage(tab, meter.ui.origin + '/');
    await runs.rows().first().waitFor();
    await runs.waitForTotal(1);
    expect(await runs.errorNotice().count()).toBe(0);
    await runs.shotSizes('18-02-bookmark-new-tab');
    await tab.close();
    const stranger = await meter.newPage();
    const resp = await stranger.goto(`${meter.ui.origin}/#/runs`);
    expect(resp?.status()).toBe(401);
    expect(await stranger.getByRole('heading', { name: 'Open the URL Meter printed' }).count()).toBe(1);
    await shotSizes(stranger, '18-02-no-session', [SHOT_SIZES[0], SHOT_SIZES[1]]);
    await stranger.context().close();
  });

  it('2b. a restart keeps the port and token: an open tab says it lost the core, then carries on by itself', async () => {
    const first = await startUi();
    let second: UiServer | null = null;
    const context = await meter.browser.newContext({ viewport: { width: 1024, height: 700 } });
    try {
      const page = await context.newPage();
      page.on('pageerror', (e) => { throw e; });
      await page.goto(`${first.url}#/runs`);
      await page.getByRole('heading', { name: /Runs/ }).waitFor();
      expect(await page.getByTestId('connection-lost').count()).toBe(0);
      await first.kill();
      await page.getByTestId('connection-lost').waitFor();
      await shotSizes(page, '18-02-connection-lost', [SHOT_SIZES[1], SHOT_SIZES[0]]);
      second = await startUi(undefined, first.home);
      expect(second.url).toBe(first.url); // same port, same token: bookmarks survive
      await page.getByTestId('connection-lost').waitFor({ state: 'detached', timeout: 30_000 });
      const bookmark = await context.newPage();
      await bookmark.goto(`${first.origin}/#/data`);
      await bookmark.getByRole('heading', { name: 'Data', exact: true }).waitFor();
    } finally {
      await context.close();
      await (second ?? first).stop();
    }
  });

  it('3. reloading while a model trains keeps its progress and Cancel (the job is found again), and Cancel still works', async () => {
    const { trainScreen: train, run, page } = meter;
    await train.open();
    await train.choose('lasso');
    await train.choose('PU_DO pair');
    await train.fill('alpha', '0.0001');
    await train.fill('max sweeps', '1000000');
    await train.fill('tolerance', '0');
    await train.fill('Run name', 'day-long-lasso');
    await train.train();
    await train.progress.filter({ hasText: /Fitting · [\d,]+\/1,000,000/ }).waitFor({ timeout: 60_000 });
    await page.reload();
    await train.progress.filter({ hasText: /started before this page loaded/ }).waitFor({ timeout: 60_000 });
    await train.progress.getByRole('progressbar').waitFor();
    await train.shotSizes('18-03-train-reattached');
    await train.cancel();
    await run.waitFor('day-long-lasso');
    expect(await run.title.textContent()).toContain('KILLED');
    expect((await meter.api('jobs.list', {})).filter((j) => j.state === 'running')).toHaveLength(0);
  });

  it('4 and 8. a gbt run: final metrics and per-round history can not be confused, regAlpha/regLambda named, history on a linear/log axis with integer steps', async () => {
    const { runId, outcome } = await meter.train({ ...meter.onSample, experiment: 'day', runName: 'day-gbt', model: 'gbt', featureSet: 'basic', params: { nRounds: 40, regAlpha: 0.1, maxDepth: 4 } });
    expect(outcome.state).toBe('succeeded');
    gbtRun = runId;
    const run = meter.run;
    await run.open(runId);
    await run.waitFor('day-gbt');
    const metrics = await run.metrics.textContent();
    expect(metrics).toMatch(/rmse_val/);
    expect(metrics).toMatch(/round_rmse_val/);
    expect(metrics).not.toMatch(/(^|[^_])val_rmse/);
    expect(await run.params.textContent()).toMatch(/regAlpha0\.1.*regLambda1|regLambda1.*regAlpha0\.1/);
    expect(await run.chartState('round_rmse_val chart')).toBe('true');
    expect(await run.scaleButton('linear').getAttribute('aria-pressed')).toBe('true'); // RMSEs span less than two decades
    await run.shotSizes('18-04-gbt-run-linear');
    await run.scaleButton('log').click();
    expect(await run.scaleButton('log').getAttribute('aria-pressed')).toBe('true');
    await run.shot('18-08-gbt-history-log');
  });

  it('5. compare: parallel coordinates on a full-width card, only the params that differ, coloured by the metric', async () => {
    const ridge = await meter.train({ ...meter.onSample, experiment: 'day', runName: 'day-ridge', model: 'ridge', featureSet: 'pu_do', params: { alpha: 0.5 } });
    const linear = await meter.train({ ...meter.onSample, experiment: 'day', runName: 'day-linear', model: 'linear', featureSet: 'basic' });
    const { compare, page } = meter;
    await compare.open([gbtRun, ridge.runId, linear.runId]);
    await compare.heading(3).waitFor();
    expect(await compare.chartState('parallel coordinates chart')).toBe('true');
    const card = await compare.chartCard('parallel coordinates chart').boundingBox();
    const grid = await page.locator('.compare-grid').boundingBox();
    expect(card!.width).toBeGreaterThan(grid!.width - 2); // the whole row, not half a card
    expect(await compare.chartCard('parallel coordinates chart').textContent()).toMatch(/params that differ → rmse_val, coloured by rmse_val/);
    await compare.shotSizes('18-05-compare-parallel');
    await compare.chartCard('parallel coordinates chart').screenshot({ path: join(SHOTS, '18-05-parallel-card.png') });
    expect(await compare.scrollsSideways()).toBe(false);
  });

  it('6 and 7. at 1024 px: the runs table shows more columns, a chosen column scrolls into view; the model page fits and Promote is on screen', async () => {
    const { runs, models, page } = meter;
    await page.setViewportSize({ width: 1024, height: 700 });
    await runs.open();
    expect(await runs.scrollsSideways()).toBe(false);
    const visible = await page.locator('[role=treegrid][aria-label=runs] .grid-head [role=columnheader]').evaluateAll((els) => {
      const grid = els[0].closest('[role=treegrid]')!.getBoundingClientRect();
      return els.filter((e) => { const b = e.getBoundingClientRect(); return b.width > 0 && b.right <= grid.right + 1; }).length;
    });
    expect(visible).toBeGreaterThanOrEqual(7); // selection box + run name + 5 columns (was 4 in all)
    await runs.addColumn('params.regAlpha');
    expect(await runs.inGridView(runs.header('regAlpha'))).toBe(true);
    // no column sits half under the sticky run name: sideways scrolling stops at column edges
    await runs.grid.evaluate((el) => { el.scrollLeft = 37; });
    await runs.grid.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const clipped = await page.locator('[role=treegrid][aria-label=runs] .grid-head [role=columnheader]:not(.sticky-0):not(.sticky-1)').evaluateAll((els) => {
      const name = els[0].parentElement!.querySelector('.sticky-1')!.getBoundingClientRect();
      return els.filter((e) => { const b = e.getBoundingClientRect(); return b.left < name.right - 1 && b.right > name.right + 1; }).length;
    });
    expect(clipped).toBe(0);
    await runs.shot('18-07-runs-column-chosen-1024');
    await runs.shotSizes('18-07-runs-column-chosen');
    await meter.api('models.register', { runId: gbtRun as never, name: 'taxi-day' });
    await meter.api('models.register', { runId: gbtRun as never, name: 'taxi-day' });
    await models.open('taxi-day');
    expect(await models.scrollsSideways()).toBe(false);
    const promote = models.versionRow(2).getByRole('button', { name: 'Promote to @champion' });
    const box = await promote.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(1024);
    await models.shotSizes('18-06-model-page');
  });

  it('9. keyboard: the skip link reaches the runs table in one Tab, Shift+↓ extends, Home/End/PgUp move, and Back returns focus to the row', async () => {
    const { runs, page } = meter;
    await page.setViewportSize({ width: 1440, height: 900 });
    await runs.open();
    const total = await runs.rows().count();
    expect(total).toBeGreaterThanOrEqual(4);
    await page.locator('body').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await runs.shot('18-09-skip-link');
    await page.keyboard.press('Enter');
    await runs.focusedRow(0).waitFor();
    await page.keyboard.press('End');
    await runs.focusedRow(total - 1).waitFor();
    await page.keyboard.press('PageUp');
    await runs.focusedRow(0).waitFor();
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await runs.focusedRow(2).waitFor();
    expect(await runs.rows().and(page.locator('[aria-selected=true]')).count()).toBe(3);
    await page.getByRole('button', { name: /^Compare 3$/ }).waitFor();
    await runs.shotSizes('18-09-keyboard-range');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    const opened = await runs.focusedRow(1).getAttribute('data-run-id');
    await page.keyboard.press('Enter');
    await meter.run.waitFor();
    await page.getByRole('button', { name: '← Runs' }).click();
    await page.locator(`[role=treegrid][aria-label=runs] [role=row][data-run-id="${opened}"]:focus`).waitFor();
    // one Tab stop for the whole grid: Tab from a row leaves the table
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).not.toBe('row');
  });

  it('10. artifacts download and preview, "copy path" says Copied, and a refused upload leaves nothing under datasets/', async () => {
    const { run, page, data, score } = meter;
    await run.open(gbtRun);
    await run.waitFor('day-gbt');
    await run.artifactButton('model/model.json', 'Preview').click();
    expect(await run.artifactPreview('model/model.json').textContent()).toContain('"format": "meter.model"');
    await run.shotSizes('18-10-artifact-preview');
    const [download] = await Promise.all([page.waitForEvent('download'), run.artifactButton('model/model.json', 'Download').click()]);
    expect(download.suggestedFilename()).toBe('model.json');
    expect(JSON.parse(readFileSync((await download.path())!, 'utf8')).format).toBe('meter.model');

    await data.open();
    const bad = join(dir, 'notes.parquet');
    writeFileSync(bad, 'VendorID,lpep_pickup_datetime\n2,2023-01-01 00:00:00\n');
    await data.drop([{ path: bad }]);
    await data.importError('notes.parquet').waitFor();
    const kept = readdirSync(join(meter.home, 'datasets'), { recursive: true }).map(String);
    expect(kept.filter((f) => f.endsWith('notes.parquet'))).toEqual([]);

    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: meter.ui.origin });
    await score.open();
    await score.model.selectOption('models:/taxi-day/latest');
    await score.dataset(/yellow_tripdata/).check();
    await page.getByTestId('pair-warnings').filter({ hasText: 'is yellow but models:/taxi-day/latest was trained on green trips (2023-01)' }).waitFor();
    await score.shotSizes('18-13-score-kind-warning');
    await score.dataset(/yellow_tripdata/).uncheck();
    expect(await page.getByTestId('pair-warnings').count()).toBe(0);
    await score.dataset(/green_tripdata_2023-02/).check();
    await score.score(1);
    await score.result.waitFor({ timeout: 60_000 });
    await score.result.getByRole('button', { name: 'copy path' }).click();
    await score.result.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await score.output.textContent());
    const [predictions] = await Promise.all([page.waitForEvent('download'), score.result.getByRole('button', { name: 'Download' }).click()]);
    expect(predictions.suggestedFilename()).toMatch(/\.parquet$/);
    expect(readFileSync((await predictions.path())!).subarray(0, 4).toString()).toBe('PAR1');
    await score.shotSizes('18-10-copied');
  });

  it('also: the kind badge fits its card, a card lists columns and types, lasso and short TPE searches say what to expect, log bounds are spelled out', async () => {
    const { data, trainScreen: train, tune, page } = meter;
    await page.setViewportSize({ width: 1024, height: 700 });
    await data.open();
    const card = data.datasetCard('yellow_tripdata_2023-02.cut.parquet');
    const badge = card.locator('h3 .badge');
    expect(await badge.textContent()).toBe('yellow');
    const [b, c] = [await badge.boundingBox(), await card.boundingBox()];
    expect(b!.x + b!.width).toBeLessThanOrEqual(c!.x + c!.width);
    await card.getByText(/^Columns \(\d+\)$/).click();
    expect(await card.getByRole('table', { name: /columns of/ }).textContent()).toMatch(/tpep_pickup_datetime.*Datetime/);
    await data.shotSizes('18-11-data-cards');
    await train.open();
    await train.choose('lasso');
    expect(await train.warnings.filter({ hasText: 'lasso zeroes almost every' }).count()).toBe(1);
    await train.fill('alpha', '0.005');
    expect(await train.warnings.filter({ hasText: 'lasso zeroes' }).count()).toBe(0);
    await tune.open();
    await tune.fill('Trials', '8');
    expect(await tune.warnings.filter({ hasText: 'random start-up trials' }).count()).toBe(1);
    expect(await page.getByTestId('log-bounds').first().textContent()).toMatch(/natural-log bounds: e\^-?[\d.]+ ≈ [\d.e-]+ … e\^/);
    await page.setViewportSize({ width: 1024, height: 700 }); // the hints must not widen the form past the window
    expect(await tune.scrollsSideways()).toBe(false);
    await tune.shotSizes('18-11-tune-hints');

    // A dataset no run read can be removed; one a run read is kept, and the card says which runs.
    await data.open();
    const jan = data.datasetCard('green_tripdata_2023-01.sample.parquet');
    await jan.getByRole('button', { name: 'Remove…' }).click();
    await jan.getByRole('alertdialog').getByRole('button', { name: 'Remove' }).click();
    await jan.locator('[role=alert][data-code="INVALID_STATE"]').filter({ hasText: /runs? read it \(/ }).waitFor();
    await data.shot('18-11-remove-refused');
    await card.getByRole('button', { name: 'Remove…' }).click();
    await card.getByRole('alertdialog').getByRole('button', { name: 'Remove' }).click();
    await card.waitFor({ state: 'detached' });
    expect((await meter.api('data.list', {})).map((d) => d.fileName)).not.toContain('yellow_tripdata_2023-02.cut.parquet');
  });

  it('also: moving an alias and rolling back ask first; the version holding an alias offers no Delete, and no Promote to that alias', async () => {
    const { models, version, page } = meter;
    await page.setViewportSize({ width: 1440, height: 900 });
    await models.open('taxi-day');
    await models.promote(1);
    await models.waitForAlias(1, 'champion');
    expect(await models.versionRow(1).getByRole('button', { name: 'Promote to @champion' }).count()).toBe(0);
    await models.versionRow(2).getByRole('button', { name: 'Promote to @champion' }).click();
    const ask = page.getByRole('alertdialog', { name: 'confirm moving @champion' });
    expect(await ask.textContent()).toContain('Move @champion from v1 to v2?');
    await models.shotSizes('18-12-confirm-alias-move');
    await ask.getByRole('button', { name: 'Cancel' }).click();
    expect((await meter.api('models.resolve', { uri: 'models:/taxi-day@champion' })).version).toBe(1);
    await models.promote(2, 'champion', { move: true });
    await models.waitForAlias(2, 'champion');
    await models.rollback('champion');
    await models.waitForAlias(1, 'champion');
    await version.open('taxi-day', 1);
    await version.waitFor('taxi-day v1');
    expect(await page.getByRole('button', { name: 'Delete version…' }).count()).toBe(0);
    expect(await page.getByTestId('delete-blocked').textContent()).toContain('@champion');
  });
});
