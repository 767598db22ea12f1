// Monitoring's and scoring's charts at the widths they get in a 1024 px window: axis names clear of their ticks
// and of the edge (the histogram's "trips" was cut at the top and sat on the highest tick), the timeline's
// threshold labels inside the chart, and a timeline's failed months on its axis in month order.
import { describe, expect, it } from 'vitest';
import type { DriftReportSummary, MonitoringFailure } from '../../../shared/domain';
import { crowdedTexts, textsOutside } from './chart-bounds.test-support';
import { distributionOption, residualsOption, TIMELINE_COLORS, timelineEntries, timelineOption } from './monitor-charts';
import { countHistogramOption } from './score-charts';

const HALF = 400; // a chart beside another in a 1024 px window
const FULL = 780; // the timeline's card

const edges = Array.from({ length: 41 }, (_, i) => i * 1.5);
/** a skewed trip-duration histogram, 4,829 trips as the sample's February */
const counts = edges.slice(1).map((e) => Math.round(4829 * Math.exp(-((e - 10) ** 2) / 60) / 9.7));

const summary = (month: string, share: number, rmse: number | null): DriftReportSummary => ({
  reportId: `r-${month}`, jobId: 'j', model: { uri: 'models:/taxi-duration/1', name: 'taxi-duration', version: 1, runId: 'r' }, month, files: [], rows: 1000,
  datasetDrift: { share, threshold: 0.5, drifted: share >= 0.5 },
  columns: { trip_distance: { method: 'wasserstein', statistic: share / 5, threshold: 0.1, drifted: false }, prediction: { method: 'wasserstein', statistic: 0.02, threshold: 0.1, drifted: false } },
  rmse, alerts: [], createdMs: 0,
});
const failure = (month: string | null, fileName: string): MonitoringFailure => ({ jobId: 'j', path: `/d/${fileName}`, fileName, month, code: 'FILE_UNREADABLE', reason: 'x', createdMs: 0 });

describe('axis names clear of ticks and edges', () => {
  it("the scored file's histograms: 'trips' above its ticks, inside the chart", () => {
    const o = countHistogramOption(edges, counts, 'minutes');
    expect(crowdedTexts(o, ['trips', 'minutes'], HALF, 300)).toEqual([]);
    expect(textsOutside(o, HALF)).toEqual([]);
  });

  it("a drift report's distributions and residuals", () => {
    const shares = counts.map((c) => c / 4829);
    const hist = distributionOption({ kind: 'histogram', edges, reference: shares, current: shares.map((s, i) => (i % 2 ? s * 1.2 : s * 0.8)) });
    expect(crowdedTexts(hist, ['%'], HALF, 300)).toEqual([]);
    const hours = Array.from({ length: 24 }, (_, h) => ({ key: String(h), n: 200, meanResidual: Math.sin(h) * 3, rmse: 7 + Math.cos(h) }));
    expect(crowdedTexts(residualsOption(hours, 'hour'), ['minutes', 'hour'], HALF, 300)).toEqual([]);
  });

  it("the timeline: axis names and threshold labels inside, clear of the ticks", () => {
    const o = timelineOption(timelineEntries(['2023-01', '2023-02', '2023-03', '2023-04', '2023-05', '2023-06', '2023-07', '2023-08', '2023-09', '2023-10', '2023-11', '2023-12']
      .map((m, i) => summary(m, (i % 4) / 3, 6.5 + i / 10)), []));
    expect(textsOutside(o, FULL)).toEqual([]);
    expect(crowdedTexts(o, ['drift', 'RMSE', 'share threshold 0.5', 'column threshold 0.1'], FULL, 300)).toEqual([]);
  });
});

