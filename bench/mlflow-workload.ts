// Issue 20's MLflow figures: MLflow's own Python client (2.17.2, ../shared/mlflow-server) runs the same
// workload (bench/mlflow_workload.py) against `meter serve` on a fresh home and against MLflow's real
// server (SQLite backend, one gunicorn worker, fresh folder) in the same run, printed as Meter / MLflow.
// The client creates 200 runs itself (create_run + one log_batch of 10 metrics and 20 params each, timed);
// the other 1,800 runs of the 2,000-run search are seeded straight into each store (not timed: 1,800 more
// client runs would cost MLflow over a minute), the same names, params and metrics in both, so both searches
// must return the same run names in the same order — checked and printed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { openCore } from '../src/core/context';
import { createMlflowRun, logBatch } from '../src/core/mlflow/runs';
import { inTransaction } from '../src/core/store/db';
import { packageRoot } from '../src/core/paths';

const CLIENT_RUNS = 200;
const ALL_RUNS = 2000;
const REPEATS = 5;
const PYTHON = '/usr/bin/python3';
const MODELS = ['linear', 'ridge', 'lasso'];
const root = packageRoot();
const serverDir = resolve(root, '../shared/mlflow-server');
const script = join(root, 'bench/mlflow_workload.py');

/**
 * Per page size ("10", "100"): each search's seconds and the run names it returned; parse: the client's own
 * share of each page; floor: the whole client call answered from memory with what the server sent (no socket,
 * no server), which no server can beat through this client.
 */
interface Searches {
  '10': { times: number[]; names: string[] }; '100': { times: number[]; names: string[] }; parse: { '10': number[]; '100': number[] };
  floor: { '10': number[]; '100': number[] };
  /** the same calls through a socket to a stand-in server answering at once with those bytes */
  socket_floor: { '10': number[]; '100': number[] };
}
/** floor_run, floor_batch: the client's floor for a run created + logged, and for the 1,000-point batch (as Searches' floor, and through a socket). */
interface Logged {
  experiment: string; run: number[]; search: Searches; singles: number; batch: number[]; history: number[];
  floor_run: number[]; floor_batch: number[]; socket_floor_run: number[]; socket_floor_batch: number[];
}
interface Searched { search: Searches }
interface Target { name: 'MLflow' | 'Meter'; uri: string; token: string }

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const pythonEnv = (t: Target): NodeJS.ProcessEnv => ({
  ...process.env, PYTHONPATH: `${join(serverDir, 'src')}:${join(serverDir, 'site')}`, GIT_PYTHON_REFRESH: 'quiet',
  MLFLOW_TRACKING_URI: t.uri, MLFLOW_TRACKING_TOKEN: t.token, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0',
  METER_BENCH_NODE: process.execPath, // the workload's stand-in server for the socket floor
});

/** Why the MLflow part can't run here (one line), or null when it can. */
function missing(): string | null {
  if (!existsSync(join(serverDir, 'src', 'mlflow'))) return `MLflow's server and client are not at ${serverDir}`;
  if (!existsSync(PYTHON)) return `${PYTHON} is missing (apt-get install -y python3)`;
  if (!spawnSync('curl', ['--version']).stdout) return 'curl is missing (../shared/mlflow-server/start.sh waits for the server with it)';
  const r = spawnSync(PYTHON, ['-W', 'ignore', '-c', 'import mlflow.server'], { env: pythonEnv({ name: 'MLflow', uri: '', token: '' }), encoding: 'utf8' });
  if (r.status !== 0) return `MLflow's Python dependencies are missing (run ../shared/mlflow-server/setup.sh): ${(r.stderr || '').trim().split('\n').pop() ?? ''}`;
  return null;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address() as AddressInfo; srv.close(() => done(port)); });
  });
}

