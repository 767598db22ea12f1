// Exact ridge / least squares for one-hot groups plus a few numeric columns:
//   minimise ||y − b − Xw||² + λ||w||²   (intercept b unpenalised, as scikit-learn's Ridge).
// The normal equations are solved by block elimination: the largest one-hot group has a diagonal Gram
// block (one category per row), so it is eliminated in O(k); the rest (other groups, numerics and the
// intercept, m columns) forms a small dense Schur complement solved by Cholesky. The PU_DO design (5.7k
// columns) therefore costs a 2×2 solve, the basic design a ~250×250 one, and nothing is ever densified.
//
// Plain least squares ("linear") is the λ → 0 limit. With an intercept and complete one-hot groups the
// design is rank-deficient; the limit picks the minimum-norm coefficients of the centred problem, which is
// what scikit-learn's LinearRegression converges to. OLS_LAMBDA is small enough that train RMSE equals the
// exact optimum to ~1e-7 and large enough that the near-null direction stays well conditioned.
import { MeterError } from '../../shared/errors';
import type { EncodedMatrix } from './features';
import { splitCoefficients, type LinearSolution } from './linear-model';
import { choleskySolve } from './cholesky';

export const OLS_LAMBDA = 1e-4;
const MAX_DENSE_COLUMNS = 6000;

export function solveRidge(X: EncodedMatrix, y: Float64Array, lambda: number): LinearSolution {
  if (!(lambda > 0)) throw new MeterError('INVALID_ARGUMENT', `ridge penalty must be > 0, got ${lambda}`);
  const n = X.n;
  // P: the group eliminated through its diagonal block.
  let pIndex = -1;
  X.groups.forEach((g, k) => { if (pIndex < 0 || g.size > X.groups[pIndex].size) pIndex = k; });
  const P = pIndex >= 0 ? X.groups[pIndex] : null;
  const kP = P ? P.size : 0;
  const rest = X.groups.filter((_, k) => k !== pIndex);
  const restOffsets: number[] = [];
  let m = 0;
  for (const g of rest) { restOffsets.push(m); m += g.size; }
  const numOffset = m;
  m += X.numeric.length;
  const b = m; // the intercept's index in the reduced system
  m += 1;
  if (m > MAX_DENSE_COLUMNS) {
    throw new MeterError('INVALID_ARGUMENT', `this feature set leaves ${m} columns after elimination; the exact solver handles up to ${MAX_DENSE_COLUMNS}`);
  }

  // R sources in column order: the other groups, the numerics, the intercept.
  const sources: Source[] = [
    ...rest.map((g, k): Source => ({ codes: g.codes, offset: restOffsets[k], values: null, column: -1 })),
    ...X.numeric.map((c, q): Source => ({ codes: null, offset: 0, values: c.values, column: numOffset + q })),
    { codes: null, offset: 0, values: null, column: b },
  ];
  const C = new Float64Array(m * m);
  const rR = new Float64Array(m);
  for (let s1 = 0; s1 < sources.length; s1++) {
    addRhs(rR, sources[s1], y, n);
    for (let s2 = s1; s2 < sources.length; s2++) addBlock(C, m, sources[s1], sources[s2], n);
  }
  symmetrizeFromUpper(C, m);
  const B = new Float64Array(kP * m);
  const cP = new Float64Array(kP);
  const rP = new Float64Array(kP);
  if (P) {
    const pSource: Source = { codes: P.codes, offset: 0, values: null, column: -1 };
    for (const src of sources) addBlock(B, m, pSource, src, n);
    addRhs(rP, pSource, y, n);
    for (let i = 0; i < n; i++) if (P.codes[i] >= 0) cP[P.codes[i]] += 1;
  }
  // Column sums and Σy over rows with no P category (none in training, where every category is known).
  const sNoP = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    let s = C[b * m + a];
    for (let p = 0; p < kP; p++) s -= B[p * m + a];
    sNoP[a] = s;
  }
  let yNoP = rR[b];
  for (let p = 0; p < kP; p++) yNoP -= rP[p];

  // S = C + λI (not on b) − Bᵀ D⁻¹ B, with D = diag(cP + λ). B's rows are sparse, so each outer product
  // runs over its nonzeros only.
  const S = C;
  for (let a = 0; a < b; a++) S[a * m + a] += lambda;
  const rhs = Float64Array.from(rR);
  const nz = new Int32Array(m);
  for (let p = 0; p < kP; p++) {
    const row = p * m;
    const inv = 1 / (cP[p] + lambda);
    let cnt = 0;
    for (let a = 0; a < m; a++) if (B[row + a] !== 0) nz[cnt++] = a;
    for (let x = 0; x < cnt; x++) {
      const ia = nz[x];
      const s = B[row + ia] * inv;
      rhs[ia] -= s * rP[p];
      const srow = ia * m;
      for (let z = 0; z < cnt; z++) S[srow + nz[z]] -= s * B[row + nz[z]];
    }
  }
  // The intercept row is a difference of nearly equal sums (n − Σ c²/(c+λ) …); recompute it in the
  // cancellation-free form Σ B·λ/(c+λ) so the near-null direction keeps its precision.
  for (let a = 0; a < m; a++) {
    let s = sNoP[a];
    for (let p = 0; p < kP; p++) {
      const v = B[p * m + a];
      if (v !== 0) s += (v * lambda) / (cP[p] + lambda);
    }
    S[b * m + a] = s;
    S[a * m + b] = s;
  }
  let rb = yNoP;
  for (let p = 0; p < kP; p++) rb += (rP[p] * lambda) / (cP[p] + lambda);
  rhs[b] = rb;

  const z = choleskySolve(S, rhs, m);

  // Back-substitute the eliminated group: w_P = D⁻¹ (r_P − B z).
  const wP = new Float64Array(kP);
  for (let p = 0; p < kP; p++) {
    const row = p * m;
    let s = rP[p];
    for (let a = 0; a < m; a++) {
      const v = B[row + a];
      if (v !== 0) s -= v * z[a];
    }
    wP[p] = s / (cP[p] + lambda);
  }
  // Reassemble in the matrix's own group order.
  const flat = new Float64Array(X.nCols);
  let at = 0;
  let r = 0;
  X.groups.forEach((g, k) => {
    if (k === pIndex) flat.set(wP, at);
    else { flat.set(z.subarray(restOffsets[r], restOffsets[r] + g.size), at); r++; }
    at += g.size;
  });
  flat.set(z.subarray(numOffset, numOffset + X.numeric.length), at);
  return splitCoefficients(X, flat, z[b]);
}


