// The end of a boosting round, for one shard of the training rows and one of the validation rows: add the new
// tree to the predictions (from each row's leaf, which the grower recorded for both), take the squared errors
// and the next round's residuals. Deep trees walk the validation rows instead (walkVal), on the helper thread
// while the next tree grows. Both threads of a tree team run a round's end on their half (see tree-team.ts);
// the errors are added in a fixed order, so the numbers don't depend on the number of threads.
import { addBinnedTree } from './tree-predict';
export interface BoostArrays {
  y: Float64Array;
  pred: Float64Array;
  /**
   * pred and best are two buffers that swap roles instead of being copied (RoundStep.swap): the current
   * predictions in one, the best round's in the other when the current ones are not the best.
   */
  best: Float64Array;
  /** validation: targets, predictions, best predictions; empty without one */
  valY: Float64Array;
  /** the validation rows' codes, row-major (one row's features side by side), for walking deep trees over them */
  valCodes: Uint16Array;
  valPred: Float64Array;
  valBest: Float64Array;
  /** the round's tree (tree-predict.ts BinnedTree layout), written before each round's step */
  node: Int32Array;
  value: Float64Array;
  /** tagged rounds (tag-ops.ts): each tag's leaf value, for leafOf holding tags instead of leaves */
  tagValue: Float64Array;
  /**
   * Every row in every tree weighs 1, so the root histogram's H half is the same each round: each shard's
   * counts per bin, precomputed (H slots only; see RoundStep.countsAt). Empty: counted each round.
   */
  rootCounts: Float64Array;
}

export interface RoundStep {
  from: number; to: number; valFrom: number; valTo: number;
  /** the rows' leaves are in leafOf (every row was in the sample); otherwise walk the tree over the columns */
  byLeaf: boolean;
  /** the previous round was the best so far: keep its predictions, writing this round's into the other buffer */
  snapshot: boolean;
  /** the current predictions are in best/valBest (the buffers have swapped roles an odd number of times) */
  swap: boolean;
  /**
   * Every row is in the next round's sample (no subsampling): build the next tree's root histogram of these
   * rows here, from the residuals as they are computed, instead of in a pass of its own (see rootHistogram).
   */
  rootHist: boolean;
  /** leafOf and vleafOf hold tags (read through tagValue), reset to the root's (0) for the next tree */
  tagged: boolean;
  /** where this shard's counts start in rootCounts; −1: count the rows */
  countsAt: number;
  /**
   * The next tree is partitioned from all the rows in order: put this shard's row ids back in place (rows[i] = i
   * over [from, to)) in this pass over its rows, instead of a pass of the grower's own on one thread.
   */
  resetRows: boolean;
}

/** The leaf (node index) of row i, walking the tree over per-feature codes. */
function leafByColumns(N: Int32Array, codes: Uint16Array[], i: number): number {
  let q = 0;
  let f = N[0];
  while (f >= 0) {
    q = (((codes[f][i] - N[q + 1]) >>> 0) <= N[q + 2] ? N[q + 3] : N[q + 3] + 1) << 2;
    f = N[q];
  }
  return q >> 2;
}

/**
 * Runs the step; out[0] = the train rows' squared error, out[1] = the validation rows'. With s.rootHist, `hist`
 * gets the (G, H) sums of rows [from, to) under the new residuals, per feature bin (`offset`: where each feature's
 * bins start), summed in row order as histRange sums the root's rows: the same histogram.
 */
export function roundShard(b: BoostArrays, g: Float64Array, leafOf: Int32Array, vleafOf: Int32Array, codes: Uint16Array[], s: RoundStep, out: Float64Array,
  hist: Float64Array, offset: Int32Array, rows: Int32Array): void {
  const y = b.y;
  const V = s.tagged ? b.tagValue : b.value;
  // Predictions are read from one buffer and written to `pred`: the same one, or after the best round so far
  // the other one, which keeps the best round's without a copy.
  const prev = s.swap ? b.best : b.pred;
  const pred = s.snapshot ? (s.swap ? b.pred : b.best) : prev;
  if (s.rootHist && s.byLeaf && codes.length === 3 && s.countsAt >= 0 && s.resetRows) {
    out[0] = residualsAndSums3(y, prev, pred, V, g, leafOf, s.tagged, hist, b.rootCounts, s.countsAt, codes[0], codes[1], codes[2], offset[1], offset[2], s.from, s.to, rows);
  } else if (s.rootHist && s.byLeaf && codes.length === 3) out[0] = residualsAndRoot3(y, prev, pred, V, g, leafOf, s.tagged, hist, b.rootCounts, s.countsAt, codes[0], codes[1], codes[2], offset[1], offset[2], s.from, s.to);
  else {
    let se = 0;
    for (let i = s.from; i < s.to; i++) {
      const leaf = s.byLeaf ? leafOf[i] : leafByColumns(b.node, codes, i);
      if (s.tagged) leafOf[i] = 0;
      const q = prev[i] + V[leaf];
      pred[i] = q;
      const r = y[i] - q;
      g[i] = r;
      se += r * r;
    }
    out[0] = se;
    if (s.rootHist) {
      hist.fill(0);
      for (let f = 0; f < codes.length; f++) {
        const c = codes[f];
        const o = offset[f];
        for (let i = s.from; i < s.to; i++) { const k = o + (c[i] << 1); hist[k] += g[i]; hist[k + 1] += 1; }
      }
    }
    if (s.resetRows) for (let i = s.from; i < s.to; i++) rows[i] = i;
  }
  const vf = s.swap ? b.valBest : b.valPred;
  const vp = s.snapshot ? (s.swap ? b.valPred : b.valBest) : vf;
  let sv = 0;
  if (s.tagged) for (let i = s.valFrom; i < s.valTo; i++) { const q = vf[i] + V[vleafOf[i]]; vleafOf[i] = 0; vp[i] = q; const r = b.valY[i] - q; sv += r * r; }
  else for (let i = s.valFrom; i < s.valTo; i++) { const q = vf[i] + V[vleafOf[i]]; vp[i] = q; const r = b.valY[i] - q; sv += r * r; }
  out[1] = sv;
}

