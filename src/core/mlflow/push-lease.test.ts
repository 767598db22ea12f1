// One push per MLflow server per store, across processes. Against MLflow 2.17.2's real server behind the test
// proxy (which holds a push mid-run by delaying its metric batch): a second `meter push` process to the same
// server from the same home is refused naming the first; so is the app's push while a CLI push runs, and the
// CLI's while the app's job runs; a push whose process was killed blocks nothing; and the lease rules
// themselves on a real store (a dead pid or an old heartbeat is taken over, a live holder is not).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROOT, openHarness, type Harness } from '../../../test/helpers';
import { mlflowClientMissing, startMlflowServer } from '../../../test/mlflow-client';
import { startMlflowProxy, type MlflowProxy } from '../../../test/mlflow-proxy';
import type { JobId, RunId } from '../../shared/domain';
import { openDatabase } from '../store/db';
import { ensureExperiment } from '../store/experiments-repo';
import { createRun, endRun, logMetrics, logParams, recordArtifact } from '../store/runs-repo';
import { HEARTBEAT_MS, STALE_MS, processAlive, processStart, takePushLease } from './push-lease';
import { pushCounted } from './push';

const missing = mlflowClientMissing();
if (missing) console.log(`mlflow push lease tests skipped: ${missing}`);

/** A pid no process has any more: a child that ran and exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
  return r.pid!;
}

describe('the push lease on a real store', () => {
  let h: Harness;
  beforeAll(() => { h = openHarness(); });
  afterAll(async () => { await h?.dispose(); });
  const row = (target: string) => h.ctx.db.prepare('SELECT label, pid, heartbeat_ms FROM mlflow_push_leases WHERE target = ?').get(target) as { label: string; pid: number; heartbeat_ms: number } | undefined;

  it('refuses a second holder while the first holds it; released, it can be taken again', () => {
    const first = takePushLease(h.ctx.db, 'http://a:5000', 'meter push');
    expect(() => takePushLease(h.ctx.db, 'http://a:5000', 'job x')).toThrow('A push to http://a:5000 is running (meter push); wait for it or cancel it.');
    const other = takePushLease(h.ctx.db, 'http://b:5000', 'meter push'); // another server is another lease
    first.relabel('job 7');
    expect(row('http://a:5000')).toMatchObject({ label: 'job 7', pid: process.pid });
    first.release();
    first.release();
    expect(row('http://a:5000')).toBeUndefined();
    takePushLease(h.ctx.db, 'http://a:5000', 'meter push').release();
    other.release();
  });

  it('keeps its heartbeat fresh while held, and stops when released', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    try {
      const lease = takePushLease(h.ctx.db, 'http://d:5000', 'meter push');
      const first = row('http://d:5000')!.heartbeat_ms;
      vi.advanceTimersByTime(HEARTBEAT_MS * 3);
      expect(row('http://d:5000')!.heartbeat_ms).toBe(first + HEARTBEAT_MS * 3);
      lease.release();
      vi.advanceTimersByTime(HEARTBEAT_MS * 3);
      expect(row('http://d:5000')).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('takes over a holder whose process is gone, or whose heartbeat is old; not a live one', () => {
    // rows as 0016 wrote them, without the holder's process start: judged by the heartbeat
    const insert = h.ctx.db.prepare('INSERT OR REPLACE INTO mlflow_push_leases (target, holder, label, pid, host, started_ms, heartbeat_ms) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const dead = deadPid();
    expect(processAlive(dead)).toBe(false);
    insert.run('http://c:5000', 'crashed', 'meter push', dead, hostname(), Date.now(), Date.now());
    takePushLease(h.ctx.db, 'http://c:5000', 'meter push').release();

    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      insert.run('http://c:5000', 'alive', 'meter push', sleeper.pid, hostname(), Date.now() - 1000, Date.now());
      expect(() => takePushLease(h.ctx.db, 'http://c:5000', 'job y')).toThrow(new RegExp(`running \\(meter push\\) in another Meter process \\(pid ${sleeper.pid}, started `));
      insert.run('http://c:5000', 'silent', 'meter push', sleeper.pid, hostname(), Date.now() - 2 * STALE_MS, Date.now() - STALE_MS - 1000);
      takePushLease(h.ctx.db, 'http://c:5000', 'meter push').release();
    } finally {
      sleeper.kill();
    }
  });

  it("never takes over a live holder on this host for a quiet heartbeat; a reused pid (another start) it does", () => {
    const insert = h.ctx.db.prepare('INSERT OR REPLACE INTO mlflow_push_leases (target, holder, label, pid, host, started_ms, heartbeat_ms, pid_start) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const start = processStart(sleeper.pid!);
      expect(start).toMatch(/:\d+$/); // boot id and start ticks from /proc
      expect(processStart(sleeper.pid!)).toBe(start);
      expect(processStart(process.pid)).not.toBe(start);
      // its event loop was busy (or the laptop slept) for ten minutes: still its lease
      insert.run('http://q:5000', 'busy', 'meter push', sleeper.pid, hostname(), Date.now() - 900_000, Date.now() - 600_000, start);
      expect(() => takePushLease(h.ctx.db, 'http://q:5000', 'job z')).toThrow(`running (meter push) in another Meter process (pid ${sleeper.pid}`);
      // the pid now belongs to a process that started later than the holder did: the holder is gone
      insert.run('http://q:5000', 'reused', 'meter push', sleeper.pid, hostname(), Date.now(), Date.now(), `${start!.split(':')[0]}:1`);
      takePushLease(h.ctx.db, 'http://q:5000', 'meter push').release();
    } finally {
      sleeper.kill();
    }
  });

  it('a push whose heartbeat stalled keeps its lease against a second push from another connection', () => {
    const a = takePushLease(h.ctx.db, 'http://s:5000', 'push A');
    h.ctx.db.prepare('UPDATE mlflow_push_leases SET heartbeat_ms = ? WHERE target = ?').run(Date.now() - 180_000, 'http://s:5000');
    const other = openDatabase(join(h.home, 'meter.db')).db;
    try {
      expect(() => takePushLease(other, 'http://s:5000', 'push B')).toThrow('A push to http://s:5000 is running (push A)');
      expect(a.lost).toBe(false);
      a.assertHeld();
    } finally {
      a.release();
      other.close();
    }
  });

  it('knows when its row was taken over: the next beat or assertHeld says lost, and a push stops before any call', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const a = takePushLease(h.ctx.db, 'http://t:5000', 'push A');
      h.ctx.db.prepare("UPDATE mlflow_push_leases SET holder = 'someone', label = 'job 9' WHERE target = ?").run('http://t:5000');
      expect(a.lost).toBe(false);
      vi.advanceTimersByTime(HEARTBEAT_MS);
      expect(a.lost).toBe(true);
      expect(() => a.assertHeld()).toThrow(/stopped before its next call: it no longer holds the server's push lease \(another push took it over: job 9, pid \d+ on /);
      a.release(); // not its row: left alone
      expect(row('http://t:5000')).toMatchObject({ label: 'job 9' });
      h.ctx.db.prepare('DELETE FROM mlflow_push_leases WHERE target = ?').run('http://t:5000');
    } finally {
      vi.useRealTimers();
    }
    // no beat in between: assertHeld reads the row itself. Port 9 has no server, so a call made would fail as
    // "Cannot reach"; the push stops as a cancel first.
    const exp = ensureExperiment(h.ctx.db, 'lease-lost');
    const runId = createRun(h.ctx.db, { experimentId: exp.experimentId, name: 'r', params: {}, tags: {}, source: { type: 'API', name: 'test' }, inputs: [] });
    endRun(h.ctx.db, runId, 'FINISHED');
    const lease = takePushLease(h.ctx.db, 'http://127.0.0.1:9', 'push A');
    h.ctx.db.prepare("UPDATE mlflow_push_leases SET holder = 'someone' WHERE target = ?").run('http://127.0.0.1:9');
    await expect(pushCounted(h.ctx, { trackingUri: 'http://127.0.0.1:9', experiments: ['lease-lost'], runIds: [], models: [] }, {}, lease))
      .rejects.toMatchObject({ code: 'CANCELLED', message: expect.stringContaining("no longer holds the server's push lease") });
    expect(lease.lost).toBe(true);
    lease.release();
    h.ctx.db.prepare('DELETE FROM mlflow_push_leases WHERE target = ?').run('http://127.0.0.1:9');
  });
});

describe.skipIf(missing !== null)('two processes pushing to one MLflow server from one store', () => {
  let h: Harness;
  let dir: string;
  let mlflow: { uri: string; stop(): void };
  let proxy: MlflowProxy;
  const children: ChildProcess[] = [];

  function makeRun(experiment: string): RunId {
    const exp = ensureExperiment(h.ctx.db, experiment);
    const runId = createRun(h.ctx.db, { experimentId: exp.experimentId, name: `${experiment}-run`, params: {}, tags: {}, source: { type: 'API', name: 'test' }, inputs: [] });
    logParams(h.ctx.db, runId, { alpha: '0.1' });
    logMetrics(h.ctx.db, runId, Array.from({ length: 50 }, (_, i) => ({ key: 'loss', value: 1 / (i + 1), step: i, timestampMs: 1_700_000_000_000 + i })));
    const abs = join(h.ctx.artifactsDir(runId), 'model', 'model.json');
    mkdirSync(join(abs, '..'), { recursive: true });
    writeFileSync(abs, '{}');
    recordArtifact(h.ctx.db, runId, 'model/model.json', 2);
    endRun(h.ctx.db, runId, 'FINISHED');
    return runId;
  }

  /** `meter push` as its own process; resolves with how it ended and what it printed. */
  function cliPush(experiment: string): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> } {
    const child = spawn(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', h.home, 'push', '--to', proxy.uri, '--experiment', experiment, '--json'], { env: { ...process.env, METER_HOME: '' } });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    return { child, done: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, out, err }))) };
  }

  /** Resolves once the proxy has seen a metric batch (the push holding the lease is mid-run). */
  const metricBatchSeen = () => new Promise<void>((resolve) => {
    const t = setInterval(() => { if (proxy.log.some((l) => l.path === 'runs/log-batch' && l.fault)) { clearInterval(t); resolve(); } }, 20);
  });

  async function remoteRuns(experiment: string): Promise<number> {
    const exp = await (await fetch(`${mlflow.uri}/api/2.0/mlflow/experiments/get-by-name?experiment_name=${experiment}`)).json() as any;
    const found = await (await fetch(`${mlflow.uri}/api/2.0/mlflow/runs/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ experiment_ids: [exp.experiment.experiment_id] }) })).json() as any;
    return (found.runs ?? []).length;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meter-mlflow-lease-'));
    mlflow = await startMlflowServer(dir);
    h = openHarness();
  }, 120_000);
  afterEach(async () => { for (const c of children.splice(0)) c.kill('SIGKILL'); await proxy?.close(); });
  afterAll(async () => { mlflow?.stop(); await h?.dispose(); rmSync(dir, { recursive: true, force: true }); });

  it('a second meter push is refused while the first runs; killed, the first blocks nothing and the next push completes it once', async () => {
    makeRun('two-cli');
    proxy = await startMlflowProxy(mlflow.uri, null);
    let hold = true; // the first push's metric batch waits at the gate until the process is killed
    proxy.rule = (c) => (hold && c.path === 'runs/log-batch' && c.body.includes('"metrics"') ? { delayMs: 20_000 } : null);
    const first = cliPush('two-cli');
    await metricBatchSeen();

    const second = await cliPush('two-cli').done;
    expect(second.code).toBe(5); // INVALID_STATE
    expect(second.err).toMatch(new RegExp(`A push to ${proxy.uri.replace(/\./g, '\\.')} is running \\(meter push\\) in another Meter process \\(pid ${first.child.pid}, started `));
    expect(second.out).toBe('');
    // and the app's push (same store, this process) is refused before its job starts
    await expect(h.client.call('mlflow.startPush', { to: proxy.uri, experiments: ['two-cli'] })).rejects.toThrow(`in another Meter process (pid ${first.child.pid}`);
    expect((await h.client.call('jobs.list', {})).filter((j) => j.kind === 'mlflow-push')).toEqual([]);

    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    hold = false;
    const next = await cliPush('two-cli').done;
    expect(next.err).toBe('');
    expect(next.code).toBe(0);
    expect(JSON.parse(next.out)).toMatchObject({ runs: 1, errors: 0 });
    expect(await remoteRuns('two-cli')).toBe(1);
    expect(h.ctx.db.prepare('SELECT COUNT(*) FROM mlflow_push_leases').pluck().get()).toBe(0);
  }, 60_000);

  it("the CLI's push is refused while the app's push job runs, and goes once the job is cancelled", async () => {
    makeRun('app-first');
    proxy = await startMlflowProxy(mlflow.uri, null);
    let jobId = '' as JobId;
    proxy.rule = (c) => (c.path === 'runs/log-batch' && c.body.includes('"metrics"') && jobId ? { delayMs: 5_000 } : null);
    jobId = (await h.client.call('mlflow.startPush', { to: proxy.uri, experiments: ['app-first'] })).jobId;
    await metricBatchSeen();
    const cli = await cliPush('app-first').done;
    expect(cli.code).toBe(5);
    expect(cli.err).toMatch(`is running (job ${jobId}) in another Meter process (pid ${process.pid}`);
    await h.client.call('jobs.cancel', { jobId });
    expect((await h.client.call('jobs.wait', { jobId })).state).toBe('cancelled');

    jobId = '' as JobId;
    const after = await cliPush('app-first').done;
    expect(after.code).toBe(0);
    expect(JSON.parse(after.out)).toMatchObject({ runs: 1, errors: 0 });
    expect(await remoteRuns('app-first')).toBe(1);
    // a dry run sends nothing and needs no lease: it goes even while a push holds one
    const held = takePushLease(h.ctx.db, proxy.uri, 'meter push');
    try {
      expect((await pushCounted(h.ctx, { trackingUri: proxy.uri, experiments: ['app-first'], runIds: [], models: [], dryRun: true })).counts).toMatchObject({ runs: 0, skipped: 1 });
      await expect(pushCounted(h.ctx, { trackingUri: proxy.uri, experiments: ['app-first'], runIds: [], models: [] })).rejects.toThrow('is running (meter push)');
    } finally {
      held.release();
    }
  }, 60_000);
});
