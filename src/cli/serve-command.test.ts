// `meter serve`: the real binary prints the two lines MLflow's clients need, and a Python client using
// exactly those lines logs a run that Meter's CLI then lists. --host without a chosen token is refused.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../../test/helpers';
import { mlflowClientMissing, runPython } from '../../test/mlflow-client';
import { serveOptions } from './serve-command';

const home = tempDir('meter-serve-');
const started: ChildProcess[] = [];
afterAll(() => {
  for (const c of started) c.kill('SIGTERM');
  rmSync(home, { recursive: true, force: true });
});

/** Starts `meter serve`, resolving with its stdout lines once both have been printed. */
function serve(...args: string[]): Promise<{ lines: string[]; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', home, 'serve', ...args], { env: { ...process.env, METER_HOME: '', METER_TOKEN: '' } });
  started.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const lines = out.split('\n').filter((l) => l !== '');
      if (lines.length >= 2) resolve({ lines, child });
    });
    child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
    child.on('exit', (code) => reject(new Error(`meter serve exited ${code}: ${err}`)));
  });
}

const missing = mlflowClientMissing();

describe('meter serve', () => {
  it('binds 127.0.0.1 and refuses --host without a token you chose, or a wildcard host', () => {
    expect(serveOptions([], {})).toEqual({ port: undefined, host: undefined, token: undefined, json: false });
    expect(() => serveOptions(['--host', '127.0.0.2'], {})).toThrow(/needs a token you chose, since other machines must know it: pass --token T or set METER_TOKEN/);
    expect(() => serveOptions(['--host', '0.0.0.0', '--token', 'a'.repeat(48)], {})).toThrow(/give the address clients will use/);
    expect(() => serveOptions(['--token', 'short'], {})).toThrow(/48 lowercase hex characters/);
    expect(serveOptions(['--host', '127.0.0.2'], { METER_TOKEN: 'b'.repeat(48) })).toMatchObject({ host: '127.0.0.2', token: 'b'.repeat(48) });
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', home, 'serve', '--host', '127.0.0.2'], { encoding: 'utf8', env: { ...process.env, METER_TOKEN: '' } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/^meter: meter serve --host 127\.0\.0\.2 needs a token you chose/);
  });

  it('with --host and --token, answers on that address with that token only', async () => {
    const token = 'c'.repeat(48);
    const { lines, child } = await serve('--port', '0', '--host', '127.0.0.2', '--token', token);
    expect(lines[0]).toMatch(/^export MLFLOW_TRACKING_URI=http:\/\/127\.0\.0\.2:\d+$/);
    expect(lines[1]).toBe(`export MLFLOW_TRACKING_TOKEN=${token}`);
    const uri = lines[0].split('=')[1];
    const ok = await fetch(`${uri}/api/2.0/mlflow/experiments/get?experiment_id=0`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await ok.json()) as { experiment: { name: string } }).experiment.name).toBe('Default');
    expect((await fetch(`${uri}/api/2.0/mlflow/experiments/get?experiment_id=0`)).status).toBe(401);
    child.kill('SIGTERM');
  });

  it.skipIf(missing !== null)('prints MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN; MLflow\'s client logs with exactly those and Meter lists the run', async () => {
    const { lines, child } = await serve('--port', '0');
    expect(lines[0]).toMatch(/^export MLFLOW_TRACKING_URI=http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines[1]).toMatch(/^export MLFLOW_TRACKING_TOKEN=[0-9a-f]{48}$/);
    const [uri, token] = lines.map((l) => l.slice(l.indexOf('=') + 1));
    // pasted as printed into a shell, the two lines reach the programs it starts (a bare VAR=value would not)
    const clean = { ...process.env };
    delete clean.MLFLOW_TRACKING_URI;
    delete clean.MLFLOW_TRACKING_TOKEN;
    const shell = spawnSync('bash', ['-c', `${lines.slice(0, 2).join('\n')}\nenv`], { encoding: 'utf8', env: clean });
    expect(shell.stdout.split('\n')).toEqual(expect.arrayContaining([`MLFLOW_TRACKING_URI=${uri}`, `MLFLOW_TRACKING_TOKEN=${token}`]));
    const r = await runPython(`import json, mlflow
mlflow.set_experiment("from-python")
with mlflow.start_run(run_name="py-run") as run:
    mlflow.log_param("alpha", 0.3)
    mlflow.log_metric("rmse_val", 5.5)
print("RESULT " + json.dumps({"id": run.info.run_id}))`, uri, token, home);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    const list = spawnSync(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', home, 'runs', '--experiment', 'from-python', '--json'], { encoding: 'utf8', env: { ...process.env, METER_HOME: '' } });
    expect(list.status).toBe(0);
    expect(list.stdout).toContain(r.id);
    expect(list.stdout).toContain('rmse_val');
  });
});
if (missing) console.log(`meter serve client test skipped: ${missing}`);
