// The row-level work of growing a tree, for one shard of the rows. A tree's rows are split into two shards
// (the first and second half of its sample) whatever the number of threads: each shard keeps its rows in its
// own stretch of the row buffer, so a node is one range per shard. The grower runs these kernels for shard 0
// on its own thread and for shard 1 on a helper thread (or itself, one after the other): the same sums in the
// same order either way, so the tree doesn't depend on the number of threads.

/** Per feature, the rows of each shard grouped by code (ascending within a code); empty without an index. */
export interface RowGroups {
  byCode: Int32Array[];
  /** per feature, 2·(G + 1) offsets into byCode: shard 0's groups, then shard 1's (G = bins + 1: the last holds unseen codes) */
  start: Int32Array[];
}

/** What the kernels read and write; on a helper thread every array is shared memory. */
export interface ShardArrays {
  /** per feature, each row's bin */
  codes: Uint16Array[];
  /** where feature f's (G, H) pairs start in a histogram */
  offset: Int32Array;
  g: Float64Array;
  h: Float64Array;
  /**
   * Every row a tree is grown on weighs 1 (boosting: h is 1 for each sampled row, and only sampled rows are
   * in `rows`), so a histogram counts its rows instead of reading h: one gather less per row, same sums.
   */
  unit: boolean;
  /** the rows of every node, each shard in its own stretch */
  rows: Int32Array;
  /** the leaf each row ends in (boosting updates its predictions from it) */
  leafOf: Int32Array;
  /**
   * Validation rows carried down the tree beside the training rows (boosting: each round's tree is then
   * "walked" by the same partitions, with no per-row walk): their ids, per-feature codes and leaves. Empty
   * when there are none; they never enter a histogram.
   */
  vrows: Int32Array;
  vcodes: Uint16Array[];
  vleafOf: Int32Array;
  /** boosting without subsampling: rows carry tags in leafOf/vleafOf and splits leave holes (tag-ops.ts) */
  tagged?: boolean;
  /** the rows grouped by code per feature (tagged mode; empty when the index would take too much memory) */
  groups?: RowGroups | null;
  vgroups?: RowGroups | null;
}

/** Fills `hist` with the (G, H) sums of rows[start..end) per feature bin: one pass over the rows. */
export function histRange(d: ShardArrays, start: number, end: number, hist: Float64Array): void {
  hist.fill(0);
  const F = d.codes.length;
  if (F === 3) {
    if (d.unit) histUnit3(hist, d.rows, d.g, d.codes[0], d.codes[1], d.codes[2], d.offset[1], d.offset[2], start, end);
    else hist3(hist, d.rows, d.g, d.h, d.codes[0], d.codes[1], d.codes[2], d.offset[1], d.offset[2], start, end);
    return;
  }
  const rows = d.rows;
  const g = d.g;
  const h = d.h;
  for (let f = 0; f < F; f++) {
    const codes = d.codes[f];
    const o = d.offset[f];
    for (let i = start; i < end; i++) { const r = rows[i]; const k = o + (codes[r] << 1); hist[k] += g[r]; hist[k + 1] += h[r]; }
  }
}

/** histRange over a range with holes (tag-ops.ts): only the rows tagged `tag`; tag < 0: every row. */
export function histRangeTagged(d: ShardArrays, start: number, end: number, hist: Float64Array, tag: number): void {
  if (tag < 0) { histRange(d, start, end, hist); return; }
  hist.fill(0);
  const F = d.codes.length;
  const { rows, g, h, leafOf } = d;
  if (F === 3 && d.unit) { histUnit3Tag(hist, rows, g, leafOf, tag, d.codes[0], d.codes[1], d.codes[2], d.offset[1], d.offset[2], start, end); return; }
  for (let f = 0; f < F; f++) {
    const codes = d.codes[f];
    const o = d.offset[f];
    for (let i = start; i < end; i++) { const r = rows[i]; if (leafOf[r] !== tag) continue; const k = o + (codes[r] << 1); hist[k] += g[r]; hist[k + 1] += h[r]; }
  }
}
function histUnit3Tag(hist: Float64Array, rows: Int32Array, g: Float64Array, tags: Int32Array, tag: number, c0: Uint16Array, c1: Uint16Array, c2: Uint16Array,
  o1: number, o2: number, start: number, end: number): void {
  for (let i = start; i < end; i++) {
    const r = rows[i];
    if (tags[r] !== tag) continue;
    const gr = g[r];
    let k = c0[r] << 1; hist[k] += gr; hist[k + 1] += 1;
    k = o1 + (c1[r] << 1); hist[k] += gr; hist[k + 1] += 1;
    k = o2 + (c2[r] << 1); hist[k] += gr; hist[k + 1] += 1;
  }
}

