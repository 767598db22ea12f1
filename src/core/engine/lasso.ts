// Lasso by cyclic coordinate descent on the Gram matrix ("covariance updates"), scikit-learn's objective
// and stopping rule:
//   minimise (1/2n)||y − b − Xw||² + α||w||₁,  b unpenalised (centred problem),
//   stop when the duality gap ≤ tol·||y − ȳ||².
// Everything comes from the sufficient statistics (linear-stats.ts), so memory and each sweep's cost depend on
// the columns, never on the rows: a year of trips costs what a month does. Centring is kept implicit: the
// centred Gram is G − n·μμᵀ, so with u = Gw and s = μᵀw the centred gradient of column j is
// (Xᵀy)_j − nμ_jȳ − u_j + nμ_j s, and a step Δ on w_j adds Δ·G[:, j] to u (a column with few nonzeros: its
// group's count, one row of each cross block, its numeric sums) and μ_jΔ to s.
import type { EncodedMatrix } from './features';
import type { LinearSolution } from './linear-model';
import { statsOfEncoded, type LinearStats } from './linear-stats';
import type { StepMetric } from '../../shared/jobs';

export interface LassoOptions {
  alpha: number;
  maxIter: number;
  tol: number;
  /** called after every sweep; throw from it to stop (cancellation). `current()` builds the model as it stands
   * (a search's pruner scores it on the validation set every few sweeps). */
  onSweep?: (sweep: number, objective: number, current: () => LinearSolution) => void;
}

export interface LassoResult {
  solution: LinearSolution;
  sweeps: number;
  converged: boolean;
  history: StepMetric[];
}

/** Column j of the design: a category of one group, or a numeric column. */
interface Column { group: number; code: number; numeric: number }

export function solveLasso(X: EncodedMatrix, y: Float64Array, opts: LassoOptions): LassoResult {
  return solveLassoFromStats(statsOfEncoded(X, y), opts);
}

