// echarts options for monitoring: a timeline of drift per month (with the thresholds, and the months that
// failed) and a column's reference and current distributions overlaid.
import * as echarts from 'echarts/core';
import type { EChartsCoreOption } from 'echarts/core';
import { MarkLineComponent } from 'echarts/components';
import type { DriftChart, DriftReportSummary, MonitoringFailure, ResidualGroup } from '../../../shared/domain';

// The thresholds are drawn as mark lines, a component the shared chart wrapper does not register.
echarts.use([MarkLineComponent]);

const COLUMNS = ['PULocationID', 'DOLocationID', 'trip_distance', 'duration'];

/**
 * The timeline's colours, one hue per series, each mid-light so it reads on the light card (#fff) and the dark
 * one (#1e2128); echarts' palette gave PULocationID and prediction drift near-identical yellows and
 * DOLocationID a navy lost in the dark theme. RMSE (right axis) is also dashed with square points, so where it
 * crosses a drift line the two stay apart.
 */
export const TIMELINE_COLORS: Record<string, string> = {
  'dataset drift share': '#4a7fe0', PULocationID: '#3aa655', DOLocationID: '#9467d0', trip_distance: '#e5602a',
  duration: '#1aa5b8', 'prediction drift': '#c9a400', RMSE: '#e0457b',
};

/** A timeline's month: its report, or the reason it could not be monitored. */
export type TimelineEntry = { month: string | null; report: DriftReportSummary; failure?: undefined } | { month: string | null; report?: undefined; failure: MonitoringFailure };

/** Reports and failed months in month order (each list comes in month order; a month without one goes last). */
export function timelineEntries(rows: DriftReportSummary[], failed: MonitoringFailure[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [...rows.map((report) => ({ month: report.month, report })), ...failed.map((failure) => ({ month: failure.month, failure }))];
  const key = (e: TimelineEntry) => e.month ?? '\uffff';
  return entries.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)); // stable: a list's own order holds
}

export function timelineOption(entries: TimelineEntry[]): EChartsCoreOption {
  const rows = entries.flatMap((e) => (e.report ? [e.report] : []));
  const months = entries.map((e) => e.month ?? (e.report ? e.report.reportId.slice(0, 6) : e.failure.fileName));
  const threshold = rows[0]?.datasetDrift.threshold ?? 0.5;
  const colThreshold = rows.find((r) => r.columns.prediction)?.columns.prediction.threshold ?? 0.1;
  const of = (f: (r: DriftReportSummary) => number | null) => entries.map((e) => (e.report ? f(e.report) : null));
  const line = (name: string, data: (number | null)[], extra: object = {}) => ({ name, type: 'line', data, symbolSize: 8, color: TIMELINE_COLORS[name], ...extra });
  // Threshold labels sit inside the plot, at its right end: outside it they were cut at the chart's edge.
  const mark = (text: string, y: number, type: string) => ({ symbol: 'none', label: { formatter: text, position: 'insideEndTop' }, lineStyle: { type }, data: [{ yAxis: y }] });
  const hasRmse = rows.some((r) => r.rmse !== null);
  const hasFailed = entries.some((e) => e.failure);
  return {
    tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 56, right: hasRmse ? 56 : 16, top: 64, bottom: 36 },
    xAxis: { type: 'category', data: months },
    yAxis: [{ type: 'value', name: 'drift' }, ...(hasRmse ? [{ type: 'value', name: 'RMSE', splitLine: { show: false } }] : [])],
    series: [
      line('dataset drift share', of((r) => r.datasetDrift.share), { lineStyle: { width: 3 }, markLine: mark(`share threshold ${threshold}`, threshold, 'dashed') }),
      ...COLUMNS.filter((c) => rows.some((r) => r.columns[c])).map((c) => line(c, of((r) => r.columns[c]?.statistic ?? null))),
      line('prediction drift', of((r) => r.columns.prediction?.statistic ?? null), { markLine: mark(`column threshold ${colThreshold}`, colThreshold, 'dotted') }),
      ...(hasRmse ? [line('RMSE', of((r) => r.rmse), { yAxisIndex: 1, symbol: 'rect', lineStyle: { type: 'dashed', width: 2 } })] : []),
      // A month that could not be monitored: a red cross on the axis, its reason in the table below.
      ...(hasFailed ? [{ name: 'failed month', type: 'scatter', symbol: 'path://M0,0L10,10M10,0L0,10', symbolSize: 12, itemStyle: { color: '#d9534f', borderColor: '#d9534f', borderWidth: 2 },
        data: entries.map((e) => (e.failure ? 0 : null)) }] : []),
    ],
  };
}

export function distributionOption(chart: DriftChart): EChartsCoreOption {
  const labels = chart.kind === 'histogram' ? chart.reference.map((_, i) => Number(chart.edges[i].toPrecision(3)).toString()) : chart.categories;
  const pct = (a: number[]) => a.map((v) => Number((v * 100).toFixed(3)));
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` }, legend: { top: 0, right: 0 }, grid: { left: 44, right: 8, top: 36, bottom: 28 },
    // the axis name above its ticks, clear of the top edge (at grid top 28 it was cut there)
    xAxis: { type: 'category', data: labels }, yAxis: { type: 'value', name: '%', nameGap: 12, nameTextStyle: { align: 'right' } },
    series: [
      { name: 'reference', type: 'bar', data: pct(chart.reference), barGap: chart.kind === 'histogram' ? '-100%' : '10%', itemStyle: { opacity: chart.kind === 'histogram' ? 0.55 : 1 } },
      { name: 'current', type: 'bar', data: pct(chart.current), itemStyle: { opacity: chart.kind === 'histogram' ? 0.55 : 1 } },
    ],
  };
}

export function residualsOption(groups: ResidualGroup[], axis: string): EChartsCoreOption {
  return {
    tooltip: { trigger: 'axis' }, legend: { top: 0, right: 0, data: ['mean residual', 'RMSE'] }, grid: { left: 48, right: 8, top: 32, bottom: 36 },
    xAxis: { type: 'category', data: groups.map((g) => g.key), name: axis, nameLocation: 'middle', nameGap: 24 }, yAxis: { type: 'value', name: 'minutes' },
    series: [{ name: 'mean residual', type: 'bar', data: groups.map((g) => g.meanResidual) }, { name: 'RMSE', type: 'line', data: groups.map((g) => g.rmse) }],
  };
}
