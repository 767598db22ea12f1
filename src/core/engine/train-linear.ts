// Linear models (least squares, ridge, lasso) trained in one streamed pass: each chunk of the train files adds
// to the sufficient statistics (linear-stats.ts), the solvers work from those alone, then a second streamed
// pass predicts every role for its metrics. Memory is the statistics plus one chunk, whatever the row count;
// a train set small enough is kept from the first pass instead of being read twice.
import type { CancelToken } from '../../shared/cancel';
import type { LinearModelKind } from '../../shared/domain';
import type { PartialFn, ProgressFn, StepMetric, TrainJobResult } from '../../shared/jobs';
import type { TripColumns } from '../data/tlc-reader';
import { encode, type EncodedMatrix } from './features';
import { solveLassoFromStats } from './lasso';
import { predictEncoded, type LinearSolution } from './linear-model';
import { LinearStatsBuilder } from './linear-stats';
import { MetricsAccumulator } from './metrics';
import { buildModelFile, checkFiniteModel } from './model-file';
import { OLS_LAMBDA, solveRidgeFromStats } from './ridge';
import { checkRoleCounts, chunksIn, streamRole, type FileRows, type Sources } from './loaded-trips';

/** Train rows kept from the first pass for evaluation (about 24 bytes each); beyond, the files are read again. */
const KEEP_TRAIN_ROWS = 4_000_000;

/** `report`: lasso posts its validation RMSE every `every` sweeps (a search's pruner may then cancel the job). */
export async function trainLinear(model: LinearModelKind, params: Record<string, number>, src: Sources, progress: ProgressFn, cancel: CancelToken,
  report: { every: number; post: PartialFn<'train'> } | null = null): Promise<TrainJobResult> {
  let t = performance.now();
  let vectorize = 0;
  let predictMs = 0;
  const builder = new LinearStatsBuilder(src.featureSpec);
  let kept: TripColumns[] | null = [];
  let keptRows = 0;
  const fileRows: FileRows[] = await streamRole(src, 'train', (chunk) => {
    const ta = performance.now();
    builder.add(chunk);
    vectorize += performance.now() - ta;
    if (kept) { kept.push(chunk); keptRows += chunk.n; if (keptRows > KEEP_TRAIN_ROWS) kept = null; }
  }, { phase: 'load', done: 0, total: chunksIn(src, ['train']), fn: progress }, cancel);
  checkRoleCounts({ ...src, roles: ['train'] }, fileRows);
  let load = performance.now() - t - vectorize;
  t = performance.now();
  const { stats, vocabs } = builder.finish();
  vectorize += performance.now() - t;

  cancel.throwIfCancelled();
  progress('fit', 0, 1);
  t = performance.now();
  let solution: LinearSolution;
  let history: StepMetric[] = [];
  if (model === 'lasso') {
    // Only for a pruned search: the validation rows, encoded once, to score the model every few sweeps.
    const val = report ? encodedRole(src, vocabs, progress, cancel) : [];
    const res = solveLassoFromStats(stats, {
      alpha: params.alpha, maxIter: params.maxIter, tol: params.tol,
      onSweep: (sweep, _objective, current) => {
        cancel.throwIfCancelled();
        progress('fit', sweep, params.maxIter);
        if (report && val.length && sweep % report.every === 0) report.post({ step: sweep, value: rmseOn(val, current()) });
      },
    });
    solution = res.solution;
    history = res.history;
  } else {
    solution = solveRidgeFromStats(stats, model === 'ridge' ? params.alpha : OLS_LAMBDA);
  }
  const fit = performance.now() - t;

  // Evaluation: every role's files again (train from memory when it was kept), one chunk at a time.
  cancel.throwIfCancelled();
  t = performance.now();
  let encodeMs = 0;
  const metrics: Record<string, number> = {};
  const evalRoles = src.roles.filter((r) => r !== 'train' || !kept);
  const bar = { phase: 'evaluate', done: 0, total: chunksIn(src, evalRoles) + (kept ? kept.length : 0), fn: progress };
  progress('evaluate', 0, bar.total);
  for (const role of src.roles) {
    const acc = new MetricsAccumulator();
    const score = (chunk: TripColumns): void => {
      const te = performance.now();
      const X = encode(src.featureSpec, vocabs, chunk);
      const tp = performance.now();
      encodeMs += tp - te;
      acc.add(chunk.duration, predictEncoded(X, solution));
      predictMs += performance.now() - tp;
    };
    if (role === 'train' && kept) for (const chunk of kept) { score(chunk); progress('evaluate', ++bar.done, bar.total); }
    else {
      const rows = await streamRole(src, role, score, bar, cancel);
      if (role !== 'train') fileRows.push(...rows);
    }
    const m = acc.result();
    metrics[`rmse_${role}`] = m.rmse;
    metrics[`mae_${role}`] = m.mae;
    metrics[`r2_${role}`] = m.r2;
  }
  checkRoleCounts(src, fileRows);
  // Reading the validation (and test) files again is loading, not predicting: only the time in `score` is.
  load += performance.now() - t - encodeMs - predictMs;
  const predict = predictMs;
  progress('evaluate', bar.total, bar.total);

  const rowsOf = (role: string): number => fileRows.filter((f) => f.role === role).reduce((s, f) => s + f.rows, 0);
  const file = buildModelFile({ model, params, spec: src.featureSpec, vocabs, solution, trainRows: stats.n, trainKind: src.kind });
  checkFiniteModel(file, metrics, history);
  return {
    model: file,
    metrics,
    history,
    rows: { train: stats.n, val: rowsOf('val'), ...(src.roles.includes('test') ? { test: rowsOf('test') } : {}) },
    fileRows,
    featureCount: vocabs.reduce((s, v) => s + v.keys.length, 0) + src.featureSpec.numeric.length,
    timingsMs: { load, vectorize: vectorize + encodeMs, fit, predict },
  };
}

function encodedRole(src: Sources, vocabs: Parameters<typeof encode>[1], progress: ProgressFn, cancel: CancelToken): { X: EncodedMatrix; y: Float64Array }[] {
  const out: { X: EncodedMatrix; y: Float64Array }[] = [];
  streamRole(src, 'val', (chunk) => out.push({ X: encode(src.featureSpec, vocabs, chunk), y: chunk.duration }), { phase: 'prepare', done: 0, total: chunksIn(src, ['val']), fn: progress }, cancel);
  return out;
}

function rmseOn(rows: { X: EncodedMatrix; y: Float64Array }[], solution: LinearSolution): number {
  let se = 0;
  let n = 0;
  for (const { X, y } of rows) {
    const pred = predictEncoded(X, solution);
    for (let i = 0; i < y.length; i++) se += (y[i] - pred[i]) ** 2;
    n += y.length;
  }
  return Math.sqrt(se / n);
}
