import { describe, expect, it } from 'vitest';
import type { EncodedMatrix } from './features';
import { predictEncoded } from './linear-model';
import { OLS_LAMBDA, solveRidge } from './ridge';
import { choleskySolve } from './cholesky';

// A small random design with two one-hot groups and one numeric column, solved both ways: the block
// elimination under test, and a naive dense normal-equation solve with an explicit intercept column.
function randomDesign(n: number, k1: number, k2: number, seed: number): { X: EncodedMatrix; y: Float64Array } {
  let s = seed;
  const rand = (): number => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const c1 = new Int32Array(n); const c2 = new Int32Array(n); const x = new Float64Array(n); const y = new Float64Array(n);
  const w1 = Array.from({ length: k1 }, () => rand() * 10); const w2 = Array.from({ length: k2 }, () => rand() * 5);
  for (let i = 0; i < n; i++) {
    c1[i] = i < k1 ? i : Math.floor(rand() * k1); // every category appears
    c2[i] = i < k2 ? i : Math.floor(rand() * k2);
    x[i] = rand() * 8;
    y[i] = 3 + w1[c1[i]] + w2[c2[i]] + 2 * x[i] + (rand() - 0.5) * 4;
  }
  return {
    X: { n, groups: [{ feature: 'PULocationID', size: k1, codes: c1 }, { feature: 'DOLocationID', size: k2, codes: c2 }], numeric: [{ feature: 'trip_distance', values: x }], nCols: k1 + k2 + 1 },
    y,
  };
}

function denseRidge(X: EncodedMatrix, y: Float64Array, lambda: number): Float64Array {
  const p = X.nCols + 1; // + intercept (last, unpenalised)
  const G = new Float64Array(p * p); const r = new Float64Array(p);
  for (let i = 0; i < X.n; i++) {
    const row = new Float64Array(p);
    let off = 0;
    for (const g of X.groups) { if (g.codes[i] >= 0) row[off + g.codes[i]] = 1; off += g.size; }
    X.numeric.forEach((c, q) => { row[off + q] = c.values[i]; });
    row[p - 1] = 1;
    for (let a = 0; a < p; a++) { r[a] += row[a] * y[i]; for (let b = 0; b < p; b++) G[a * p + b] += row[a] * row[b]; }
  }
  for (let a = 0; a < p - 1; a++) G[a * p + a] += lambda;
  return choleskySolve(G, r, p);
}

describe('solveRidge', () => {
  it('matches a dense normal-equation solve for ridge', () => {
    const { X, y } = randomDesign(400, 12, 9, 7);
    const sol = solveRidge(X, y, 0.5);
    const dense = denseRidge(X, y, 0.5);
    const flat = [...sol.groupCoef[0], ...sol.groupCoef[1], ...sol.numericCoef, sol.intercept];
    flat.forEach((v, j) => expect(v).toBeCloseTo(dense[j], 8));
  });

  it('reaches the least-squares optimum for OLS despite the rank-deficient one-hot design', () => {
    const { X, y } = randomDesign(600, 20, 15, 11);
    const sol = solveRidge(X, y, OLS_LAMBDA);
    const pred = predictEncoded(X, sol);
    // At the optimum the residual is orthogonal to every column: check the normal equations directly.
    const resid = y.map((v, i) => v - pred[i]);
    let sumR = 0; let dotX = 0;
    for (let i = 0; i < X.n; i++) { sumR += resid[i]; dotX += resid[i] * X.numeric[0].values[i]; }
    expect(Math.abs(sumR)).toBeLessThan(1e-3);
    expect(Math.abs(dotX)).toBeLessThan(1e-2);
    for (const g of X.groups) {
      const perCat = new Float64Array(g.size);
      for (let i = 0; i < X.n; i++) perCat[g.codes[i]] += resid[i];
      for (const v of perCat) expect(Math.abs(v)).toBeLessThan(1e-3);
    }
  });

  it('scores an unseen category (code -1) as all-zero, like DictVectorizer', () => {
    const { X, y } = randomDesign(300, 8, 6, 3);
    const sol = solveRidge(X, y, 1);
    const one: EncodedMatrix = { ...X, n: 1, groups: X.groups.map((g) => ({ ...g, codes: Int32Array.of(-1) })), numeric: [{ feature: 'trip_distance', values: Float64Array.of(2) }] };
    expect(predictEncoded(one, sol)[0]).toBeCloseTo(sol.intercept + 2 * sol.numericCoef[0], 12);
  });

  it('refuses a non-positive penalty', () => {
    const { X, y } = randomDesign(50, 4, 4, 1);
    expect(() => solveRidge(X, y, 0)).toThrow(/penalty must be > 0/);
  });
});
