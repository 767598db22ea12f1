// A round's end builds the next tree's root histogram from the residuals it computes (boosting without
// subsampling skips the root's own pass): it must be the histogram the grower would build, to the bit, on
// the real sample, and counting rows (unit weights) must sum what reading h = 1 sums.
import { describe, expect, it } from 'vitest';
import { SAMPLE } from '../../../../test/helpers';
import { loadTrips } from '../../data/tlc-reader';
import { featureSpecFor } from '../features';
import { roundShard, type BoostArrays } from './boost-round';
import { growTree, workspaceFor } from './grow-tree';
import { histRange, type ShardArrays } from './shard-ops';
import { binFeatures, rawFeatures } from './tree-data';
import { binIndex, binTree } from './tree-predict';

describe("a boosting round's end", () => {
  const trips = loadTrips(SAMPLE.train);
  const data = binFeatures(rawFeatures(featureSpecFor('basic', true), trips));
  const n = data.n;
  const y = trips.duration;
  const { offset, width } = workspaceFor(data);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i] / n;
  const g = Float64Array.from(y, (v) => v - mean);
  const leafOf = new Int32Array(n);
  const tree = growTree(data, g, new Float64Array(n).fill(1), Int32Array.from({ length: n }, (_, i) => i), { maxDepth: 6, minChildWeight: 1, lambda: 1, alpha: 0 }, leafOf);
  const compiled = binTree(tree, data, binIndex(data))!;
  const shard = (unit: boolean): ShardArrays => ({ codes: data.codes, offset, g, h: new Float64Array(n).fill(1), unit, rows: Int32Array.from({ length: n }, (_, i) => i),
    leafOf, vrows: new Int32Array(0), vcodes: [], vleafOf: new Int32Array(0) });

  it('builds the root histogram of the new residuals, bit for bit the one a pass of its own builds', () => {
    expect(data.codes.length).toBe(3); // the basic feature set's one-pass kernel
    const b: BoostArrays = { y, pred: new Float64Array(n).fill(mean), best: new Float64Array(n), valY: new Float64Array(0), valCodes: new Uint16Array(0),
      valPred: new Float64Array(0), valBest: new Float64Array(0), node: compiled.node, value: compiled.value, tagValue: new Float64Array(0), rootCounts: new Float64Array(0) };
    const half = n >> 1;
    const fused = [new Float64Array(width), new Float64Array(width)];
    const out = new Float64Array(2);
    for (const [k, from, to] of [[0, 0, half], [1, half, n]]) {
      roundShard(b, g, leafOf, new Int32Array(0), data.codes, { from, to, valFrom: 0, valTo: 0, byLeaf: true, snapshot: false, rootHist: true, tagged: false, countsAt: -1, swap: false, resetRows: false }, out, fused[k], offset, new Int32Array(0));
    }
    // The residuals moved: they are now y minus the tree's predictions.
    expect(g[0]).toBe(y[0] - (mean + compiled.value[leafOf[0]]));
    for (const [k, from, to] of [[0, 0, half], [1, half, n]]) {
      const own = new Float64Array(width);
      histRange(shard(false), from, to, own);
      expect(fused[k]).toEqual(own);
    }
    let H = 0;
    for (let c = 0; c < offset[1]; c += 2) H += fused[0][c + 1] + fused[1][c + 1];
    expect(H).toBe(n);
  });

  it('with the counts precomputed, also puts the row ids back in order for the next partitioned tree: the same histogram and residuals', () => {
    const base = () => ({ y, pred: new Float64Array(n).fill(mean), best: new Float64Array(n), valY: new Float64Array(0), valCodes: new Uint16Array(0),
      valPred: new Float64Array(0), valBest: new Float64Array(0), node: compiled.node, value: compiled.value, tagValue: new Float64Array(0), rootCounts: new Float64Array(2 * width) });
    const [plain, fused] = [base(), base()];
    const half = n >> 1;
    for (const b of [plain, fused]) for (const [at, from, to] of [[0, 0, half], [width, half, n]]) {
      for (let f = 0; f < data.codes.length; f++) for (let i = from; i < to; i++) b.rootCounts[at + offset[f] + 2 * data.codes[f][i] + 1] += 1;
    }
    // a tree's partitions leave the rows in any order
    const rows = Int32Array.from({ length: n }, (_, i) => (i * 7919) % n);
    const [g1, g2] = [new Float64Array(n), new Float64Array(n)];
    for (const [k, from, to] of [[0, 0, half], [1, half, n]]) {
      const step = { from, to, valFrom: 0, valTo: 0, byLeaf: true, snapshot: false, rootHist: true, tagged: false, countsAt: k * width, swap: false };
      const [h1, h2] = [new Float64Array(width), new Float64Array(width)];
      roundShard(plain, g1, leafOf, new Int32Array(0), data.codes, { ...step, resetRows: false }, new Float64Array(2), h1, offset, new Int32Array(0));
      roundShard(fused, g2, leafOf, new Int32Array(0), data.codes, { ...step, resetRows: true }, new Float64Array(2), h2, offset, rows);
      expect(h2).toEqual(h1);
    }
    expect(g2).toEqual(g1);
    expect(fused.pred).toEqual(plain.pred);
    expect(rows).toEqual(Int32Array.from({ length: n }, (_, i) => i));
  });

  it('counts rows in a histogram exactly as it sums weights of 1', () => {
    const counted = new Float64Array(width);
    const weighed = new Float64Array(width);
    histRange(shard(true), 100, n - 7, counted);
    histRange(shard(false), 100, n - 7, weighed);
    expect(counted).toEqual(weighed);
    expect(counted.some((v) => v !== 0)).toBe(true);
  });
});
