// The binned training matrix built chunk by chunk, so a tree model over a year of trips holds two bytes per
// feature value (plus the targets) and never the raw frame. Categories get their codes in order of first sight,
// exactly as binFeatures does over a whole column. A number's quantile edges need the whole distribution: each
// chunk's values are sorted and merged into counts per distinct value (a few thousand for trip_distance), the
// edges are taken from those counts by the same rule as binNumbers, and the held chunk values are then coded
// and dropped one chunk at a time. The result equals binFeatures over the concatenated rows (tested).
// A number is held as the id of its distinct value (4 bytes a row, not 8): counting needs no sort of the chunk
// and coding one binary search per distinct value, not per row (a year of rides: 37M rows, a few thousand values).
import type { FeatureSpec } from '../../../shared/domain';
import type { TripColumns } from '../../data/tlc-reader';
import { keyColumn } from '../features';
import { MAX_NUMBER_BINS, treeFeatures, type BinnedData, type TreeFeature } from './tree-data';

/** Zone ids (and −1: missing) are small integers: their codes are looked up in an array, others in the map. */
const DENSE_KEYS = 4096;

interface CategoryState { index: Map<number, number>; keys: number[]; parts: Uint16Array[]; dense: Int32Array }
/** Each distinct value's id (first sight), the values and their row counts by id, and each chunk's rows as ids. */
interface NumberState { ids: Map<number, number>; values: number[]; counts: number[]; parts: Uint32Array[] }

export class BinnedBuilder {
  readonly features: TreeFeature[];
  private readonly state: (CategoryState | NumberState)[];
  private readonly y: Float64Array[] = [];
  private n = 0;

  constructor(spec: FeatureSpec) {
    this.features = treeFeatures(spec);
    this.state = this.features.map((f) => (f.kind === 'category' ? { index: new Map(), keys: [], parts: [], dense: new Int32Array(DENSE_KEYS).fill(-1) } : { ids: new Map(), values: [], counts: [], parts: [] }));
  }

  add(trips: TripColumns): void {
    this.features.forEach((f, k) => {
      const st = this.state[k];
      if ('index' in st) {
        const col = keyColumn(f.name as 'PULocationID' | 'DOLocationID' | 'PU_DO', trips);
        const codes = new Uint16Array(trips.n);
        const dense = st.dense;
        for (let i = 0; i < trips.n; i++) {
          const key = col[i];
          const j = key + 1;
          const small = j >= 0 && j < DENSE_KEYS && (j | 0) === j;
          let c = small ? dense[j] : st.index.get(key) ?? -1;
          if (c < 0) {
            c = st.index.get(key) ?? -1;
            if (c < 0) {
              if (st.keys.length === 65535) throw new Error('more than 65,535 categories in one feature');
              c = st.keys.length;
              st.index.set(key, c);
              st.keys.push(key);
            }
            if (small) dense[j] = c;
          }
          codes[i] = c;
        }
        st.parts.push(codes);
      } else {
        const d = trips.distance;
        const ids = new Uint32Array(trips.n);
        const { values, counts } = st;
        for (let i = 0; i < trips.n; i++) {
          const x = d ? d[i] : 0;
          let id = st.ids.get(x);
          if (id === undefined) { id = values.length; st.ids.set(x, id); values.push(x); counts.push(0); }
          counts[id]++;
          ids[i] = id;
        }
        st.parts.push(ids);
      }
    });
    this.y.push(trips.duration);
    this.n += trips.n;
  }

  get rows(): number { return this.n; }

  /**
   * The binned matrix and the targets; the builder is spent after this. Both are allocated in shared memory:
   * boosting and forests hand them to helper threads, which otherwise copy them there (holding the matrix
   * twice for a moment: 14 bytes a row, half a gigabyte on a year).
   */
  finish(): { binned: BinnedData; y: Float64Array } {
    const n = this.n;
    const codes: Uint16Array[] = [];
    const splitValue: Float64Array[] = [];
    this.state.forEach((st) => {
      const out = new Uint16Array(new SharedArrayBuffer(Math.max(1, n) * 2), 0, n);
      let at = 0;
      if ('index' in st) {
        for (const p of st.parts) { out.set(p, at); at += p.length; }
        splitValue.push(Float64Array.from(st.keys));
      } else {
        const edges = quantileEdges(new Map(st.values.map((v, id) => [v, st.counts[id]])), n);
        // Each distinct value's bin: the first edge ≥ it (binary search), as binNumbers.
        const binOf = Uint16Array.from(st.values, (x) => {
          let lo = 0;
          let hi = edges.length - 1;
          while (lo < hi) { const mid = (lo + hi) >> 1; if (edges[mid] >= x) hi = mid; else lo = mid + 1; }
          return lo;
        });
        for (let q = 0; q < st.parts.length; q++) {
          const v = st.parts[q];
          for (let i = 0; i < v.length; i++) out[at + i] = binOf[v[i]];
          at += v.length;
          st.parts[q] = new Uint32Array(0); // each chunk's ids go as soon as they are coded
        }
        splitValue.push(edges);
      }
      st.parts.length = 0;
      codes.push(out);
    });
    const y = new Float64Array(new SharedArrayBuffer(Math.max(1, n) * 8), 0, n);
    let at = 0;
    for (const part of this.y) { y.set(part, at); at += part.length; }
    this.y.length = 0;
    return { binned: { features: this.features, n, codes, bins: splitValue.map((s) => s.length), splitValue }, y };
  }
}

/** binNumbers' edges from counts per distinct value: all distinct values, or quantiles over rows plus the max. */
export function quantileEdges(counts: Map<number, number>, n: number): Float64Array {
  const distinct = [...counts.keys()].sort((a, b) => a - b);
  if (distinct.length <= MAX_NUMBER_BINS) return Float64Array.from(distinct);
  // cumulative[k]: rows with a value ≤ distinct[k]; the value at sorted rank r is the first with cumulative > r.
  const cumulative = new Float64Array(distinct.length);
  let run = 0;
  distinct.forEach((v, k) => { run += counts.get(v)!; cumulative[k] = run; });
  const atRank = (r: number): number => {
    let lo = 0;
    let hi = distinct.length - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (cumulative[mid] > r) hi = mid; else lo = mid + 1; }
    return distinct[lo];
  };
  const set = new Set<number>();
  for (let b = 1; b <= MAX_NUMBER_BINS; b++) set.add(atRank(Math.min(n - 1, Math.floor((b * n) / MAX_NUMBER_BINS) - 1)));
  set.add(distinct[distinct.length - 1]);
  return Float64Array.from([...set].sort((a, b) => a - b));
}

/** Row-major training codes (row i's at i·F…): what binRows gives for the training rows themselves. */
export function rowMajorCodes(data: BinnedData): Uint16Array {
  const F = data.codes.length;
  const out = new Uint16Array(data.n * F);
  for (let f = 0; f < F; f++) { const c = data.codes[f]; for (let i = 0; i < data.n; i++) out[i * F + f] = c[i]; }
  return out;
}
