// The training job for tree models: random forest (trees across worker threads) or gradient boosting
// (early-stopped on the validation set). Same result shape as the linear models, so runs, the registry,
// scoring and export treat every model alike.
import type { CancelToken } from '../../../shared/cancel';
import type { TreeModelKind } from '../../../shared/domain';
import type { StepMetric, TrainJobResult } from '../../../shared/jobs';
import { regressionMetrics } from '../metrics';
import type { PartialFn, ProgressFn, WorkerEnv } from '../../../shared/jobs';
import type { Sources } from '../loaded-trips';
import { readTreeInputs } from './tree-inputs';
import { rowMajorCodes } from './binned-ingest';
import { boost, categoryMask, type BoostParams, type ForestParams } from './ensemble';
import { trainForest } from './forest-parallel';
import { trainMlForest } from './ml-forest';
import { buildTreeModelFile } from './tree-model-file';
import type { Tree } from './grow-tree';
import { binIndex, binRows, binTree, predictTrees, compileTree, type BinnedTree } from './tree-predict';
import { predictSets } from './predict-parallel';

export async function trainTrees(model: TreeModelKind, params: Record<string, number>, src: Sources, progress: ProgressFn, cancel: CancelToken, env: WorkerEnv,
  /** receives the validation RMSE every `reportEvery` rounds (a search's pruner may then cancel the job) */
  report: { every: number; post: PartialFn<'train'> } | null = null): Promise<TrainJobResult> {
  // The training rows arrive binned, chunk by chunk (binning is part of vectorizing, as building XGBoost's
  // DMatrix is); raws.train holds columns only for rf_ml.
  const inputs = await readTreeInputs(model, src, progress, cancel);
  const { data, roles, raws, binned, featureSpec } = inputs;
  const train = { n: data.train!.n, duration: data.train!.duration, kind: src.kind };
  const isCat = categoryMask(raws.train);
  const vectorize = inputs.vectorizeMs;
  cancel.throwIfCancelled();
  let t = performance.now();
  let trees: Tree[];
  let base = 0;
  let scale = 1;
  let history: StepMetric[] = [];
  // Predictions the fit already has (boosting keeps its best round's train and validation predictions).
  const known: Record<string, Float64Array> = {};
  let featureKinds: ('category' | 'number')[] | null = null;
  if (model === 'rf_ml') {
    const p = params as { nTrees: number; maxDepth: number; seed: number };
    progress('fit', 0, p.nTrees);
    trees = trainMlForest(raws.train, train.duration, p, cancel);
    scale = 1 / trees.length;
    // ml-random-forest has no categories: it splits zone ids as numbers, and so does its saved model.
    featureKinds = raws.train.features.map(() => 'number');
  } else if (model === 'rf') {
    const p = params as unknown as ForestParams;
    trees = await trainForest(binned!, train.duration, p, cancel.flag, env.workerDir, (done) => progress('fit', done, p.nTrees));
    scale = 1 / p.nTrees;
  } else {
    const p = params as unknown as BoostParams;
    const val = data.val ? { raw: raws.val, y: data.val.duration } : null;
    let reported = 0;
    const res = boost(raws.train, train.duration, val, p, (round, lastVal) => {
      cancel.throwIfCancelled();
      if (report && lastVal && lastVal.step % report.every === 0 && lastVal.step > reported) { reported = lastVal.step; report.post({ step: lastVal.step, value: lastVal.value }); }
      progress('fit', round, p.nRounds);
    }, binned!, env.workerDir);
    trees = res.trees;
    known.train = res.trainPred;
    if (res.valPred) known.val = res.valPred;
    base = res.base;
    history = res.history;
  }
  const fit = performance.now() - t;
  // Evaluation is timed apart from fitting, as scikit-learn's fit time is.
  t = performance.now();
  const mask = featureKinds ? Uint8Array.from(featureKinds, (k) => (k === 'category' ? 1 : 0)) : isCat;
  const preds: Record<string, Float64Array> = { ...known };
  const todo = roles.filter((r) => !preds[r]);
  const index = binned ? binIndex(binned) : null;
  const flat = binned && index ? trees.map((x) => binTree(x, binned, index)) : [];
  if (binned && index && flat.every((x) => x !== null)) {
    // Flattened trees over two-byte bin codes, one tree over all rows at a time; progress per block of trees.
    const rowsOf = todo.map((r) => ({ role: r, codes: r === 'train' ? rowMajorCodes(binned) : binRows(binned, index, raws[r].columns, raws[r].n), out: new Float64Array(raws[r].n).fill(base) }));
    // Same arithmetic as predictTrees (base + Σ scale·leaf, tree by tree), so scoring the saved model agrees to the bit.
    if (scale !== 1) for (const x of flat as BinnedTree[]) { const v = x.value; for (let i = 0; i < v.length; i++) v[i] = scale * v[i]; }
    // Both cores: a helper thread walks the second half of the rows (the same sums, tree by tree).
    await predictSets(flat as BinnedTree[], rowsOf, raws.train.features.length, env.workerDir, (done, total) => progress('predict', done, total), cancel.flag);
    for (const r of rowsOf) preds[r.role] = r.out;
  } else {
    const compiled = trees.map(compileTree);
    todo.forEach((r, k) => { progress('predict', k, todo.length); preds[r] = predictTrees(compiled, mask, raws[r].columns, raws[r].n, base, scale); });
  }
  progress('predict', 1, 1);
  const predictMs = performance.now() - t;
  progress('evaluate', 0, roles.length);
  const metrics: Record<string, number> = { n_trees: trees.length, n_nodes: trees.reduce((s, x) => s + x.feature.length, 0) };
  for (const role of roles) {
    const m = regressionMetrics(data[role]!.duration, preds[role]);
    metrics[`rmse_${role}`] = m.rmse;
    metrics[`mae_${role}`] = m.mae;
    metrics[`r2_${role}`] = m.r2;
  }
  if (model === 'gbt') metrics.best_round = trees.length;
  progress('evaluate', roles.length, roles.length);
  return {
    model: buildTreeModelFile({ model, params, spec: featureSpec, trees, base, scale, trainRows: train.n, trainKind: train.kind, featureKinds }),
    metrics,
    history,
    rows: { train: train.n, val: data.val!.n, ...(data.test ? { test: data.test.n } : {}) },
    fileRows: inputs.fileRows,
    featureCount: raws.train.features.length,
    timingsMs: { load: inputs.loadMs, vectorize, fit, predict: predictMs },
  };
}
