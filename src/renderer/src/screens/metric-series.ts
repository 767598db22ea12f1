// The pure parts of MLflow-style metric charts: exponential smoothing and the x axis (step, time relative to
// the run's first point, or wall-clock time). No React and no echarts here.
import type { MetricPoint } from '../../../shared/domain';

export type XAxisKind = 'step' | 'relative' | 'wall';
export const X_AXES: readonly XAxisKind[] = ['step', 'relative', 'wall'];
export const X_AXIS_LABEL: Record<XAxisKind, string> = { step: 'step', relative: 'relative time', wall: 'wall time' };

/** what a metric chart's controls choose */
export interface ChartView { smoothing: number; x: XAxisKind }
export const DEFAULT_VIEW: ChartView = { smoothing: 0, x: 'step' };
export const MAX_SMOOTHING = 0.99;

/**
 * TensorBoard's (and MLflow's) smoothing: an exponential moving average with weight w, de-biased so the first
 * points are not pulled towards 0. w = 0 returns the values; NaN and ±Infinity pass through without
 * disturbing the average.
 */
export function smooth(values: readonly number[], weight: number): number[] {
  const w = Math.min(Math.max(weight, 0), MAX_SMOOTHING);
  if (w === 0) return [...values];
  let last = 0;
  let n = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    last = last * w + (1 - w) * v;
    n += 1;
    return last / (1 - w ** n);
  });
}

/**
 * Whether any series was logged over time (its points' times differ). A history logged in one batch with no
 * times of its own (an MLflow client's log_batch without timestamps) is all one moment: only steps mean anything.
 */
export function hasTimeSpread(series: readonly { points: readonly MetricPoint[] }[]): boolean {
  return series.some((s) => s.points.some((p) => p.timestampMs !== s.points[0].timestampMs));
}

/** The x of each point: its step, seconds since the series' first point, or its time (ms since 1970). */
export function xValues(points: readonly MetricPoint[], axis: XAxisKind): number[] {
  if (axis === 'step') return points.map((p) => p.step);
  if (axis === 'wall') return points.map((p) => p.timestampMs);
  const t0 = points.length ? Math.min(...points.map((p) => p.timestampMs)) : 0;
  return points.map((p) => (p.timestampMs - t0) / 1000);
}

/** A relative time as a short label: 42s, 3m 05s, 1h 02m. */
export function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return '';
  if (Math.abs(s) < 60) return `${Number(s.toPrecision(3))}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** [x, y] pairs for one series, points in x order, y smoothed (and kept positive on a log axis). */
export function seriesData(points: readonly MetricPoint[], view: ChartView, log: boolean): [number, number][] {
  const sorted = [...points].sort((a, b) => a.step - b.step || a.timestampMs - b.timestampMs);
  const xs = xValues(sorted, view.x);
  const ys = smooth(sorted.map((p) => p.value), view.smoothing);
  return sorted.map((_, i) => [xs[i], log ? Math.max(ys[i], 1e-300) : ys[i]]);
}
