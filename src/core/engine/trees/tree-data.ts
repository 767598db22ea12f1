// Tree features from trip columns: zone ids (or the PU_DO pair) stay categories — a split is "zone = k"
// against the rest, exactly what a tree makes of one-hot columns — and trip_distance is binned into at most
// 255 quantile bins, so finding a split costs one pass over a node's rows plus a scan of the bins.
import type { FeatureSpec } from '../../../shared/domain';
import type { TripColumns } from '../../data/tlc-reader';
import { keyColumn } from '../features';

export type TreeFeatureKind = 'category' | 'number';
export interface TreeFeature { name: string; kind: TreeFeatureKind }

/** Raw feature values per row: category keys (integers, -1 = missing id) or numbers. */
export interface RawFeatures { features: TreeFeature[]; columns: Float64Array[]; n: number }

export function treeFeatures(spec: FeatureSpec): TreeFeature[] {
  return [...spec.categorical.map((name) => ({ name, kind: 'category' as const })), ...spec.numeric.map((name) => ({ name, kind: 'number' as const }))];
}

export function rawFeatures(spec: FeatureSpec, trips: TripColumns): RawFeatures {
  const features = treeFeatures(spec);
  // Category keys are the same numbers the linear models' vocabularies use (pairs packed by keyColumn).
  const columns = features.map((f) => f.kind === 'category'
    ? Float64Array.from(keyColumn(f.name as 'PULocationID' | 'DOLocationID' | 'PU_DO', trips))
    : (trips.distance ? Float64Array.from(trips.distance) : new Float64Array(trips.n)));
  return { features, columns, n: trips.n };
}

/**
 * The binned training matrix. `codes[f][i]` is row i's bin for feature f. For a category the bin is a dense
 * index and `splitValue[f][bin]` the raw key; for a number `splitValue[f][bin]` is the bin's upper edge, so
 * "bin ≤ b" is exactly "x ≤ splitValue[b]" and the saved tree needs no bins to predict.
 */
export interface BinnedData {
  features: TreeFeature[];
  n: number;
  codes: Uint16Array[];
  bins: number[];
  splitValue: Float64Array[];
}

export const MAX_NUMBER_BINS = 255;

function binNumbers(values: Float64Array): { codes: Uint16Array; edges: Float64Array } {
  const sorted = Float64Array.from(values).sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  let edges: number[];
  if (distinct.length <= MAX_NUMBER_BINS) edges = distinct;
  else {
    // Quantile edges over rows (so dense ranges get more bins), made distinct; the top edge is the max.
    const set = new Set<number>();
    for (let b = 1; b <= MAX_NUMBER_BINS; b++) set.add(sorted[Math.min(sorted.length - 1, Math.floor((b * sorted.length) / MAX_NUMBER_BINS) - 1)]);
    set.add(sorted[sorted.length - 1]);
    edges = [...set].sort((a, b) => a - b);
  }
  const e = Float64Array.from(edges);
  const codes = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    // first edge ≥ x (binary search)
    let lo = 0;
    let hi = e.length - 1;
    const x = values[i];
    while (lo < hi) { const mid = (lo + hi) >> 1; if (e[mid] >= x) hi = mid; else lo = mid + 1; }
    codes[i] = lo;
  }
  return { codes, edges: e };
}

function binCategories(values: Float64Array): { codes: Uint16Array; keys: Float64Array } {
  const index = new Map<number, number>();
  const keys: number[] = [];
  const codes = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let c = index.get(values[i]);
    if (c === undefined) {
      if (keys.length === 65535) throw new Error('more than 65,535 categories in one feature');
      c = keys.length;
      index.set(values[i], c);
      keys.push(values[i]);
    }
    codes[i] = c;
  }
  return { codes, keys: Float64Array.from(keys) };
}

export function binFeatures(raw: RawFeatures): BinnedData {
  const codes: Uint16Array[] = [];
  const splitValue: Float64Array[] = [];
  raw.features.forEach((f, k) => {
    const b = f.kind === 'number' ? binNumbers(raw.columns[k]) : binCategories(raw.columns[k]);
    codes.push(b.codes);
    splitValue.push('edges' in b ? b.edges : b.keys);
  });
  return { features: raw.features, n: raw.n, codes, bins: splitValue.map((s) => s.length), splitValue };
}
