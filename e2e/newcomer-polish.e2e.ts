// What a newcomer's first hour in browser mode tripped on (issue 18), in Chromium on the sample months: a pruned
// trial reads PRUNED in the runs table and on its page (and filters still find it), a search's row names its
// model, Alt+N follows the sidebar, the JSON preview counts in English, a search's plot choices survive a
// reload, and a month dropped in the app after the CLI imported it is the one dataset, said so.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunId, TuningStatus } from '../src/shared/domain';
import { useMeter } from './fixtures';
import { SAMPLE_TRAIN } from './harness';

describe('newcomer polish (Chromium)', () => {
  const meter = useMeter({ importSample: true, viewport: { width: 1440, height: 900 } });
  let lasso: TuningStatus;
  let ridge: TuningStatus;

  const searchEnded = async (tuningId: RunId): Promise<TuningStatus> => {
    for (;;) {
      const s = await meter.api('tuning.get', { tuningId });
      if (s.status !== 'RUNNING') return s;
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  /** expands a search's row in the runs table unless it is expanded already */
  const expand = async (tuningId: string): Promise<void> => {
    const row = meter.runs.rowById(tuningId);
    await row.waitFor();
    if ((await row.getAttribute('aria-expanded')) !== 'true') await meter.runs.expander(tuningId).click();
  };

  it('shows a pruned trial as PRUNED (step in the tooltip) in the runs table and on its page; status = KILLED still finds it', async () => {
    // the lasso search the core tests prune (tol 0: every trial runs its 40 sweeps unless pruned)
    const { tuningId } = await meter.api('tuning.start', {
      experiment: 'polish', runName: 'lasso-search', ...meter.onSample, algo: 'random', maxTrials: 8, parallel: 1, seed: 3,
      space: { model: 'lasso', featureSet: 'basic', alpha: { loguniform: [-9, 1] }, tol: 0, maxIter: 40 }, prune: { startupTrials: 2, everySteps: 5 },
    });
    lasso = await searchEnded(tuningId);
    const pruned = lasso.trials.filter((t) => t.pruned);
    expect(pruned.length).toBeGreaterThan(0);

    const { runs } = meter;
    await runs.open();
    await expand(tuningId);
    await runs.childRows(tuningId).nth(7).waitFor();
    for (const t of lasso.trials) {
      const status = runs.statusOf(t.runId);
      if (!t.pruned) { expect(await status.textContent()).toBe(t.status); continue; }
      expect(await status.textContent()).toBe('PRUNED');
      expect(await status.getAttribute('title')).toMatch(new RegExp(`^The pruner stopped this trial after ${t.pruned.step} coordinate-descent sweeps \\(rmse_val \\d+\\.\\d{4} there\\)\\. Stored as KILLED`));
    }
    // its own style (italic, dotted underline: the tooltip tells more), unlike a finished trial's
    const style = (runId: string) => runs.statusOf(runId).evaluate((el) => `${getComputedStyle(el).fontStyle} ${getComputedStyle(el).textDecorationStyle}`);
    expect(await style(pruned[0].runId)).toBe('italic dotted');
    expect(await style(lasso.trials.find((t) => !t.pruned)!.runId)).toBe('normal solid');
    await runs.statusOf(pruned[0].runId).hover();
    await runs.shotSizes('18-30-runs-pruned-trials');

    // filters: KILLED still finds the pruned trials (they are KILLED runs), their tag finds only them
    await runs.search("attributes.status = 'KILLED'");
    await expand(tuningId);
    await expect.poll(() => runs.childRows(tuningId).count()).toBe(pruned.length);
    expect(await runs.childRows(tuningId).locator('.status').allTextContents()).toEqual(pruned.map(() => 'PRUNED'));
    await runs.search("tags.meter.trial_state = 'PRUNED'");
    await expect.poll(() => runs.childRows(tuningId).count()).toBe(pruned.length);
    await runs.search("attributes.status = 'PRUNED'");
    await runs.filterError.filter({ hasText: "filter with tags.meter.trial_state = 'PRUNED'" }).waitFor();

    // the trial's own page
    await meter.run.open(pruned[0].runId);
    const badge = meter.run.title.locator('.status');
    expect(await badge.textContent()).toBe('PRUNED');
    expect(await badge.getAttribute('title')).toContain(`after ${pruned[0].pruned!.step} coordinate-descent sweeps`);
  });

  it("shows a search's model kinds in its row's model column (a choice of models too)", async () => {
    const { tuningId } = await meter.api('tuning.start', {
      experiment: 'polish', runName: 'ridge-search', ...meter.onSample, algo: 'random', maxTrials: 6, parallel: 1, seed: 1,
      space: { model: 'ridge', featureSet: { choice: ['basic', 'pu_do'] }, alpha: { loguniform: [-5, 3] } },
    });
    ridge = await searchEnded(tuningId);
    expect(new Set(ridge.trials.map((t) => t.params.featureSet)).size, 'the seeded search tried both feature sets (the contour needs two)').toBe(2);
    const both = await meter.api('tuning.start', {
      experiment: 'polish', runName: 'two-models', ...meter.onSample, algo: 'random', maxTrials: 2, parallel: 1, seed: 2,
      space: { model: { choice: [{ model: 'ridge', alpha: { loguniform: [-5, 3] } }, { model: 'lasso', alpha: { loguniform: [-5, 0] } }] } },
    });
    await searchEnded(both.tuningId);
    const { runs } = meter;
    await runs.open();
    await runs.rowById(both.tuningId).waitFor();
    const models = await runs.column('model');
    const names = await runs.column('Run');
    const modelOf = (name: string) => models[names.findIndex((n) => n.includes(name))];
    expect(modelOf('lasso-search')).toBe('lasso');
    expect(modelOf('ridge-search')).toBe('ridge');
    expect(modelOf('two-models')).toBe('ridge, lasso');
    await runs.shot('18-31-runs-search-models');
  });

  it('counts JSON in English in the artifact preview: { 1 key }, [ 2 items ]', async () => {
    const { run } = meter;
    await run.open(lasso.tuningId);
    await run.artifactButton('search/space.json', 'Preview').click();
    const preview = run.artifactPreview('search/space.json');
    await preview.waitFor();
    const text = (await preview.textContent()) ?? '';
    expect(text).toMatch(/\{ 5 keys \}/); // model, featureSet, alpha, tol, maxIter
    expect(text).toMatch(/"alpha": \{ 1 key \}/);
    expect(text).toMatch(/"loguniform": \[ 2 items \]/);
    expect(text).not.toMatch(/\b1 (items|keys)\b/);
    await run.shot('18-32-json-preview-counts');
  });

  it('opens the screens in the sidebar order with Alt+1…8 (Alt+3 is Tune)', async () => {
    const { page } = meter;
    await meter.data.open();
    const sidebar = await page.getByRole('navigation', { name: 'screens' }).getByRole('link').allTextContents();
    expect(sidebar).toEqual(['Data', 'Train', 'Tune', 'Runs', 'Models', 'Score', 'Monitor', 'Pipelines']);
    for (const [i, label] of sidebar.entries()) {
      await page.keyboard.press(`Alt+${i + 1}`);
      await page.getByRole('link', { name: label, exact: true }).and(page.locator('[aria-current=page]')).waitFor();
      expect(page.url()).toContain(`#/${label.toLowerCase()}`);
    }
  });

  it("keeps each search's log axis and contour parameters across a reload", async () => {
    const { tune, page } = meter;
    await tune.openSearch(ridge.tuningId);
    expect(await tune.lossAxisPressed('linear')).toBe(true);
    expect(await tune.contourChoice()).toEqual(['alpha', 'featureSet']); // the first two that varied
    await tune.lossAxis('log');
    await tune.contourParams('featureSet', 'alpha');
    expect(await tune.contourChoice()).toEqual(['featureSet', 'alpha']);
    await page.reload();
    await tune.title.waitFor();
    expect(await tune.lossAxisPressed('log')).toBe(true);
    expect(await tune.contourChoice()).toEqual(['featureSet', 'alpha']);
    expect(await tune.chartState('contour plot')).toBe('true');
    await tune.shot('18-33-study-view-kept');
    // per search: the lasso search still has its own (the default) view
    await tune.openSearch(lasso.tuningId);
    expect(await tune.lossAxisPressed('linear')).toBe(true);
    // (its trials table says what a lasso trial's steps are, as the runs table does)
    const pruned = page.getByRole('table', { name: 'trials' }).locator('.status.PRUNED').first();
    expect(await pruned.getAttribute('title')).toMatch(/^The pruner stopped it after \d+ coordinate-descent sweeps$/);
    await tune.openSearch(ridge.tuningId);
    expect(await tune.lossAxisPressed('log')).toBe(true);
  });

  it('takes the sample month dropped in the app after the CLI path imported it as that one dataset, and says so', async () => {
    const { data } = meter;
    await data.open();
    await data.datasetCards.nth(1).waitFor();
    const before = await meter.api('data.list', {});
    await data.drop([{ path: SAMPLE_TRAIN, name: 'jan.parquet' }]);
    const card = data.alreadyImported('jan.parquet');
    await card.waitFor();
    expect(await card.textContent()).toContain('green_tripdata_2023-01.sample.parquet');
    expect(await card.textContent()).toContain(SAMPLE_TRAIN);
    expect(await data.datasetCards.count()).toBe(before.length);
    expect((await meter.api('data.list', {})).map((d) => d.datasetId)).toEqual(before.map((d) => d.datasetId));
    // the upload's copy is not kept: nothing under <home>/datasets but empty sha folders at most
    const kept = readdirSync(join(meter.home, 'datasets'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(kept.map((e) => e.name)).toEqual([]);
    await data.shotSizes('18-34-already-imported');
  });
});
