// `meter mlflow push | import`: the real binary's usage errors, each one line with a non-zero exit (push and
// import themselves are tested against MLflow's real server: src/core/mlflow/push.test.ts,
// src/server/mlflow/mlflow-import.test.ts).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../../test/helpers';

const home = tempDir('meter-mlflow-cli-');
afterAll(() => rmSync(home, { recursive: true, force: true }));
const meter = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', home, ...args], { encoding: 'utf8', env: { ...process.env, METER_HOME: '' } });

describe('meter mlflow', () => {
  it('is listed by meter help, with the store import', () => {
    const help = meter('help').stdout;
    expect(help).toContain('import-mlflow sqlite:///mlflow.db|./mlruns [--artifacts DIR]');
    expect(help).toContain('push --to URI (--all | --experiment NAME… | --runs FILTER | --run ID… | --models NAME…)');
    expect(help).toContain('pull --from URI (--all | --experiment NAME… | --run ID… | --model NAME…)');
  });

  it('says how to use push and import, and what is missing, in one line each', () => {
    for (const [args, message] of [
      [['mlflow'], /^meter: Usage: meter push --to http:\/\/HOST:PORT/],
      [['push'], /^meter: Say where to push with --to/],
      [['push', '--to', 'http://127.0.0.1:1', '--models', 'nope'], /^meter: No registered model named "nope"\./],
      [['push', '--to', 'http://127.0.0.1:1', '--runs', 'metrics.rmse_val <'], /^meter: .*rmse_val/],
      [['pull'], /^meter: Say where to import from with --from/],
      [['import-mlflow'], /^meter: Say where to import from with --from/],
      [['import-mlflow', `sqlite:///${join(home, 'none.db')}`], /^meter: No MLflow store at .*none\.db\./],
      [['mlflow', 'push'], /^meter: Say where to push with --to/],
      [['mlflow', 'push', '--to', 'http://127.0.0.1:1'], /^meter: Say what to push: --all \(every experiment and registered model\), --experiment NAME, --runs FILTER, --run RUN_ID or --models NAME/],
      [['push', '--to', 'http://127.0.0.1:1', '--all', '--experiment', 'x'], /^meter: --all pushes every experiment and registered model: give it alone/],
      [['pull', '--from', 'http://127.0.0.1:1'], /^meter: Say what to import: --all \(every active experiment and registered model on the server\), --experiment NAME, --run RUN_ID or --model NAME/],
      [['pull', '--from', 'http://127.0.0.1:1', '--all', '--model', 'x'], /^meter: --all pulls every experiment and registered model: give it alone/],
      [['mlflow', 'push', '--to', 'http://127.0.0.1:1', '--model', 'nope'], /^meter: No registered model named "nope"\./],
      [['mlflow', 'push', '--to', 'http://127.0.0.1:1', '--experiment', 'nope'], /^meter: No experiment named "nope"\./],
      [['mlflow', 'import'], /^meter: Say where to import from with --from/],
      [['mlflow', 'import', '--from', 'http://127.0.0.1:1'], /^meter: Say what to import: --all/],
      [['pull', '--from', 'http://127.0.0.1:1', '--all'], /^meter: Cannot reach MLflow at http:\/\/127\.0\.0\.1:1/],
      [['mlflow', 'import', '--from', 'http://127.0.0.1:1', '--experiment', 'x'], /^meter: Cannot reach MLflow at http:\/\/127\.0\.0\.1:1/],
      [['mlflow', 'import', '--from', 'ftp://x'], /^meter: Import from an MLflow store: sqlite:\/\/\/path\/mlflow\.db or an \.\/mlruns folder/],
      [['mlflow', 'import', '--from', home], /^meter: .* is not an MLflow file store \(\.\/mlruns\): no experiment folder with a meta\.yaml\./],
      [['mlflow', 'import', '--from', `sqlite:///${join(home, 'none.db')}`], /^meter: No MLflow store at .*none\.db\./],
    ] as const) {
      const r = meter(...args);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
