// A second newcomer trial's findings, in Chromium at 1440×900 and 1024×700: an ended search says it is done
// (not "10 of 12 trials done"), the parameter-importance chart keeps its labels inside, a long tag value stays
// inside the run page's Tags card (whole in its tooltip and copy link), a model's versions fit a 1024 px window,
// and an MLflow import's dry run says nothing was imported, with what would be.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import type { RunId, TuningStatus } from '../src/shared/domain';
import { mlflowClientMissing, runPython } from '../test/mlflow-client';
import { useMeter } from './fixtures';
import { shotSizes } from './harness';
import { MlflowPanel } from './pages/mlflow-page';

const NARROW = { width: 1024, height: 700 };
const WIDE = { width: 1440, height: 900 };

/** whether an element's content runs past its own box sideways (it would be cut, or scroll) */
const overflows = (l: Locator): Promise<boolean> => l.evaluate((el) => el.scrollWidth > el.clientWidth + 1);

/** whether anything is drawn in a chart canvas's outermost pixel columns: a label cut at the chart's edge is */
const drawsAtEdges = (chart: Locator): Promise<boolean> => chart.locator('canvas').first().evaluate((c: HTMLCanvasElement) => {
  const ctx = c.getContext('2d')!;
  const column = (x: number) => ctx.getImageData(x, 0, 1, c.height).data.some((v, i) => i % 4 === 3 && v > 0);
  return column(0) || column(c.width - 1);
});

