// Random forest and gradient boosting on one tree grower. Both are seeded and deterministic: tree t of a
// forest uses seed + t whatever the number of workers, so results don't depend on the machine.
import type { BinnedData, RawFeatures } from './tree-data';
import { growTree, type Tree } from './grow-tree';
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

// Boosting lives in boost.ts (both cores on each tree); its names stay importable from here.
export { boost, type BoostParams, type BoostResult } from './boost';
