// Monitoring's and scoring's charts at the widths they get in a 1024 px window: axis names clear of their ticks
// and of the edge (the histogram's "trips" was cut at the top and sat on the highest tick), the timeline's
// threshold labels inside the chart, and a timeline's failed months on its axis in month order.
import { describe, expect, it } from 'vitest';
import type { DriftReportSummary, MonitoringFailure } from '../../../shared/domain';
import { crowdedTexts, textsOutside } from './chart-bounds.test-support';
import { distributionOption, residualsOption, timelineEntries, timelineOption } from './monitor-charts';
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
