// What MLflow's UI users expect, in Meter's runs screens: a tuning search as one expandable row with its
// trials under it (keyboard too), an artifact browser with previews and downloads, metric charts with log
// axis, smoothing and time axes, and a Charts view across selected runs.
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { asRunId, type RunId } from '../src/shared/domain';
import { MeterError } from '../src/shared/errors';
import { SAMPLE_TRAIN } from './harness';
import { useMeter } from './fixtures';
import { ChartsPage } from './pages/charts-page';

/** A real PNG (a 96×48 gradient), encoded here so the test needs no image file. */
function png(width: number, height: number): Buffer {
  const crc = (buf: Buffer): number => {
    let c = ~0;
    for (const b of buf) { c ^= b; for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1)); }
    return ~c >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0); header.writeUInt32BE(height, 4); header[8] = 8; header[9] = 2; // 8-bit RGB
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const at = y * (width * 3 + 1) + 1 + x * 3;
    raw[at] = Math.round((255 * x) / width); raw[at + 1] = Math.round((255 * y) / height); raw[at + 2] = 160;
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

describe('runs like MLflow’s UI: nested runs, artifact browser, metric charts (Chromium)', () => {
  const meter = useMeter({ importSample: true });
  let search: RunId;
  let trials: RunId[];
  let plain: RunId;
  /** two runs an MLflow client logged, a loss over steps at real times (1–3 s apart) */
  const logged: RunId[] = [];

  beforeAll(async () => {
    const space = { model: 'gbt', featureSet: 'basic', nRounds: 25, maxDepth: { quniform: [2, 4, 1] }, learningRate: { loguniform: [-2.3, -1.2] } };
    ({ tuningId: search } = await meter.api('tuning.start', { ...meter.onSample, experiment: 'mlflow-ui', runName: 'gbt-search', space, algo: 'random', maxTrials: 4, parallel: 2, seed: 3 }));
    for (let i = 0; i < 600; i++) {
      const s = await meter.api('tuning.get', { tuningId: search });
      if (s.status !== 'RUNNING') { expect(s.status).toBe('FINISHED'); trials = s.trials.map((t) => t.runId); break; }
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(trials).toHaveLength(4);
    const { runId, outcome } = await meter.train({ ...meter.onSample, experiment: 'mlflow-ui', runName: 'plain-ridge', model: 'ridge', featureSet: 'basic' });
    expect(outcome.state).toBe('succeeded');
    plain = runId;
    // artifacts logged as MLflow's clients log them (the proxied artifact PUT, with the session token)
    const auth = { authorization: `Bearer ${meter.ui.token}` };
    const info = (await (await fetch(`${meter.ui.origin}/api/2.0/mlflow/runs/get?run_id=${plain}`, { headers: auth })).json()) as { run: { info: { artifact_uri: string } } };
    const base = info.run.info.artifact_uri.replace(/^mlflow-artifacts:\//, '');
    const put = async (path: string, body: Buffer | string) => {
      const r = await fetch(`${meter.ui.origin}/api/2.0/mlflow-artifacts/artifacts/${base}/${path}`, { method: 'PUT', headers: { authorization: `Bearer ${meter.ui.token}` }, body: typeof body === 'string' ? body : new Uint8Array(body) });
      expect(r.status, path).toBe(200);
    };
    await put('eval/metrics.json', JSON.stringify({ rmse_val: 5.12, by_borough: { Manhattan: 4.1, Queens: 6.3 }, folds: [5.0, 5.2, 5.1] }));
    await put('eval/notes.txt', 'ridge on basic features\nno outliers removed\n');
    await put('eval/plots/residuals.png', png(96, 48));
    await put('eval/plots/curve.svg', '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><script>document.title="pwned"</script><polyline points="0,50 40,20 80,30 120,5" fill="none" stroke="#c8372d" stroke-width="3"/></svg>');
    await put('data/head.parquet', readFileSync(SAMPLE_TRAIN));

    // as mlflow.start_run() + log_metric(step=…) do, with the times the client sends
    const mlflow = async <T>(path: string, body: object): Promise<T> => {
      const r = await fetch(`${meter.ui.origin}/api/2.0/mlflow/${path}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(r.status, path).toBe(200);
      return (await r.json()) as T;
    };
    const expId = ((await (await fetch(`${meter.ui.origin}/api/2.0/mlflow/experiments/get-by-name?experiment_name=mlflow-ui`, { headers: auth })).json()) as { experiment: { experiment_id: string } }).experiment.experiment_id;
    const t0 = Date.now() - 600_000;
    for (const [name, rate, dt] of [['logged-fast', 0.25, 1000], ['logged-slow', 0.1, 3000]] as const) {
      const { run } = await mlflow<{ run: { info: { run_id: string } } }>('runs/create', { experiment_id: expId, run_name: name, start_time: t0 });
      const runId = run.info.run_id;
      const metrics = Array.from({ length: 40 }, (_, step) => ({ key: 'loss', step, timestamp: t0 + step * dt, value: 2 * Math.exp(-rate * step) + 0.1 + 0.05 * Math.sin(step * 1.7) }));
      await mlflow('runs/log-batch', { run_id: runId, metrics });
      await mlflow('runs/update', { run_id: runId, status: 'FINISHED', end_time: t0 + 40 * dt });
      logged.push(asRunId(runId));
    }
  });

  it('shows a search as one row with "▸ 4 trials"; → and ← expand, enter, leave and collapse it', async () => {
    const { runs, page } = meter;
    await runs.open();
    await runs.waitForTotal(4);
    expect(await runs.topRows().count()).toBe(4);
    const row = runs.rowById(search);
    expect(await row.getAttribute('aria-expanded')).toBe('false');
    expect(await runs.expander(search).textContent()).toMatch(/▸ 4 trials/);
    expect(await runs.rowById(plain).getAttribute('aria-expanded')).toBeNull();

    await row.focus();
    await page.keyboard.press('ArrowRight');
    await runs.childRows(search).nth(3).waitFor();
    expect(await row.getAttribute('aria-expanded')).toBe('true');
    expect((await runs.childRows(search).evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')))).sort()).toEqual([...trials].sort());
    expect(await runs.childRows(search).first().getAttribute('aria-level')).toBe('2');
    // a trial's row names it without its search's name in front (the row sits under the search)
    expect(await runs.childRows(search).locator('.run-name').allTextContents()).toEqual(expect.arrayContaining(['trial-1', 'trial-2', 'trial-3', 'trial-4']));
    await runs.shotSizes('18-b1-nested-runs-expanded');
    await page.keyboard.press('ArrowRight'); // into the first trial
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-parent-id'))).toBe(search);
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-parent-id'))).toBe(search);
    await page.keyboard.press('ArrowLeft'); // back to the search
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-run-id'))).toBe(search);
    await page.keyboard.press('ArrowLeft');
    await runs.childRows(search).first().waitFor({ state: 'detached' });
    expect(await row.getAttribute('aria-expanded')).toBe('false');
  });

  it('sorts the trials with the table and keeps a trial that matches a filter under its search', async () => {
    const { runs } = meter;
    await runs.expander(search).click();
    await runs.childRows(search).nth(3).waitFor();
    await runs.sortBy('rmse_val');
    await runs.waitForSort('rmse_val', '▲');
    await runs.childRows(search).nth(3).waitFor(); // still expanded after the new order
    const vals = await runs.childRows(search).evaluateAll((els) => els.map((e) => Number(e.children[5]?.textContent)));
    expect(vals.every(Number.isFinite)).toBe(true);
    expect(vals).toEqual([...vals].sort((a, b) => a - b));

    const best = await meter.api('runs.search', { parentRunId: search, orderBy: 'metrics.rmse_val ASC', limit: 1 });
    await runs.expander(search).click(); // closed: the filter opens it by itself
    await runs.childRows(search).first().waitFor({ state: 'detached' });
    await runs.search(`attributes.run_name = '${best.runs[0].name}'`);
    await runs.waitForTotal(1);
    await runs.childRows(search).first().waitFor();
    expect(await runs.topRows().evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')))).toEqual([search]);
    expect(await runs.childRows(search).evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')))).toEqual([best.runs[0].runId]);
    expect(await runs.expander(search).textContent()).toMatch(/1 trial$/);
    await runs.shot('18-b1-nested-runs-filtered');
    await runs.search('');
    await runs.waitForTotal(4);
  });

  it('charts the selected trials: one chart per metric, a line per run, with log, smoothing and time axes', async () => {
    const { runs, page } = meter;
    await runs.childRows(search).nth(1).waitFor();
    await runs.childRows(search).nth(0).click({ modifiers: ['Control'] });
    await runs.childRows(search).nth(1).click({ modifiers: ['Control'] });
    await runs.childRows(search).nth(2).click({ modifiers: ['Control'] });
    await runs.charts();
    const charts = new ChartsPage(page, meter.url);
    await charts.heading(3).waitFor();
    expect(await charts.chartState('round_rmse_val chart')).toBe('true');
    expect(await charts.chartState('round_rmse_train chart')).toBe('true');
    expect(await charts.cards().count()).toBeGreaterThanOrEqual(2);
    expect(page.url()).toMatch(/view=charts/);
    await charts.shotSizes('18-b4-charts-view');
    // Meter's gbt keeps the time each round ended, so its rounds chart over relative time too
    expect(await charts.xAxis.locator('option[value=relative]').isDisabled()).toBe(false);
    await charts.setSmoothing(0.8);
    expect(await charts.controls.locator('output').textContent()).toBe('0.80');
    expect(await charts.card('round_rmse_val').getAttribute('data-smoothing')).toBe('0.8');

    // runs an MLflow client logged over time: relative time lines them up from each run's start
    await charts.open(logged);
    await charts.heading(2).waitFor();
    expect(await charts.chartState('loss chart')).toBe('true');
    await charts.setSmoothing(0.6);
    await charts.xAxis.selectOption('relative');
    expect(await charts.card('loss').getAttribute('data-x-axis')).toBe('relative');
    expect(await charts.card('loss').getAttribute('data-smoothing')).toBe('0.6');
    await page.setViewportSize({ width: 1024, height: 700 });
    expect(await charts.scrollsSideways()).toBe(false);
    await charts.shotSizes('18-b4-charts-view-smoothed-relative');
  });

  it('draws a run page chart per metric with linear/log, smoothing and step / relative / wall time', async () => {
    const { run, page } = meter;
    const charts = new ChartsPage(page, meter.url);
    await run.open(trials[0]);
    await run.waitFor();
    expect(await run.chartState('round_rmse_val chart')).toBe('true');
    expect(await run.chartState('round_rmse_train chart')).toBe('true');
    expect(await charts.xAxis.locator('option[value=wall]').isDisabled()).toBe(false);

    await run.open(logged[1]);
    await run.waitFor('logged-slow');
    // a client that logged no params: the card says so rather than standing empty
    expect(await run.page.getByTestId('no-params').textContent()).toBe('No parameters logged.');
    expect(await run.chartState('loss chart')).toBe('true');
    expect(await run.scaleButton('linear').getAttribute('aria-pressed')).toBe('true');
    await run.scaleButton('log').click();
    expect(await run.scaleButton('log').getAttribute('aria-pressed')).toBe('true');
    await charts.setSmoothing(0.6);
    await charts.xAxis.selectOption('wall');
    expect(await charts.xAxis.inputValue()).toBe('wall');
    expect(await charts.card('loss').getAttribute('data-scale')).toBe('log');
    expect(await charts.card('loss').getAttribute('data-x-axis')).toBe('wall');
    expect(await run.chartState('loss chart')).toBe('true');
    await run.shotSizes('18-b3-run-metric-charts');
  });

  it('browses artifacts as a tree and previews JSON, text, images (blob URLs under the CSP) and a parquet head', async () => {
    const { run, page } = meter;
    await run.open(plain);
    await run.waitFor('plain-ridge');
    for (const folder of ['data', 'eval', 'eval/plots', 'model']) expect(await run.artifact(folder).getAttribute('aria-expanded'), folder).toBe('true');
    await run.toggleFolder('eval/plots');
    await run.artifact('eval/plots/residuals.png').waitFor({ state: 'detached' });
    await run.toggleFolder('eval/plots');

    await run.artifactButton('eval/metrics.json', 'Preview').click();
    const json = run.artifactPreview('eval/metrics.json');
    await json.getByRole('tree', { name: 'JSON' }).waitFor();
    expect(await json.textContent()).toMatch(/"by_borough": \{\s*2 keys/);
    expect(await json.textContent()).toContain('"Queens": 6.3');
    await run.artifactButton('eval/notes.txt', 'Preview').click();
    expect(await run.artifactPreview('eval/notes.txt').locator('pre').textContent()).toBe('ridge on basic features\nno outliers removed\n');

    await run.artifactButton('eval/plots/residuals.png', 'Preview').click();
    const img = run.artifactPreview('eval/plots/residuals.png').getByRole('img');
    await img.waitFor();
    await page.waitForFunction(() => (document.querySelector('figure.preview img') as HTMLImageElement | null)?.naturalWidth === 96);
    expect(await img.getAttribute('src')).toMatch(/^blob:/);
    await run.shotSizes('18-b2-artifact-image');
    await run.artifactButton('eval/plots/curve.svg', 'Preview').click();
    await page.waitForFunction(() => (document.querySelector('figure.preview img') as HTMLImageElement | null)?.naturalWidth === 120);
    expect(await page.title()).not.toBe('pwned'); // an SVG in an <img> runs no script

    await run.artifactButton('data/head.parquet', 'Preview').click();
    const table = run.artifactPreview('data/head.parquet').getByRole('table', { name: 'parquet head' });
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(20);
    expect(await table.locator('thead').textContent()).toMatch(/lpep_pickup_datetime\s*Datetime/);
    expect(await run.artifactPreview('data/head.parquet').locator('figcaption').textContent()).toMatch(/first 20 of 5,000 rows/);
    await run.shotSizes('18-b2-artifact-parquet');

    const [download] = await Promise.all([page.waitForEvent('download'), run.artifactButton('eval/plots/residuals.png', 'Download').click()]);
    expect(download.suggestedFilename()).toBe('residuals.png');
    expect(readFileSync((await download.path())!).equals(png(96, 48))).toBe(true);
  });

  it('refuses artifact paths that leave the run', async () => {
    for (const path of ['../x.json', 'eval/../../x', '/etc/passwd']) {
      const err = await meter.api('runs.artifactPreview', { runId: asRunId(plain), path }).then(() => null, (e: unknown) => e);
      expect(err, path).toBeInstanceOf(MeterError);
      expect((err as MeterError).code).toBe('INVALID_ARGUMENT');
    }
  });
});
