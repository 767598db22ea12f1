// `meter drift` and `meter monitor` as a user runs them: the real binary on the shipped sample.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, SAMPLE, tempDir } from '../../test/helpers';

const home = tempDir('meter-cli-drift-');
afterAll(() => rmSync(home, { recursive: true, force: true }));
const meter = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', home, ...args], { encoding: 'utf8', env: { ...process.env, METER_HOME: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('meter drift / monitor', () => {
  beforeAll(() => {
    const run = JSON.parse(meter('train', '--model', 'ridge', '--json').out) as { runId: string };
    expect(meter('register', run.runId, '--name', 'taxi').code).toBe(0);
  });

  it('drift --json prints exactly one object with the dataset drift, every column and the quality', () => {
    const out = join(home, 'report.html');
    const r = meter('drift', '--model', 'models:/taxi/1', '--current', SAMPLE.val, '--method', 'trip_distance=ks', '--html', out, '--json');
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const j = JSON.parse(lines[0]) as { reportId: string; datasetDrift: { share: number; drifted: boolean }; columns: Record<string, { method: string; statistic: number; threshold: number; drifted: boolean; kind: string }>; quality: { rmse: number; mae: number } };
    expect(Object.keys(j)).toEqual(['reportId', 'datasetDrift', 'columns', 'quality']);
    expect(Object.keys(j.datasetDrift)).toEqual(['share', 'drifted']);
    expect(j.columns.trip_distance).toMatchObject({ method: 'ks', threshold: 0.05, kind: 'numeric' });
    expect(j.columns.PULocationID).toMatchObject({ method: 'jensenshannon', threshold: 0.1, kind: 'categorical' });
    expect(Object.keys(j.columns).sort()).toEqual(['DOLocationID', 'PULocationID', 'duration', 'prediction', 'trip_distance']);
    expect(j.quality.rmse).toBeGreaterThan(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain(j.reportId);
    expect(html).toContain('<svg');
  });

  it('monitor prints one timeline row per month, in month order', () => {
    const r = meter('monitor', '--model', 'models:/taxi/latest', '--current', SAMPLE.val, SAMPLE.train, '--json');
    expect(r.code, r.err).toBe(0);
    const rows = JSON.parse(r.out) as { month: string; datasetDrift: { share: number }; rmse: number }[];
    expect(rows.map((x) => x.month)).toEqual(['2023-01', '2023-02']);
    expect(rows[0].datasetDrift.share).toBe(0);
    const text = meter('monitor', '--model', 'models:/taxi/1', '--current', SAMPLE.val);
    expect(text.out).toMatch(/^month\s+drift share/);
    expect(text.out).toContain('2023-02');
  });

  it('monitor goes on past a month that cannot be read, and says which failed and why', () => {
    const bad = join(home, 'green_tripdata_2023-03.parquet');
    writeFileSync(bad, 'not a parquet file');
    const r = meter('monitor', '--model', 'models:/taxi/1', '--current', SAMPLE.val, bad, '--json');
    expect(r.code, r.err).toBe(0);
    const rows = JSON.parse(r.out) as { month: string; failed?: { code: string; reason: string } }[];
    expect(rows.map((x) => [x.month, x.failed?.code ?? 'ok'])).toEqual([['2023-02', 'ok'], ['2023-03', 'FILE_UNREADABLE']]);
    expect(rows[1].failed!.reason).toContain('green_tripdata_2023-03.parquet');
    const text = meter('monitor', '--model', 'models:/taxi/1', '--current', SAMPLE.val, bad);
    expect(text.out).toMatch(/^FAILED 2023-03: .*green_tripdata_2023-03\.parquet/m);
  });

  it('bad input: one line naming the problem, non-zero exit, nothing recorded', () => {
    const r = meter('drift', '--model', 'models:/taxi/1', '--current', SAMPLE.val, '--method', 'PULocationID=ks');
    expect(r.code).not.toBe(0);
    expect(r.err.trim()).toBe('meter: PULocationID is categorical; its methods are jensenshannon, chisquare, psi (not ks).');
    expect(meter('drift', '--model', 'models:/taxi/1').err).toMatch(/^meter: Usage: meter drift/);
    const list = JSON.parse(meter('api', 'monitoring.list', '{}').out) as unknown[];
    expect(list).toHaveLength(6); // 1 drift + 2 timeline months + 1 text timeline + 2 with a bad month: the refusals added none
  });
});
