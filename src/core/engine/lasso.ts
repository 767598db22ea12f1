// Lasso by cyclic coordinate descent, scikit-learn's objective and stopping rule:
//   minimise (1/2n)||y − b − Xw||² + α||w||₁,  b unpenalised (centred problem),
//   stop when the duality gap ≤ tol·||y − ȳ||².
// Centring would make every one-hot column dense. Instead the residual is kept uncentred plus one shared
// shift: updating w_j by Δ moves b by −μ_jΔ, i.e. subtracts x_jΔ from the rows in column j and adds μ_jΔ to
// every row. Because b stays optimal, the residuals always sum to zero and the centred gradient equals the
// plain one, so a coordinate step costs only its column's nonzeros.
import type { EncodedMatrix } from './features';
import { splitCoefficients, type LinearSolution } from './linear-model';
import type { StepMetric } from '../../shared/jobs';

export interface LassoOptions {
  alpha: number;
  maxIter: number;
  tol: number;
  /** called after every sweep; throw from it to stop (cancellation) */
  onSweep?: (sweep: number, objective: number) => void;
}

export interface LassoResult {
  solution: LinearSolution;
  sweeps: number;
  converged: boolean;
  history: StepMetric[];
}

/** A one-hot column lists its rows (value 1); a numeric column is dense. */
interface Column { rows: Int32Array | null; values: Float64Array | null; start: number; end: number }

/** Column-major view of the one-hot groups (counting sort over the codes). */
function columnsOf(X: EncodedMatrix): Column[] {
  const cols: Column[] = [];
  for (const g of X.groups) {
    const counts = new Int32Array(g.size + 1);
    for (let i = 0; i < X.n; i++) if (g.codes[i] >= 0) counts[g.codes[i] + 1]++;
    for (let j = 0; j < g.size; j++) counts[j + 1] += counts[j];
    const rows = new Int32Array(counts[g.size]);
    const fill = counts.slice(0, g.size);
    for (let i = 0; i < X.n; i++) { const c = g.codes[i]; if (c >= 0) rows[fill[c]++] = i; }
    for (let j = 0; j < g.size; j++) cols.push({ rows, values: null, start: counts[j], end: counts[j + 1] });
  }
  for (const num of X.numeric) cols.push({ rows: null, values: num.values, start: 0, end: X.n });
  return cols;
}

export function solveLasso(X: EncodedMatrix, y: Float64Array, opts: LassoOptions): LassoResult {
  const n = X.n;
  const cols = columnsOf(X);
  const p = cols.length;
  let yMean = 0;
  for (let i = 0; i < n; i++) yMean += y[i];
  yMean /= n;
  const yc = new Float64Array(n);
  let yNorm2 = 0;
  for (let i = 0; i < n; i++) { yc[i] = y[i] - yMean; yNorm2 += yc[i] * yc[i]; }

  const mu = new Float64Array(p);
  const colSum = new Float64Array(p);
  const norm2 = new Float64Array(p); // ||x_j − μ_j||²
  cols.forEach((c, j) => {
    let s = 0;
    let s2 = 0;
    for (let t = c.start; t < c.end; t++) { const v = c.values ? c.values[t] : 1; s += v; s2 += v * v; }
    colSum[j] = s;
    mu[j] = s / n;
    norm2[j] = s2 - n * mu[j] * mu[j];
  });

  const w = new Float64Array(p);
  const r = Float64Array.from(yc); // actual residual = r[i] + shift
  let shift = 0;
  const alphaN = opts.alpha * n;
  const tolScaled = opts.tol * yNorm2;
  const history: StepMetric[] = [];
  let converged = false;
  let sweep = 0;

  for (sweep = 1; sweep <= opts.maxIter; sweep++) {
    let maxDelta = 0;
    let maxW = 0;
    for (let j = 0; j < p; j++) {
      if (norm2[j] <= 0) continue;
      const c = cols[j];
      let g = 0;
      if (c.values) { for (let i = 0; i < n; i++) g += c.values[i] * r[i]; g += shift * colSum[j]; }
      else { for (let t = c.start; t < c.end; t++) g += r[c.rows![t]]; g += shift * (c.end - c.start); }
      const old = w[j];
      const z = g + old * norm2[j];
      const next = Math.sign(z) * Math.max(Math.abs(z) - alphaN, 0) / norm2[j];
      const delta = next - old;
      if (delta !== 0) {
        w[j] = next;
        if (c.values) for (let i = 0; i < n; i++) r[i] -= c.values[i] * delta;
        else for (let t = c.start; t < c.end; t++) r[c.rows![t]] -= delta;
        shift += mu[j] * delta;
      }
      maxDelta = Math.max(maxDelta, Math.abs(delta));
      maxW = Math.max(maxW, Math.abs(next));
    }
    // Fold the shift back so round-off cannot build up in it.
    for (let i = 0; i < n; i++) r[i] += shift;
    shift = 0;
    let rNorm2 = 0;
    let l1 = 0;
    for (let i = 0; i < n; i++) rNorm2 += r[i] * r[i];
    for (let j = 0; j < p; j++) l1 += Math.abs(w[j]);
    const objective = rNorm2 / (2 * n) + opts.alpha * l1;
    history.push({ key: 'train_objective', step: sweep, value: objective });
    opts.onSweep?.(sweep, objective);
    if (maxW === 0 || maxDelta / maxW < opts.tol || sweep === opts.maxIter) {
      const gap = dualityGap(cols, r, yc, alphaN, rNorm2, l1);
      history.push({ key: 'duality_gap', step: sweep, value: gap });
      if (gap < tolScaled) { converged = true; break; }
    }
  }
  let b = yMean;
  for (let j = 0; j < p; j++) b -= mu[j] * w[j];
  return { solution: splitCoefficients(X, w, b), sweeps: Math.min(sweep, opts.maxIter), converged, history };
}

/** scikit-learn's duality gap for the (n-scaled) lasso, from cd_fast.enet_coordinate_descent. */
function dualityGap(cols: Column[], r: Float64Array, yc: Float64Array, alphaN: number, rNorm2: number, l1: number): number {
  let dualNorm = 0;
  for (const c of cols) {
    let g = 0;
    if (c.values) for (let i = 0; i < r.length; i++) g += c.values[i] * r[i];
    else for (let t = c.start; t < c.end; t++) g += r[c.rows![t]];
    dualNorm = Math.max(dualNorm, Math.abs(g));
  }
  let ry = 0;
  for (let i = 0; i < r.length; i++) ry += r[i] * yc[i];
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
