// Pushing to a team's MLflow server that is not always kind: MLflow 2.17.2's real server behind a test proxy
// that demands basic auth and answers 429/503 or cuts connections now and then (test/mlflow-proxy.ts). The push
// completes and MLflow has every point once; a push cancelled halfway (through the app's job) or cut off after
// the server took a batch resumes, sending only the rest; retries are bounded and the last error names the call.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, openHarness, type Harness } from '../../../test/helpers';
import { mlflowClientMissing, startMlflowServer } from '../../../test/mlflow-client';
import { startMlflowProxy, type MlflowProxy } from '../../../test/mlflow-proxy';
import type { JobId, RunId } from '../../shared/domain';
import { ensureExperiment } from '../store/experiments-repo';
import { createRun, endRun, logMetrics, logParams, metricHistory, recordArtifact } from '../store/runs-repo';
import { getPushMapping } from './push-map';
import { pushCounted } from './push';

const missing = mlflowClientMissing();
if (missing) console.log(`mlflow push robustness tests skipped: ${missing}`);

const AUTH = { user: 'ana', password: 's3cret' };
const FAST = { attempts: 4, baseMs: 5, maxMs: 50 };
const POINTS = 2500; // three log-batch calls of at most 1,000 points

describe.skipIf(missing !== null)('push to a real MLflow server through a flaky gate', () => {
  let h: Harness;
  let dir: string;
  let mlflow: { uri: string; stop(): void };
  let proxy: MlflowProxy;
  const get = async (path: string, q: Record<string, string>) => (await fetch(`${mlflow.uri}/api/2.0/mlflow/${path}?${new URLSearchParams(q)}`)).json() as Promise<any>;

  /** A finished run with 2,500 points of one metric, another metric, params and two artifact files. */
  function makeRun(experiment: string, name: string): RunId {
    const exp = ensureExperiment(h.ctx.db, experiment);
    const runId = createRun(h.ctx.db, { experimentId: exp.experimentId, name, params: {}, tags: { team: 'taxi' }, source: { type: 'API', name: 'test' }, inputs: [] });
    logParams(h.ctx.db, runId, { alpha: '0.1', model: 'lasso' });
    logMetrics(h.ctx.db, runId, Array.from({ length: POINTS }, (_, i) => ({ key: 'loss', value: 1 / (i + 1), step: i, timestampMs: 1_700_000_000_000 + i })));
    logMetrics(h.ctx.db, runId, [{ key: 'rmse_val', value: 4.25, step: 0, timestampMs: 1_700_000_000_000 }]);
    for (const [path, text] of [['model/model.json', `{"run":"${name}"}`], ['notes.txt', 'hello']]) {
      const abs = join(h.ctx.artifactsDir(runId), ...path.split('/'));
      mkdirSync(join(abs, '..'), { recursive: true });
      writeFileSync(abs, text);
      recordArtifact(h.ctx.db, runId, path, text.length);
    }
    endRun(h.ctx.db, runId, 'FINISHED');
    return runId;
  }

  /** What MLflow itself has for the run: every loss point (step → value) and how many. */
  async function remoteLoss(remoteRunId: string): Promise<{ n: number; steps: Set<number> }> {
    const hist = (await get('metrics/get-history', { run_id: remoteRunId, metric_key: 'loss', max_results: '25000' })).metrics as { step: number }[];
    return { n: hist.length, steps: new Set(hist.map((m) => Number(m.step))) };
  }

  /** Every active run on the MLflow server, as its REST API lists them. */
  async function allRemoteRuns(): Promise<unknown[]> {
    const post = async (path: string, body: unknown) => (await fetch(`${mlflow.uri}/api/2.0/mlflow/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<any>;
    const experiments = (await post('experiments/search', { max_results: 100 })).experiments as { experiment_id: string }[];
    return (await post('runs/search', { experiment_ids: experiments.map((e) => e.experiment_id), max_results: 1000 })).runs ?? [];
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meter-mlflow-flaky-'));
    mlflow = await startMlflowServer(dir);
    h = openHarness();
  }, 120_000);
  afterEach(async () => { await proxy?.close(); });
  afterAll(async () => { mlflow?.stop(); await h?.dispose(); rmSync(dir, { recursive: true, force: true }); });

  it('completes through 429 (Retry-After), 503 and reset connections with basic auth; MLflow has every point once', async () => {
    const runId = makeRun('flaky', 'through-the-gate');
    proxy = await startMlflowProxy(mlflow.uri, AUTH);
    const req = { trackingUri: proxy.uri, experiments: ['flaky'], runIds: [], models: [], retry: FAST };
    await expect(pushCounted(h.ctx, req)).rejects.toThrow(/answered 401 .*experiments\/get-by-name.*check the token, or the user and password/);
    await expect(pushCounted(h.ctx, { ...req, user: 'ana', password: 'wrong' })).rejects.toThrow(/401/);

    proxy.rule = (c) => {
      if (c.path === 'runs/create' && c.n === 1) return { status: 429, retryAfter: '0' };
      if (c.path === 'runs/log-batch' && c.n % 2 === 1) return { status: 503 };
      if (c.path === 'runs/get' && c.n === 1) return { reset: 'before' };
      if (c.path === 'artifact-upload' && c.n === 1) return { status: 500 };
      return null;
    };
    const { report, counts } = await pushCounted(h.ctx, { ...req, ...AUTH });
    expect(counts).toMatchObject({ experiments: 1, runs: 1, metrics: POINTS + 1, artifacts: 2, errors: 0, skipped: 0 });
    expect(proxy.log.filter((l) => l.fault !== null).length).toBeGreaterThanOrEqual(5); // the faults did happen
    const remoteId = report.runs[0].remoteRunId;
    const loss = await remoteLoss(remoteId);
    expect(loss.n).toBe(POINTS);
    expect(loss.steps.size).toBe(POINTS);
    const remote = (await get('runs/get', { run_id: remoteId })).run;
    expect(remote.info.status).toBe('FINISHED');
    expect(Object.fromEntries(remote.data.params.map((p: any) => [p.key, p.value]))).toEqual({ alpha: '0.1', model: 'lasso' });
    expect(Object.fromEntries(remote.data.tags.map((t: any) => [t.key, t.value]))).toMatchObject({ team: 'taxi', 'meter.run_id': runId });
    const file = await fetch(`${mlflow.uri}/get-artifact?${new URLSearchParams({ run_uuid: remoteId, path: 'model/model.json' })}`);
    expect(await file.text()).toBe('{"run":"through-the-gate"}');

    // Again: nothing new is sent (no log-batch, no upload, no create)
    proxy.rule = () => null;
    proxy.log.length = 0;
    const again = await pushCounted(h.ctx, { ...req, ...AUTH });
    expect(again.counts).toMatchObject({ runs: 0, metrics: 0, artifacts: 0, skipped: 1 });
    expect(proxy.log.filter((l) => l.method !== 'GET' && l.path !== 'runs/search').map((l) => l.path)).toEqual([]);
  });

  it('gives up after the bounded attempts, naming the call', async () => {
    makeRun('down', 'never-lands');
    proxy = await startMlflowProxy(mlflow.uri, null);
    proxy.rule = (c) => (c.path === 'runs/log-batch' ? { status: 503 } : null);
    await expect(pushCounted(h.ctx, { trackingUri: proxy.uri, experiments: ['down'], runIds: [], models: [], retry: FAST }))
      .rejects.toThrow(/answered 503 TEMPORARILY_UNAVAILABLE to runs\/log-batch \(after 4 attempts\)/);
    expect(proxy.log.filter((l) => l.path === 'runs/log-batch')).toHaveLength(4);
  });

  it('a push cancelled in the app after its first metric batch resumes: the next sends only the rest, no point twice', async () => {
    const runId = makeRun('cancel-me', 'half-sent');
    proxy = await startMlflowProxy(mlflow.uri, AUTH);
    let jobId = '' as JobId;
    const progress: { phase: string; done: number; total: number }[] = [];
    const off = h.client.on('job.progress', (p) => { if (p.jobId === jobId) progress.push(p); });
    proxy.onForwarded = (c) => {
      if (c.path === 'runs/log-batch' && c.body.includes('"metrics"')) void h.client.call('jobs.cancel', { jobId });
    };
    const started = await h.client.call('mlflow.startPush', { to: proxy.uri, ...AUTH, experiments: ['cancel-me'] });
    jobId = started.jobId;
    await expect(h.client.call('mlflow.startPush', { to: `${proxy.uri}/`, ...AUTH, experiments: ['cancel-me'] })).rejects.toThrow(`A push to ${proxy.uri} is running (job ${jobId})`);
    expect((await h.client.call('jobs.list', {})).find((j) => j.jobId === jobId)).toMatchObject({ kind: 'mlflow-push', state: 'running' });
    const outcome = await h.client.call('jobs.wait', { jobId: started.jobId });
    off();
    expect(outcome.state).toBe('cancelled');
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.every((p) => p.phase === 'push runs' && p.done <= p.total)).toBe(true);
    const cancelled = await h.client.call('mlflow.result', { jobId: started.jobId });
    expect(cancelled).toMatchObject({ direction: 'push', cancelled: true, counts: { metrics: 1000, runs: 0 } });
    const map = getPushMapping(h.ctx.db, proxy.uri, runId)!;
    expect(map).toMatchObject({ paramsSent: true, metricsSent: 1000, finished: false });
    expect((await remoteLoss(map.remoteRunId)).n).toBe(1000);

    // The next batch reaches MLflow, but the connection drops before Meter hears: Meter thinks 1,000 went.
    proxy.onForwarded = () => {};
    proxy.rule = (c) => (c.path === 'runs/log-batch' && c.body.includes('"metrics"') ? { reset: 'after' } : null);
    await expect(pushCounted(h.ctx, { trackingUri: proxy.uri, ...AUTH, experiments: ['cancel-me'], runIds: [], models: [], retry: { ...FAST, attempts: 1 } })).rejects.toThrow(/Cannot reach MLflow/);
    expect(getPushMapping(h.ctx.db, proxy.uri, runId)!.metricsSent).toBe(1000);
    expect((await remoteLoss(map.remoteRunId)).n).toBe(2000);

    proxy.rule = () => null;
    const done = await h.client.call('mlflow.startPush', { to: proxy.uri, ...AUTH, experiments: ['cancel-me'] });
    const end = await h.client.call('jobs.wait', { jobId: done.jobId });
    expect(end.state).toBe('succeeded');
    // only the 500 loss points MLflow lacked and the one rmse_val point were sent
    expect(end.metrics).toMatchObject({ runs: 1, metrics: POINTS - 2000 + 1, artifacts: 2, errors: 0 });
    const loss = await remoteLoss(map.remoteRunId);
    expect(loss.n).toBe(POINTS);
    expect(loss.steps.size).toBe(POINTS);
    expect(metricHistory(h.ctx.db, runId, 'loss')).toHaveLength(POINTS);
    const runs = await (await fetch(`${mlflow.uri}/api/2.0/mlflow/runs/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ experiment_ids: [(await get('experiments/get-by-name', { experiment_name: 'cancel-me' })).experiment.experiment_id] }) })).json() as any;
    expect(runs.runs).toHaveLength(1);
    expect(runs.runs[0].info.status).toBe('FINISHED');
  });

  it('a CLI push killed (SIGKILL) mid-run resumes: the next push completes it, every point once', async () => {
    const runId = makeRun('killed', 'kill-9');
    proxy = await startMlflowProxy(mlflow.uri, AUTH);
    // the user and password from MLflow's own environment variables, as its clients take them
    const child = spawn(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', h.home, 'mlflow', 'push', '--to', proxy.uri, '--experiment', 'killed'],
      { env: { ...process.env, METER_HOME: '', MLFLOW_TRACKING_USERNAME: AUTH.user, MLFLOW_TRACKING_PASSWORD: AUTH.password }, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    proxy.onForwarded = (c) => { if (c.path === 'runs/log-batch' && c.body.includes('"metrics"')) child.kill('SIGKILL'); };
    expect(await exited).toBe('SIGKILL');
    const map = getPushMapping(h.ctx.db, proxy.uri, runId)!;
    expect(map).toMatchObject({ paramsSent: true, finished: false });
    const before = (await remoteLoss(map.remoteRunId)).n;
    expect(before).toBeGreaterThanOrEqual(1000); // the batch that reached MLflow is there, whether or not the kill let Meter record it
    expect(before).toBeLessThan(POINTS);

    proxy.onForwarded = () => {};
    const { counts } = await pushCounted(h.ctx, { trackingUri: proxy.uri, ...AUTH, experiments: ['killed'], runIds: [], models: [] });
    expect(counts).toMatchObject({ runs: 1, metrics: POINTS - before + 1, errors: 0 });
    const loss = await remoteLoss(map.remoteRunId);
    expect(loss.n).toBe(POINTS);
    expect(loss.steps.size).toBe(POINTS);
  });

  it('a dry run counts and sends nothing; the app imports everything on the server as a job, and again nothing new', async () => {
    makeRun('dry', 'counted');
    proxy = await startMlflowProxy(mlflow.uri, null);
    const dry = await pushCounted(h.ctx, { trackingUri: proxy.uri, experiments: ['dry'], runIds: [], models: [], dryRun: true });
    expect(dry.counts).toMatchObject({ experiments: 1, runs: 1, metrics: POINTS + 1, artifacts: 2 });
    expect(proxy.log.filter((l) => l.method !== 'GET' && l.path !== 'runs/search')).toEqual([]);
    expect((await get('experiments/get-by-name', { experiment_name: 'dry' })).error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    // the CLI's --dry-run --json prints the same counts (spawned, not spawnSync: the proxy answers from this process)
    const cli = spawn(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', h.home, 'mlflow', 'push', '--to', proxy.uri, '--experiment', 'dry', '--dry-run', '--json'], { env: { ...process.env, METER_HOME: '' } });
    let out = '';
    cli.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    expect(await new Promise((resolve) => cli.once('exit', resolve))).toBe(0);
    expect(JSON.parse(out)).toEqual(dry.counts);
    expect(proxy.log.filter((l) => l.method !== 'GET' && l.path !== 'runs/search')).toEqual([]);

    // Another Meter imports what the pushes above left on the server: every experiment, as one job
    const other = openHarness();
    try {
      const job = await other.client.call('mlflow.startImport', { from: mlflow.uri });
      const end = await other.client.call('jobs.wait', { jobId: job.jobId });
      expect(end.state).toBe('succeeded');
      const remoteRuns = await allRemoteRuns();
      expect(end.metrics).toMatchObject({ runs: remoteRuns.length, skipped: 0, errors: 0 });
      expect((await other.client.call('runs.search', { filter: "attributes.run_name = 'half-sent'" })).runs).toHaveLength(1);
      const imported = (await other.client.call('runs.search', { filter: "attributes.run_name = 'half-sent'" })).runs[0];
      expect((await other.client.call('runs.metricHistory', { runId: imported.runId, key: 'loss' }))).toHaveLength(POINTS);
      const again = await other.client.call('mlflow.startImport', { from: mlflow.uri });
      expect((await other.client.call('jobs.wait', { jobId: again.jobId })).metrics).toMatchObject({ runs: 0, metrics: 0, skipped: remoteRuns.length });
    } finally {
      await other.dispose();
    }
  });

  it('an import cancelled in the app stops between runs, each imported run whole; importing again brings the rest', async () => {
    proxy = await startMlflowProxy(mlflow.uri, AUTH);
    const other = openHarness();
    try {
      let jobId = '' as JobId;
      proxy.onForwarded = (c) => { if (c.path === 'metrics/get-history' && jobId) void other.client.call('jobs.cancel', { jobId }); };
      jobId = (await other.client.call('mlflow.startImport', { from: proxy.uri, ...AUTH })).jobId;
      expect((await other.client.call('jobs.wait', { jobId })).state).toBe('cancelled');
      const first = (await other.client.call('mlflow.result', { jobId }))!;
      expect(first).toMatchObject({ direction: 'import', cancelled: true });
      const total = (await allRemoteRuns()).length;
      expect(first.counts.runs).toBeGreaterThanOrEqual(1);
      expect(first.counts.runs).toBeLessThan(total);
      const here = (await other.client.call('runs.search', {})).runs;
      expect(here).toHaveLength(first.counts.runs);
      for (const r of here) {
        const loss = r.metrics.loss === undefined ? [] : await other.client.call('runs.metricHistory', { runId: r.runId, key: 'loss' });
        const remoteId = (await other.client.call('runs.get', { runId: r.runId })).tags['mlflow.imported_run_id'];
        expect(loss).toHaveLength((await remoteLoss(remoteId)).n); // whole, not half a history
      }
      proxy.onForwarded = () => {};
      const again = await other.client.call('mlflow.startImport', { from: proxy.uri, ...AUTH });
      expect((await other.client.call('jobs.wait', { jobId: again.jobId })).metrics).toMatchObject({ runs: total - first.counts.runs, skipped: first.counts.runs });
    } finally {
      await other.dispose();
    }
  });

  it('the app refuses a bad request before any job starts', async () => {
    await expect(h.client.call('mlflow.startPush', { to: 'ftp://x', experiments: ['flaky'] })).rejects.toThrow(/http\(s\) MLflow tracking URI/);
    await expect(h.client.call('mlflow.startPush', { to: mlflow.uri })).rejects.toThrow(/Say what to push/);
    await expect(h.client.call('mlflow.startPush', { to: mlflow.uri, token: 't', user: 'u', experiments: ['flaky'] })).rejects.toThrow(/not both/);
    await expect(h.client.call('mlflow.startImport', { from: join(dir, 'no-such-mlruns') })).rejects.toThrow(/No MLflow store at/);
    expect((await h.client.call('jobs.list', {})).filter((j) => j.state === 'running')).toEqual([]);
  });
});
