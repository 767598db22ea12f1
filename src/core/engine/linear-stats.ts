// Sufficient statistics of a linear model over one-hot groups and numeric columns, accumulated in one pass
// over the rows: the Gram matrix XᵀX by blocks (a group's own block is diagonal, so it is just counts),
// Xᵀy, the column sums, n, Σy and Σy². Their size depends on the number of columns, never on the rows, so a
// year of trips is fitted chunk by chunk in the memory of one month. Ridge, least squares and lasso all solve
// from these (ridge.ts, lasso.ts).
//
// Streaming, a group's categories get codes in order of first sight and its blocks grow by doubling; finish()
// sorts each vocabulary (what fitVocabularies gives) and permutes the blocks, so the result does not depend
// on how the rows were cut into chunks or files.
import type { CategoricalFeature, FeatureSpec, NumericFeature } from '../../shared/domain';
import { keyColumn, type EncodedMatrix, type Vocabulary } from './features';
import { MeterError } from '../../shared/errors';
import { MAX_LOCATION_ID, type TripColumns } from '../data/tlc-reader';

export interface GroupStats {
  feature: CategoricalFeature;
  size: number;
  /** rows per category (the group's diagonal Gram block) */
  count: Float64Array;
  /** Σ y per category */
  sumY: Float64Array;
  /** per numeric column q: Σ x_q per category */
  sumX: Float64Array[];
}

export interface LinearStats {
  n: number;
  sumY: number;
  sumYY: number;
  groups: GroupStats[];
  /** cross[g][h] (g < h): rows with category a in g and b in h, at a·size_h + b */
  cross: Float64Array[][];
  numeric: NumericFeature[];
  /** per numeric: Σ x, Σ x·y; and Σ x_q·x_r at q·Q + r */
  sumX: Float64Array;
  sumXY: Float64Array;
  sumXX: Float64Array;
}

/** Capacity-backed statistics of codes 0 … size−1; grown by `ensure`. */
interface Growing { size: number; cap: number; count: Float64Array; sumY: Float64Array; sumX: Float64Array[] }

const grown = (a: Float64Array, cap: number): Float64Array => { const b = new Float64Array(cap); b.set(a); return b; };

/** The accumulator over codes: what streaming and in-memory matrices share. */
class StatsCore {
  n = 0; sumY = 0; sumYY = 0;
  readonly groups: Growing[];
  cross: Float64Array[][];
  readonly sumX: Float64Array; readonly sumXY: Float64Array; readonly sumXX: Float64Array;
  constructor(groupCount: number, readonly Q: number, initialCap: number) {
    this.groups = Array.from({ length: groupCount }, () => ({ size: 0, cap: initialCap, count: new Float64Array(initialCap), sumY: new Float64Array(initialCap), sumX: Array.from({ length: Q }, () => new Float64Array(initialCap)) }));
    this.cross = this.groups.map((g, a) => this.groups.map((h, b) => (b > a ? new Float64Array(g.cap * h.cap) : new Float64Array(0))));
    this.sumX = new Float64Array(Q); this.sumXY = new Float64Array(Q); this.sumXX = new Float64Array(Q * Q);
  }

  /** Makes room for codes up to size − 1 in group g (doubling; cross blocks are laid out again). */
  ensure(g: number, size: number): void {
    const G = this.groups[g];
    if (size > G.size) G.size = size;
    if (size <= G.cap) return;
    let cap = G.cap;
    while (cap < size) cap *= 2;
    const old = G.cap;
    G.count = grown(G.count, cap); G.sumY = grown(G.sumY, cap); G.sumX = G.sumX.map((s) => grown(s, cap));
    G.cap = cap;
    this.groups.forEach((H, h) => {
      if (h === g) return;
      const [a, b] = h > g ? [g, h] : [h, g];
      const rowsOld = a === g ? old : H.cap;
      const colsOld = b === g ? old : H.cap;
      const from = this.cross[a][b];
      const to = new Float64Array(this.groups[a].cap * this.groups[b].cap);
      const cols = this.groups[b].cap;
      for (let r = 0; r < rowsOld; r++) for (let c = 0; c < colsOld; c++) to[r * cols + c] = from[r * colsOld + c];
      this.cross[a][b] = to;
    });
  }

  /** Adds rows whose group codes (all ≥ 0, within each group's size) and numeric values are given. */
  add(codes: ArrayLike<number>[], values: Float64Array[], y: Float64Array, n: number): void {
    this.n += n;
    for (let i = 0; i < n; i++) { this.sumY += y[i]; this.sumYY += y[i] * y[i]; }
    codes.forEach((c, g) => {
      const G = this.groups[g];
      addCounts(G.count, G.sumY, c, y, n);
      values.forEach((v, q) => addSums(G.sumX[q], c, v, n));
      for (let h = g + 1; h < codes.length; h++) addPairs(this.cross[g][h], this.groups[h].cap, c, codes[h], n);
    });
    const Q = this.Q;
    for (let q = 0; q < Q; q++) {
      this.sumX[q] += sum(values[q], n);
      this.sumXY[q] += dot(values[q], y, n);
      for (let r = q; r < Q; r++) { const s = dot(values[q], values[r], n); this.sumXX[q * Q + r] += s; if (r !== q) this.sumXX[r * Q + q] += s; }
    }
  }

