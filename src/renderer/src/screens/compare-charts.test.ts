// The compare view's chart options: parallel coordinates that stay readable, history axes that fit the data.
import { describe, expect, it } from 'vitest';
import type { Run } from '../../../shared/domain';
import { crowdedTexts } from './chart-bounds.test-support';
import { autoScale, barOption, defaultScatterX, historyLines, middleCut, parallelOption, shortName } from './compare-charts';

const run = (name: string, params: Record<string, string>, rmse: number): Run =>
  ({ runId: name, name, params, metrics: { rmse_val: rmse } }) as unknown as Run;

describe('parallel coordinates', () => {
  const runs = [run('gbt', { model: 'gbt', regAlpha: '0.1', minChildWeightForLongName: '1' }, 5), run('ridge', { model: 'ridge', alpha: '0.5' }, 7)];
  const o = parallelOption(runs, ['alpha', 'minChildWeightForLongName', 'model', 'regAlpha'], 'rmse_val');

  it('keeps every line whole: a param only some runs have is a category axis with — first', () => {
    const alpha = o.parallelAxis[0] as { type: string; data?: string[] };
    expect(alpha).toMatchObject({ type: 'category', data: ['—', '0.5'] });
    expect(o.series[0].data.map((d) => d.value)).toEqual([[0, 1, 0, 1, 5], [1, 0, 1, 0, 7]]);
    expect(o.series[0].data.flatMap((d) => d.value).every(Number.isFinite)).toBe(true);
  });

  it('shortens names (full ones in the tooltip) and colours lines by the metric on the last axis', () => {
    expect(o.parallelAxis[1].name).toBe(shortName('minChildWeightForLongName'));
    expect(o.parallelAxis[1].name.length).toBeLessThanOrEqual(14);
    expect(o.tooltip.formatter({ name: 'gbt', value: [0, 1, 0, 1, 5] })).toContain('params.minChildWeightForLongName: 1');
    expect(o.visualMap).toMatchObject({ dimension: 4, min: 5, max: 7 });
  });
});

describe('metric history', () => {
  const pts = (values: number[]) => values.map((value, step) => ({ key: 'k', step, value, timestampMs: 0 }));
  it('chooses log only for positive values spanning more than two decades', () => {
    expect(autoScale([{ points: pts([8.5, 5.2]) }])).toBe('linear');
    expect(autoScale([{ points: pts([1e3, 1e-4]) }])).toBe('log');
    expect(autoScale([{ points: pts([1, -1]) }])).toBe('linear');
  });
  it('puts steps on an integer axis and the legend below the plot', () => {
    const o = historyLines([{ name: 'a', points: pts([3, 2]) }], 'value', 'linear');
    expect(o.xAxis.minInterval).toBe(1);
    expect(o.xAxis.axisLabel?.formatter?.(0.5)).toBe('');
    expect(o.xAxis.axisLabel?.formatter?.(2)).toBe('2');
    expect(o.yAxis.type).toBe('value');
    expect(o.legend.bottom).toBe(0);
    expect(historyLines([{ name: 'a', points: pts([3, 2]) }], 'value', 'log').yAxis.type).toBe('log');
  });
  it("gives a run its own colour in every chart, and keeps trials' names apart in the legend", () => {
    const only = historyLines([{ name: 'b', points: pts([3]), colorIndex: 1 }], 'v', 'linear');
    const both = historyLines([{ name: 'a', points: pts([3]), colorIndex: 0 }, { name: 'b', points: pts([3]), colorIndex: 1 }], 'v', 'linear');
    expect(only.series[0].color).toBe(both.series[1].color);
    expect(only.series[0].color).not.toBe(both.series[0].color);
    const names = ['search-tpe-f0e6a1-trial-24', 'search-tpe-f0e6a1-trial-27'].map((n) => middleCut(n));
    expect(new Set(names).size).toBe(2);
    expect(names[0]).toBe('search-tpe…a1-trial-24');
    expect(middleCut('short-run')).toBe('short-run');
  });
});

describe('metric bars and the scatter (newcomer trial 4)', () => {
  const runs = [run('gbt-1', { model: 'gbt', maxDepth: '6' }, 5.26), run('gbt-2', { model: 'gbt', maxDepth: '8' }, 5.4), run('ridge', { model: 'ridge', alpha: '1' }, 7.35)];

  it('starts the bars at 0, so their heights compare as the values do', () => {
    const o = barOption(runs, 'rmse_val');
    expect(o.yAxis.scale).toBe(false);
    expect(o.yAxis).not.toHaveProperty('min');
    expect(crowdedTexts(o, ['rmse_val'], 400, 300)).toEqual([]); // the axis name whole, not cut at the top
  });

  it('puts on x, by default, a key most runs have: not a param only one run has', () => {
    // alpha (1 run) sorts first among the differing params; maxDepth (2 runs) and model (3) differ too
    expect(defaultScatterX(runs, ['alpha', 'maxDepth', 'model'], ['rmse_val'], ['alpha', 'maxDepth', 'model'], 'metrics.rmse_val')).toBe('params.model');
    // no param most runs have: a metric other than y
    const sparse = [run('a', { alpha: '1' }, 5), { ...run('b', {}, 6), metrics: { rmse_val: 6, rmse_train: 4 } } as typeof runs[number], { ...run('c', {}, 7), metrics: { rmse_val: 7, rmse_train: 5 } } as typeof runs[number]];
    expect(defaultScatterX(sparse, ['alpha'], ['rmse_train', 'rmse_val'], ['alpha'], 'metrics.rmse_val')).toBe('metrics.rmse_train');
  });
});
