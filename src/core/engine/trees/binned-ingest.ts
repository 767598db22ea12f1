// The binned training matrix built chunk by chunk, so a tree model over a year of trips holds two bytes per
// feature value (plus the targets) and never the raw frame. Categories get their codes in order of first sight,
// exactly as binFeatures does over a whole column. A number's quantile edges need the whole distribution: each
// chunk's values are sorted and merged into counts per distinct value (a few thousand for trip_distance), the
// edges are taken from those counts by the same rule as binNumbers, and the held chunk values are then coded
// and dropped one chunk at a time. The result equals binFeatures over the concatenated rows (tested).
import type { FeatureSpec } from '../../../shared/domain';
import type { TripColumns } from '../../data/tlc-reader';
import { keyColumn } from '../features';
import { MAX_NUMBER_BINS, treeFeatures, type BinnedData, type TreeFeature } from './tree-data';

interface CategoryState { index: Map<number, number>; keys: number[]; parts: Uint16Array[] }
interface NumberState { counts: Map<number, number>; parts: Float64Array[] }

export class BinnedBuilder {
  readonly features: TreeFeature[];
  private readonly state: (CategoryState | NumberState)[];
  private readonly y: Float64Array[] = [];
  private n = 0;

  constructor(spec: FeatureSpec) {
    this.features = treeFeatures(spec);
    this.state = this.features.map((f) => (f.kind === 'category' ? { index: new Map(), keys: [], parts: [] } : { counts: new Map(), parts: [] }));
  }

  add(trips: TripColumns): void {
    this.features.forEach((f, k) => {
      const st = this.state[k];
      if ('index' in st) {
        const col = keyColumn(f.name as 'PULocationID' | 'DOLocationID' | 'PU_DO', trips);
        const codes = new Uint16Array(trips.n);
        for (let i = 0; i < trips.n; i++) {
          let c = st.index.get(col[i]);
          if (c === undefined) {
            if (st.keys.length === 65535) throw new Error('more than 65,535 categories in one feature');
            c = st.keys.length;
            st.index.set(col[i], c);
            st.keys.push(col[i]);
          }
          codes[i] = c;
        }
        st.parts.push(codes);
      } else {
        const values = trips.distance ? Float64Array.from(trips.distance) : new Float64Array(trips.n);
        const sorted = Float64Array.from(values).sort();
        for (let i = 0; i < sorted.length;) {
          let j = i + 1;
          while (j < sorted.length && sorted[j] === sorted[i]) j++;
          st.counts.set(sorted[i], (st.counts.get(sorted[i]) ?? 0) + (j - i));
          i = j;
        }
        st.parts.push(values);
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
        const edges = quantileEdges(st.counts, n);
        for (let q = 0; q < st.parts.length; q++) {
          const v = st.parts[q];
          for (let i = 0; i < v.length; i++) {
            // first edge ≥ x (binary search), as binNumbers
            let lo = 0;
            let hi = edges.length - 1;
            const x = v[i];
            while (lo < hi) { const mid = (lo + hi) >> 1; if (edges[mid] >= x) hi = mid; else lo = mid + 1; }
            out[at + i] = lo;
          }
          at += v.length;
          st.parts[q] = new Float64Array(0); // each chunk's raw values go as soon as they are coded
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