// The three features of the basic feature set (PU, DO, distance) in one pass. Every array is an argument (a
// local to V8), which measured ~15% faster than reading them off an object or a closure.
function hist3(hist: Float64Array, rows: Int32Array, g: Float64Array, h: Float64Array, c0: Uint16Array, c1: Uint16Array, c2: Uint16Array,
  o1: number, o2: number, start: number, end: number): void {
  for (let i = start; i < end; i++) {
    const r = rows[i];
    const gr = g[r];
    const hr = h[r];
    let k = c0[r] << 1; hist[k] += gr; hist[k + 1] += hr;
    k = o1 + (c1[r] << 1); hist[k] += gr; hist[k + 1] += hr;
    k = o2 + (c2[r] << 1); hist[k] += gr; hist[k + 1] += hr;
  }
}
function histUnit3(hist: Float64Array, rows: Int32Array, g: Float64Array, c0: Uint16Array, c1: Uint16Array, c2: Uint16Array,
  o1: number, o2: number, start: number, end: number): void {
  for (let i = start; i < end; i++) {
    const r = rows[i];
    const gr = g[r];
    let k = c0[r] << 1; hist[k] += gr; hist[k + 1] += 1;
    k = o1 + (c1[r] << 1); hist[k] += gr; hist[k + 1] += 1;
    k = o2 + (c2[r] << 1); hist[k] += gr; hist[k + 1] += 1;
  }
}

/**
 * Stable partition of rows[start..end) by the test "(code − lo) as uint32 ≤ span" ("= k" for a category: lo = k,
 * span = 0; "≤ k" for a number: lo = 0, span = k). Returns the number of rows passing it (the left child).
 * Balanced splits (lopsided 0) run without branches: every row is written to both places and only the matching
 * cursor moves, so a 50/50 split costs no mispredictions; the left child comes first, the right one is copied
 * back after it from `scratch`. A lopsided split (under a tenth of the weight on side 1 = left or 2 = right,
 * as "zone = k" against the rest) takes a predictable branch, keeps the large side where it is and puts the
 * small side after it: only the small side is copied. childRange says where each child ended up.
 */
export function partitionRange(rows: Int32Array, codes: Uint16Array, lo: number, span: number, start: number, end: number, scratch: Int32Array, lopsided: 0 | 1 | 2): number {
  let w = start;
  let k = 0;
  if (lopsided === 1) {
    for (let i = start; i < end; i++) { const row = rows[i]; if (((codes[row] - lo) >>> 0) <= span) scratch[k++] = row; else rows[w++] = row; }
    for (let j = 0; j < k; j++) rows[w + j] = scratch[j];
    return k;
  }
  if (lopsided === 2) {
    for (let i = start; i < end; i++) { const row = rows[i]; if (((codes[row] - lo) >>> 0) <= span) rows[w++] = row; else scratch[k++] = row; }
  } else {
    for (let i = start; i < end; i++) {
      const row = rows[i];
      const right = +(((codes[row] - lo) >>> 0) > span);
      rows[w] = row;
      scratch[k] = row;
      w += 1 - right;
      k += right;
    }
  }
  for (let j = 0; j < k; j++) rows[w + j] = scratch[j];
  return w - start;
}

/** Where a child's rows are after partitionRange: [from, to) of the parent's range. */
export function childFrom(lopsided: 0 | 1 | 2, left: boolean, start: number, end: number, nL: number): number {
  if (lopsided === 1) return left ? end - nL : start;
  return left ? start : start + nL;
}
export function childTo(lopsided: 0 | 1 | 2, left: boolean, start: number, end: number, nL: number): number {
  if (lopsided === 1) return left ? end : end - nL;
  return left ? start + nL : end;
}

/** Children that are leaves: each row of rows[start..end) gets its leaf, left or right, without moving. */
export function leavesRange(rows: Int32Array, codes: Uint16Array, leafOf: Int32Array, lo: number, span: number, start: number, end: number, left: number, right: number): void {
  for (let i = start; i < end; i++) { const row = rows[i]; leafOf[row] = ((codes[row] - lo) >>> 0) > span ? right : left; }
}

/** One split of a node, for one shard: partition (or assign leaves), then optionally one child's histogram. */
export interface SplitStep {
  f: number; lo: number; span: number; start: number; end: number;
  /** the shard's validation rows in the node: vrows[vstart..vend) */
  vstart: number; vend: number;
  /** children are leaves: assign leafOf instead of partitioning */
  leaves: boolean; left: number; right: number;
  /** 0: no histogram, 1: the left child's, 2: the right child's */
  build: 0 | 1 | 2;
  /** 0: balanced; 1 or 2: under a tenth of the node's weight goes left (1) or right (2) — see partitionRange */
  lopsided: 0 | 1 | 2;
}

/** Runs a split step: out[0] = the shard's training rows on the left, out[1] = its validation rows (0 for leaves). */
export function splitShard(d: ShardArrays, s: SplitStep, scratch: Int32Array, hist: Float64Array, out: Int32Array): void {
  if (s.leaves) {
    leavesRange(d.rows, d.codes[s.f], d.leafOf, s.lo, s.span, s.start, s.end, s.left, s.right);
    if (s.vend > s.vstart) leavesRange(d.vrows, d.vcodes[s.f], d.vleafOf, s.lo, s.span, s.vstart, s.vend, s.left, s.right);
    out[0] = out[1] = 0;
    return;
  }
  const nL = partitionRange(d.rows, d.codes[s.f], s.lo, s.span, s.start, s.end, scratch, s.lopsided);
  out[0] = nL;
  out[1] = s.vend > s.vstart ? partitionRange(d.vrows, d.vcodes[s.f], s.lo, s.span, s.vstart, s.vend, scratch, s.lopsided) : 0;
  if (s.build !== 0) {
    const left = s.build === 1;
    histRange(d, childFrom(s.lopsided, left, s.start, s.end, nL), childTo(s.lopsided, left, s.start, s.end, nL), hist);
  }
}
