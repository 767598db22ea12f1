// Regression metrics in minutes, as the course reports them: RMSE = sqrt(mean((y − p)²)).

export interface RegressionMetrics {
  rmse: number;
  mae: number;
  r2: number;
}

export function regressionMetrics(y: Float64Array, pred: Float64Array): RegressionMetrics {
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let se = 0;
  let ae = 0;
  let tot = 0;
  for (let i = 0; i < n; i++) {
    const d = y[i] - pred[i];
    se += d * d;
    ae += Math.abs(d);
    tot += (y[i] - mean) * (y[i] - mean);
  }
  return { rmse: Math.sqrt(se / n), mae: ae / n, r2: tot > 0 ? 1 - se / tot : 0 };
}
