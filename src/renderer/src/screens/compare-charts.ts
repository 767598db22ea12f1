// echarts options for the compare view, built from plain run data (no React here).
import type { MetricPoint, Run } from '../../../shared/domain';

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
    tooltip: {}, grid: { left: 60, right: 16, top: 20, bottom: 60 },
    xAxis: { type: 'category', data: runs.map((r) => r.name), axisLabel: { rotate: 20 } },
    yAxis: { type: 'value', name: metric, scale: true },
    series: [{ type: 'bar', barMaxWidth: 48, data: runs.map((r) => r.metrics[metric] ?? null), label: { show: true, position: 'top', formatter: (p: { value: number }) => (p.value ?? 0).toFixed(3) } }],
  };
}

export function historyOption(runs: Run[], key: string, history: Record<string, MetricPoint[]>) {
  return {
    tooltip: { trigger: 'axis' }, legend: { top: 0, data: runs.map((r) => r.name), type: 'scroll' }, grid: { left: 64, right: 24, top: 40, bottom: 40 },
    xAxis: { type: 'value', name: 'step' }, yAxis: { type: 'log', name: key }, dataZoom: [{ type: 'inside' }],
    series: runs.map((r) => ({ name: r.name, type: 'line', showSymbol: false, data: (history[r.runId] ?? []).map((p) => [p.step, Math.max(p.value, 1e-300)]) })),
  };
}

export function parallelOption(runs: Run[], params: string[], metric: string) {
  const axes = [...params.map((p) => `params.${p}`), `metrics.${metric}`];
  const parallelAxis = axes.map((a, dim) => {
    const values = runs.map((r) => valueOf(r, a));
    return isNumeric(values)
      ? { dim, name: a.replace(/^(params|metrics)\./, ''), type: 'value', scale: true }
      : { dim, name: a.replace(/^params\./, ''), type: 'category', data: [...new Set(values.map((v) => String(v ?? '—')))] };
  });
  return {
    tooltip: {}, parallel: { left: 60, right: 80, top: 40, bottom: 30 }, parallelAxis,
    series: [{ type: 'parallel', lineStyle: { width: 2, opacity: 0.8 }, data: runs.map((r) => ({
      name: r.name, value: axes.map((a, i) => {
        const v = valueOf(r, a);
        const ax = parallelAxis[i] as { type: string; data?: string[] };
        return ax.type === 'value' ? Number(v) : (ax.data ?? []).indexOf(String(v ?? '—'));
      }),
    })) }],
  };
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
