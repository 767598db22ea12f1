// Dense Cholesky solve of a symmetric positive (semi-)definite system, in place on a copy's lower triangle.

/** Solves A x = rhs for symmetric A (row-major m×m). A tiny or negative pivot, which round-off can leave on
 *  a near-singular direction, is clamped to a small positive value instead of failing. */
export function choleskySolve(A: Float64Array, rhs: Float64Array, m: number): Float64Array {
  const L = Float64Array.from(A);
  let maxDiag = 0;
  for (let i = 0; i < m; i++) maxDiag = Math.max(maxDiag, Math.abs(A[i * m + i]));
  const floor = maxDiag * 1e-15 || 1e-300;
  for (let j = 0; j < m; j++) {
    const rj = j * m;
    let d = L[rj + j];
    for (let k = 0; k < j; k++) d -= L[rj + k] * L[rj + k];
    if (!(d > floor)) d = floor;
    const ljj = Math.sqrt(d);
    L[rj + j] = ljj;
    for (let i = j + 1; i < m; i++) {
      const ri = i * m;
      let s = L[ri + j];
      for (let k = 0; k < j; k++) s -= L[ri + k] * L[rj + k];
      L[ri + j] = s / ljj;
    }
  }
  const x = Float64Array.from(rhs);
  for (let i = 0; i < m; i++) {
    const ri = i * m;
    let s = x[i];
    for (let k = 0; k < i; k++) s -= L[ri + k] * x[k];
    x[i] = s / L[ri + i];
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < m; k++) s -= L[k * m + i] * x[k];
    x[i] = s / L[i * m + i];
  }
  return x;
}
