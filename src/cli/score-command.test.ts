// `meter score` and `meter export` through the real binary, run from a folder of the user's (its cwd).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, ROOT, SAMPLE, shared, tempDir } from '../../test/helpers';

const home = tempDir('meter-cli-score-');
const cwd = tempDir('meter-cli-score-cwd-');
afterAll(() => { rmSync(home, { recursive: true, force: true }); rmSync(cwd, { recursive: true, force: true }); });
const meter = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/meter.js'), '--home', home, ...args], { cwd, encoding: 'utf8', env: { ...process.env, METER_HOME: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

/** Real yellow trips when ../shared has them; else the sample's green trips under yellow's column names. */
function yellowFile(dir: string): string {
  if (HAS_SHARED && existsSync(shared('yellow_tripdata_2023-01_head100k.parquet'))) return shared('yellow_tripdata_2023-01_head100k.parquet');
  const out = join(dir, 'yellow_tripdata_2023-02.parquet');
  pl.readParquet(SAMPLE.val).rename({ lpep_pickup_datetime: 'tpep_pickup_datetime', lpep_dropoff_datetime: 'tpep_dropoff_datetime' }).writeParquet(out);
  return out;
}

describe('meter score / export', () => {
  beforeAll(() => {
    const trained = meter('train', '--model', 'ridge', '--alpha', '0.5', '--json');
    expect(trained.code, trained.err).toBe(0);
    const { runId } = JSON.parse(trained.out) as { runId: string };
    expect(meter('register', runId, '--name', 'taxi-duration').code).toBe(0);
  }, 120_000);

  it('relative --output and --out are taken from the shell\'s folder, as a shell user expects', () => {
    const r = meter('score', '--model', 'models:/taxi-duration/1', '--input', SAMPLE.val, '--output', 'preds', '--json');
    expect(r.code, r.err).toBe(0);
    const [rec] = JSON.parse(r.out) as { file: { outputPath: string } }[];
    expect(rec.file.outputPath).toBe(join(cwd, 'preds', 'green_tripdata_2023-02.sample.taxi-duration-v1.predictions.parquet'));
    expect(pl.readParquet(rec.file.outputPath).height).toBe(4829);
    const e = meter('export', 'models:/taxi-duration/1', '--out', 'svc');
    expect(e.code, e.err).toBe(0);
    expect(existsSync(join(cwd, 'svc', 'server.js'))).toBe(true);
    expect(e.out).toContain(join(cwd, 'svc'));
  }, 60_000);

  it('lists the inputs in the order given, in the table and in --json', () => {
    const inputs = [SAMPLE.val, SAMPLE.train];
    const r = meter('score', '--model', 'models:/taxi-duration/1', '--input', inputs[0], '--input', inputs[1], '--output', 'ordered', '--json');
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as { inputPath: string }[]).map((x) => x.inputPath)).toEqual(inputs);
    const t = meter('score', '--model', 'models:/taxi-duration/1', '--input', inputs[1], '--input', inputs[0], '--output', 'ordered');
    expect(t.code, t.err).toBe(0);
    const rows = t.out.trim().split('\n').slice(1).map((line) => line.split(/\s+/)[0]);
    expect(rows.filter((x) => x.endsWith('.parquet'))).toEqual([inputs[1], inputs[0]]);
  }, 60_000);

  it('scoring yellow trips with a model trained on green goes ahead and says so (stderr, and the record)', () => {
    const yellow = yellowFile(cwd);
    const r = meter('score', '--model', 'models:/taxi-duration/1', '--input', yellow, '--input', SAMPLE.val, '--output', 'kinds', '--json');
    expect(r.code, r.err).toBe(0);
    const recs = JSON.parse(r.out) as { status: string; file: { kind: string; warnings?: string[]; scored: number } }[];
    expect(recs.map((x) => [x.status, x.file.kind])).toEqual([['FINISHED', 'yellow'], ['FINISHED', 'green']]);
    expect(recs[0].file.scored).toBeGreaterThan(0);
    const warning = `${basename(yellow)} holds yellow trips but models:/taxi-duration/1 was trained on green trips (2023-01); its predictions may be much worse than its validation RMSE says.`;
    expect(recs[0].file.warnings).toEqual([warning]);
    expect(recs[1].file.warnings).toBeUndefined();
    expect(r.err).toContain(`warning: ${warning}`);
    expect(r.err.match(/^warning:/gm)).toHaveLength(1);
  }, 60_000);

  it('names every missing input in one message and scores nothing', () => {
    const before = (JSON.parse(meter('api', 'scoring.list', '{}').out) as unknown[]).length;
    const r = meter('score', '--model', 'models:/taxi-duration/1', '--input', 'nope-a.parquet', '--input', SAMPLE.val, '--input', 'nope-b.parquet');
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(`2 of the 3 input files do not exist (or are not files): ${join(cwd, 'nope-a.parquet')}, ${join(cwd, 'nope-b.parquet')}.`);
    expect((JSON.parse(meter('api', 'scoring.list', '{}').out) as unknown[]).length).toBe(before);
  });
});
