// echarts options for the compare view, built from plain run data (no React here).
import type { MetricPoint, Run } from '../../../shared/domain';
import { DEFAULT_VIEW, fmtSeconds, seriesData, type ChartView } from './metric-series';

/** echarts' default palette, named so a smoothed line and its faint raw values share a colour */
export const PALETTE = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc'];

export type Axis = string; // a filter-language key: metrics.x or params.y

export function valueOf(run: Run, key: Axis): string | number | undefined {
  const [prefix, ...rest] = key.split('.');
  const k = rest.join('.');
  return prefix === 'metrics' ? run.metrics[k] : prefix === 'params' ? run.params[k] : undefined;
}

// echarts tooltips are HTML: anything from the store is escaped before it goes in one.
const esc = (v: unknown): string => String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const isNumeric = (values: (string | number | undefined)[]): boolean =>
  values.every((v) => v === undefined || (v !== '' && Number.isFinite(Number(v))));

export function barOption(runs: Run[], metric: string) {
  return {
    tooltip: {}, grid: { left: 60, right: 16, top: 36, bottom: 60 }, // top: room for the axis name above the axis
    xAxis: { type: 'category', data: runs.map((r) => r.name), axisLabel: { rotate: 20 } },
    // bars start at 0 (scale: false keeps zero on the axis): a bar's height is its value, so 7.35 is drawn
    // 1.4× 5.26, as on the run page, not 9× as on an axis fitted to the values
    yAxis: { type: 'value', name: metric, scale: false },
    series: [{ type: 'bar', barMaxWidth: 48, data: runs.map((r) => r.metrics[metric] ?? null), label: { show: true, position: 'top', formatter: (p: { value: number }) => (p.value ?? 0).toFixed(3) } }],
  };
}

export type YScale = 'linear' | 'log';

/** log when every value is positive and they span more than two decades (lasso's duality gap), else linear */
export function autoScale(series: { points: MetricPoint[] }[]): YScale {
  const values = series.flatMap((s) => s.points.map((p) => p.value)).filter(Number.isFinite);
  if (values.length === 0 || values.some((v) => v <= 0)) return 'linear';
  return Math.max(...values) / Math.min(...values) > 100 ? 'log' : 'linear';
}

/**
 * Metric histories as lines: steps on an integer axis (or relative / wall time), values on a linear or log axis
 * fitted to the data (not a fixed 1–10 decade), and the legend below the plot so it never covers tick labels.
 * With smoothing, each line is the smoothed curve over its raw values drawn faint (as MLflow and TensorBoard
 * do); the legend toggles both.
 */
/** A legend name cut in the middle, so runs that differ only at the end (search-…-trial-24) stay apart. */
export const middleCut = (name: string, max = 22): string => (name.length <= max ? name : `${name.slice(0, Math.ceil(max / 2) - 1)}…${name.slice(-Math.floor(max / 2))}`);

/** `colorIndex`: the run's place among those charted, so a run has one colour in every chart it is in. */
export function historyLines(series: { name: string; points: MetricPoint[]; colorIndex?: number }[], yName: string, scale: YScale, view: ChartView = DEFAULT_VIEW) {
  const log = scale === 'log';
  const smoothed = view.smoothing > 0;
  // time axes span the data only (echarts pads a short time span out to days otherwise)
  const xAxis = view.x === 'wall'
    ? { type: 'time', name: 'wall time', nameLocation: 'middle', nameGap: 24, min: 'dataMin', max: 'dataMax', axisLabel: { hideOverlap: true } }
    : view.x === 'relative'
      ? { type: 'value', name: 'relative time', nameLocation: 'middle', nameGap: 24, min: 0, max: 'dataMax', axisLabel: { formatter: fmtSeconds, hideOverlap: true } }
      : { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 24, minInterval: 1, axisLabel: { formatter: (v: number) => (Number.isInteger(v) ? String(v) : '') } };
  const line = (s: { name: string; points: MetricPoint[]; colorIndex?: number }, i: number) => ({
    name: s.name, type: 'line', showSymbol: s.points.length < 30 && !smoothed, color: PALETTE[(s.colorIndex ?? i) % PALETTE.length],
    data: seriesData(s.points, view, log),
  });
  return {
    animation: false,
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => (typeof v === 'number' ? String(Number(v.toPrecision(5))) : String(v)) },
    // long run names are cut in the middle in the legend (the tooltip has them whole), so several fit a row at
    // 1024 px and trials of one search, which differ only at the end, stay apart
    legend: { bottom: 0, type: 'scroll', data: series.map((s) => s.name), formatter: (n: string) => middleCut(n), tooltip: { show: true } },
    grid: { left: 64, right: 24, top: 28, bottom: 64 },
    xAxis,
    // a log axis fitted to the values too (echarts would otherwise show whole decades: 1–10 flattens RMSEs)
    yAxis: { type: log ? 'log' : 'value', name: yName, scale: true, axisLabel: { formatter: (v: number) => String(Number(v.toPrecision(4))), hideOverlap: true },
      ...(log ? { min: (e: { min: number }) => e.min / 1.05, max: (e: { max: number }) => e.max * 1.05 } : {}) },
    dataZoom: [{ type: 'inside' }],
    series: [
      ...series.map(line),
      // the raw values behind a smoothed line: same colour, faint, no tooltip entry
      ...(smoothed ? series.map((s, i) => ({ ...line(s, i), data: seriesData(s.points, { ...view, smoothing: 0 }, log), showSymbol: false,
        lineStyle: { opacity: 0.25 }, silent: true, tooltip: { show: false }, z: 1 })) : []),
    ],
  };
}