/** The basic feature set's round end: predictions, residuals and their root histogram in one pass over the rows. */
function residualsAndRoot3(y: Float64Array, prev: Float64Array, pred: Float64Array, V: Float64Array, g: Float64Array, leafOf: Int32Array, tagged: boolean, hist: Float64Array,
  counts: Float64Array, countsAt: number, c0: Uint16Array, c1: Uint16Array, c2: Uint16Array, o1: number, o2: number, from: number, to: number): number {
  if (countsAt >= 0) return residualsAndSums3(y, prev, pred, V, g, leafOf, tagged, hist, counts, countsAt, c0, c1, c2, o1, o2, from, to, null);
  hist.fill(0);
  let se = 0;
  for (let i = from; i < to; i++) {
    const q = prev[i] + V[leafOf[i]];
    if (tagged) leafOf[i] = 0;
    pred[i] = q;
    const r = y[i] - q;
    g[i] = r;
    se += r * r;
    let k = c0[i] << 1; hist[k] += r; hist[k + 1] += 1;
    k = o1 + (c1[i] << 1); hist[k] += r; hist[k + 1] += 1;
    k = o2 + (c2[i] << 1); hist[k] += r; hist[k + 1] += 1;
  }
  return se;
}

/**
 * residualsAndRoot3 with the counts precomputed: the H slots copied, only G summed per row (the same sums).
 * `rows`: also put each row id back in place (RoundStep.resetRows), in this same pass.
 */
function residualsAndSums3(y: Float64Array, prev: Float64Array, pred: Float64Array, V: Float64Array, g: Float64Array, leafOf: Int32Array, tagged: boolean, hist: Float64Array,
  counts: Float64Array, countsAt: number, c0: Uint16Array, c1: Uint16Array, c2: Uint16Array, o1: number, o2: number, from: number, to: number, rows: Int32Array | null): number {
  for (let k = 0; k < hist.length; k++) hist[k] = counts[countsAt + k];
  if (rows) return residualsSumsAndRows3(y, prev, pred, V, g, leafOf, hist, c0, c1, c2, o1, o2, from, to, rows);
  let se = 0;
  for (let i = from; i < to; i++) {
    const q = prev[i] + V[leafOf[i]];
    if (tagged) leafOf[i] = 0;
    pred[i] = q;
    const r = y[i] - q;
    g[i] = r;
    se += r * r;
    hist[c0[i] << 1] += r;
    hist[o1 + (c1[i] << 1)] += r;
    hist[o2 + (c2[i] << 1)] += r;
  }
  return se;
}

/** residualsAndSums3's loop for partitioned trees (no tags), putting each row id back in place as it goes. */
function residualsSumsAndRows3(y: Float64Array, prev: Float64Array, pred: Float64Array, V: Float64Array, g: Float64Array, leafOf: Int32Array, hist: Float64Array,
  c0: Uint16Array, c1: Uint16Array, c2: Uint16Array, o1: number, o2: number, from: number, to: number, rows: Int32Array): number {
  let se = 0;
  for (let i = from; i < to; i++) {
    const q = prev[i] + V[leafOf[i]];
    pred[i] = q;
    const r = y[i] - q;
    g[i] = r;
    se += r * r;
    rows[i] = i;
    hist[c0[i] << 1] += r;
    hist[o1 + (c1[i] << 1)] += r;
    hist[o2 + (c2[i] << 1)] += r;
  }
  return se;
}

/** Adds the round's tree (node/value) to every validation prediction by walking it; the squared error after. */
export function walkVal(b: BoostArrays, F: number): number {
  const vp = b.valPred;
  addBinnedTree(vp, { node: b.node, value: b.value }, b.valCodes, F, 0, vp.length);
  let se = 0;
  for (let i = 0; i < vp.length; i++) { const r = b.valY[i] - vp[i]; se += r * r; }
  return se;
}
