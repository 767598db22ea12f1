// What Optuna's dashboard users look for, in Chromium: a gbt search with pruning (pruned trials shown apart in
// the history chart and the table), slice / contour / EDF plots, a log axis on the history, and a finished
// search extended with more trials on the same search run (an extension survives a reload and cancels).
import { describe, expect, it } from 'vitest';
import { asRunId } from '../src/shared/domain';
import { useMeter } from './fixtures';

describe('a study: pruning, plots, extending (Chromium)', () => {
  const meter = useMeter({ importSample: true, viewport: { width: 1440, height: 900 } });

  it('prunes unpromising gbt trials, draws the study plots, then extends the search (reload, cancel, 3 more)', async () => {
    const { tune, page } = meter;
    await tune.open();
    await tune.editJson({ model: 'gbt', nRounds: 60, earlyStopping: 60, maxDepth: { quniform: [2, 4, 1] }, learningRate: { loguniform: [-5.5, -1] } });
    await tune.fill('Trials', '10');
    await tune.fill('In parallel', '1');
    await tune.fill('Seed', '5');
    await tune.setPruning(true);
    await expect.poll(() => page.getByText(/Every 10 boosting rounds \(gbt\) or coordinate-descent sweeps \(lasso\), a trial whose validation RMSE is worse than the median/).count()).toBe(1);
    await tune.shotSizes('18-20-tune-prune-toggle');
    await tune.start();
    await tune.title.filter({ hasText: 'FINISHED' }).waitFor({ timeout: 180_000 });

    const s = await meter.api('tuning.get', { tuningId: asRunId(tune.tuningId()) });
    const pruned = s.trials.filter((t) => t.pruned);
    expect(s.pruning).toBe(true);
    expect(pruned.length).toBeGreaterThan(0);
    // shown apart: the progress line counts them, the table names the round they stopped at
    expect(await tune.progress.textContent()).toContain(`${pruned.length} pruned`);
    const rows = await tune.trialRows();
    expect(rows.filter((r) => /PRUNED @ \d+/.test(r))).toHaveLength(pruned.length);
    expect(rows.filter((r) => r.includes('KILLED'))).toHaveLength(0);
    expect(await tune.chartState('trial loss chart')).toBe('true');

    // the plots: a slice per parameter that varied, a contour of the two, the EDF
    for (const name of ['slice plot learningRate', 'slice plot maxDepth', 'contour plot', 'EDF plot']) expect(await tune.chartState(name)).toBe('true');
    await tune.contourParams('maxDepth', 'learningRate');
    expect(await tune.chartState('contour plot')).toBe('true');
    await tune.lossAxis('log');
    expect(await page.getByRole('button', { name: 'log' }).getAttribute('aria-pressed')).toBe('true');
    expect(await tune.scrollsSideways()).toBe(false);
    await tune.shotSizes('18-21-study-plots');

    // extend the finished search by 20: a job like any other — after a reload it still runs, with Cancel
    await tune.runMore(20);
    await tune.title.filter({ hasText: 'RUNNING' }).waitFor();
    await page.reload();
    await tune.title.filter({ hasText: 'RUNNING' }).waitFor();
    await tune.progress.filter({ hasText: /of 30 trials done/ }).waitFor();
    await tune.cancel();
    await tune.title.filter({ hasText: 'KILLED' }).waitFor({ timeout: 60_000 });
    const cancelled = await meter.api('tuning.get', { tuningId: s.tuningId });
    expect(cancelled.trials.length).toBeGreaterThan(10);
    expect(cancelled.trials.length).toBeLessThan(30);
    // then 3 more on the cancelled search: same run, numbering goes on
    await tune.runMore(3);
    await tune.title.filter({ hasText: 'FINISHED' }).waitFor({ timeout: 120_000 });
    const after = await meter.api('tuning.get', { tuningId: s.tuningId });
    const total = cancelled.trials.length + 3;
    expect(after.trials.map((t) => t.trial)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(after.maxTrials).toBe(total);
    expect(after.trials.slice(0, 10).map((t) => t.runId)).toEqual(s.trials.map((t) => t.runId));
    expect(after.trials.slice(-3).every((t) => t.status === 'FINISHED' || t.pruned)).toBe(true);
    expect(await tune.progress.textContent()).toMatch(new RegExp(`^Done: ${total} trials — \\d+ complete`));
    expect(await tune.trialRows()).toHaveLength(total);
    await tune.shotSizes('18-22-study-extended');
  });
});
