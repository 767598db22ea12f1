// ml-random-forest inside Meter: its trees, converted to Meter's format, predict exactly what the library
// predicts; and on the same sample Meter's own forest lands close to it (the cross-check).
import { describe, expect, it } from 'vitest';
import { RandomForestRegression } from 'ml-random-forest';
import { SAMPLE } from '../../../../test/helpers';
import { loadTrips } from '../../data/tlc-reader';
import { featureSpecFor } from '../features';
import { NEVER_CANCELLED } from '../../../shared/cancel';
import { rawFeatures } from './tree-data';
import { trainMlForest } from './ml-forest';
import { compileTree, predictTrees } from './tree-predict';
import { binFeatures } from './tree-data';
import { forestTree } from './ensemble';

describe('ml-random-forest', () => {
  it('converted trees predict exactly what the library predicts', () => {
    const trips = loadTrips(SAMPLE.train);
    const n = 600;
    const sub = { ...trips, n, pu: trips.pu.subarray(0, n), do: trips.do.subarray(0, n), distance: trips.distance!.subarray(0, n), duration: trips.duration.subarray(0, n) };
    const raw = rawFeatures(featureSpecFor('basic', true), sub);
    const trees = trainMlForest(raw, sub.duration, { nTrees: 5, maxDepth: 6, seed: 3 }, NEVER_CANCELLED);
    const ours = predictTrees(trees.map(compileTree), new Uint8Array(3), raw.columns, n, 0, 1 / trees.length);
    // The same forest from the library itself (same options and seed).
    const X = Array.from({ length: n }, (_, i) => raw.columns.map((c) => c[i]));
    const lib = new RandomForestRegression({ nEstimators: 5, seed: 4, maxFeatures: 1.0, replacement: false, useSampleBagging: true, noOOB: true, treeOptions: { maxDepth: 6, minNumSamples: 2 } });
    lib.train(X, Array.from(sub.duration));
    const theirs = lib.predict(X) as number[];
    for (let i = 0; i < n; i++) expect(ours[i]).toBeCloseTo(theirs[i], 9);
  });

  it('cross-checks Meter\u2019s own forest on the same sample, and refuses a full month with the reason', async () => {
    const trips = loadTrips(SAMPLE.train);
    const val = loadTrips(SAMPLE.val);
    const cut = (t: typeof trips, n: number) => ({ ...t, n, pu: t.pu.subarray(0, n), do: t.do.subarray(0, n), distance: t.distance!.subarray(0, n), duration: t.duration.subarray(0, n) });
    const spec = featureSpecFor('basic', true);
    const tr = cut(trips, 1500);
    const va = cut(val, 1500);
    const raw = rawFeatures(spec, tr);
    const rawVal = rawFeatures(spec, va);
    const rmse = (p: Float64Array) => Math.sqrt(p.reduce((s, v, i) => s + (v - va.duration[i]) ** 2, 0) / va.n);
    const lib = trainMlForest(raw, tr.duration, { nTrees: 10, maxDepth: 8, seed: 0 }, NEVER_CANCELLED);
    const libRmse = rmse(predictTrees(lib.map(compileTree), new Uint8Array(3), rawVal.columns, va.n, 0, 1 / lib.length));
    const own = Array.from({ length: 10 }, (_, t) => forestTree(binFeatures(raw), tr.duration, { nTrees: 10, maxDepth: 8, minSamplesLeaf: 1, seed: 0 }, t));
    const ownRmse = rmse(predictTrees(own.map(compileTree), Uint8Array.of(1, 1, 0), rawVal.columns, va.n, 0, 1 / own.length));
    // Different split rules (zone ids as numbers there, as categories here), same model family: within 10%.
    expect(Math.abs(ownRmse - libRmse) / libRmse).toBeLessThan(0.1);
    const big = { ...raw, n: 20_001 };
    expect(() => trainMlForest(big, tr.duration, { nTrees: 1, maxDepth: 2, seed: 0 }, NEVER_CANCELLED)).toThrow(/up to 20,000 trips.*quadratic/);
  });
});