/** A block of columns: a one-hot group (codes + offset), one numeric column, or the intercept (all ones). */
interface Source { codes: Int32Array | null; offset: number; values: Float64Array | null; column: number }

// Each case is its own small function with one loop: the solver runs once per job, cold, and V8 optimises
// a monomorphic loop at once, where one function with many branches would deoptimise at every new case.
/** M[rows of a, columns of b] += Σ_i a_i b_iᵀ (a one-hot row contributes a single 1 at offset + code). */
function addBlock(M: Float64Array, stride: number, a: Source, b: Source, n: number): void {
  // Sources come in column order (groups, numerics, intercept), so a group is never the right-hand side
  // of a non-group: the upper triangle is all that is filled.
  if (a.codes && b.codes) addOneHotPair(M, stride, a.codes, a.offset, b.codes, b.offset, n);
  else if (a.codes && b.values) addOneHotTimesValues(M, stride, a.codes, a.offset, b.values, b.column, n);
  else if (a.codes) addOneHotCounts(M, stride, a.codes, a.offset, b.column, n);
  else if (a.values && b.values) M[a.column * stride + b.column] += dot(a.values, b.values, n);
  else if (a.values || b.values) M[a.column * stride + b.column] += sum((a.values ?? b.values)!, n);
  else M[a.column * stride + b.column] += n;
}

function addOneHotPair(M: Float64Array, stride: number, ca: Int32Array, oa: number, cb: Int32Array, ob: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const x = ca[i];
    const z = cb[i];
    if (x >= 0 && z >= 0) M[(oa + x) * stride + ob + z] += 1;
  }
}

function addOneHotTimesValues(M: Float64Array, stride: number, ca: Int32Array, oa: number, v: Float64Array, col: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const x = ca[i];
    if (x >= 0) M[(oa + x) * stride + col] += v[i];
  }
}

function addOneHotCounts(M: Float64Array, stride: number, ca: Int32Array, oa: number, col: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const x = ca[i];
    if (x >= 0) M[(oa + x) * stride + col] += 1;
  }
}

function dot(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

function sum(a: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i];
  return s;
}

function addRhs(r: Float64Array, a: Source, y: Float64Array, n: number): void {
  if (a.codes) addOneHotTimesValuesVec(r, a.codes, a.offset, y, n);
  else r[a.column] += a.values ? dot(a.values, y, n) : sum(y, n);
}

function addOneHotTimesValuesVec(r: Float64Array, ca: Int32Array, oa: number, y: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const x = ca[i];
    if (x >= 0) r[oa + x] += y[i];
  }
}

function symmetrizeFromUpper(M: Float64Array, m: number): void {
  for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) {
    const up = M[j * m + i]; const low = M[i * m + j];
    M[i * m + j] = M[j * m + i] = up + low;
  }
}
