// Random forest and gradient boosting on one tree grower. Both are seeded and deterministic: tree t of a
// forest uses seed + t whatever the number of workers, so results don't depend on the machine.
import type { StepMetric } from '../../../shared/jobs';
import { binFeatures, type BinnedData, type RawFeatures } from './tree-data';
import { growTree, type Tree } from './grow-tree';
import { addBinnedTree, binIndex, binRows, binTree } from './tree-predict';
import { valEvaluator } from './boost-val';
import { rowMajorCodes } from './binned-ingest';
import { seededRandom as rng } from '../../../shared/random';

export interface ForestParams { nTrees: number; maxDepth: number; minSamplesLeaf: number; seed: number }

/** Tree `t` of a forest: a bootstrap sample (counts as weights) and a variance-reduction tree on it. */
export function forestTree(data: BinnedData, y: Float64Array, p: ForestParams, t: number): Tree {
  const n = data.n;
  const rand = rng(p.seed * 1_000_003 + t + 1);
  const count = new Float64Array(n);
  for (let i = 0; i < n; i++) count[Math.floor(rand() * n)] += 1;
  let m = 0;
  for (let i = 0; i < n; i++) if (count[i] > 0) m++;
  const rows = new Int32Array(m);
  const g = new Float64Array(n);
  for (let i = 0, k = 0; i < n; i++) if (count[i] > 0) { rows[k++] = i; g[i] = count[i] * y[i]; }
  return growTree(data, g, count, rows, { maxDepth: p.maxDepth, minChildWeight: p.minSamplesLeaf, lambda: 0, alpha: 0 });
}

export const categoryMask = (raw: RawFeatures): Uint8Array => Uint8Array.from(raw.features.map((f) => (f.kind === 'category' ? 1 : 0)));


export interface BoostParams {
  nRounds: number; learningRate: number; maxDepth: number; minChildWeight: number; subsample: number;
  regLambda: number; regAlpha: number; earlyStopping: number; seed: number;
}

/** `trainPred`/`valPred`: the predictions of the kept trees (the best round), exactly what predicting with them gives. */
export interface BoostResult { trees: Tree[]; base: number; bestRound: number; history: StepMetric[]; trainPred: Float64Array; valPred: Float64Array | null }

/**
 * Gradient boosting with squared loss, XGBoost-style: each round fits a tree to the residuals (g = y − ŷ,
 * h = 1) on a row subsample, with L1/L2-regularised leaves shrunk by the learning rate. Stops when the
 * validation RMSE hasn't improved for `earlyStopping` rounds and keeps the best round's trees.
 */
export function boost(raw: RawFeatures, y: Float64Array, val: { raw: RawFeatures; y: Float64Array } | null, p: BoostParams,
  onRound: (round: number) => void, binned?: BinnedData, workerDir: string | null = null): BoostResult {
  const data = binned ?? binFeatures(raw);
  const n = raw.n;
  let base = 0;
  for (let i = 0; i < n; i++) base += y[i];
  base /= n;
  const pred = new Float64Array(n).fill(base);
  const F = raw.features.length;
  // Rows as training-bin codes, row-major: each round's new tree is walked over them with integer tests.
  const index = binIndex(data);
  let X: Uint16Array | null = null;
  const nv = val ? val.raw.n : 0;
  const rand = rng(p.seed + 17);
  const trees: Tree[] = [];
  const history: StepMetric[] = [];
  let best = Infinity;
  let bestRound = 0;
  const bestPred = new Float64Array(n);
  const bestVPred = val ? new Float64Array(nv) : null;
  const g = new Float64Array(n);
  const h = new Float64Array(n).fill(1);
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  const leafOf = new Int32Array(n);
  for (let i = 0; i < n; i++) g[i] = y[i] - pred[i];
  // The validation pass runs on the second core, one round behind: round r's error is read after round r + 1's
  // tree has grown (and that tree dropped if r ends the search), so the result is what a serial loop gives.
  const maxNodes = Math.min(2 * n + 1, 2 ** Math.min(30, p.maxDepth + 1));
  const ve = val ? valEvaluator(binRows(data, index, val.raw.columns, nv), F, val.y, base, maxNodes, workerDir) : null;
  let pending = 0;
  const readVal = (): boolean => {
    const r = pending;
    pending = 0;
    const rmse = Math.sqrt(ve!.result() / nv);
    history.push({ key: 'round_rmse_val', step: r, value: rmse });
    if (rmse < best - 1e-12) { best = rmse; bestRound = r; bestPred.set(pred); ve!.copyPred(bestVPred!); return false; }
    return r - bestRound >= p.earlyStopping;
  };
  try {
    for (let round = 1; round <= p.nRounds; round++) {
      let m = n;
      if (p.subsample < 1) {
        m = 0;
        for (let i = 0; i < n; i++) {
          const used = rand() < p.subsample;
          h[i] = used ? 1 : 0;
          g[i] = used ? y[i] - pred[i] : 0;
          if (used) rows[m++] = i;
        }
      }
      const tree = growTree(data, g, h, rows.subarray(0, m), { maxDepth: p.maxDepth, minChildWeight: p.minChildWeight, lambda: p.regLambda, alpha: p.regAlpha }, leafOf);
      if (pending && readVal()) break;
      for (let k = 0; k < tree.value.length; k++) if (tree.feature[k] < 0) tree.value[k] *= p.learningRate;
      trees.push(tree);
      const compiled = binTree(tree, data, index)!;
      if (ve) { ve.post(compiled, round); pending = round; }
      let se = 0;
      if (m === n) {
        // Every row was in the sample: the grower recorded each row's leaf, so no tree walk is needed; the
        // same pass takes the squared error and the next round's residuals.
        const V = compiled.value;
        for (let i = 0; i < n; i++) { const q = pred[i] + V[leafOf[i]]; pred[i] = q; const r = y[i] - q; g[i] = r; se += r * r; }
      } else {
        X ??= rowMajorCodes(data); // the training rows' own codes (raw training columns may not be kept)
        addBinnedTree(pred, compiled, X, F, 0, n);
        for (let i = 0; i < n; i++) se += (y[i] - pred[i]) ** 2;
      }
      history.push({ key: 'round_rmse_train', step: round, value: Math.sqrt(se / n) });
      if (!val) { bestRound = round; bestPred.set(pred); }
      onRound(round);
    }
    if (pending) readVal();
  } finally {
    ve?.close();
  }
  if (bestRound === 0) { bestPred.fill(base); bestVPred?.fill(base); }
  return { trees: trees.slice(0, bestRound), base, bestRound, history, trainPred: bestPred, valPred: bestVPred };
}
