// Several files and globs per flag, expanded by Meter (no shell): unit rules on a folder of real parquet copies,
// then the built `meter train` with a glob, with a glob that matches nothing and with a mix of kinds.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { ROOT, SAMPLE, tempDir } from '../../test/helpers';
import { expandGlob, filesForFlag, spreadFileFlags } from './file-args';

const dir = tempDir('meter-globs-');
const data = join(dir, 'data');
mkdirSync(join(data, 'more'), { recursive: true });
// Twelve green "months" (the two samples' trips, each cut to its own length: the same bytes would be one
// dataset) and a yellow file, all real parquet.
const months = Array.from({ length: 12 }, (_, k) => join(data, `green_tripdata_2023-${String(k + 1).padStart(2, '0')}.parquet`));
months.forEach((m, k) => pl.readParquet(k % 2 === 0 ? SAMPLE.train : SAMPLE.val).head(5000 - k).writeParquet(m));
copyFileSync(SAMPLE.val, join(data, 'more', 'green_tripdata_2024-01.parquet'));
const yellow = join(data, 'yellow_tripdata_2023-01.parquet');
pl.readParquet(SAMPLE.train).rename({ lpep_pickup_datetime: 'tpep_pickup_datetime', lpep_dropoff_datetime: 'tpep_dropoff_datetime' }).writeParquet(yellow);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('file flags', () => {
  it('spreads the words after a file flag into repeated flags, up to the next flag', () => {
    expect(spreadFileFlags(['--train', 'a', 'b', '--val=c', 'd', '--model', 'gbt', '--json'], ['train', 'val']))
      .toEqual(['--train', 'a', '--train', 'b', '--val=c', '--val', 'd', '--model', 'gbt', '--json']);
  });

  it('expands * ? and [ranges] within a name, sorted, in any folder segment; plain paths pass through', () => {
    expect(expandGlob('data/green_tripdata_2023-0[1-9].parquet', dir)).toEqual(months.slice(0, 9));
    expect(expandGlob('data/green_tripdata_2023-1?.parquet', dir)).toEqual(months.slice(9));
    expect(expandGlob('data/green_tripdata_2023-0[!1-8].parquet', dir)).toEqual([months[8]]);
    expect(expandGlob(join(dir, 'd*a', '*', '*.parquet'), '/')).toEqual([join(data, 'more', 'green_tripdata_2024-01.parquet')]);
    expect(expandGlob('data/none.parquet', dir)).toEqual([join(data, 'none.parquet')]);
  });

  it('refuses a glob that matches nothing, naming the flag and the pattern; keeps each file once', () => {
    expect(() => filesForFlag('train', ['data/green_tripdata_2022-*.parquet'], dir)).toThrow(/--train 'data\/green_tripdata_2022-\*\.parquet' matches no file/);
    expect(filesForFlag('val', ['data/green_tripdata_2023-1*.parquet', 'data/green_tripdata_2023-12.parquet'], dir)).toEqual(months.slice(9));
  });
});

describe('meter train with several files', () => {
  const home = tempDir('meter-globs-home-');
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const meter = (...args: string[]) => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', home, ...args], { encoding: 'utf8', cwd: dir, env: { ...process.env, METER_HOME: '' } });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  it('trains on a glob and a list, records each file, and refuses a glob matching nothing or a mix of kinds, changing nothing', () => {
    const r = meter('train', '--train', 'data/green_tripdata_2023-0[1-3].parquet', '--val', 'data/green_tripdata_2023-04.parquet', 'data/green_tripdata_2023-05.parquet', '--model', 'ridge', '--json');
    expect(r.err).not.toMatch(/meter:/);
    expect(r.code).toBe(0);
    const { runId } = JSON.parse(r.out.trim()) as { runId: string };
    const run = JSON.parse(meter('run', 'show', runId, '--json').out) as { inputs: { role: string; dataset: { fileName: string }; rows: number }[]; metrics: Record<string, number> };
    expect(run.inputs.map((i) => `${i.role} ${i.dataset.fileName}`)).toEqual([
      'train green_tripdata_2023-01.parquet', 'train green_tripdata_2023-02.parquet', 'train green_tripdata_2023-03.parquet',
      'val green_tripdata_2023-04.parquet', 'val green_tripdata_2023-05.parquet']);
    expect(run.inputs.filter((i) => i.role === 'train').reduce((s, i) => s + i.rows, 0)).toBe(run.metrics.rows_train);
    const datasets = () => (JSON.parse(meter('api', 'data.list').out) as unknown[]).length;
    const known = datasets();
    const none = meter('train', '--train', 'data/green_tripdata_2025-*.parquet', '--val', 'data/green_tripdata_2023-04.parquet');
    expect(none.code).not.toBe(0);
    expect(none.err).toMatch(/--train 'data\/green_tripdata_2025-\*\.parquet' matches no file/);
    const mixed = meter('train', '--train', 'data/green_tripdata_2023-1[01].parquet', 'data/yellow_tripdata_2023-01.parquet', '--val', 'data/green_tripdata_2023-12.parquet');
    expect(mixed.code).not.toBe(0);
    expect(mixed.err).toMatch(/train files mix kinds: green_tripdata_2023-10\.parquet is green but yellow_tripdata_2023-01\.parquet is yellow/);
    expect(datasets()).toBe(known);
  });
});
