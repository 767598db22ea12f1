// echarts options for the live search view.
import type { TuningStatus } from '../../../shared/domain';

/** Loss per trial and the best so far; `log` puts the loss on a log axis (Optuna's history log toggle). Pruned
 * trials sit apart at their last intermediate value, with the round they stopped at. */
export function lossOption(s: TuningStatus, log = false) {
  const done = s.trials.filter((t) => t.rmseVal !== null);
  const pruned = s.trials.filter((t) => t.pruned);
  // The log view plots log10(loss) on a value axis labelled in loss units: ticks stay evenly spaced and fit the
  // data (echarts' own log axis only ticks at powers of ten, the flat 1–10 axis the issue complained about).
  const y = (v: number): number => (log ? Math.log10(v) : v);
  const shown = (v: number, digits = 4): string => (log ? 10 ** v : v).toPrecision(digits);
  let best = Infinity;
  const bestLine = done.map((t) => { best = Math.min(best, t.rmseVal!); return [t.trial, y(best)]; });
  const names = ['trial rmse_val', 'best so far', ...(pruned.length ? ['pruned (last value)'] : [])];
  return {
    animation: false,
    tooltip: { trigger: 'item', formatter: (p: { seriesName: string; value: number[] }) => (p.seriesName.startsWith('pruned')
      ? `trial ${p.value[0]}: pruned at round ${p.value[2]}, rmse_val ${shown(p.value[1])}`
      : `trial ${p.value[0]}: ${p.seriesName} ${shown(p.value[1])}`) },
    // the axis name sits along the axis, clear of the legend above the plot
    legend: { top: 0, data: names }, grid: { left: 64, right: 16, top: 36, bottom: 36 },
    xAxis: { type: 'value', name: 'trial', nameLocation: 'middle', nameGap: 24, min: 1, max: Math.max(s.maxTrials, s.trials.length, 2), minInterval: 1 },
    yAxis: { type: 'value', name: log ? 'rmse_val (log scale)' : 'rmse_val', nameLocation: 'middle', nameGap: 46, scale: true, axisLabel: { formatter: (v: number) => String(Number(shown(v, 3))) } },
    series: [
      { name: 'trial rmse_val', type: 'scatter', symbolSize: 9, data: done.map((t) => [t.trial, y(t.rmseVal!)]) },
      { name: 'best so far', type: 'line', step: 'end', showSymbol: false, data: bestLine },
      ...(pruned.length ? [{ name: 'pruned (last value)', type: 'scatter', symbol: 'triangle', symbolSize: 9, itemStyle: { color: '#9a9a9a' }, data: pruned.map((t) => [t.trial, y(t.pruned!.value), t.pruned!.step]) }] : []),
    ],
  };
}

export function trialsParallelOption(s: TuningStatus) {
  const done = s.trials.filter((t) => t.rmseVal !== null);
  const keys = [...new Set(done.flatMap((t) => Object.keys(t.params)))].filter((k) => new Set(done.map((t) => t.params[k])).size > 1);
  const numeric = keys.map((k) => done.every((t) => t.params[k] === undefined || Number.isFinite(Number(t.params[k]))));
  const axes = [...keys.map((k, dim) => (numeric[dim]
    ? { dim, name: k, type: 'value', scale: true }
    : { dim, name: k, type: 'category', data: [...new Set(done.map((t) => String(t.params[k] ?? '—')))] })),
  { dim: keys.length, name: 'rmse_val', type: 'value', scale: true }];
  return {
    animation: false,
    tooltip: {}, parallel: { left: 50, right: 70, top: 40, bottom: 30 }, parallelAxis: axes,
    visualMap: undefined,
    // Category axes take the category's index (echarts draws no line through a raw string it can't place).
    series: [{ type: 'parallel', lineStyle: { width: 1.5, opacity: 0.7 }, data: done.map((t) => [...keys.map((k, i) => {
      if (numeric[i]) return Number(t.params[k]);
      const cats = (axes[i] as { data?: string[] }).data ?? [];
      return cats.indexOf(String(t.params[k] ?? '—'));
    }), t.rmseVal]) }],
  };
}

/** The longest parameter name shown whole on the importance chart's axis; a longer one is cut with "…" (the
 * tooltip has it whole). */
const NAME_WIDTH = 120;

export function importanceOption(s: TuningStatus) {
  const imp = [...s.importance].reverse();
  return {
    animation: false,
    tooltip: { formatter: (p: { name: string; value: number }) => `${p.name}: importance ${p.value}` },
    // containLabel: the grid starts after the widest (capped) parameter name; right: room for the value printed
    // after a bar that reaches 1 ("0.987" was cut at the chart's edge)
    grid: { left: 8, right: 44, top: 10, bottom: 24, containLabel: true },
    xAxis: { type: 'value', max: 1 },
    yAxis: { type: 'category', data: imp.map((i) => i.param), axisLabel: { width: NAME_WIDTH, overflow: 'truncate' } },
    series: [{ type: 'bar', data: imp.map((i) => Number(i.importance.toFixed(3))), label: { show: true, position: 'right' } }],
  };
}
