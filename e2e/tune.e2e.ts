// Tuning in the app: a 10-trial TPE search whose live chart grows, the best trial opened from it, and a
// second search cancelled while its trials run.
import { describe, expect, it } from 'vitest';
import { asRunId } from '../src/shared/domain';
import { useMeter } from './fixtures';

describe('hyper-parameter search (Chromium)', () => {
  const meter = useMeter({ importSample: true, viewport: { width: 1280, height: 900 } });

  it('runs a 10-trial search with a live chart, then opens the best trial', async () => {
    const { tune, run } = meter;
    await tune.open();
    await tune.chooseModel('ridge');
    expect(await tune.spaceTable.textContent()).toContain('loguniform');
    await tune.fill('alpha high', '2');
    await tune.fill('Trials', '10');
    await tune.fill('In parallel', '1');
    await tune.start();
    await tune.progress.waitFor();
    // The chart grows: we see a partial count before the end.
    await tune.progress.filter({ hasText: /^[1-9] of 10 trials done/ }).waitFor({ timeout: 60_000 });
    expect(await meter.page.getByRole('img', { name: 'trial loss chart' }).getAttribute('data-rendered')).toBe('true');
    await tune.shot('40-search-running');
    await tune.title.filter({ hasText: 'FINISHED' }).waitFor({ timeout: 120_000 });
    expect(await tune.progress.textContent()).toMatch(/^Done: 10 trials — all complete · TPE$/); // ended: said as finished
    for (const name of ['trials parallel coordinates chart', 'parameter importance chart']) {
      await meter.page.getByRole('img', { name }).locator('canvas').waitFor();
    }
    await tune.shot('41-search-finished');
    const status = await meter.api('tuning.get', { tuningId: asRunId(tune.tuningId()) });
    const best = status.best;
    expect(best).not.toBeNull();
    await tune.openBestTrial();
    await run.waitFor();
    expect(meter.page.url()).toContain(best!.runId);
    expect(await run.metrics.textContent()).toContain(best!.rmseVal!.toFixed(4));
  });

  it('cancels a running search: running trials end KILLED, the search too', async () => {
    const tune = meter.tune;
    await tune.open();
    await tune.editJson({ model: 'lasso', featureSet: 'pu_do', alpha: { loguniform: [-12, -10] }, tol: 0, maxIter: 1000000 });
    await tune.fill('Trials', '4');
    await tune.fill('In parallel', '2');
    await tune.start();
    await tune.progress.filter({ hasText: '2 running' }).waitFor({ timeout: 60_000 });
    await tune.cancel();
    await tune.title.filter({ hasText: 'KILLED' }).waitFor({ timeout: 60_000 });
    const rows = await tune.trialRows();
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.includes('KILLED'))).toBe(true);
    expect(await tune.progress.textContent()).toMatch(/^Cancelled after 2 of 4 trials — 0 complete, 2 killed/); // killed trials are not "complete"
    await tune.shot('42-search-cancelled');
  });
});
