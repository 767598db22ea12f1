import { describe, expect, it } from 'vitest';
import { loadTrips } from '../data/tlc-reader';
import { encode, featureSpecFor, fitVocabularies } from './features';
import { solveLasso } from './lasso';
import { predictEncoded } from './linear-model';
import { SAMPLE } from '../../../test/helpers';

describe('solveLasso on the shipped sample', () => {
  const trips = loadTrips(SAMPLE.train);
  const spec = featureSpecFor('basic', true);
  const X = encode(spec, fitVocabularies(spec, trips), trips);

  it('satisfies the lasso optimality (KKT) conditions', () => {
    const alpha = 0.05;
    const res = solveLasso(X, trips.duration, { alpha, maxIter: 5000, tol: 1e-8 });
    expect(res.converged).toBe(true);
    const pred = predictEncoded(X, res.solution);
    const r = trips.duration.map((v, i) => v - pred[i]);
    const n = X.n;
    const check = (grad: number, w: number): void => {
      // (1/n)·x_jᵀr = α·sign(w_j) where w_j ≠ 0, and |(1/n)·x_jᵀr| ≤ α where w_j = 0
      if (w !== 0) expect(grad / n).toBeCloseTo(alpha * Math.sign(w), 4);
      else expect(Math.abs(grad / n)).toBeLessThanOrEqual(alpha + 1e-6);
    };
    X.groups.forEach((g, k) => {
      const grads = new Float64Array(g.size);
      for (let i = 0; i < n; i++) grads[g.codes[i]] += r[i];
      grads.forEach((gr, j) => check(gr, res.solution.groupCoef[k][j]));
    });
    let gd = 0;
    for (let i = 0; i < n; i++) gd += X.numeric[0].values[i] * r[i];
    check(gd, res.solution.numericCoef[0]);
    expect(res.history.filter((h) => h.key === 'train_objective').length).toBe(res.sweeps);
  });

  it('zeroes more coefficients as alpha grows', () => {
    const nonzero = (alpha: number): number => {
      const s = solveLasso(X, trips.duration, { alpha, maxIter: 2000, tol: 1e-6 }).solution;
      return s.groupCoef.reduce((acc, g) => acc + g.filter((v) => v !== 0).length, 0);
    };
    const few = nonzero(0.5);
    const many = nonzero(0.005);
    expect(many).toBeGreaterThan(few);
  });
});
