// Tagged rows (tag-ops.ts) grow the trees partitioning grows, on the real sample: lighter children found from
// the rows grouped by code or by reading the node, kept in arenas or compacted when an arena is full.
import { describe, expect, it } from 'vitest';
import { SAMPLE } from '../../../../test/helpers';
import { loadTrips } from '../../data/tlc-reader';
import { featureSpecFor } from '../features';
import { boost, type BoostParams } from './boost';
import { groupRows } from './tag-ops';
import { rawFeatures } from './tree-data';
import { compileTree, predictTrees } from './tree-predict';
import type { TeamOptions } from './tree-team';

const spec = featureSpecFor('basic', true);
const month = (path: string) => { const trips = loadTrips(path); return { raw: rawFeatures(spec, trips), y: trips.duration }; };

const VARIANTS: [string, BoostParams][] = [
  ['defaults', { nRounds: 60, learningRate: 0.1, maxDepth: 6, minChildWeight: 1, subsample: 1, regLambda: 1, regAlpha: 0, earlyStopping: 20, seed: 42 }],
  ['deep', { nRounds: 40, learningRate: 0.3, maxDepth: 30, minChildWeight: 1.06, subsample: 1, regLambda: 0.0117, regAlpha: 0.018, earlyStopping: 5, seed: 7 }],
  ['deep, validation carried', { nRounds: 40, learningRate: 0.3, maxDepth: 10, minChildWeight: 1, subsample: 1, regLambda: 1, regAlpha: 0.5, earlyStopping: 5, seed: 7 }],
];

describe('tagged rows', () => {
  const train = month(SAMPLE.train);
  const val = month(SAMPLE.val);

  it.each(VARIANTS)('%s: the same model as partitioning, to the bit, whichever way the lighter rows are found and kept', (_, p) => {
    const run = (o: TeamOptions) => boost(train.raw, train.y, val, p, () => {}, undefined, null, o);
    const off = run({ rowTags: 'off' });
    expect(off.trees.length).toBeGreaterThan(1);
    const untimed = (h: typeof off.history) => h.map(({ timestampMs: _, ...m }) => m);
    for (const o of [{ rowTags: 'groups' }, { rowTags: 'scan' }, { rowTags: 'groups', arenaShare: 0.01 }, { rowTags: 'scan', arenaShare: 0 }] as TeamOptions[]) {
      const r = run(o);
      expect(r.trees).toEqual(off.trees);
      expect(untimed(r.history)).toEqual(untimed(off.history));
      expect(r.trainPred).toEqual(off.trainPred);
      expect(r.valPred).toEqual(off.valPred);
    }
  });

  it('without a validation set: the same model as partitioning', () => {
    const p = { ...VARIANTS[0][1], nRounds: 20 };
    const tagged = boost(train.raw, train.y, null, p, () => {}, undefined, null);
    const off = boost(train.raw, train.y, null, p, () => {}, undefined, null, { rowTags: 'off' });
    expect(tagged.bestRound).toBe(20);
    expect(tagged.trees).toEqual(off.trees);
    expect(tagged.trainPred).toEqual(off.trainPred);
  });

  it('subsampled shallow trees (partitioned, validation carried): each validation prediction is the kept trees\u2019', () => {
    const p = { ...VARIANTS[0][1], nRounds: 30, subsample: 0.8 };
    const res = boost(train.raw, train.y, val, p, () => {}, undefined, null);
    const isCat = Uint8Array.from(train.raw.features, (f) => (f.kind === 'category' ? 1 : 0));
    expect(res.valPred).toEqual(predictTrees(res.trees.map(compileTree), isCat, val.raw.columns, val.raw.n, res.base, 1));
  });

  it('groups each shard’s rows by code, in row order, unseen codes last', () => {
    const codes = [Uint16Array.from([2, 0, 2, 1, 9, 0, 2])];
    const g = groupRows(codes, [3], 7, 3, (n) => new Int32Array(n));
    expect([...g.byCode[0]]).toEqual([1, 0, 2, 5, 3, 6, 4]);
    // shard 0 (rows 0-2): code 0 at [0,1), 1 empty, 2 at [1,3), unseen empty; shard 1 (rows 3-6): 0 at [3,4), 1 [4,5), 2 [5,6), unseen [6,7)
    expect([...g.start[0]]).toEqual([0, 1, 1, 3, 3, 3, 4, 5, 6, 7]);
  });
});