export function historyOption(runs: Run[], key: string, history: Record<string, MetricPoint[]>, scale: YScale, view: ChartView = DEFAULT_VIEW) {
  return historyLines(runs.map((r) => ({ name: r.name, points: history[r.runId] ?? [] })), key, scale, view);
}

/** An axis name short enough to sit above its axis; the full name is in the tooltip. */
export const shortName = (name: string, max = 14): string => (name.length <= max ? name : `${name.slice(0, max - 1)}…`);

/**
 * Parallel coordinates: the params that differ between the runs (plus the metric, last), lines coloured by
 * the metric (a visualMap on its axis). Names are shortened and tilted; hovering a line lists every axis with
 * its full name and the run's value.
 */
export function parallelOption(runs: Run[], params: string[], metric: string) {
  const axes = [...params.map((p) => `params.${p}`), `metrics.${metric}`];
  const parallelAxis = axes.map((a, dim) => {
    const values = runs.map((r) => valueOf(r, a));
    const name = shortName(a.replace(/^(params|metrics)\./, ''));
    const common = { dim, name, nameRotate: axes.length > 6 ? 20 : 0, nameTextStyle: { fontSize: 11 }, axisLabel: { fontSize: 10, hideOverlap: true } };
    // A param only some runs have (another model's) is a category axis with '—' first, so every line stays whole.
    if (isNumeric(values) && values.every((v) => v !== undefined)) return { ...common, type: 'value', scale: true };
    const data = [...new Set(values.map((v) => String(v ?? '—')))]
      .sort((x, y) => (x === '—' ? -1 : y === '—' ? 1 : isNumeric([x, y]) ? Number(x) - Number(y) : x.localeCompare(y)));
    return { ...common, type: 'category', data, axisLabel: { ...common.axisLabel, width: 70, overflow: 'truncate' } };
  });
  const metricValues = runs.map((r) => r.metrics[metric]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const lo = metricValues.length ? Math.min(...metricValues) : 0;
  const hi = metricValues.length ? Math.max(...metricValues) : 1;
  return {
    animation: false, // drawn at once: a comparison is read, not watched (and shots show the whole chart)
    tooltip: {
      formatter: (p: { name: string; value: number[] }) => [`<b>${esc(p.name)}</b>`, ...axes.map((a, i) => {
        const ax = parallelAxis[i] as { type: string; data?: string[] };
        const v = ax.type === 'value' ? p.value[i] : ax.data?.[p.value[i]];
        return `${esc(a)}: ${esc(typeof v === 'number' ? Number(v.toPrecision(6)) : v ?? '—')}`;
      })].join('<br/>'),
    },
    // lower is better for the RMSEs Meter logs: the best runs draw in the first colour of the map
    visualMap: { type: 'continuous', dimension: axes.length - 1, min: lo, max: hi === lo ? lo + 1e-9 : hi, calculable: true, orient: 'vertical',
      right: 8, top: 'middle', itemHeight: 120, text: [shortName(metric, 12), ''], inRange: { color: ['#2f9e5b', '#e0a33a', '#c8372d'] } },
    parallel: { left: 50, right: 120, top: axes.length > 6 ? 60 : 44, bottom: 28 }, parallelAxis,
    series: [{ type: 'parallel', lineStyle: { width: 2, opacity: 0.85 }, data: runs.map((r) => ({
      name: r.name, value: axes.map((a, i) => {
        const v = valueOf(r, a);
        const ax = parallelAxis[i] as { type: string; data?: string[] };
        return ax.type === 'value' ? Number(v) : (ax.data ?? []).indexOf(String(v ?? '—'));
      }),
    })) }],
  };
}

/**
 * The scatter's x axis when none is chosen: the key most of the compared runs have, so every run is a point —
 * a param that differs first, then a metric other than y, then any param. (The first differing param by name
 * was often one only one run has, e.g. ridge's alpha beside gbt runs: one point.)
 */
export function defaultScatterX(runs: Run[], diffParams: string[], metricKeys: string[], paramKeys: string[], y: Axis): Axis {
  const candidates = [...diffParams.map((k) => `params.${k}`), ...metricKeys.map((k) => `metrics.${k}`).filter((k) => k !== y), ...paramKeys.map((k) => `params.${k}`)];
  let best = '';
  let most = 0;
  for (const c of candidates) {
    const have = runs.filter((r) => valueOf(r, c) !== undefined).length;
    if (have > most) { best = c; most = have; }
  }
  return best || y;
}

export function scatterOption(runs: Run[], x: Axis, y: Axis) {
  const xs = runs.map((r) => valueOf(r, x));
  const ys = runs.map((r) => valueOf(r, y));
  const axis = (name: string, values: (string | number | undefined)[]) => isNumeric(values)
    ? { type: 'value', name, scale: true }
    : { type: 'category', name, data: [...new Set(values.map((v) => String(v ?? '—')))] };
  return {
    tooltip: { formatter: (p: { data: { name: string; value: unknown[] } }) => `${esc(p.data.name)}<br/>${esc(x)}: ${esc(p.data.value[0])}<br/>${esc(y)}: ${esc(p.data.value[1])}` },
    grid: { left: 70, right: 30, top: 30, bottom: 50 },
    xAxis: { ...axis(x, xs), nameLocation: 'middle', nameGap: 28 }, yAxis: axis(y, ys),
    series: [{ type: 'scatter', symbolSize: 12, data: runs.map((r, i) => ({ name: r.name, value: [isNumeric(xs) ? Number(xs[i]) : String(xs[i] ?? '—'), isNumeric(ys) ? Number(ys[i]) : String(ys[i] ?? '—')] })) }],
  };
}
