// `npm run bench`: Meter beside scikit-learn on the same months and features, in the same run, as ratios.
// Meter's time is vectorize + fit + predict inside a fresh worker thread (what one training job costs, JIT
// cold); scikit-learn's is the same three phases as ../shared/reference/sklearn_reference.py times them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pl from 'nodejs-polars';
import { EventHub } from '../src/core/jobs/event-hub';
import { JobManager } from '../src/core/jobs/job-manager';
import { defaultWorkerDir, packageRoot } from '../src/core/paths';
import type { FeatureSet } from '../src/shared/domain';
import { trackingBench } from './tracking-bench';
import { mlflowBench } from './mlflow-workload';
import { serviceBench } from './service-bench';
import { treesBench } from './trees-bench';

const REPEATS = 3;
const TARGET_RATIO = 0.2;
const PYTHON = '/usr/bin/python3';
const sharedDir = resolve(packageRoot(), '../shared');
const months = { train: join(sharedDir, 'data/green_tripdata_2023-01.parquet'), val: join(sharedDir, 'data/green_tripdata_2023-02.parquet') };
const script = join(sharedDir, 'reference/sklearn_reference.py');

interface SkResult { variant: string; train_rmse: number; val_rmse: number; vectorize_s: number; fit_s: number; predict_s: number }

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Debian has no pyarrow: hand scikit-learn the role columns as CSV, datetimes as integer microseconds. */
function toCsv(parquet: string, csv: string): void {
  const df = pl.readParquet(parquet);
  const cols = ['lpep_pickup_datetime', 'lpep_dropoff_datetime'];
  df.select(...cols.map((c) => pl.col(c).cast(pl.Datetime('us')).cast(pl.Int64).alias(c)), pl.col('PULocationID'), pl.col('DOLocationID'), pl.col('trip_distance')).writeCSV(csv);
}

function sklearnRuns(dir: string): SkResult[][] | string {
  const probe = spawnSync(PYTHON, ['-c', 'import sklearn, pandas, scipy'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    return `scikit-learn is not available to ${PYTHON} (${probe.error?.message ?? probe.stderr.trim().split('\n').pop()}); install it with: apt-get install -y python3-sklearn python3-pandas`;
  }
  if (!existsSync(script)) return `${script} is missing`;
  const jan = join(dir, 'jan.csv');
  const feb = join(dir, 'feb.csv');
  toCsv(months.train, jan);
  toCsv(months.val, feb);
  const runs: SkResult[][] = [];
  for (let i = 0; i < REPEATS; i++) {
    const r = spawnSync(PYTHON, [script, jan, feb, '--no-rf', '--no-exact'], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) return `the scikit-learn reference failed: ${r.stderr.trim().split('\n').pop()}`;
    runs.push(r.stdout.trim().split('\n').map((l) => JSON.parse(l) as SkResult & { variant?: string }).filter((x) => x.variant) as SkResult[]);
  }
  return runs;
}

async function meterRuns(featureSet: FeatureSet): Promise<{ seconds: number; train: number; val: number }> {
  const jobs = new JobManager(defaultWorkerDir(), new EventHub(), (fn) => fn());
  const times: number[] = [];
  let train = 0;
  let val = 0;
  for (let i = 0; i < REPEATS; i++) {
    const r = await jobs.run('train', { model: 'linear', params: {}, featureSet, files: months });
    times.push((r.timingsMs.vectorize + r.timingsMs.fit + r.timingsMs.predict) / 1000);
    train = r.metrics.rmse_train;
    val = r.metrics.rmse_val;
  }
  return { seconds: median(times), train, val };
}

async function main(): Promise<void> {
  if (!existsSync(months.train) || !existsSync(months.val)) {
    console.log(`bench: the full TLC months are not at ${join(sharedDir, 'data')}; skipping the model comparison.`);
    await trackingBench();
    await mlflowBench();
    await serviceBench();
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'meter-bench-'));
  try {
    console.log(`Linear regression, train green 2023-01, validate 2023-02; median of ${REPEATS} runs each; time = vectorize + fit + predict\n`);
    const sk = sklearnRuns(dir);
    if (typeof sk === 'string') console.log(`scikit-learn: ${sk}\n(Meter's figures follow alone.)\n`);
    const variants: [FeatureSet, string][] = [['basic', 'LinearRegression PU+DO+dist'], ['pu_do', 'LinearRegression PU_DO+dist']];
    const rows: string[][] = [];
    for (const [fs, name] of variants) {
      const m = await meterRuns(fs);
      if (typeof sk === 'string') {
        rows.push([fs, '', m.train.toFixed(4), '', m.val.toFixed(4), '', m.seconds.toFixed(3), '', '']);
        continue;
      }
      const mine = sk.map((run) => run.find((r) => r.variant === name)!);
      const skSeconds = median(mine.map((r) => r.vectorize_s + r.fit_s + r.predict_s));
      const ratio = m.seconds / skSeconds;
      rows.push([fs, mine[0].train_rmse.toFixed(4), m.train.toFixed(4), mine[0].val_rmse.toFixed(4), m.val.toFixed(4),
        skSeconds.toFixed(3), m.seconds.toFixed(3), ratio.toFixed(3), ratio <= TARGET_RATIO ? `ok (≤ ${TARGET_RATIO})` : `MISSED (> ${TARGET_RATIO})`]);
    }
    const head = ['features', 'sklearn train', 'meter train', 'sklearn val', 'meter val', 'sklearn s', 'meter s', 'ratio', 'target'];
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(w[i])).join('  '));
    await treesBench(PYTHON, script, typeof sk === 'string' ? null : { train: join(dir, 'jan.csv'), val: join(dir, 'feb.csv') }, months);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await trackingBench();
  await mlflowBench();
  await serviceBench();
}

await main();
