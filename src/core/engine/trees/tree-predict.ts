// Fast prediction: trees flattened to typed arrays and walked in a tight loop, one tree over all rows at a
// time (each tree's arrays stay in cache).
import type { Tree } from './tree';
import type { BinnedData } from './tree-data';

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

/**
 * A tree over bin codes, for trees Meter grew (a node's right child is always left + 1): four int32 per
 * node — feature (−1: leaf), lo, span, left child — and a row goes left when (code − lo) as uint32 ≤ span.
 * That one test is "code = k" for a category (lo = k, span = 0) and "code ≤ k" for a number (lo = 0,
 * span = k), so the walk reads two-byte codes and never branches on the feature's kind.
 */
export interface BinnedTree { node: Int32Array; value: Float64Array }

/** Bin lookups of one training matrix: a category key's code, a number threshold's bin. */
export function binIndex(data: BinnedData): Map<number, number>[] {
  return data.splitValue.map((sv) => { const m = new Map<number, number>(); sv.forEach((v, k) => m.set(v, k)); return m; });
}

/** The tree over `data`'s bins, or null when it isn't one of Meter's grown trees (e.g. converted ml-random-forest trees). */
export function binTree(t: Tree, data: BinnedData, index: Map<number, number>[]): BinnedTree | null {
  const n = t.feature.length;
  const node = new Int32Array(4 * n);
  const value = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const f = t.feature[k];
    node[4 * k] = f;
    if (f < 0) { value[k] = t.value[k]; continue; }
    const bin = index[f].get(t.value[k]);
    if (bin === undefined || t.right[k] !== t.left[k] + 1) return null;
    const cat = data.features[f].kind === 'category';
    node[4 * k + 1] = cat ? bin : 0;
    node[4 * k + 2] = cat ? 0 : bin;
    node[4 * k + 3] = t.left[k];
  }
  return { node, value };
}

/**
 * Rows binned with the training bins, row-major (row i's codes at i·F…). An unseen category gets 65535
 * (equal to no key: it goes right, as "x = key" is false); a number above the top edge, or NaN, gets the
 * bin count (above every threshold: right, as "x ≤ t" is false).
 */
export function binRows(data: BinnedData, index: Map<number, number>[], columns: Float64Array[], n: number): Uint16Array {
  const F = columns.length;
  const out = new Uint16Array(n * F);
  for (let f = 0; f < F; f++) {
    const col = columns[f];
    if (data.features[f].kind === 'category') {
      const m = index[f];
      for (let i = 0; i < n; i++) out[i * F + f] = m.get(col[i]) ?? 65535;
    } else {
      const e = data.splitValue[f];
      const top = e.length;
      for (let i = 0; i < n; i++) {
        const x = col[i];
        let c: number;
        if (!(x <= e[top - 1])) c = top;
        else {
          let lo = 0;
          let hi = top - 1;
          while (lo < hi) { const mid = (lo + hi) >> 1; if (e[mid] >= x) hi = mid; else lo = mid + 1; }
          c = lo;
        }
        out[i * F + f] = c;
      }
    }
  }
  return out;
}

/** Adds tree(row) to out[i] for rows [from, to) of the row-major codes. */
export function addBinnedTree(out: Float64Array, t: BinnedTree, codes: Uint16Array, F: number, from: number, to: number): void {
  const N = t.node;
  const V = t.value;
  for (let i = from, base = from * F; i < to; i++, base += F) {
    let q = 0;
    let f = N[0];
    while (f >= 0) {
      q = (((codes[base + f] - N[q + 1]) >>> 0) <= N[q + 2] ? N[q + 3] : N[q + 3] + 1) << 2;
      f = N[q];
    }
    out[i] += V[q >> 2];
  }
}

/**
 * The same tree for a level-by-level walk: leaves point at themselves and always "go left" (span 2³²−1),
 * so every row takes exactly `depth` steps and a block of rows advances one level at a time — no branch on
 * where a row is, and the rows' steps don't wait on each other.
 */
export interface LevelTree { node: Int32Array; value: Float64Array; depth: number }

export function levelTree(t: BinnedTree): LevelTree {
  const node = Int32Array.from(t.node);
  const n = t.value.length;
  const depthOf = new Int32Array(n);
  let depth = 0;
  for (let k = 0; k < n; k++) {
    if (node[4 * k] < 0) { node[4 * k] = 0; node[4 * k + 1] = 0; node[4 * k + 2] = -1; node[4 * k + 3] = k; depth = Math.max(depth, depthOf[k]); }
    else { const l = node[4 * k + 3]; depthOf[l] = depthOf[l + 1] = depthOf[k] + 1; }
  }
  return { node, value: t.value, depth };
}

const BLOCK = 256;
const position = new Int32Array(BLOCK);

/** Adds tree(row) to out[i] for rows [from, to) of the row-major codes, a block of rows one level at a time. */
export function addLevelTree(out: Float64Array, t: LevelTree, codes: Uint16Array, F: number, from: number, to: number): void {
  const N = t.node;
  const V = t.value;
  const pos = position;
  for (let s = from; s < to; s += BLOCK) {
    const m = Math.min(BLOCK, to - s);
    pos.fill(0, 0, m);
    for (let d = 0; d < t.depth; d++) {
      for (let j = 0, base = s * F; j < m; j++, base += F) {
        const q = pos[j];
        const right = ((codes[base + N[q]] - N[q + 1]) >>> 0) > (N[q + 2] >>> 0);
        pos[j] = (N[q + 3] + +right) << 2;
      }
    }
    for (let j = 0; j < m; j++) out[s + j] += V[pos[j] >> 2];
  }
}
