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

/**
 * The same metrics accumulated chunk by chunk (a year of trips is never one array). Sums are taken about the
 * first target seen, so R²'s total sum of squares keeps its precision without a second pass for the mean.
 */
export class MetricsAccumulator {
  private n = 0; private se = 0; private ae = 0; private shift = NaN; private sy = 0; private syy = 0;
  add(y: Float64Array, pred: Float64Array, n = y.length): void {
    if (n === 0) return;
    if (Number.isNaN(this.shift)) this.shift = y[0];
    const k = this.shift;
    for (let i = 0; i < n; i++) {
      const d = y[i] - pred[i];
      this.se += d * d;
      this.ae += Math.abs(d);
      const c = y[i] - k;
      this.sy += c;
      this.syy += c * c;
    }
    this.n += n;
  }
  result(): RegressionMetrics {
    const tot = this.syy - (this.sy * this.sy) / this.n;
    return { rmse: Math.sqrt(this.se / this.n), mae: this.ae / this.n, r2: tot > 0 ? 1 - this.se / tot : 0 };
  }
}
