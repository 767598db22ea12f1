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
import type { LinearSolution } from './linear-model';
import { statsOfEncoded, type LinearStats } from './linear-stats';
import { choleskySolve } from './cholesky';

export const OLS_LAMBDA = 1e-4;
const MAX_DENSE_COLUMNS = 6000;

export function solveRidge(X: EncodedMatrix, y: Float64Array, lambda: number): LinearSolution {
  return solveRidgeFromStats(statsOfEncoded(X, y), lambda);
}

/** The same solve from sufficient statistics (linear-stats.ts): what a streamed year of trips is fitted with. */
export function solveRidgeFromStats(st: LinearStats, lambda: number): LinearSolution {
  if (!(lambda > 0)) throw new MeterError('INVALID_ARGUMENT', `ridge penalty must be > 0, got ${lambda}`);
  // P: the group eliminated through its diagonal block.
  let pIndex = -1;
  st.groups.forEach((g, k) => { if (pIndex < 0 || g.size > st.groups[pIndex].size) pIndex = k; });
  const P = pIndex >= 0 ? st.groups[pIndex] : null;
  const kP = P ? P.size : 0;
  const rest = st.groups.map((_, k) => k).filter((k) => k !== pIndex);
  const restOffsets: number[] = [];
  let m = 0;
  for (const k of rest) { restOffsets.push(m); m += st.groups[k].size; }
  const numOffset = m;
  const Q = st.numeric.length;
  m += Q;
  const b = m; // the intercept's index in the reduced system
  m += 1;
  if (m > MAX_DENSE_COLUMNS) {
    throw new MeterError('INVALID_ARGUMENT', `this feature set leaves ${m} columns after elimination; the exact solver handles up to ${MAX_DENSE_COLUMNS}`);
  }
  // C: the Gram block of the rest (other groups, numerics, intercept); rR its Xᵀy.
  const C = new Float64Array(m * m);
  const rR = new Float64Array(m);
  const put = (i: number, j: number, v: number): void => { C[i * m + j] = v; C[j * m + i] = v; };
  rest.forEach((g, r) => {
    const G = st.groups[g];
    const o = restOffsets[r];
    for (let a = 0; a < G.size; a++) {
      put(o + a, o + a, G.count[a]);
      put(o + a, b, G.count[a]);
      rR[o + a] = G.sumY[a];
      for (let q = 0; q < Q; q++) put(o + a, numOffset + q, G.sumX[q][a]);
    }
    rest.forEach((h, r2) => {
      if (h <= g) return;
      const H = st.groups[h];
      const block = st.cross[g][h];
      const o2 = restOffsets[r2];
      for (let a = 0; a < G.size; a++) for (let c = 0; c < H.size; c++) put(o + a, o2 + c, block[a * H.size + c]);
    });
  });
  for (let q = 0; q < Q; q++) {
    for (let r = 0; r < Q; r++) C[(numOffset + q) * m + numOffset + r] = st.sumXX[q * Q + r];
    put(numOffset + q, b, st.sumX[q]);
    rR[numOffset + q] = st.sumXY[q];
  }
  C[b * m + b] = st.n;
  rR[b] = st.sumY;
  // B: P's rows against the rest's columns; cP, rP: P's counts and Xᵀy.
  const B = new Float64Array(kP * m);
  const cP = P ? Float64Array.from(P.count) : new Float64Array(0);
  const rP = P ? Float64Array.from(P.sumY) : new Float64Array(0);
  if (P) {
    rest.forEach((h, r) => {
      const H = st.groups[h];
      const o = restOffsets[r];
      const block = pIndex < h ? st.cross[pIndex][h] : st.cross[h][pIndex];
      for (let p = 0; p < kP; p++) for (let c = 0; c < H.size; c++) {
        B[p * m + o + c] = pIndex < h ? block[p * H.size + c] : block[c * kP + p];
      }
    });
    for (let p = 0; p < kP; p++) {
      for (let q = 0; q < Q; q++) B[p * m + numOffset + q] = P.sumX[q][p];
      B[p * m + b] = P.count[p];
    }
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
  // Reassemble in the statistics' own group order.
  const groupCoef: Float64Array[] = [];
  let r = 0;
  st.groups.forEach((g, k) => {
    if (k === pIndex) groupCoef.push(wP);
    else { groupCoef.push(z.slice(restOffsets[r], restOffsets[r] + g.size)); r++; }
  });
  return { intercept: z[b], groupCoef, numericCoef: z.slice(numOffset, numOffset + Q) };
}
