// Coefficients of a fitted linear model over an EncodedMatrix, and predictions from them.
import type { EncodedMatrix } from './features';

export interface LinearSolution {
  intercept: number;
  /** one coefficient per column of each one-hot group, in group order */
  groupCoef: Float64Array[];
  numericCoef: Float64Array;
}

/** Column layout shared by the solvers: groups in order, then numerics. */
export function groupOffsets(X: EncodedMatrix): number[] {
  const offsets: number[] = [];
  let at = 0;
  for (const g of X.groups) {
    offsets.push(at);
    at += g.size;
  }
  return offsets;
}

/** Splits one flat coefficient vector (groups then numerics) into a LinearSolution. */
export function splitCoefficients(X: EncodedMatrix, flat: Float64Array, intercept: number): LinearSolution {
  const offsets = groupOffsets(X);
  const groupCoef = X.groups.map((g, k) => flat.slice(offsets[k], offsets[k] + g.size));
  const numStart = X.groups.reduce((s, g) => s + g.size, 0);
  return { intercept, groupCoef, numericCoef: flat.slice(numStart, numStart + X.numeric.length) };
}

/** An unseen category (code -1) contributes nothing, as DictVectorizer's all-zero row does. */
export function predictEncoded(X: EncodedMatrix, sol: LinearSolution): Float64Array {
  const out = new Float64Array(X.n).fill(sol.intercept);
  X.groups.forEach((g, k) => {
    const coef = sol.groupCoef[k];
    const codes = g.codes;
    for (let i = 0; i < X.n; i++) {
      const c = codes[i];
      if (c >= 0) out[i] += coef[c];
    }
  });
  X.numeric.forEach((col, q) => {
    const w = sol.numericCoef[q];
    const v = col.values;
    for (let i = 0; i < X.n; i++) out[i] += w * v[i];
  });
  return out;
}
