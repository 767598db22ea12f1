// The row-level work of growing a tree, for one shard of the rows. A tree's rows are split into two shards
// (the first and second half of its sample) whatever the number of threads: each shard keeps its rows in its
// own stretch of the row buffer, so a node is one range per shard. The grower runs these kernels for shard 0
// on its own thread and for shard 1 on a helper thread (or itself, one after the other): the same sums in the
// same order either way, so the tree doesn't depend on the number of threads.

/** What the kernels read and write; on a helper thread every array is shared memory. */
export interface ShardArrays {
  /** per feature, each row's bin */
  codes: Uint16Array[];
  /** where feature f's (G, H) pairs start in a histogram */
  offset: Int32Array;
  g: Float64Array;
  h: Float64Array;
  /** the rows of every node, each shard in its own stretch */
  rows: Int32Array;
  /** the leaf each row ends in (boosting updates its predictions from it) */
  leafOf: Int32Array;
}

/** Fills `hist` with the (G, H) sums of rows[start..end) per feature bin: one pass over the rows. */
export function histRange(d: ShardArrays, start: number, end: number, hist: Float64Array): void {
  hist.fill(0);
  const rows = d.rows;
  const g = d.g;
  const h = d.h;
  const F = d.codes.length;
  if (F === 3) {
    const c0 = d.codes[0], c1 = d.codes[1], c2 = d.codes[2];
    const o1 = d.offset[1], o2 = d.offset[2];
    for (let i = start; i < end; i++) {
      const r = rows[i];
      const gr = g[r];
      const hr = h[r];
      let k = c0[r] << 1; hist[k] += gr; hist[k + 1] += hr;
      k = o1 + (c1[r] << 1); hist[k] += gr; hist[k + 1] += hr;
      k = o2 + (c2[r] << 1); hist[k] += gr; hist[k + 1] += hr;
    }
    return;
  }
  for (let f = 0; f < F; f++) {
    const codes = d.codes[f];
    const o = d.offset[f];
    for (let i = start; i < end; i++) { const r = rows[i]; const k = o + (codes[r] << 1); hist[k] += g[r]; hist[k + 1] += h[r]; }
  }
}

/** Σg and Σh over rows[start..end) into out[0], out[1]. */
export function sumRange(d: ShardArrays, start: number, end: number, out: Float64Array): void {
  let G = 0;
  let H = 0;
  for (let i = start; i < end; i++) { const r = d.rows[i]; G += d.g[r]; H += d.h[r]; }
  out[0] = G;
  out[1] = H;
}

/**
 * Stable partition of rows[start..end): rows whose code c has (c − lo) as uint32 ≤ span first ("= k" for a
 * category: lo = k, span = 0; "≤ k" for a number: lo = 0, span = k). Without branches: every row is written
 * to both places and only the matching cursor moves, so a 50/50 split costs no mispredictions.
 * `scratch` holds the right side meanwhile. Returns the number of rows on the left. `lopsided` (a split
 * that sends under a tenth of the weight one way) takes a branch instead, cheaper when it is predictable.
 */
export function partitionRange(d: ShardArrays, f: number, lo: number, span: number, start: number, end: number, scratch: Int32Array, lopsided: boolean): number {
  const rows = d.rows;
  const codes = d.codes[f];
  let l = start;
  let r = 0;
  if (lopsided) {
    // Nearly every row goes one way ("zone = k" against the rest): the branch predicts well and skips a write.
    for (let i = start; i < end; i++) { const row = rows[i]; if (((codes[row] - lo) >>> 0) <= span) rows[l++] = row; else scratch[r++] = row; }
    for (let k = 0; k < r; k++) rows[l + k] = scratch[k];
    return l - start;
  }
  for (let i = start; i < end; i++) {
    const row = rows[i];
    const right = +(((codes[row] - lo) >>> 0) > span);
    rows[l] = row;
    scratch[r] = row;
    l += 1 - right;
    r += right;
  }
  for (let k = 0; k < r; k++) rows[l + k] = scratch[k];
  return l - start;
}

/** Children that are leaves: each row of rows[start..end) gets its leaf, left or right, without moving. */
export function leavesRange(d: ShardArrays, f: number, lo: number, span: number, start: number, end: number, left: number, right: number): void {
  const rows = d.rows;
  const codes = d.codes[f];
  const leafOf = d.leafOf;
  for (let i = start; i < end; i++) { const row = rows[i]; leafOf[row] = ((codes[row] - lo) >>> 0) > span ? right : left; }
}

/** One split of a node, for one shard: partition (or assign leaves), then optionally one child's histogram. */
export interface SplitStep {
  f: number; lo: number; span: number; start: number; end: number;
  /** children are leaves: assign leafOf instead of partitioning */
  leaves: boolean; left: number; right: number;
  /** 0: no histogram, 1: the left child's, 2: the right child's */
  build: 0 | 1 | 2;
  /** under a tenth of the node's weight goes one way */
  lopsided: boolean;
}

/** Runs a split step; returns the shard's left count (0 for leaves). */
export function splitShard(d: ShardArrays, s: SplitStep, scratch: Int32Array, hist: Float64Array): number {
  if (s.leaves) { leavesRange(d, s.f, s.lo, s.span, s.start, s.end, s.left, s.right); return 0; }
  const nL = partitionRange(d, s.f, s.lo, s.span, s.start, s.end, scratch, s.lopsided);
  if (s.build === 1) histRange(d, s.start, s.start + nL, hist);
  else if (s.build === 2) histRange(d, s.start + nL, s.end, hist);
  return nL;
}