describe('newcomer polish, second trial (Chromium)', () => {
  const meter = useMeter({ importSample: true, viewport: WIDE });
  let lasso: TuningStatus;

  const searchEnded = async (tuningId: RunId): Promise<TuningStatus> => {
    for (;;) {
      const s = await meter.api('tuning.get', { tuningId });
      if (s.status !== 'RUNNING') return s;
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  /** the window at this size, laid out (echarts redraws on its resize observer) */
  const resize = async (size: { width: number; height: number }): Promise<void> => {
    await meter.page.setViewportSize(size);
    await meter.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  };

  it('says an ended search is done, with how its trials ended (not "6 of 8 trials done")', async () => {
    const { tuningId } = await meter.api('tuning.start', {
      experiment: 'polish2', runName: 'lasso-search', ...meter.onSample, algo: 'random', maxTrials: 8, parallel: 1, seed: 3,
      space: { model: 'lasso', featureSet: 'basic', alpha: { loguniform: [-9, 1] }, tol: 0, maxIter: 40 }, prune: { startupTrials: 2, everySteps: 5 },
    });
    const { tune } = meter;
    await tune.openSearch(tuningId);
    lasso = await searchEnded(tuningId);
    const pruned = lasso.trials.filter((t) => t.pruned).length;
    const complete = lasso.trials.filter((t) => t.status === 'FINISHED').length;
    expect(pruned).toBeGreaterThan(0);
    await tune.title.filter({ hasText: 'FINISHED' }).waitFor();
    expect(await tune.progress.textContent()).toBe(`Done: 8 trials — ${complete} complete, ${pruned} pruned · RANDOM`);
    await tune.shotSizes('p2-01-search-done');
  });

  it('keeps the parameter-importance labels inside the chart at 1440 and 1024 px', async () => {
    const { tune, page } = meter;
    // two parameters, alpha over a wide range: alpha explains nearly all, so its bar runs to the right edge
    const { tuningId } = await meter.api('tuning.start', {
      experiment: 'polish2', runName: 'ridge-search', ...meter.onSample, algo: 'random', maxTrials: 10, parallel: 1, seed: 1,
      space: { model: 'ridge', featureSet: { choice: ['basic', 'pu_do'] }, alpha: { loguniform: [-5, 9] } },
    });
    const s = await searchEnded(tuningId);
    expect(s.importance.length).toBe(2);
    await tune.openSearch(tuningId);
    const chart = page.getByRole('img', { name: 'parameter importance chart' });
    expect(await tune.chartState('parameter importance chart')).toBe('true');
    for (const size of [WIDE, NARROW]) {
      await resize(size);
      await chart.scrollIntoViewIfNeeded();
      expect(await drawsAtEdges(chart), `importance chart at ${size.width} px`).toBe(false);
    }
    await resize(WIDE);
    await tune.shotSizes('p2-02-importance');
  });

  it("keeps a long tag value inside the run page's Tags card at 1024 px: whole in its tooltip and its copy link", async () => {
    const { run, page } = meter;
    const trial = lasso.trials.find((t) => t.pruned)!;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(meter.url).origin });
    await resize(NARROW);
    await run.open(trial.runId);
    await run.waitFor();
    const parent = run.tagValue('mlflow.parentRunId');
    await parent.waitFor();
    expect(await overflows(run.tagsCard)).toBe(false);
    const card = await run.tagsCard.boundingBox();
    const cell = await parent.boundingBox();
    expect(cell!.x + cell!.width).toBeLessThanOrEqual(card!.x + card!.width);
    expect(await parent.locator('.value').getAttribute('title')).toBe(lasso.tuningId);
    await parent.getByRole('button', { name: 'copy' }).click();
    await parent.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(lasso.tuningId);
    // a short value has no copy link
    expect(await run.tagValue('meter.trial').getByRole('button', { name: 'copy' }).count()).toBe(0);
    await resize(WIDE);
    await run.shotSizes('p2-03-long-tag');
  });

  it("fits a model's versions table in a 1024 px window (Stage and Registered step aside), all of it at 1440", async () => {
    const { models } = meter;
    await resize(WIDE);
    for (const alpha of [1, 10]) {
      const { runId } = await meter.train({ ...meter.onSample, experiment: 'polish2', runName: `mlflow-import-of-a-run-with-a-long-name-alpha-${alpha}`, model: 'ridge', featureSet: 'basic', params: { alpha } });
      await meter.api('models.register', { runId, name: 'taxi-sklearn' });
    }
    await meter.api('models.setAlias', { name: 'taxi-sklearn', alias: 'champion', version: 2 });
    await models.open('taxi-sklearn');
    await models.waitForAlias(2, 'champion');
    expect(await models.versionHeaders()).toEqual(['Version', 'Promote', 'Stage', 'rmse_val', 'Run', 'Registered']);
    expect(await overflows(models.versions.locator('xpath=..'))).toBe(false);
    await resize(NARROW);
    expect(await models.versionHeaders()).toEqual(['Version', 'Promote', 'rmse_val', 'Run']);
    expect(await overflows(models.versions.locator('xpath=..'))).toBe(false);
    expect(await models.scrollsSideways()).toBe(false);
    // the run's name ends in "…" and is whole in its tooltip; the registered time is the version link's tooltip
    const runCell = models.versionRow(1).locator('td.run-cell');
    expect(await runCell.getAttribute('title')).toBe('mlflow-import-of-a-run-with-a-long-name-alpha-1');
    expect(await models.versionRow(1).getByRole('link', { name: 'v1' }).getAttribute('title')).toMatch(/^registered \d{4}-\d\d-\d\d/);
    await resize(WIDE);
    await models.shotSizes('p2-04-versions');
  });

  const missing = mlflowClientMissing();
  const dir = mkdtempSync(join(tmpdir(), 'meter-e2e-polish2-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it.skipIf(missing !== null)("says an MLflow import's dry run imported nothing, and what an import would bring", async () => {
    const { page } = meter;
    const panel = new MlflowPanel(page, meter.url);
    const course = join(dir, 'course');
    mkdirSync(course);
    await runPython(`import json, mlflow
mlflow.set_experiment("course-week2")
for i in range(3):
    with mlflow.start_run(run_name=f"course-run-{i}"):
        mlflow.log_param("alpha", i)
        mlflow.log_metric("rmse", 9.0 - i)
print("RESULT " + json.dumps({"ok": True}))`, 'sqlite:///mlflow.db', '', course);
    await meter.data.open();
    await panel.openImport();
    await panel.dialog.getByLabel('mlflow.db path').fill(join(course, 'mlflow.db'));
    await panel.dialog.getByRole('checkbox', { name: /Dry run/ }).check();
    await panel.dialog.getByRole('button', { name: 'Count' }).click();
    await panel.ended('succeeded');
    await panel.count('runs').filter({ hasText: '3' }).waitFor();
    await panel.phase.filter({ hasText: /^Dry run/ }).waitFor();
    expect(await panel.phase.textContent()).toBe('Dry run: nothing was imported. An import would bring 3 runs and 0 model versions.');
    expect(await panel.job.textContent()).not.toMatch(/sent/);
    expect((await meter.api('runs.search', { filter: "attributes.run_name = 'course-run-0'", orderBy: '' })).total).toBe(0);
    await shotSizes(page, 'p2-05-import-dry-run');
  });
});
