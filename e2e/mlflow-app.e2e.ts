// Push to and import from MLflow in the app (Chromium, browser mode) against MLflow 2.17.2's real server:
// "Push to MLflow…" from the Runs toolbar through a gate asking for basic auth (test/mlflow-proxy.ts, which
// also slows metric batches so the progress can be watched), the job found again after a reload, Cancel,
// then Push again completing with every point once; "Import from MLflow…" on Data bringing in an mlflow.db
// the real Python client wrote, its runs then in the table.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCore } from '../src/core/context';
import { ensureExperiment } from '../src/core/store/experiments-repo';
import { createRun, endRun, logMetrics, logParams, recordArtifact } from '../src/core/store/runs-repo';
import { mlflowClientMissing, runPython, startMlflowServer } from '../test/mlflow-client';
import { startMlflowProxy, type MlflowProxy } from '../test/mlflow-proxy';
import { useMeter } from './fixtures';
import { shotSizes } from './harness';
import { MlflowPanel } from './pages/mlflow-page';

const missing = mlflowClientMissing();
if (missing) console.log(`MLflow push/import e2e skipped: ${missing}`);

const RUNS = 4;
const POINTS = 3000; // three metric batches per run

describe.skipIf(missing !== null)('Push to and import from MLflow in the app (Chromium + MLflow 2.17.2)', () => {
  let dir: string;
  let mlflow: { uri: string; stop(): void };
  let proxy: MlflowProxy;
  const meter = useMeter({
    importSample: true,
    seed: async (home) => {
      const ctx = openCore({ home });
      const exp = ensureExperiment(ctx.db, 'taxi-e2e');
      for (let r = 0; r < RUNS; r++) {
        const runId = createRun(ctx.db, { experimentId: exp.experimentId, name: `run-${r}`, params: {}, tags: {}, source: { type: 'API', name: 'e2e' }, inputs: [] });
        logParams(ctx.db, runId, { alpha: String(r / 10) });
        logMetrics(ctx.db, runId, Array.from({ length: POINTS }, (_, i) => ({ key: 'loss', value: 1 / (i + 1 + r), step: i, timestampMs: 1_700_000_000_000 + i })));
        const file = join(ctx.artifactsDir(runId), 'model', 'model.json');
        mkdirSync(join(file, '..'), { recursive: true });
        writeFileSync(file, `{"r":${r}}`);
        recordArtifact(ctx.db, runId, 'model/model.json', 7);
        endRun(ctx.db, runId, 'FINISHED');
      }
      await ctx.close();
    },
  });
  const rest = async (path: string, body: unknown) => (await fetch(`${mlflow.uri}/api/2.0/mlflow/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<any>;
  const history = async (runId: string) => (await (await fetch(`${mlflow.uri}/api/2.0/mlflow/metrics/get-history?${new URLSearchParams({ run_id: runId, metric_key: 'loss', max_results: '25000' })}`)).json() as any).metrics as { step: number }[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meter-e2e-mlflow-'));
    mlflow = await startMlflowServer(dir);
    proxy = await startMlflowProxy(mlflow.uri, { user: 'ana', password: 'pw' });
    // slow metric batches down, so a person (and this test) can watch the progress and press Cancel
    proxy.rule = (c) => (c.path === 'runs/log-batch' && c.body.includes('"metrics"') ? { delayMs: 500 } : null);
  }, 120_000);
  afterAll(async () => { await proxy?.close(); mlflow?.stop(); rmSync(dir, { recursive: true, force: true }); });

  it('pushes an experiment with progress; the job is found again after a reload; Cancel stops it', async () => {
    const page = meter.page;
    const panel = new MlflowPanel(page, meter.url);
    await meter.runs.open();
    await panel.openPush();
    await panel.tickExperiment('taxi-e2e');
    await panel.fillServer(proxy.uri);
    await panel.basicAuth('ana', 'pw');
    await shotSizes(page, 'mlflow-push-dialog');
    await panel.dialog.getByRole('button', { name: 'Push' }).click();
    await panel.dialog.waitFor({ state: 'detached' });
    await page.waitForFunction(() => /Sending runs · [1-9]\d*\//.test(document.querySelector('[data-testid=mlflow-phase]')?.textContent ?? ''));
    await shotSizes(page, 'mlflow-push-progress', [{ width: 1440, height: 900, colorScheme: 'light' }, { width: 1024, height: 700, colorScheme: 'dark' }]);

    await page.reload();
    await panel.job.getByText('started before this page loaded').waitFor();
    await page.waitForFunction(() => /Sending runs · \d+\//.test(document.querySelector('[data-testid=mlflow-phase]')?.textContent ?? ''));
    await panel.job.getByRole('button', { name: 'Cancel' }).click();
    await panel.ended('cancelled');
    await panel.job.getByText('push again to send the rest').waitFor();
    await shotSizes(page, 'mlflow-push-cancelled', [{ width: 1440, height: 900, colorScheme: 'light' }, { width: 1024, height: 700, colorScheme: 'dark' }]);
    const exp = (await (await fetch(`${mlflow.uri}/api/2.0/mlflow/experiments/get-by-name?experiment_name=taxi-e2e`)).json() as any).experiment;
    const there = await rest('runs/search', { experiment_ids: [exp.experiment_id], max_results: 100 });
    const finished = (there.runs ?? []).filter((r: any) => r.info.status === 'FINISHED');
    expect(finished.length).toBeLessThan(RUNS); // stopped before the end
  });

  it('Push again completes: every run once, every point once, counts shown', async () => {
    const page = meter.page;
    const panel = new MlflowPanel(page, meter.url);
    await panel.job.getByRole('button', { name: 'Dismiss' }).click();
    proxy.rule = () => null;
    await panel.openPush();
    await panel.tickExperiment('taxi-e2e');
    // the URL and the user are remembered; the password is not
    expect(await panel.dialog.getByLabel('MLflow tracking server URL').inputValue()).toBe(proxy.uri);
    await panel.basicAuth('ana', 'pw');
    await panel.dialog.getByRole('button', { name: 'Push' }).click();
    await panel.ended('succeeded');
    await panel.count('runs').waitFor();
    const exp = (await (await fetch(`${mlflow.uri}/api/2.0/mlflow/experiments/get-by-name?experiment_name=taxi-e2e`)).json() as any).experiment;
    const there = (await rest('runs/search', { experiment_ids: [exp.experiment_id], max_results: 100 })).runs as any[];
    expect(there).toHaveLength(RUNS);
    for (const r of there) {
      expect(r.info.status).toBe('FINISHED');
      const h = await history(r.info.run_id);
      expect(h).toHaveLength(POINTS);
      expect(new Set(h.map((p) => p.step)).size).toBe(POINTS);
    }
    const sentRuns = Number(await panel.count('runs').textContent());
    const skipped = Number(await panel.count('skipped').textContent());
    expect(sentRuns + skipped).toBe(RUNS);
    expect(sentRuns).toBeGreaterThan(0);
    expect(Number((await panel.count('metrics').textContent())?.replace(/,/g, ''))).toBeLessThan(RUNS * POINTS); // the cancelled part was not sent again
    await shotSizes(page, 'mlflow-push-done');
  });

  it('pushes a registered model from its page: its version (linked to its pushed run) and its alias', async () => {
    const page = meter.page;
    const panel = new MlflowPanel(page, meter.url);
    const { runId, outcome } = await meter.train({ experiment: 'taxi-models', runName: 'lasso-e2e', model: 'lasso', featureSet: 'basic', params: { alpha: 0.1 }, ...meter.onSample });
    expect(outcome.state).toBe('succeeded');
    await meter.api('models.register', { runId, name: 'taxi-e2e', description: 'from the e2e' });
    await meter.api('models.setAlias', { name: 'taxi-e2e', alias: 'champion', version: 1 });
    await meter.models.open('taxi-e2e');
    await panel.openPush();
    await panel.dialog.getByText('registered model taxi-e2e').waitFor();
    await panel.fillServer(proxy.uri.replace(/^http:\/\//, '')); // typed as a browser takes it: host:port
    // a wrong password: the server's refusal, saying what to check, and no "Reload" (this page is fine)
    await panel.basicAuth('ana', 'wrong');
    await panel.dialog.getByRole('button', { name: 'Push' }).click();
    await panel.ended('failed');
    expect(await panel.job.textContent()).toMatch(/check the token, or the user and password: in the app's dialog/);
    expect(await panel.job.locator('[data-step=reload]').count()).toBe(0);
    await panel.openPush();
    await panel.basicAuth('ana', 'pw');
    await shotSizes(page, 'mlflow-push-model-dialog', [{ width: 1024, height: 700, colorScheme: 'light' }]);
    await panel.dialog.getByRole('button', { name: 'Push' }).click();
    await panel.ended('succeeded');
    expect(await panel.count('versions').textContent()).toBe('1');
    expect(await panel.count('models').textContent()).toBe('1');
    const model = (await (await fetch(`${mlflow.uri}/api/2.0/mlflow/registered-models/get?name=taxi-e2e`)).json() as any).registered_model;
    expect(model.aliases).toEqual([{ alias: 'champion', version: '1' }]);
    const version = (await (await fetch(`${mlflow.uri}/api/2.0/mlflow/model-versions/get?name=taxi-e2e&version=1`)).json() as any).model_version;
    const run = (await (await fetch(`${mlflow.uri}/api/2.0/mlflow/runs/get?run_id=${version.run_id}`)).json() as any).run;
    expect(run.data.tags.find((t: any) => t.key === 'meter.run_id')?.value).toBe(runId);
    await shotSizes(page, 'mlflow-push-model-done', [{ width: 1024, height: 700, colorScheme: 'dark' }]);
  });

  it('pushes everything (every experiment and registered model) from the Runs toolbar; what is there already is skipped', async () => {
    const page = meter.page;
    const panel = new MlflowPanel(page, meter.url);
    const { runId } = await meter.train({ experiment: 'taxi-all', runName: 'ridge-all', model: 'ridge', featureSet: 'basic', params: { alpha: 1 }, ...meter.onSample });
    await meter.api('models.register', { runId, name: 'taxi-all' });
    await meter.api('models.setAlias', { name: 'taxi-all', alias: 'staging', version: 1 });
    await meter.runs.open();
    await panel.openPush();
    await panel.dialog.getByLabel(/Everything: every experiment/).check();
    expect(await panel.dialog.getByLabel('taxi-all', { exact: false }).isDisabled()).toBe(true);
    await panel.fillServer(proxy.uri);
    await panel.basicAuth('ana', 'pw');
    await shotSizes(page, 'mlflow-push-everything-dialog', [{ width: 1024, height: 700, colorScheme: 'dark' }]);
    await panel.dialog.getByRole('button', { name: 'Push' }).click();
    await panel.ended('succeeded');
    // only the new run and the new model travel: the experiments, runs and model pushed above are there already
    expect(await panel.count('runs').textContent()).toBe('1');
    expect(await panel.count('models').textContent()).toBe('1');
    const model = (await (await fetch(`${mlflow.uri}/api/2.0/mlflow/registered-models/get?name=taxi-all`)).json() as any).registered_model;
    expect(model.aliases).toEqual([{ alias: 'staging', version: '1' }]);
    const exp = (await (await fetch(`${mlflow.uri}/api/2.0/mlflow/experiments/get-by-name?experiment_name=taxi-all`)).json() as any).experiment;
    const there = (await rest('runs/search', { experiment_ids: [exp.experiment_id], max_results: 10 })).runs as any[];
    expect(there.map((r) => r.data.tags.find((t: any) => t.key === 'meter.run_id')?.value)).toEqual([runId]);
  });

  it('imports an mlflow.db written by MLflow\'s client from the Data screen; its runs show in the table', async () => {
    const page = meter.page;
    const panel = new MlflowPanel(page, meter.url);
    const course = join(dir, 'course');
    mkdirSync(course);
    await runPython(`import json, mlflow
mlflow.set_experiment("course-week2")
for i in range(3):
    with mlflow.start_run(run_name=f"course-run-{i}"):
        mlflow.log_param("alpha", i)
        for s in range(5): mlflow.log_metric("rmse", 9.0 - s - i, step=s)
print("RESULT " + json.dumps({"ok": True}))`, 'sqlite:///mlflow.db', '', course);
    await page.goto(`${meter.url}#/data`);
    await panel.openImport();
    await panel.dialog.getByLabel('mlflow.db path').fill(join(course, 'mlflow.db'));
    await shotSizes(page, 'mlflow-import-dialog', [{ width: 1440, height: 900, colorScheme: 'light' }, { width: 1024, height: 700, colorScheme: 'dark' }]);
    await panel.dialog.getByRole('button', { name: 'Import' }).click();
    await panel.ended('succeeded');
    await panel.job.locator('[data-count=runs]').filter({ hasText: '3' }).waitFor();
    expect(await panel.count('metrics').textContent()).toBe('15');
    await shotSizes(page, 'mlflow-import-done', [{ width: 1440, height: 900, colorScheme: 'light' }, { width: 1024, height: 700, colorScheme: 'dark' }]);
    await meter.runs.open();
    for (let i = 0; i < 3; i++) await meter.runs.row(`course-run-${i}`).waitFor();
  });
});
