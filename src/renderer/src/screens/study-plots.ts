// The numbers behind a search's Optuna-style plots, apart from echarts so they are unit-tested: which
// parameters varied, each trial's point per parameter (slice), the objective's empirical distribution (EDF),
// and the objective interpolated over two parameters (contour).
import type { TrialInfo } from '../../../shared/domain';

/** A completed trial: one with a final objective. */
export const completedTrials = (trials: TrialInfo[]): TrialInfo[] => trials.filter((t) => t.rmseVal !== null);

export interface ParamAxis {
  param: string;
  /** numeric values, or categories (points then sit at the category's index) */
  numeric: boolean;
  categories: string[];
  /** drawn on a log axis: a loguniform parameter of the space, or positive values spanning two orders of magnitude */
  log: boolean;
}

/** The parameters that took more than one value among the completed trials (a fixed one says nothing). */
export function varyingParams(trials: TrialInfo[], logParams: readonly string[] = []): ParamAxis[] {
  const done = completedTrials(trials);
  const keys = [...new Set(done.flatMap((t) => Object.keys(t.params)))].sort();
  return keys.flatMap((param) => {
    const raw = done.map((t) => t.params[param]).filter((v): v is string => v !== undefined);
    if (new Set(raw).size < 2) return [];
    const nums = raw.map(Number);
    const numeric = nums.every((v) => Number.isFinite(v));
    const min = Math.min(...nums);
    const max = Math.max(...nums);
    return [{ param, numeric, categories: numeric ? [] : [...new Set(raw)].sort(), log: numeric && min > 0 && (logParams.includes(param) || max / min >= 100) }];
  });
}

/** Where a trial sits on a parameter's axis: its value, or its category's index. */
export function axisValue(axis: ParamAxis, t: TrialInfo): number | null {
  const v = t.params[axis.param];
  if (v === undefined) return null;
  return axis.numeric ? Number(v) : axis.categories.indexOf(v);
}

export interface SlicePoint { x: number; y: number; trial: number }

/** Objective against one parameter, one point per completed trial (coloured by trial number in the chart). */
export function slicePoints(trials: TrialInfo[], axis: ParamAxis): SlicePoint[] {
  return completedTrials(trials).flatMap((t) => {
    const x = axisValue(axis, t);
    return x === null ? [] : [{ x, y: t.rmseVal!, trial: t.trial }];
  });
}

/** Empirical distribution function: the share of completed trials with an objective ≤ each value. */
export function edfPoints(trials: TrialInfo[]): [number, number][] {
  const ys = completedTrials(trials).map((t) => t.rmseVal!).sort((a, b) => a - b);
  const out: [number, number][] = [];
  ys.forEach((y, i) => {
    // ties: one point at the top of the step
    if (i + 1 < ys.length && ys[i + 1] === y) return;
    out.push([y, (i + 1) / ys.length]);
  });
  return out;
}

export interface ContourGrid {
  /** cell edges along each axis (in the axis's own units; log axes are spaced evenly in log) */
  xEdges: number[];
  yEdges: number[];
  /** z[j][i]: the interpolated objective of cell (i, j) */
  z: number[][];
  min: number;
  max: number;
}

const toUnit = (axis: ParamAxis, lo: number, hi: number) => (v: number): number => {
  if (hi === lo) return 0.5;
  return axis.log ? (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (v - lo) / (hi - lo);
};
const edges = (axis: ParamAxis, lo: number, hi: number, cells: number): number[] => Array.from({ length: cells + 1 }, (_, k) => {
  const u = k / cells;
  return axis.log ? Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))) : lo + u * (hi - lo);
});

/**
 * The objective over two parameters on a `cells`×`cells` grid by inverse-distance weighting (power 2) of the
 * completed trials, distances taken on axes scaled to [0, 1] (log axes in log), so no parameter's units
 * dominate. Null with fewer than 3 trials having both parameters. A category axis spans its indexes ±0.5.
 */
export function contourGrid(trials: TrialInfo[], xAxis: ParamAxis, yAxis: ParamAxis, cells = 24): ContourGrid | null {
  const pts = completedTrials(trials).flatMap((t) => {
    const x = axisValue(xAxis, t);
    const y = axisValue(yAxis, t);
    return x === null || y === null ? [] : [{ x, y, z: t.rmseVal! }];
  });
  if (pts.length < 3) return null;
  // Numeric axes reach 5% past the extreme trials (in log for a log axis), so the trials at the edges are drawn whole.
  const range = (axis: ParamAxis, vs: number[]): [number, number] => {
    if (!axis.numeric) return [-0.5, axis.categories.length - 0.5];
    const [lo, hi] = [Math.min(...vs), Math.max(...vs)];
    if (axis.log) { const pad = 0.05 * Math.log(hi / lo); return [lo * Math.exp(-pad), hi * Math.exp(pad)]; }
    const pad = 0.05 * (hi - lo);
    return [lo - pad, hi + pad];
  };
  const [x0, x1] = range(xAxis, pts.map((p) => p.x));
  const [y0, y1] = range(yAxis, pts.map((p) => p.y));
  const ux = toUnit(xAxis, x0, x1);
  const uy = toUnit(yAxis, y0, y1);
  const unit = pts.map((p) => ({ u: ux(p.x), v: uy(p.y), z: p.z }));
  const xEdges = edges(xAxis, x0, x1, cells);
  const yEdges = edges(yAxis, y0, y1, cells);
  const z: number[][] = [];
  let min = Infinity;
  let max = -Infinity;
  for (let j = 0; j < cells; j++) {
    const row: number[] = [];
    const v = (j + 0.5) / cells;
    for (let i = 0; i < cells; i++) {
      const u = (i + 0.5) / cells;
      let num = 0;
      let den = 0;
      let exact: number | null = null;
      for (const p of unit) {
        const d2 = (p.u - u) ** 2 + (p.v - v) ** 2;
        if (d2 < 1e-12) { exact = p.z; break; }
        const w = 1 / d2;
        num += w * p.z;
        den += w;
      }
      const val = exact ?? num / den;
      row.push(val);
      min = Math.min(min, val);
      max = Math.max(max, val);
    }
    z.push(row);
  }
  return { xEdges, yEdges, z, min, max };
}
