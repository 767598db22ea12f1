// Two threads on one tree give the model one thread gives, on the real sample: the same trees, predictions and
// per-round errors, early stop included, for Meter's defaults and for deep course-like trees with subsampling.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLE } from '../../../../test/helpers';
import { loadTrips } from '../../data/tlc-reader';
import { featureSpecFor } from '../features';
import { defaultWorkerDir } from '../../paths';
import { boost, type BoostParams } from './boost';
import type { TeamOptions } from './tree-team';
import { binFeatures, rawFeatures } from './tree-data';
import { growTree } from './grow-tree';
import { compileTree, predictTrees } from './tree-predict';

const spec = featureSpecFor('basic', true);
const month = (path: string) => { const trips = loadTrips(path); return { raw: rawFeatures(spec, trips), y: trips.duration }; };
const hasHelper = existsSync(join(defaultWorkerDir(), 'tree-builder.js'));

const VARIANTS: [string, BoostParams, TeamOptions?][] = [
  ['defaults', { nRounds: 120, learningRate: 0.1, maxDepth: 6, minChildWeight: 1, subsample: 1, regLambda: 1, regAlpha: 0, earlyStopping: 20, seed: 42 }],
  ['defaults, partitioned (not tagged)', { nRounds: 60, learningRate: 0.1, maxDepth: 6, minChildWeight: 1, subsample: 1, regLambda: 1, regAlpha: 0, earlyStopping: 20, seed: 42 }, { rowTags: 'off' }],
  ['course-like, subsampled', { nRounds: 300, learningRate: 0.3, maxDepth: 30, minChildWeight: 1.06, subsample: 0.8, regLambda: 0.0117, regAlpha: 0.018, earlyStopping: 5, seed: 7 }],
];

describe('boosting with a helper thread on each tree', () => {
  const train = month(SAMPLE.train);
  const val = month(SAMPLE.val);

  it.skipIf(!hasHelper).each(VARIANTS)('%s: the same model as one thread, to the bit', (_, p, o) => {
    const one = boost(train.raw, train.y, val, p, () => {}, undefined, null, o);
    // Every step handed over and done by the helper (the sample is below the sizes that get a helper by default).
    const two = boost(train.raw, train.y, val, p, () => {}, undefined, defaultWorkerDir(), { parallelRows: 1, helperRows: 1, waitForHelper: true, ...o });
    expect(one.bestRound).toBeGreaterThan(1);
    expect(one.shardSteps.helper).toBe(0);
    expect(two.shardSteps.helper).toBeGreaterThan(100);
    expect(two.shardSteps.here).toBe(0);
    expect(two.trees).toEqual(one.trees);
    const untimed = (h: typeof one.history) => h.map(({ timestampMs: _, ...m }) => m); // when each round ended differs
    expect(untimed(two.history)).toEqual(untimed(one.history));
    expect(two.bestRound).toBe(one.bestRound);
    expect(two.trainPred).toEqual(one.trainPred);
    expect(two.valPred).toEqual(one.valPred);
  });

  it('early-stops on validation and keeps the best round: its predictions are the kept trees\u2019', () => {
    const p = VARIANTS[2][1];
    const res = boost(train.raw, train.y, val, p, () => {}, undefined, null);
    expect(res.bestRound).toBeLessThan(p.nRounds);
    const vals = res.history.filter((m) => m.key === 'round_rmse_val');
    expect(Math.min(...vals.map((m) => m.value))).toBe(vals[res.bestRound - 1].value);
    expect(vals.length).toBe(res.bestRound + p.earlyStopping);
    const compiled = res.trees.map(compileTree);
    const isCat = Uint8Array.from(train.raw.features, (f) => (f.kind === 'category' ? 1 : 0));
    expect(res.valPred).toEqual(predictTrees(compiled, isCat, val.raw.columns, val.raw.n, res.base, 1));
    expect(res.trainPred).toEqual(predictTrees(compiled, isCat, train.raw.columns, train.raw.n, res.base, 1));
  });

  it('a tree over many rows partitions them like one over few: each row ends in the leaf its codes lead to', () => {
    const data = binFeatures(train.raw);
    const n = data.n;
    const leafOf = new Int32Array(n);
    const tree = growTree(data, train.y, new Float64Array(n).fill(1), Int32Array.from({ length: n }, (_, i) => i), { maxDepth: 12, minChildWeight: 1, lambda: 1, alpha: 0 }, leafOf);
    const isCat = Uint8Array.from(train.raw.features, (f) => (f.kind === 'category' ? 1 : 0));
    const byWalk = predictTrees([compileTree(tree)], isCat, train.raw.columns, n, 0, 1);
    for (let i = 0; i < n; i++) expect(tree.value[leafOf[i]]).toBe(byWalk[i]);
  });
});
