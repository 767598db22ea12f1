// Fast prediction: trees flattened to typed arrays and walked in a tight loop, one tree over all rows at a
// time (each tree's arrays stay in cache).
import type { Tree } from './grow-tree';

export interface CompiledTree { feature: Int32Array; value: Float64Array; left: Int32Array; right: Int32Array }

export const compileTree = (t: Tree): CompiledTree => ({
  feature: Int32Array.from(t.feature), value: Float64Array.from(t.value), left: Int32Array.from(t.left), right: Int32Array.from(t.right),
});

/** Rows laid out one after another (row i's features at i·F…), which the tree walk reads fastest. */
export function rowMajor(columns: Float64Array[], n: number): Float64Array {
  const F = columns.length;
  const X = new Float64Array(n * F);
  for (let f = 0; f < F; f++) { const c = columns[f]; for (let i = 0; i < n; i++) X[i * F + f] = c[i]; }
  return X;
}

/** Adds scale × tree(x_i) to out[i] for every row of the row-major matrix X (F features per row). */
export function addTree(out: Float64Array, t: CompiledTree, isCategory: Uint8Array, X: Float64Array, F: number, n: number, scale: number): void {
  const Fe = t.feature;
  const V = t.value;
  const L = t.left;
  const R = t.right;
  for (let i = 0, base = 0; i < n; i++, base += F) {
    let node = 0;
    let f = Fe[0];
    while (f >= 0) {
      const x = X[base + f];
      node = (isCategory[f] === 1 ? x === V[node] : x <= V[node]) ? L[node] : R[node];
      f = Fe[node];
    }
    out[i] += scale * V[node];
  }
}

export function predictTrees(trees: CompiledTree[], isCategory: Uint8Array, columns: Float64Array[], n: number, base: number, scale: number): Float64Array {
  const out = new Float64Array(n).fill(base);
  const X = rowMajor(columns, n);
  for (const t of trees) addTree(out, t, isCategory, X, columns.length, n, scale);
  return out;
}
