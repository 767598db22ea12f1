// What scoring learns while it streams: error sums, histograms and residuals per pickup hour, added to a
// chunk at a time so nothing grows with the file.
import type { HourResiduals, Histogram, ScoringCharts } from '../../shared/domain';

function histogram(lo: number, hi: number, step: number): { edges: number[]; counts: Float64Array; add(v: number): void } {
  const bins = Math.round((hi - lo) / step);
  const counts = new Float64Array(bins);
  return {
    edges: Array.from({ length: bins + 1 }, (_, i) => lo + i * step),
    counts,
    add(v) { counts[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / step)))] += 1; },
  };
}

export class ScoreStats {
  private readonly pred = histogram(0, 60, 1);
  private readonly resid = histogram(-30, 30, 1);
  private readonly hourN = new Float64Array(24);
  private readonly hourSum = new Float64Array(24);
  private readonly hourSq = new Float64Array(24);
  private n = 0;
  private sumSq = 0;
  private sumAbs = 0;
  private sumPred = 0;

  constructor(private readonly labelled: boolean) {}

  /** residual = predicted − actual, as the predictions file's `diff` column */
  add(pred: Float64Array, actual: Float64Array | null, hour: Int32Array, count: number): void {
    for (let i = 0; i < count; i++) {
      const p = pred[i];
      this.pred.add(p);
      this.sumPred += p;
      if (actual) {
        const r = p - actual[i];
        this.resid.add(r);
        this.sumSq += r * r;
        this.sumAbs += Math.abs(r);
        const h = hour[i];
        if (h >= 0 && h < 24) { this.hourN[h] += 1; this.hourSum[h] += r; this.hourSq[h] += r * r; }
      }
    }
    this.n += count;
  }

  metrics(): { rmse: number; mae: number; meanPrediction: number } | null {
    if (!this.labelled || this.n === 0) return null;
    return { rmse: Math.sqrt(this.sumSq / this.n), mae: this.sumAbs / this.n, meanPrediction: this.sumPred / this.n };
  }

  charts(): ScoringCharts {
    const h = (x: { edges: number[]; counts: Float64Array }): Histogram => ({ edges: x.edges, counts: [...x.counts] });
    const byHour: HourResiduals[] = [];
    for (let k = 0; k < 24; k++) {
      const n = this.hourN[k];
      byHour.push({ hour: k, n, meanResidual: n ? this.hourSum[k] / n : 0, rmse: n ? Math.sqrt(this.hourSq[k] / n) : 0 });
    }
    return { predictions: h(this.pred), residuals: this.labelled ? h(this.resid) : null, byHour: this.labelled ? byHour : null };
  }
}