  /** The statistics with group g's codes renumbered by perm[g][old] = new. */
  finish(features: CategoricalFeature[], numeric: NumericFeature[], perm: Int32Array[] | null): LinearStats {
    const re = (g: number, a: Float64Array): Float64Array => {
      const size = this.groups[g].size;
      const out = new Float64Array(size);
      for (let k = 0; k < size; k++) out[perm ? perm[g][k] : k] = a[k];
      return out;
    };
    const groups = this.groups.map((G, g): GroupStats => ({ feature: features[g], size: G.size, count: re(g, G.count), sumY: re(g, G.sumY), sumX: G.sumX.map((s) => re(g, s)) }));
    const cross = this.groups.map((A, a) => this.groups.map((B, b) => {
      if (b <= a) return new Float64Array(0);
      const out = new Float64Array(A.size * B.size);
      const from = this.cross[a][b];
      for (let r = 0; r < A.size; r++) {
        const nr = perm ? perm[a][r] : r;
        for (let c = 0; c < B.size; c++) out[nr * B.size + (perm ? perm[b][c] : c)] = from[r * B.cap + c];
      }
      return out;
    }));
    return { n: this.n, sumY: this.sumY, sumYY: this.sumYY, groups, cross, numeric, sumX: this.sumX, sumXY: this.sumXY, sumXX: this.sumXX };
  }
}

// One small loop per case, so each stays monomorphic (see ridge.ts).
function addCounts(count: Float64Array, sy: Float64Array, c: ArrayLike<number>, y: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) { const k = c[i]; count[k] += 1; sy[k] += y[i]; }
}
function addSums(s: Float64Array, c: ArrayLike<number>, v: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) s[c[i]] += v[i];
}
function addPairs(m: Float64Array, stride: number, a: ArrayLike<number>, b: ArrayLike<number>, n: number): void {
  for (let i = 0; i < n; i++) m[a[i] * stride + b[i]] += 1;
}
function dot(a: Float64Array, b: Float64Array, n: number): number { let s = 0; for (let i = 0; i < n; i++) s += a[i] * b[i]; return s; }
function sum(a: Float64Array, n: number): number { let s = 0; for (let i = 0; i < n; i++) s += a[i]; return s; }

/** Statistics of an encoded training matrix held in memory (every code known, none −1). */
export function statsOfEncoded(X: EncodedMatrix, y: Float64Array): LinearStats {
  const core = new StatsCore(X.groups.length, X.numeric.length, 1);
  X.groups.forEach((g, k) => core.ensure(k, g.size));
  for (const g of X.groups) for (let i = 0; i < X.n; i++) {
    if (g.codes[i] < 0) throw new MeterError('INVALID_ARGUMENT', 'a training row has a category outside the vocabulary');
  }
  core.add(X.groups.map((g) => g.codes), X.numeric.map((c) => c.values), y, X.n);
  return core.finish(X.groups.map((g) => g.feature), X.numeric.map((c) => c.feature), null);
}

/** Accumulates trips chunk by chunk; `finish` gives the statistics and the sorted vocabularies. */
export class LinearStatsBuilder {
  private readonly core: StatsCore;
  private readonly seen: Map<number, number>[];
  private readonly keys: number[][];
  private readonly tables: (Int32Array | null)[];
  constructor(private readonly spec: FeatureSpec) {
    this.tables = spec.categorical.map((f) => (f === 'PU_DO' ? null : new Int32Array(MAX_LOCATION_ID + 2).fill(-1)));
    this.core = new StatsCore(spec.categorical.length, spec.numeric.length, 512);
    this.seen = spec.categorical.map(() => new Map());
    this.keys = spec.categorical.map(() => []);
  }

  add(trips: TripColumns): void {
    const n = trips.n;
    const codes = this.spec.categorical.map((feature, g) => {
      const col = keyColumn(feature, trips);
      const seen = this.seen[g];
      const keys = this.keys[g];
      const out = new Int32Array(n);
      const table = this.tables[g];
      if (table) {
        // A zone id (−1 … MAX_LOCATION_ID) indexes a table: no hashing on the hot path.
        for (let i = 0; i < n; i++) {
          let c = table[col[i] + 1];
          if (c < 0) { c = keys.length; table[col[i] + 1] = c; seen.set(col[i], c); keys.push(col[i]); }
          out[i] = c;
        }
      } else {
        for (let i = 0; i < n; i++) {
          let c = seen.get(col[i]);
          if (c === undefined) { c = keys.length; seen.set(col[i], c); keys.push(col[i]); }
          out[i] = c;
        }
      }
      this.core.ensure(g, keys.length);
      return out;
    });
    const values = this.spec.numeric.map(() => {
      if (!trips.distance) throw new MeterError('SCHEMA_MISMATCH', `${trips.fileName} (${trips.kind}) has no trip_distance, which this model uses.`);
      return trips.distance;
    });
    this.core.add(codes, values, trips.duration, n);
  }

  get rows(): number { return this.core.n; }

  finish(): { stats: LinearStats; vocabs: Vocabulary[] } {
    const vocabs: Vocabulary[] = this.spec.categorical.map((feature, g) => {
      const keys = [...this.keys[g]].sort((a, b) => a - b);
      return { feature, keys, index: new Map(keys.map((k, j) => [k, j])) };
    });
    const perm = this.keys.map((keys, g) => Int32Array.from(keys, (k) => vocabs[g].index.get(k)!));
    return { stats: this.core.finish(this.spec.categorical, this.spec.numeric, perm), vocabs };
  }
}
