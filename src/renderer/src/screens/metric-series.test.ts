// Smoothing and the time axes of metric charts, and how the history chart draws them.
import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '../../../shared/domain';
import { fmtSeconds, hasTimeSpread, seriesData, smooth, xValues } from './metric-series';
import { historyLines } from './compare-charts';

const pts = (values: number[], t0 = 1_700_000_000_000, dt = 1500): MetricPoint[] =>
  values.map((value, step) => ({ key: 'loss', step, value, timestampMs: t0 + step * dt }));

describe('smoothing (de-biased EMA, as TensorBoard and MLflow)', () => {
  it('returns the values unchanged at 0 and starts at the first value whatever the weight', () => {
    expect(smooth([3, 1, 4, 1, 5], 0)).toEqual([3, 1, 4, 1, 5]);
    expect(smooth([3, 1, 4], 0.9)[0]).toBeCloseTo(3, 12);
  });
  it('follows the recurrence s_n = (w·m_{n-1} + (1-w)·v_n) / (1 - w^n)', () => {
    const w = 0.6;
    const v = [10, 0, 10, 0];
    let m = 0;
    const expected = v.map((x, i) => { m = m * w + (1 - w) * x; return m / (1 - w ** (i + 1)); });
    expect(smooth(v, w)).toEqual(expected);
    // a constant stays constant (the de-biasing is what makes this hold)
    expect(smooth([2, 2, 2, 2], 0.99).every((x) => Math.abs(x - 2) < 1e-12)).toBe(true);
  });
  it('flattens noise more as the weight grows, and lets NaN through without breaking the average', () => {
    const noisy = Array.from({ length: 200 }, (_, i) => (i % 2 ? 1 : -1));
    const spread = (xs: number[]) => Math.max(...xs.slice(50)) - Math.min(...xs.slice(50));
    expect(spread(smooth(noisy, 0.9))).toBeLessThan(spread(smooth(noisy, 0.5)));
    expect(spread(smooth(noisy, 0.5))).toBeLessThan(spread(noisy));
    const s = smooth([1, NaN, 1], 0.5);
    expect(Number.isNaN(s[1])).toBe(true);
    expect(s[2]).toBeCloseTo(1, 12);
    expect(smooth([1, 2], 5)).toEqual(smooth([1, 2], 0.99)); // clamped
  });
});

describe('x axes', () => {
  const p = pts([5, 4, 3]);
  it('gives steps, seconds since the first point, or wall-clock milliseconds', () => {
    expect(xValues(p, 'step')).toEqual([0, 1, 2]);
    expect(xValues(p, 'relative')).toEqual([0, 1.5, 3]);
    expect(xValues(p, 'wall')).toEqual(p.map((x) => x.timestampMs));
  });
  it('labels relative times briefly', () => {
    expect(fmtSeconds(42)).toBe('42s');
    expect(fmtSeconds(1.5)).toBe('1.5s');
    expect(fmtSeconds(185)).toBe('3m 05s');
    expect(fmtSeconds(3720)).toBe('1h 02m');
  });
  it('pairs x with the (smoothed) y in step order', () => {
    const shuffled = [p[2], p[0], p[1]];
    expect(seriesData(shuffled, { x: 'relative', smoothing: 0 }, false)).toEqual([[0, 5], [1.5, 4], [3, 3]]);
    expect(seriesData(pts([1, 0]), { x: 'step', smoothing: 0 }, true)[1][1]).toBeGreaterThan(0); // log axis: kept positive
  });
});

describe('history chart with a view', () => {
  it('puts wall time on a time axis and relative time on seconds', () => {
    expect(historyLines([{ name: 'a', points: pts([3, 2]) }], 'loss', 'linear', { x: 'wall', smoothing: 0 }).xAxis.type).toBe('time');
    const rel = historyLines([{ name: 'a', points: pts([3, 2]) }], 'loss', 'linear', { x: 'relative', smoothing: 0 });
    expect(rel.xAxis.name).toBe('relative time');
    expect(rel.series[0].data).toEqual([[0, 3], [1.5, 2]]);
  });
  it('draws a smoothed line per run over its faint raw values, same colour and legend name', () => {
    const o = historyLines([{ name: 'a', points: pts([3, 1, 3]) }, { name: 'b', points: pts([1, 1]) }], 'loss', 'linear', { x: 'step', smoothing: 0.5 });
    expect(o.series).toHaveLength(4);
    expect(o.series[0].data).toEqual(seriesData(pts([3, 1, 3]), { x: 'step', smoothing: 0.5 }, false));
    expect(o.series[2]).toMatchObject({ name: 'a', color: o.series[0].color, data: [[0, 3], [1, 1], [2, 3]] });
    expect(o.series[0].color).not.toBe(o.series[1].color);
  });
});

describe('time spread', () => {
  it('says whether a series was logged over time (Meter logs a model\'s rounds at one moment)', () => {
    expect(hasTimeSpread([{ points: pts([3, 2, 1], 1_700_000_000_000, 0) }])).toBe(false);
    expect(hasTimeSpread([{ points: pts([3, 2, 1], 1_700_000_000_000, 0) }, { points: pts([1, 2]) }])).toBe(true);
    expect(hasTimeSpread([])).toBe(false);
  });
});
