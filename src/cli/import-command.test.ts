// `meter import good.parquet bad.parquet`: every file is attempted and reported, the refused one with its reason.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { ROOT, SAMPLE, tempDir } from '../../test/helpers';

const home = tempDir('meter-cli-import-');
afterAll(() => rmSync(home, { recursive: true, force: true }));
const meter = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', home, ...args], { encoding: 'utf8', env: { ...process.env, METER_HOME: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const good = join(home, 'green_tripdata_2023-01.first3000.parquet');
pl.readParquet(SAMPLE.train).head(3000).writeParquet(good);
const bad = join(home, 'bad.parquet');
writeFileSync(bad, 'PULocationID,DOLocationID\n1,2\n');
const listed = (): { fileName: string }[] => JSON.parse(meter('api', 'data.list', '{}').out) as { fileName: string }[];

describe('meter import with several files', () => {
  it('reports each file, the good one recorded, the bad one refused with its reason, and exits with the refusal\'s code', () => {
    const r = meter('import', good, bad);
    const alone = meter('import', bad);
    expect(alone.code).toBeGreaterThan(0);
    expect(r.code).toBe(alone.code);
    expect(r.code).toBe(7); // FILE_UNREADABLE, as for the bad file alone
    expect(r.out).toMatch(/^green_tripdata_2023-01\.first3000\.parquet: imported: green trips, 3000 rows/m);
    expect(r.out).toMatch(/^bad\.parquet: refused: bad\.parquet is not a parquet file/m);
    expect(r.err.trim()).toBe('meter: 1 of 2 files refused (bad.parquet); the others are recorded.');
    expect(listed().map((d) => d.fileName)).toEqual(['green_tripdata_2023-01.first3000.parquet']);
  });

  it('goes on after a refused file, and --json gives one result per file', () => {
    const r = meter('import', bad, good, '--json');
    expect(r.code).toBeGreaterThan(0);
    const results = JSON.parse(r.out) as { file: string; status: string; datasetId?: string; error?: { code: string; message: string } }[];
    expect(results.map((x) => [x.file, x.status])).toEqual([[bad, 'refused'], [good, 'already imported']]);
    expect(results[0].error).toMatchObject({ code: 'FILE_UNREADABLE', message: expect.stringMatching(/^bad\.parquet is not a parquet file/) });
    expect(results[1].datasetId).toMatch(/\S/);
    expect(listed()).toHaveLength(1);
  });

  it('its help says so', () => expect(meter('import', '--help').out).toContain('a refused one is named with its reason, the others recorded (exit non-zero)'));

  it('with only good files exits 0', () => {
    const r = meter('import', good, SAMPLE.val);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^green_tripdata_2023-01\.first3000\.parquet: already imported as/m);
    expect(r.out).toMatch(/^green_tripdata_2023-02\.sample\.parquet: imported: green trips/m);
    expect(r.err).toBe('');
  });
});
