// `meter train` and `meter tune` say what the Train and Tune screens warn about, on stderr, and go on.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { ROOT, SAMPLE, tempDir } from '../../test/helpers';

const home = tempDir('meter-cli-warn-');
afterAll(() => rmSync(home, { recursive: true, force: true }));
const meter = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', home, ...args], { encoding: 'utf8', env: { ...process.env, METER_HOME: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

// Green January (the sample), February's trips as a yellow file, and February's trips moved to March.
const yellowFeb = join(home, 'yellow_tripdata_2023-02.parquet');
pl.readParquet(SAMPLE.val).head(4000).rename({ lpep_pickup_datetime: 'tpep_pickup_datetime', lpep_dropoff_datetime: 'tpep_dropoff_datetime' }).writeParquet(yellowFeb);
const greenMar = join(home, 'green_tripdata_2023-03.parquet');
const deltaUs = (Date.UTC(2023, 2, 1) - Date.UTC(2023, 1, 1)) * 1000;
const shift = (c: string) => pl.col(c).cast(pl.Datetime('us')).cast(pl.Int64).add(deltaUs).cast(pl.Datetime('us')).alias(c);
pl.readParquet(SAMPLE.val).head(4000).withColumns(shift('lpep_pickup_datetime'), shift('lpep_dropoff_datetime')).writeParquet(greenMar);

const warnings = (err: string): string[] => err.split('\n').filter((l) => l.startsWith('warning: '));

describe('training warnings in the CLI', () => {
  it('green train with yellow validation: warned on stderr, then trained', () => {
    const r = meter('train', '--train', SAMPLE.train, '--val', yellowFeb, '--json');
    expect(r.code, r.err).toBe(0);
    expect(warnings(r.err)).toEqual(['warning: Train is green but validation is yellow: trips of another kind score much worse (choose green for both, or expect a poor validation RMSE).']);
    expect(Object.keys((JSON.parse(r.out) as { metrics: object }).metrics)).toEqual(['rmse_train', 'rmse_val']);
  });

  it('March train with January validation: warned that validation is in the past; a test month too', () => {
    const r = meter('train', '--train', greenMar, '--val', SAMPLE.train, '--test', SAMPLE.val);
    expect(r.code, r.err).toBe(0);
    expect(warnings(r.err)).toEqual([
      'warning: The validation month (green 2023-01) comes before the train month (green 2023-03): the model is tested on the past.',
      'warning: The test month (green 2023-02) comes before the train month (green 2023-03): the model is tested on the past.',
    ]);
    expect(r.out).toMatch(/rmse_val \d/);
  });

  it('the course recipe (January, then February) gets no warning', () => {
    const r = meter('train', '--train', SAMPLE.train, '--val', SAMPLE.val, '--json');
    expect(r.code, r.err).toBe(0);
    expect(warnings(r.err)).toEqual([]);
  });

  it('tune warns the same way before its search', () => {
    const r = meter('tune', '--train', greenMar, '--val', SAMPLE.train, '--model', 'ridge', '--algo', 'random', '--trials', '1', '--json');
    expect(r.code, r.err).toBe(0);
    expect(warnings(r.err)).toEqual(['warning: The validation month (green 2023-01) comes before the train month (green 2023-03): the model is tested on the past.']);
  });
});
