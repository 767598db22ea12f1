// Random forest by ml-random-forest, the JavaScript library users know. Its split search is quadratic in
// rows (measured: about 170 s per tree at 50k rows × 10 features), so Meter offers it for samples of a few
// thousand trips and as a cross-check of its own engine. Its trees are converted to Meter's tree format, so
// the model scores, registers and exports like any other.
import { RandomForestRegression } from 'ml-random-forest';
import { MeterError } from '../../../shared/errors';
import type { CancelToken } from '../../../shared/cancel';
import type { Tree } from './grow-tree';
import type { RawFeatures } from './tree-data';

export const ML_FOREST_MAX_ROWS = 20_000;

interface MlNode { splitValue?: number; splitColumn?: number; left?: MlNode; right?: MlNode; distribution?: number }

/** The largest double below x: ml-cart goes left when x < s, Meter when x ≤ t, so t = s − 1 ulp. */
function below(x: number): number {
  if (!Number.isFinite(x)) return x;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  let bits = buf.getBigUint64(0);
  if (x === 0) return -Number.MIN_VALUE;
  bits = x > 0 ? bits - 1n : bits + 1n;
  buf.setBigUint64(0, bits);
  return buf.getFloat64(0);
}

function convert(root: MlNode, columns: number[]): Tree {
  const tree: Tree = { feature: [], value: [], left: [], right: [] };
  const visit = (n: MlNode): number => {
    const i = tree.feature.length;
    tree.feature.push(-1); tree.value.push(0); tree.left.push(-1); tree.right.push(-1);
    if (n.left && n.right && n.splitColumn !== undefined && n.splitValue !== undefined && (n.left.distribution !== undefined || n.left.left)) {
      tree.feature[i] = columns[n.splitColumn];
      tree.value[i] = below(n.splitValue);
      const l = visit(n.left);
      const r = visit(n.right);
      tree.left[i] = l;
      tree.right[i] = r;
    } else {
      tree.value[i] = Number(n.distribution ?? 0);
    }
    return i;
  };
  visit(root);
  return tree;
}

export function trainMlForest(raw: RawFeatures, y: Float64Array, p: { nTrees: number; maxDepth: number; seed: number }, cancel: CancelToken): Tree[] {
  if (raw.n > ML_FOREST_MAX_ROWS) {
    throw new MeterError('INVALID_ARGUMENT', `rf_ml (ml-random-forest) is for samples up to ${ML_FOREST_MAX_ROWS.toLocaleString('en-US')} trips; this file has ${raw.n.toLocaleString('en-US')}. Its split search is quadratic in rows; use rf (Meter's engine) for full months.`);
  }
  cancel.throwIfCancelled();
  const X = Array.from({ length: raw.n }, (_, i) => raw.columns.map((c) => c[i]));
  const rf = new RandomForestRegression({
    nEstimators: p.nTrees, seed: p.seed + 1, maxFeatures: 1.0, replacement: false, useSampleBagging: true, noOOB: true,
    treeOptions: { maxDepth: p.maxDepth, minNumSamples: 2 },
  });
  rf.train(X, Array.from(y));
  const json = JSON.parse(JSON.stringify(rf.toJSON())) as { baseModel: { estimators: { root: MlNode }[]; indexes: number[][] } };
  // Each tree sees the features in its own order (indexes[k]); map its columns back to Meter's.
  return json.baseModel.estimators.map((e, k) => convert(e.root, json.baseModel.indexes[k]));
}