export function solveLassoFromStats(st: LinearStats, opts: LassoOptions): LassoResult {
  const n = st.n;
  const Q = st.numeric.length;
  const cols: Column[] = [];
  const offsets: number[] = [];
  st.groups.forEach((g, k) => { offsets.push(cols.length); for (let c = 0; c < g.size; c++) cols.push({ group: k, code: c, numeric: -1 }); });
  const numStart = cols.length;
  for (let q = 0; q < Q; q++) cols.push({ group: -1, code: -1, numeric: q });
  const p = cols.length;
  const yMean = st.sumY / n;
  const yNorm2 = st.sumYY - n * yMean * yMean; // ||y − ȳ||²
  const mu = new Float64Array(p);
  const norm2 = new Float64Array(p); // ||x_j − μ_j||²
  const xty = new Float64Array(p); // (x_j − μ_j)ᵀ(y − ȳ)
  cols.forEach((c, j) => {
    const s = c.numeric >= 0 ? st.sumX[c.numeric] : st.groups[c.group].count[c.code];
    const sq = c.numeric >= 0 ? st.sumXX[c.numeric * Q + c.numeric] : s;
    const sy = c.numeric >= 0 ? st.sumXY[c.numeric] : st.groups[c.group].sumY[c.code];
    mu[j] = s / n;
    norm2[j] = sq - n * mu[j] * mu[j];
    xty[j] = sy - n * mu[j] * yMean;
  });

  /** u += delta · G[:, j] (the uncentred Gram's column j). */
  const addColumn = (u: Float64Array, j: number, delta: number): void => {
    const c = cols[j];
    if (c.numeric >= 0) {
      const q = c.numeric;
      st.groups.forEach((g, k) => { const sx = g.sumX[q]; const o = offsets[k]; for (let a = 0; a < g.size; a++) u[o + a] += delta * sx[a]; });
      for (let r = 0; r < Q; r++) u[numStart + r] += delta * st.sumXX[q * Q + r];
      return;
    }
    const g = c.group;
    const G = st.groups[g];
    u[offsets[g] + c.code] += delta * G.count[c.code];
    st.groups.forEach((H, h) => {
      if (h === g) return;
      const o = offsets[h];
      if (h > g) { const block = st.cross[g][h]; const row = c.code * H.size; for (let b = 0; b < H.size; b++) u[o + b] += delta * block[row + b]; }
      else { const block = st.cross[h][g]; for (let a = 0; a < H.size; a++) u[o + a] += delta * block[a * G.size + c.code]; }
    });
    for (let q = 0; q < Q; q++) u[numStart + q] += delta * G.sumX[q][c.code];
  };

  const w = new Float64Array(p);

  /** The model as it stands: the intercept that keeps the residuals centred, and w split into groups and numerics. */

  const solutionNow = (): LinearSolution => {

    let b = yMean;

    for (let j = 0; j < p; j++) b -= mu[j] * w[j];

    return { intercept: b, groupCoef: st.groups.map((g, k) => w.slice(offsets[k], offsets[k] + g.size)), numericCoef: w.slice(numStart) };

  };
  let u = new Float64Array(p); // G·w
  let s = 0; // μᵀw
  const alphaN = opts.alpha * n;
  const tolScaled = opts.tol * yNorm2;
  const history: StepMetric[] = [];
  let converged = false;
  let sweep = 0;
  const grad = (j: number): number => xty[j] - u[j] + n * mu[j] * s; // (x_j − μ_j)ᵀ r
  for (sweep = 1; sweep <= opts.maxIter; sweep++) {
    let maxDelta = 0;
    let maxW = 0;
    for (let j = 0; j < p; j++) {
      if (norm2[j] <= 0) continue;
      const old = w[j];
      const z = grad(j) + old * norm2[j];
      const next = Math.sign(z) * Math.max(Math.abs(z) - alphaN, 0) / norm2[j];
      const delta = next - old;
      if (delta !== 0) {
        w[j] = next;
        addColumn(u, j, delta);
        s += mu[j] * delta;
      }
      maxDelta = Math.max(maxDelta, Math.abs(delta));
      maxW = Math.max(maxW, Math.abs(next));
    }
    // Recompute Gw from scratch so round-off in the running updates cannot build up.
    u = new Float64Array(p);
    s = 0;
    for (let j = 0; j < p; j++) if (w[j] !== 0) { addColumn(u, j, w[j]); s += mu[j] * w[j]; }
    // ||r||² = ||yc||² − 2wᵀXcᵀyc + wᵀ(G − nμμᵀ)w
    let wxty = 0;
    let wu = 0;
    let l1 = 0;
    for (let j = 0; j < p; j++) { wxty += w[j] * xty[j]; wu += w[j] * u[j]; l1 += Math.abs(w[j]); }
    const rNorm2 = Math.max(0, yNorm2 - 2 * wxty + wu - n * s * s);
    const objective = rNorm2 / (2 * n) + opts.alpha * l1;
    history.push({ key: 'train_objective', step: sweep, value: objective, timestampMs: Date.now() });
    opts.onSweep?.(sweep, objective, solutionNow);
    if (maxW === 0 || maxDelta / maxW < opts.tol || sweep === opts.maxIter) {
      let dualNorm = 0;
      for (let j = 0; j < p; j++) dualNorm = Math.max(dualNorm, Math.abs(grad(j)));
      const gap = dualityGap(dualNorm, yNorm2 - wxty, alphaN, rNorm2, l1);
      history.push({ key: 'duality_gap', step: sweep, value: gap, timestampMs: Date.now() });
      if (gap < tolScaled) { converged = true; break; }
    }
  }
  return { solution: solutionNow(), sweeps: Math.min(sweep, opts.maxIter), converged, history };
}

/** scikit-learn's duality gap for the (n-scaled) lasso, from cd_fast.enet_coordinate_descent; ry = rᵀ(y − ȳ). */
function dualityGap(dualNorm: number, ry: number, alphaN: number, rNorm2: number, l1: number): number {
  let gap: number;
  let k = 1;
  if (dualNorm > alphaN) {
    k = alphaN / dualNorm;
    gap = 0.5 * (rNorm2 + rNorm2 * k * k);
  } else {
    gap = rNorm2;
  }
  return gap + alphaN * l1 - k * ry;
}
