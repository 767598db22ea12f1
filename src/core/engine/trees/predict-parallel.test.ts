// A trained forest's predictions over its own rows on two threads are, to the bit, what one thread gives and
// what scoring the saved trees gives (real sample; every set split between this thread and the helper).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLE } from '../../../../test/helpers';
import { loadTrips } from '../../data/tlc-reader';
import { featureSpecFor } from '../features';
import { defaultWorkerDir } from '../../paths';
import { forestTree } from './ensemble';
import { binFeatures, rawFeatures } from './tree-data';
import { binIndex, binRows, binTree, compileTree, predictTrees, type BinnedTree } from './tree-predict';
import { predictSets } from './predict-parallel';

const spec = featureSpecFor('basic', true);
const month = (path: string) => { const trips = loadTrips(path); return { raw: rawFeatures(spec, trips), y: trips.duration }; };

describe('predicting a trained model on both cores', () => {
  it.skipIf(!existsSync(join(defaultWorkerDir(), 'tree-builder.js')))('gives the one-thread sums and the saved trees\u2019 predictions exactly', async () => {
    const train = month(SAMPLE.train);
    const val = month(SAMPLE.val);
    const data = binFeatures(train.raw);
    const trees = Array.from({ length: 12 }, (_, t) => forestTree(data, train.y, { nTrees: 12, maxDepth: 8, minSamplesLeaf: 1, seed: 5 }, t));
    const index = binIndex(data);
    const scale = 1 / trees.length;
    const flat = trees.map((t) => { const b = binTree(t, data, index)!; return { node: b.node, value: b.value.map((v) => scale * v) } as BinnedTree; });
    const sets = () => [train, val].map((s) => ({ codes: binRows(data, index, s.raw.columns, s.raw.n), out: new Float64Array(s.raw.n) }));
    const one = sets();
    const two = sets();
    const seen: number[] = [];
    await predictSets(flat, one, 3, null, () => {}, new Int32Array(1));
    await predictSets(flat, two, 3, defaultWorkerDir(), (done) => seen.push(done), new Int32Array(new SharedArrayBuffer(4)), 1);
    expect(seen.length).toBeGreaterThan(0);
    const isCat = Uint8Array.from(train.raw.features, (f) => (f.kind === 'category' ? 1 : 0));
    [train, val].forEach((s, i) => {
      expect(two[i].out).toEqual(one[i].out);
      expect(two[i].out).toEqual(predictTrees(trees.map(compileTree), isCat, s.raw.columns, s.raw.n, 0, scale));
    });
  });
});