describe('a timeline with failed months', () => {
  it('puts each failed month in its place and marks it on the axis, nothing else drawn there', () => {
    const entries = timelineEntries([summary('2023-01', 0, 6.6), summary('2023-02', 0.67, 7.5), summary('2023-04', 0.33, 7)],
      [failure('2023-03', 'green_tripdata_2023-03.parquet'), failure(null, 'trips.parquet')]);
    expect(entries.map((e) => [e.month, e.failure ? 'failed' : 'report'])).toEqual([
      ['2023-01', 'report'], ['2023-02', 'report'], ['2023-03', 'failed'], ['2023-04', 'report'], [null, 'failed']]);
    const o = timelineOption(entries) as { xAxis: { data: string[] }; series: { name: string; data: (number | null)[] }[] };
    expect(o.xAxis.data).toEqual(['2023-01', '2023-02', '2023-03', '2023-04', 'trips.parquet']);
    const series = (name: string) => o.series.find((s) => s.name === name)!.data;
    expect(series('failed month')).toEqual([null, null, 0, null, 0]);
    expect(series('dataset drift share')).toEqual([0, 0.67, null, 0.33, null]);
    expect(series('RMSE')).toEqual([6.6, 7.5, null, 7, null]);
    expect((timelineOption(timelineEntries([summary('2023-01', 0, 6.6)], [])) as typeof o).series.map((s) => s.name)).not.toContain('failed month');
  });
});

/** WCAG relative luminance and contrast of two #rrggbb colours */
const luminance = (hex: string): number => {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
};
const contrast = (a: string, b: string): number => { const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x); return (hi! + 0.05) / (lo! + 0.05); };
/** hue in degrees */
const hue = (hex: string): number => {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
  const max = Math.max(r, g, b); const d = max - Math.min(r, g, b);
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
};

describe("the timeline's lines (newcomer trial 4: two near-identical yellows, RMSE on top of a drift line)", () => {
  const withColumns = (month: string, share: number, rmse: number): DriftReportSummary => {
    const s = summary(month, share, rmse);
    const col = (statistic: number) => ({ method: 'wasserstein' as const, statistic, threshold: 0.1, drifted: false });
    return { ...s, columns: { ...s.columns, PULocationID: col(0.045), DOLocationID: col(0.04), duration: col(0.03) } };
  };
  const o = timelineOption(timelineEntries([withColumns('2023-02', 0, 5.26), withColumns('2023-03', 0, 5.52)], [])) as
    { series: { name: string; color?: string; symbol?: string; lineStyle?: { type?: string } }[] };
  const lines = o.series.filter((s) => s.name !== 'failed month');

  it('gives every line its own colour, hues at least 25° apart, readable on the light and the dark card', () => {
    expect(lines.map((s) => s.name)).toEqual(['dataset drift share', 'PULocationID', 'DOLocationID', 'trip_distance', 'duration', 'prediction drift', 'RMSE']);
    const colors = lines.map((s) => s.color ?? '');
    for (const c of colors) {
      expect(c).toMatch(/^#[0-9a-f]{6}$/);
      expect(contrast(c, '#ffffff'), `${c} on white`).toBeGreaterThanOrEqual(2);
      expect(contrast(c, '#1e2128'), `${c} on the dark card`).toBeGreaterThanOrEqual(3);
    }
    for (let i = 0; i < colors.length; i++) for (let j = i + 1; j < colors.length; j++) {
      const apart = Math.abs(hue(colors[i]!) - hue(colors[j]!));
      expect(Math.min(apart, 360 - apart), `${lines[i]!.name} vs ${lines[j]!.name}`).toBeGreaterThanOrEqual(25);
    }
    expect(Object.keys(TIMELINE_COLORS)).toHaveLength(7);
  });

  it('draws RMSE (right axis) dashed with square points, unlike every drift line', () => {
    const rmse = lines.find((s) => s.name === 'RMSE')!;
    expect(rmse).toMatchObject({ symbol: 'rect', lineStyle: { type: 'dashed' } });
    for (const s of lines.filter((l) => l.name !== 'RMSE')) { expect(s.lineStyle?.type).toBeUndefined(); expect(s.symbol).toBeUndefined(); }
  });
});
