// Smoke tests of the real `meter` binary on the shipped sample.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import pl from 'nodejs-polars';
import { join } from 'node:path';
import { ROOT, SAMPLE, tempDir } from '../../test/helpers';

const home = tempDir('meter-cli-');
afterAll(() => rmSync(home, { recursive: true, force: true }));
const meter = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', home, ...args], { encoding: 'utf8', env: { ...process.env, METER_HOME: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('meter CLI', () => {
  it('--help after a command (or meter help COMMAND) prints that command\'s lines and the common options', () => {
    for (const args of [['train', '--help'], ['help', 'train'], ['train', '-h']]) {
      const r = meter(...args);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^ {2}train \[options\]/);
      expect(r.out).toContain('--train F… --val F…');
      expect(r.out).not.toContain('pipeline run');
      expect(r.out).toContain('Options for every command:');
    }
    expect(meter('push', '--help').out).toMatch(/^ {2}push --to URI/);
  });

  it('train --json on the shipped sample prints one JSON object and nothing else', () => {
    const r = meter('train', '--model', 'ridge', '--alpha', '0.5', '--experiment', 'nyc-taxi', '--json');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0]) as { runId: string; metrics: Record<string, number> };
    expect(parsed.runId).toMatch(/^[0-9a-f]{32}$/);
    expect(Object.keys(parsed.metrics)).toEqual(['rmse_train', 'rmse_val']);
    expect(parsed.metrics.rmse_val).toBeGreaterThan(parsed.metrics.rmse_train * 0.5);

    const show = meter('run', 'show', parsed.runId, '--json');
    const run = JSON.parse(show.out) as { status: string; params: Record<string, string>; source: { type: string; name: string } };
    expect(run.status).toBe('FINISHED');
    expect(run.params.alpha).toBe('0.5');
    expect(run.source.type).toBe('CLI');
    expect(run.source.name).toContain('meter');
    const runs = meter('runs', '--experiment', 'nyc-taxi');
    expect(runs.out).toContain(parsed.runId);
    expect(runs.out).toContain(parsed.metrics.rmse_val.toFixed(4));
  });

  it('with --test it also reports rmse_test', () => {
    const r = meter('train', '--train', SAMPLE.train, '--val', SAMPLE.val, '--test', SAMPLE.val, '--features', 'pu_do', '--json');
    const m = (JSON.parse(r.out) as { metrics: Record<string, number> }).metrics;
    expect(m.rmse_test).toBe(m.rmse_val);
  });

  it('bad input exits non-zero with one human line and writes no run', () => {
    const before = meter('runs', '--json').out;
    const bad = join(home, 'notes.parquet');
    writeFileSync(bad, 'PULocationID,DOLocationID\n1,2\n');
    const r = meter('train', '--train', bad, '--val', SAMPLE.val);
    expect(r.code).toBe(7);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^meter: notes\.parquet is not a parquet file/);
    expect(meter('train', '--model', 'forest').err).toMatch(/Unknown model "forest"/);
    expect(meter('train', '--bogus').code).toBe(2);
    expect(meter('run', 'show', 'ffff').code).toBe(3);
    expect(meter('runs', '--json').out).toBe(before);
  });

  it('import prints the schema report, and for bytes already imported (from another path) names that dataset', () => {
    // a month the store has not seen: the sample's first 4,000 trips
    const fresh = join(home, 'green_tripdata_2023-01.first4000.parquet');
    pl.readParquet(SAMPLE.train).head(4000).writeParquet(fresh);
    const r = meter('import', fresh);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/green trips, 4000 rows, 20 columns, month 2023-01/);
    expect(r.out).toMatch(/kept \d+, dropped \d+/);
    // the sample month copied elsewhere is the sample's dataset (imported here, or already by training): one dataset, named
    const known = JSON.parse(meter('import', SAMPLE.train, '--json').out) as { datasetId: string };
    const copy = join(home, 'jan-copy.parquet');
    copyFileSync(SAMPLE.train, copy);
    const before = JSON.parse(meter('api', 'data.list', '{}').out) as unknown[];
    const again = meter('import', copy);
    expect(again.code).toBe(0);
    expect(again.out.trim()).toBe(`jan-copy.parquet: already imported as green_tripdata_2023-01.sample.parquet (dataset ${known.datasetId}, ${SAMPLE.train}); same sha256, nothing added`);
    expect(JSON.parse(meter('api', 'data.list', '{}').out)).toHaveLength(before.length);
  });

  it('runs --filter/--order-by search with the same engine, and a syntax error points at the position', () => {
    const all = JSON.parse(meter('runs', '--json').out) as { total: number; runs: { runId: string; params: Record<string, string>; metrics: Record<string, number> }[] };
    expect(all.total).toBeGreaterThanOrEqual(2);
    const ridge = JSON.parse(meter('runs', '--filter', "params.model = 'ridge' and metrics.rmse_val > 0", '--order-by', 'metrics.rmse_val DESC', '--json').out) as typeof all;
    expect(ridge.runs.length).toBeGreaterThan(0);
    expect(ridge.runs.every((r) => r.params.model === 'ridge')).toBe(true);
    expect(ridge.total).toBe(all.runs.filter((r) => r.params.model === 'ridge').length);
    const bad = meter('runs', '--filter', 'metrics.rmse_val <');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('  --filter metrics.rmse_val <\n');
    expect(bad.err).toContain(`${' '.repeat(2 + '--filter '.length + 'metrics.rmse_val <'.length)}^`);
    expect(bad.err).toMatch(/meter: In the filter "metrics.rmse_val <": Syntax error at position 19: expected a value/);
    expect(meter('runs', '--filter', 'metrics.rmse < 5').err).toMatch(/did you mean metrics\.rmse_val\?/);
  });

  it('run delete/restore/purge and experiments archive work from the CLI', () => {
    const id = (JSON.parse(meter('train', '--experiment', 'scratch', '--json').out) as { runId: string }).runId;
    expect(meter('run', 'rename', id, 'keeper').out).toContain('"keeper"');
    expect(meter('run', 'delete', id).out).toMatch(/Moved 1 run\(s\) to the trash/);
    expect(JSON.parse(meter('runs', '--deleted', '--json').out).runs.map((r: { runId: string }) => r.runId)).toEqual([id]);
    meter('run', 'restore', id);
    expect(meter('run', 'purge', id).err).toMatch(/add --yes/);
    expect(meter('run', 'purge', id, '--yes').out).toMatch(/Purged 1 run\(s\); freed \d+ bytes/);
    expect(meter('run', 'show', id).code).toBe(3);
    expect(meter('experiments', 'archive', 'scratch').out).toMatch(/scratch .* archived/);
    expect(meter('experiments').out).not.toContain('scratch');
    expect(meter('experiments', '--all').out).toContain('scratch');
  });

  it('registers runs, promotes, rolls back and resolves from the CLI, all with --json', () => {
    const a = (JSON.parse(meter('train', '--model', 'ridge', '--alpha', '1', '--json').out) as { runId: string }).runId;
    const b = (JSON.parse(meter('train', '--model', 'ridge', '--alpha', '10', '--json').out) as { runId: string }).runId;
    expect(meter('register', a, '--name', 'taxi-duration').out).toMatch(/^Registered models:\/taxi-duration\/1 from run/);
    expect(JSON.parse(meter('register', b, '--name', 'taxi-duration', '--json').out)).toMatchObject({ version: 2, runId: b });
    expect(meter('models', 'alias', 'taxi-duration', 'champion', '1').out).toContain('@champion → taxi-duration version 1');
    expect(JSON.parse(meter('models', 'alias', 'taxi-duration', 'champion', '2', '--json').out)).toMatchObject({ action: 'move', fromVersion: 1, toVersion: 2 });
    expect(JSON.parse(meter('models', 'resolve', 'models:/taxi-duration@champion', '--json').out)).toMatchObject({ version: 2, runId: b });
    expect(meter('models', 'rollback', 'taxi-duration', 'champion').out).toContain('rolled back: version 2 → 1');
    const show = meter('models', 'show', 'taxi-duration');
    expect(show.out).toMatch(/@champion rollback 2 → 1/);
    expect(show.out).toMatch(/1 +@champion +Production/);
    expect(JSON.parse(meter('models', 'list', '--json').out)[0]).toMatchObject({ name: 'taxi-duration', aliases: { champion: 1 } });
    const bad = meter('register', a, '--name', 'taxi duration');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^meter: Model name "taxi duration" is not allowed \(a space\)/);
    expect(meter('models', 'resolve', 'models:/taxi-duration/7').code).toBe(3);
  });

  it('tune runs a seeded search and prints the search run and the best trial', () => {
    const r = meter('tune', '--train', SAMPLE.train, '--val', SAMPLE.val, '--model', 'ridge', '--algo', 'tpe', '--trials', '4', '--parallel', '2', '--seed', '3', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { tuningId: string; status: string; trials: number; best: { runId: string; params: Record<string, string>; rmse_val: number } };
    expect(out).toMatchObject({ status: 'FINISHED', trials: 4 });
    expect(out.best.params.model).toBe('ridge');
    const children = JSON.parse(meter('runs', '--filter', `tags.mlflow.parentRunId = '${out.tuningId}'`, '--order-by', 'metrics.rmse_val', '--json').out) as { runs: { runId: string }[] };
    expect(children.runs[0].runId).toBe(out.best.runId);
    expect(meter('tune', '--train', SAMPLE.train, '--val', SAMPLE.val, '--model', 'svm').err).toMatch(/No default search space for "svm"/);
  });
});