function workload<T>(t: Target, args: string[]): T {
  const r = spawnSync(PYTHON, ['-W', 'ignore', script, ...args], { env: pythonEnv(t), encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = r.stdout.split('\n').reverse().find((l) => l.startsWith('RESULT '));
  if (r.status !== 0 || !line) throw new Error(`the MLflow workload against ${t.name} failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(line.slice(7)) as T;
}

/** `meter serve` on a fresh home, from the built CLI; resolves once it printed its two lines. */
function startMeter(home: string): Promise<{ target: Target; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(root, 'out/node/cli.js'), '--home', home, 'serve', '--port', '0'], { env: { ...process.env, METER_HOME: '', METER_TOKEN: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((done, fail) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const uri = /MLFLOW_TRACKING_URI=(\S+)/.exec(out)?.[1];
      const token = /MLFLOW_TRACKING_TOKEN=(\S+)/.exec(out)?.[1];
      if (uri && token) done({ target: { name: 'Meter', uri, token }, child });
    });
    child.once('exit', (code) => fail(new Error(`meter serve exited ${code}: ${err.trim()}`)));
  });
}

/** Run i of the seeded ones: what bench/mlflow_workload.py's run_batch logs for run i. */
function seededRun(i: number): { name: string; metrics: [string, number][]; params: [string, string][] } {
  const rmse = 5 + ((i * 7919) % 2003) / 500;
  const metrics: [string, number][] = [['rmse', rmse], ...Array.from({ length: 9 }, (_, j): [string, number] => [`m${String(j + 1).padStart(2, '0')}`, i * 0.25 + j + 1])];
  const params: [string, string][] = [['model', MODELS[i % 3]], ...Array.from({ length: 19 }, (_, j): [string, string] => [`p${String(j + 1).padStart(2, '0')}`, `value-${i % 7}-${j + 1}`])];
  return { name: `run-${String(i).padStart(5, '0')}`, metrics, params };
}

function seedMlflow(dbPath: string, experimentId: string, from: number, to: number): void {
  const db = new Database(dbPath);
  try {
    db.pragma('busy_timeout = 10000');
    const run = db.prepare(`INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, source_version, lifecycle_stage, artifact_uri, experiment_id)
      VALUES (?, ?, 'UNKNOWN', '', '', 'unknown', 'RUNNING', ?, '', 'active', ?, ?)`);
    const tag = db.prepare("INSERT INTO tags (key, value, run_uuid) VALUES ('mlflow.runName', ?, ?)");
    const param = db.prepare('INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)');
    const metric = db.prepare('INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, 0, 0)');
    const latest = db.prepare('INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, 0, 0, ?)');
    const now = Date.now();
    db.transaction(() => {
      for (let i = from; i < to; i++) {
        const r = seededRun(i);
        const id = randomUUID().replace(/-/g, '');
        run.run(id, r.name, now + i, `mlflow-artifacts:/${experimentId}/${id}/artifacts`, Number(experimentId));
        tag.run(r.name, id);
        for (const [k, v] of r.params) param.run(k, v, id);
        for (const [k, v] of r.metrics) { metric.run(k, v, now, id); latest.run(k, v, now, id); }
      }
    })();
  } finally {
    db.close();
  }
}

/** The same runs into Meter's store, through the functions its MLflow routes call (another process, one WAL store). */
async function seedMeter(home: string, experimentId: string, from: number, to: number): Promise<void> {
  const ctx = openCore({ home });
  try {
    const now = Date.now();
    inTransaction(ctx.db, () => {
      for (let i = from; i < to; i++) {
        const r = seededRun(i);
        const runId = createMlflowRun(ctx.db, { experimentId, runName: r.name, startTime: now + i, tags: {} });
        logBatch(ctx.db, runId, { metrics: r.metrics.map(([key, value]) => ({ key, value, step: 0, timestampMs: now })), params: Object.fromEntries(r.params), tags: {} });
      }
    });
  } finally {
    await ctx.close();
  }
}

function sameResults(label: string, a: string[], b: string[]): string {
  const same = a.length === b.length && a.every((n, i) => n === b[i]);
  return same ? `${label}: the same ${a.length} run names in the same order on both` : `${label}: DIFFERENT results — MLflow ${a.length} [${a.slice(0, 5).join(', ')}…], Meter ${b.length} [${b.slice(0, 5).join(', ')}…]`;
}

const ms = (s: number): string => (s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(1)} ms`);

export async function mlflowBench(): Promise<void> {
  const why = missing();
  if (why) { console.log(`\nMLflow workload skipped: ${why}.`); return; }
  const dir = mkdtempSync(join(tmpdir(), 'meter-bench-mlflow-'));
  const mlflowDir = join(dir, 'mlflow');
  let meter: ChildProcess | null = null;
  try {
    const port = await freePort();
    const started = spawnSync(join(serverDir, 'start.sh'), [String(port), mlflowDir], { encoding: 'utf8' });
    if (started.status !== 0) { console.log(`\nMLflow workload skipped: MLflow's server did not start: ${started.stderr.trim().split('\n').pop()}`); return; }
    const mlflow: Target = { name: 'MLflow', uri: `http://127.0.0.1:${port}`, token: '' };
    const m = await startMeter(join(dir, 'meter-home'));
    meter = m.child;
    // The two servers take turns at each step, so a load spike on this machine hits both about alike.
    const logged = { mlflow: workload<Logged>(mlflow, ['log', String(CLIENT_RUNS), String(REPEATS)]), meter: workload<Logged>(m.target, ['log', String(CLIENT_RUNS), String(REPEATS)]) };
    seedMlflow(join(mlflowDir, 'mlflow.db'), logged.mlflow.experiment, CLIENT_RUNS, ALL_RUNS);
    await seedMeter(join(dir, 'meter-home'), logged.meter.experiment, CLIENT_RUNS, ALL_RUNS);
    const searched = { mlflow: workload<Searched>(mlflow, ['search', String(REPEATS)]), meter: workload<Searched>(m.target, ['search', String(REPEATS)]) };

    const rows: [string, number, number, number | null][] = [
      [`run created + log_batch (10 metrics, 20 params), per run of ${CLIENT_RUNS}`, sum(logged.mlflow.run) / CLIENT_RUNS, sum(logged.meter.run) / CLIENT_RUNS, 0.3],
      ['1,000 single log_metric calls', logged.mlflow.singles, logged.meter.singles, null],
      ['one 1,000-point log_batch', median(logged.mlflow.batch), median(logged.meter.batch), 0.3],
      [`search_runs, best 10, over ${CLIENT_RUNS} runs`, median(logged.mlflow.search['10'].times), median(logged.meter.search['10'].times), 0.1],
      [`search_runs, best 10, over ${ALL_RUNS.toLocaleString('en-US')} runs`, median(searched.mlflow.search['10'].times), median(searched.meter.search['10'].times), 0.1],
      [`search_runs, a page of 100, over ${ALL_RUNS.toLocaleString('en-US')} runs`, median(searched.mlflow.search['100'].times), median(searched.meter.search['100'].times), 0.1],
      ['1,000-point metric history', median(logged.mlflow.history), median(logged.meter.history), null],
    ];
    console.log(`\nMLflow's Python client (2.17.2), the same workload against meter serve (fresh home) and MLflow 2.17.2's server (SQLite, one worker, fresh folder); ` +
      `the 1,000-point batch, searches and history: median of ${REPEATS}; the search is "metrics.rmse < 7 and params.model = 'ridge'" ordered by metrics.rmse\n`);
    const table = rows.map(([what, a, b, target]) => {
      const ratio = b / a;
      return [what, ms(a), ms(b), ratio.toFixed(3), target === null ? '' : ratio <= target ? `ok (≤ ${target})` : `MISSED (> ${target})`];
    });
    const head = ['operation', 'MLflow', 'Meter', 'ratio', 'target'];
    const w = head.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
    for (const r of [head, ...table]) console.log(r.map((c, i) => c.padEnd(w[i])).join('  '));
    const parse = searched.meter.search.parse;
    console.log(`the client's own work in a search (JSON answer to Run objects, the same whichever server answered): best 10 ${ms(median(parse['10']))}, a page of 100 ${ms(median(parse['100']))}`);
    // The floor: the same client calls with requests' transport answering from memory (Meter's answers), so
    // no socket and no server; ratio floor / MLflow is the best any server could score on that line.
    const floors: [string, number, number, number[]][] = [
      ['run created + log_batch', sum(logged.meter.floor_run) / CLIENT_RUNS, sum(logged.mlflow.run) / CLIENT_RUNS, logged.meter.socket_floor_run],
      ['one 1,000-point log_batch', median(logged.meter.floor_batch), median(logged.mlflow.batch), logged.meter.socket_floor_batch],
      [`best 10 over ${CLIENT_RUNS} runs`, median(logged.meter.search.floor['10']), median(logged.mlflow.search['10'].times), logged.meter.search.socket_floor['10']],
      [`best 10 over ${ALL_RUNS.toLocaleString('en-US')} runs`, median(searched.meter.search.floor['10']), median(searched.mlflow.search['10'].times), searched.meter.search.socket_floor['10']],
      [`a page of 100 over ${ALL_RUNS.toLocaleString('en-US')} runs`, median(searched.meter.search.floor['100']), median(searched.mlflow.search['100'].times), searched.meter.search.socket_floor['100']],
    ];
    console.log(`the client's floor (every call answered from memory: no socket, no server), and the best ratio any server could reach: ${
      floors.map(([what, floor, mlflowTime]) => `${what} ${ms(floor)} (${(floor / mlflowTime).toFixed(3)})`).join('; ')}`);
    // Through a socket to a stand-in that answers at once: the client's HTTP stack too, so the floor of a real server.
    const runSocket = (xs: number[]): number => (xs.length === CLIENT_RUNS ? sum(xs) / CLIENT_RUNS : median(xs));
    if (floors.every(([, , , socket]) => socket.length > 0)) {
      console.log(`the same through a socket to a server answering at once with Meter's bytes: ${
        floors.map(([what, , mlflowTime, socket]) => `${what} ${ms(runSocket(socket))} (${(runSocket(socket) / mlflowTime).toFixed(3)})`).join('; ')}`);
    }
    for (const [label, a, b] of [[`best 10 over ${CLIENT_RUNS} runs`, logged.mlflow.search, logged.meter.search], [`best 10 over ${ALL_RUNS.toLocaleString('en-US')} runs`, searched.mlflow.search, searched.meter.search]] as const) {
      console.log(sameResults(`search, ${label}`, a['10'].names, b['10'].names));
    }
    console.log(sameResults(`search, a page of 100 over ${ALL_RUNS.toLocaleString('en-US')} runs`, searched.mlflow.search['100'].names, searched.meter.search['100'].names));
  } catch (err) {
    // One failed part must not cost the rest of the bench its figures: say what failed and go on.
    console.log(`\nMLflow workload failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    if (meter && meter.exitCode === null) {
      const child = meter;
      await new Promise((done) => { child.once('exit', done); child.kill('SIGTERM'); });
    }
    spawnSync(join(serverDir, 'stop.sh'), [mlflowDir]);
    rmSync(dir, { recursive: true, force: true });
  }
}
