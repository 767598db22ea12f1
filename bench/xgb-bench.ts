// Gradient boosting against XGBoost in the same run (issue 19): ../shared/reference/xgboost_reference.py
// (Debian's python3-xgboost 1.7, tree_method=hist, one-hot PU + DO + distance) beside Meter's gbt on the same
// months, for Meter's defaults and for the course's hyperopt params. Printed as Meter/XGBoost ratios of the
// fit time and of the whole job (vectorize + fit + predict), with both validation RMSEs.
// Targets: fit ≤ 0.5 × XGBoost's at val RMSE ≤ XGBoost's; whole job ≤ XGBoost's.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TrainJobSpec } from '../src/shared/jobs';

interface XgbResult { variant: string; val_rmse: number; train_rmse: number; best_iteration: number; vectorize_s: number; fit_s: number; predict_s: number; threads: number }
export interface MeterTiming { fit: number; job: number; wall: number; val: number; train: number; rounds?: number }

export const GBT_VARIANTS: { name: string; label: string; params: Record<string, number> }[] = [
  { name: 'xgb_defaults', label: 'defaults (depth 6, eta 0.1, ≤500, stop 20)', params: { nRounds: 500, learningRate: 0.1, maxDepth: 6, minChildWeight: 1, regLambda: 1, regAlpha: 0, earlyStopping: 20 } },
  { name: 'xgb_course', label: 'course (depth 30, eta 0.0959, ≤1000, stop 50)', params: { nRounds: 1000, learningRate: 0.09585355369315604, maxDepth: 30, minChildWeight: 1.060597050922164, regAlpha: 0.018060244040060163, regLambda: 0.011658731377413597, earlyStopping: 50 } },
];

export async function xgbBench(python: string, sklearnScript: string, csv: { train: string; val: string } | null, files: { train: string; val: string },
  meter: (spec: TrainJobSpec) => Promise<MeterTiming>): Promise<void> {
  const script = join(dirname(sklearnScript), 'xgboost_reference.py');
  const threads = Number(process.env.METER_BENCH_XGB_THREADS ?? 2);
  console.log(`\nGradient boosting against XGBoost ${'(tree_method=hist, ' + threads + ' threads)'}: train green 2023-01, validate 2023-02`);
  let xgb: XgbResult[] | null = null;
  const probe = spawnSync(python, ['-c', 'import xgboost, sklearn, pandas'], { encoding: 'utf8' });
  if (!csv) console.log('XGBoost: needs the CSV months that the scikit-learn step writes (scikit-learn missing?)');
  else if (probe.status !== 0) console.log(`XGBoost is not available to ${python}; install it with: apt-get install -y python3-xgboost python3-pandas python3-sklearn`);
  else if (!existsSync(script)) console.log(`${script} is missing`);
  else {
    const r = spawnSync(python, [script, csv.train, csv.val, '--threads', String(threads)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status === 0) xgb = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as XgbResult);
    else console.log(`the XGBoost reference failed: ${r.stderr.trim().split('\n').pop()}`);
  }
  const rows: string[][] = [];
  for (const v of GBT_VARIANTS) {
    // Meter runs right after XGBoost, back to back, so both see the same machine load.
    const m = await meter({ model: 'gbt', params: v.params, featureSet: 'basic', files });
    const x = xgb?.find((r) => r.variant === v.name);
    const xJob = x ? x.vectorize_s + x.fit_s + x.predict_s : 0;
    const fitRatio = x ? m.fit / x.fit_s : NaN;
    const jobRatio = x ? m.job / xJob : NaN;
    // Issue 19 1b: the whole job as a user waits for it (fresh worker, parquet load, model file) against XGBoost's three phases.
    const wallRatio = x ? m.wall / xJob : NaN;
    rows.push([v.label, x ? x.val_rmse.toFixed(4) : '—', m.val.toFixed(4), x ? (m.val <= x.val_rmse ? 'ok' : 'MISSED') : '',
      x ? `${x.best_iteration}` : '—', `${m.rounds ?? ''}`,
      x ? x.fit_s.toFixed(2) : '—', m.fit.toFixed(2), x ? `${fitRatio.toFixed(3)} ${fitRatio <= 0.5 ? 'ok' : 'MISSED'}` : '',
      x ? xJob.toFixed(2) : '—', m.job.toFixed(2), x ? `${jobRatio.toFixed(3)} ${jobRatio <= 1 ? 'ok' : 'MISSED'}` : '', m.wall.toFixed(2),
      x ? `${wallRatio.toFixed(3)} ${wallRatio <= 1 ? 'ok' : 'MISSED'}` : '']);
  }
  const head = ['variant', 'xgb val', 'meter val', 'val ≤ xgb', 'xgb rounds', 'meter rounds', 'xgb fit s', 'meter fit s', 'fit ratio (≤ 0.5)',
    'xgb job s', 'meter job s', 'job ratio (≤ 1)', 'meter wall s', 'wall ratio (≤ 1)'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(w[i])).join('  '));
  console.log('(job = vectorize + fit + predict, as xgboost_reference.py times them; Meter\'s wall is the whole training job in a fresh worker, ' +
    'parquet load, progress and model file included. XGBoost\'s OpenMP threads slow down far more than Meter when other work shares the cores: ' +
    'compare ratios from a quiet machine, or set METER_BENCH_XGB_THREADS=1.)');
}
