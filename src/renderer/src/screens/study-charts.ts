// echarts options for a search's Optuna-style plots (data from study-plots.ts): slice plots, a contour of two
// parameters, and the objective's empirical distribution. Colours read in light and dark themes alike.
import type { TrialInfo } from '../../../shared/domain';
import { edfPoints, slicePoints, type ContourGrid, type ParamAxis } from './study-plots';

/** viridis ends and middle: ordered, and readable on white and on the dark theme */
const VIRIDIS = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'];

function axisOf(a: ParamAxis, position: 'x' | 'y') {
  const name = { name: a.param, nameLocation: 'middle', nameGap: position === 'x' ? 24 : 44 };
  // Categories sit at their index; labels and ticks go there (ticks from min -0.5 would fall between them, unlabelled).
  if (!a.numeric) {
    const at = a.categories.map((_, i) => i);
    return { ...name, type: 'value', min: -0.5, max: a.categories.length - 0.5, axisLabel: { customValues: at, formatter: (v: number) => a.categories[v] ?? '' }, axisTick: { customValues: at } };
  }
  return { ...name, type: a.log ? 'log' : 'value', scale: true, axisLabel: { hideOverlap: true, formatter: (v: number) => String(Number(v.toPrecision(3))) } };
}

/** One small chart per parameter: the objective against it, points coloured by trial number. */
export function sliceOption(trials: TrialInfo[], axis: ParamAxis, lastTrial: number) {
  const pts = slicePoints(trials, axis);
  return {
    animation: false,
    tooltip: { formatter: (p: { value: number[] }) => `trial ${p.value[2]}: ${axis.param} ${axis.numeric ? Number(p.value[0].toPrecision(4)) : axis.categories[p.value[0]]}, rmse_val ${p.value[1].toFixed(4)}` },
    grid: { left: 52, right: 12, top: 12, bottom: 40 },
    xAxis: axisOf(axis, 'x'),
    // at the left edge, not at the x axis' 0 (the first category's place)
    yAxis: { type: 'value', name: 'rmse_val', nameLocation: 'middle', nameGap: 40, scale: true, axisLine: { onZero: false } },
    visualMap: { show: false, dimension: 2, min: 1, max: Math.max(2, lastTrial), inRange: { color: VIRIDIS } },
    series: [{ type: 'scatter', symbolSize: 8, data: pts.map((p) => [p.x, p.y, p.trial]) }],
  };
}

/** The interpolated objective over two parameters as coloured cells, with the trials on top. */
export function contourOption(trials: TrialInfo[], x: ParamAxis, y: ParamAxis, grid: ContourGrid) {
  const cells: number[][] = [];
  grid.z.forEach((row, j) => row.forEach((z, i) => cells.push([grid.xEdges[i], grid.yEdges[j], grid.xEdges[i + 1], grid.yEdges[j + 1], z])));
  const pts = trials.filter((t) => t.rmseVal !== null && t.params[x.param] !== undefined && t.params[y.param] !== undefined).map((t) => [
    x.numeric ? Number(t.params[x.param]) : x.categories.indexOf(t.params[x.param]),
    y.numeric ? Number(t.params[y.param]) : y.categories.indexOf(t.params[y.param]), t.rmseVal!, t.trial]);
  const edgeless = (a: ParamAxis) => (a.numeric ? { axisLabel: { ...axisOf(a, 'x').axisLabel, showMinLabel: false, showMaxLabel: false } } : {});
  return {
    animation: false,
    tooltip: { formatter: (p: { seriesType: string; value: number[] }) => (p.seriesType === 'scatter' ? `trial ${p.value[3]}: rmse_val ${p.value[2].toFixed(4)}` : `≈ ${p.value[4].toFixed(4)} (interpolated)`) },
    grid: { left: 64, right: 90, top: 16, bottom: 44 },
    // the grid's edges are odd numbers (the trials' extremes): their labels would crowd the nice ticks
    xAxis: { ...axisOf(x, 'x'), ...edgeless(x), min: grid.xEdges[0], max: grid.xEdges[grid.xEdges.length - 1] },
    yAxis: { ...axisOf(y, 'y'), ...edgeless(y), min: grid.yEdges[0], max: grid.yEdges[grid.yEdges.length - 1] },
    visualMap: { type: 'continuous', seriesIndex: 0, dimension: 4, min: grid.min, max: grid.max, right: 0, top: 'middle', itemHeight: 160, text: ['worse', 'better'], calculable: false, inRange: { color: [...VIRIDIS].reverse() }, formatter: (v: number) => v.toFixed(2) },
    series: [
      {
        type: 'custom', data: cells, silent: false, encode: { x: [0, 2], y: [1, 3] },
        renderItem: (_: unknown, api: { value: (i: number) => number; coord: (p: number[]) => number[]; visual: (k: string) => string }) => {
          const [ax, ay] = api.coord([api.value(0), api.value(1)]);
          const [bx, by] = api.coord([api.value(2), api.value(3)]);
          return { type: 'rect', shape: { x: Math.min(ax, bx), y: Math.min(ay, by), width: Math.abs(bx - ax) + 0.5, height: Math.abs(by - ay) + 0.5 }, style: { fill: api.visual('color') } };
        },
      },
      { type: 'scatter', symbolSize: 8, itemStyle: { color: '#ffffff', borderColor: '#222222', borderWidth: 1 }, data: pts },
    ],
  };
}

/** Empirical distribution of the objective: the share of completed trials at or below each value. */
export function edfOption(trials: TrialInfo[]) {
  return {
    animation: false,
    tooltip: { trigger: 'axis', formatter: (ps: { value: number[] }[]) => `${(ps[0].value[1] * 100).toFixed(0)}% of trials ≤ ${ps[0].value[0].toFixed(4)}` },
    grid: { left: 56, right: 16, top: 16, bottom: 40 },
    xAxis: { type: 'value', name: 'rmse_val', nameLocation: 'middle', nameGap: 24, scale: true },
    yAxis: { type: 'value', name: 'share of trials', nameLocation: 'middle', nameGap: 40, min: 0, max: 1, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
    series: [{ type: 'line', step: 'end', symbolSize: 5, data: [[edfPoints(trials)[0]?.[0] ?? 0, 0], ...edfPoints(trials)] }],
  };
}
